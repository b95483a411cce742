"""Helpers for the foundation tests: an in-process CLI runner and broken knowledge copies.

Plain functions (not fixtures) so test modules can import them without shadowing fixtures.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from cxcs.cli import main
from cxcs.knowledge.load import data_dir

KB_FILES = ("functions.yaml", "metrics.yaml")
"""What a complete knowledge directory needs (signals.yaml is optional, so not copied)."""

ENV_NOISE = ("CXCS_KB", "NO_COLOR", "FORCE_COLOR", "CXCS_DEBUG", "COLUMNS")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No overlay, colour or debug setting leaks in from the environment (import to use)."""
    for name in ENV_NOISE:
        monkeypatch.delenv(name, raising=False)


@dataclass
class Run:
    """What one CLI invocation produced."""

    code: int
    out: str
    err: str


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    """Run ``cxcs ARGS`` in-process and return its exit status, stdout and stderr."""
    capsys.readouterr()
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code
    else:
        pytest.fail("cxcs.cli.main returned instead of raising SystemExit")
    captured = capsys.readouterr()
    code = 0 if code is None else code
    assert isinstance(code, int), f"exit status must be an int, got {code!r}"
    return Run(code, captured.out, captured.err)


def run_subprocess(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m cxcs ARGS`` in a fresh interpreter (real exit codes, real pipes)."""
    base = {k: v for k, v in os.environ.items() if k not in ENV_NOISE}
    return subprocess.run(
        [sys.executable, "-m", "cxcs", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**base, **(env or {})},
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


def copy_kb(target: Path) -> Path:
    """A private, complete copy of the shipped knowledge files in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in KB_FILES:
        shutil.copyfile(data_dir() / name, target / name)
    return target


def line_number(text: str, needle: str, start: int = 0) -> int:
    """1-based number of the line holding the first ``needle`` at or after offset ``start``."""
    index = text.index(needle, start)
    return text.count("\n", 0, index) + 1


def block(text: str, function_id: str) -> tuple[int, int]:
    """Offsets of one function's block in functions.yaml: from its key to the next sibling."""
    start = text.index(f"\n  {function_id}:\n") + 1
    after = re.compile(r"^ {0,2}\S", re.MULTILINE).search(text, text.index("\n", start) + 1)
    return start, after.start() if after else len(text)


def cxcs_argv(*args: str) -> list[str]:
    """The command line that runs ``cxcs ARGS`` in a fresh interpreter."""
    return [sys.executable, "-m", "cxcs", *args]


def subprocess_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a cxcs subprocess: this one without ENV_NOISE, plus ``env``."""
    base = {k: v for k, v in os.environ.items() if k not in ENV_NOISE}
    return {**base, **(env or {})}
