"""README.md's command reference is generated from the real --help texts and must not drift."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import gen_reference as gen
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "gen_reference.py"
README = ROOT / "README.md"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=300,
    )


def test_every_command_and_parameter_has_help() -> None:
    missing = gen.missing_help()
    assert missing == [], f"add help text for: {', '.join(missing)}"


def test_every_command_is_in_the_reference() -> None:
    text = README.read_text(encoding="utf-8")
    assert text.count(gen.START) == 1 and text.count(gen.END) == 1
    block = text[text.index(gen.START) : text.index(gen.END)]
    for name in gen.command_names():
        assert f"### `cxcs {name}`" in block, name
        assert f"Usage: cxcs {name} " in block, name


def test_readme_reference_is_up_to_date() -> None:
    proc = run("--check")
    assert proc.returncode == 0, (
        "README.md's command reference differs from the --help texts; "
        f"run: python scripts/gen_reference.py\n{proc.stderr}"
    )


def test_check_detects_drift(tmp_path: Path) -> None:
    stale = tmp_path / "README.md"
    stale.write_text(
        README.read_text(encoding="utf-8").replace("Usage: cxcs list", "Usage: cxcs lsit", 1),
        encoding="utf-8",
    )
    proc = run("--check", "--readme", str(stale))
    assert proc.returncode == 1
    assert "out of date" in proc.stderr
    assert run("--readme", str(stale)).returncode == 0
    assert stale.read_text(encoding="utf-8") == README.read_text(encoding="utf-8")


def test_splice() -> None:
    appended = gen.splice("# title\n\nintro\n", "BLOCK")
    assert appended == (
        f"# title\n\nintro\n\n## Command reference\n\n{gen.START}\nBLOCK\n{gen.END}\n"
    )
    replaced = gen.splice(appended.replace("BLOCK", "old\nstuff") + "\nafter\n", "NEW")
    assert f"{gen.START}\nNEW\n{gen.END}\n\nafter\n" in replaced
    with pytest.raises(SystemExit):
        gen.splice(f"{gen.END}\n{gen.START}\n", "x")
