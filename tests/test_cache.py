"""The knowledge cache: same answer as a fresh load, never trusted blindly, can be switched off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from cxcs.knowledge import cache
from cxcs.knowledge.load import data_dir, load_knowledge
from tests.support import cxcs_argv, require, run_cli


@pytest.fixture
def cache_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CXCS_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("CXCS_NO_CACHE", raising=False)
    return tmp_path


def test_cached_load_equals_fresh_load(cache_in: Path) -> None:
    fresh = load_knowledge()
    files = list(cache_in.glob("*.json"))
    assert len(files) == 1
    assert load_knowledge() == fresh
    assert load_knowledge(signals=False).signals is None


def test_corrupt_or_inconsistent_cache_is_ignored(cache_in: Path) -> None:
    fresh = load_knowledge()
    (entry,) = cache_in.glob("*.json")
    entry.write_text('{"not": "a knowledge base"}', encoding="utf-8")
    assert load_knowledge() == fresh
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace('"proactivity":', '"proactivity_x":', 1), encoding="utf-8")
    assert load_knowledge() == fresh


def test_cache_can_be_switched_off(cache_in: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXCS_NO_CACHE", "1")
    load_knowledge()
    assert cache.cache_dir() is None
    assert not list(cache_in.glob("*.json"))


def test_key_changes_with_any_byte() -> None:
    a = cache.cache_key([("f.yaml", "a: 1")], signals=True)
    assert a != cache.cache_key([("f.yaml", "a: 2")], signals=True)
    assert a != cache.cache_key([("f.yaml", "a: 1")], signals=False)


def test_a_cache_hit_does_not_import_yaml(cache_in: Path) -> None:
    import json
    import subprocess
    import sys

    load_knowledge(signals=False)
    probe = (
        "import sys, json\nfrom cxcs.knowledge.load import load_knowledge\n"
        "load_knowledge(signals=False)\nprint(json.dumps('yaml' in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(done.stdout) is False


def _expanders() -> set[object]:
    """The code of every YAML-shorthand expander the knowledge models declare."""
    from typing import get_args

    from cxcs.models.knowledge import Shorthand

    found: set[object] = set()

    def walk(annotation: object) -> None:
        for part in (*get_args(annotation), *getattr(annotation, "__metadata__", ())):
            if isinstance(part, Shorthand):
                found.add(part.expand.__code__)
            walk(part)

    from pydantic import BaseModel

    import cxcs.models.knowledge as models

    for model in vars(models).values():
        if isinstance(model, type) and issubclass(model, BaseModel):
            for field in model.model_fields.values():
                walk(field.annotation)
                for meta in field.metadata:
                    walk(meta)
    return found


def _expander_calls(validate: object) -> int:
    calls = 0
    expanders = _expanders()

    def profile(frame: Any, event: str, arg: object) -> None:
        nonlocal calls
        if event == "call" and frame.f_code in expanders:
            calls += 1

    sys.setprofile(profile)
    try:
        validate()  # type: ignore[operator]
    finally:
        sys.setprofile(None)
    return calls


def test_reading_the_cache_calls_no_shorthand_expander(cache_in: Path) -> None:
    """The cache holds the full form cxcs wrote: validating its JSON calls none of the
    functions that expand the YAML shorthands (a call into Python per source, item and cell
    was most of the cost of a cache hit); the same data given as Python objects is expanded
    as ever (control), and a shorthand written into the JSON is refused."""
    from cxcs.models.knowledge import Knowledge

    assert len(_expanders()) == 3  # sources, items, cells
    body = _entry(cache_in).read_bytes().partition(b"\n")[2]
    Knowledge.model_rebuild()
    assert _expander_calls(lambda: Knowledge.model_validate_json(body)) == 0
    assert _expander_calls(lambda: Knowledge.model_validate(json.loads(body))) > 100
    data = json.loads(body)
    cell = next(iter(data["functions"].values()))["cells"]["proactivity"]
    source = cell["sources"][0]
    Knowledge.model_validate(data)  # control: valid as it is
    cell["sources"][0] = f"{source['article']} § {source['section']}"
    Knowledge.model_validate(data)  # the shorthand, from Python (YAML): accepted
    with pytest.raises(ValidationError):
        Knowledge.model_validate_json(json.dumps(data))


# --------------------------------------------------------------------------- hostile caches


def _entry(cache_in: Path) -> Path:
    load_knowledge(signals=False)
    (entry,) = cache_in.glob("*.json")
    return entry


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_at_the_cache_path_never_hangs(cache_in: Path) -> None:
    entry = _entry(cache_in)
    entry.unlink()
    os.mkfifo(entry)
    done = subprocess.run(
        cxcs_argv("list", "-f", "json"),
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "CXCS_CACHE_DIR": str(cache_in)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"]


def test_a_cache_entry_linked_to_a_device_is_not_read(cache_in: Path) -> None:
    require(Path("/dev/zero").exists(), "/dev/zero is missing")
    entry = _entry(cache_in)
    entry.unlink()
    entry.symlink_to("/dev/zero")
    started = time.perf_counter()
    assert load_knowledge(signals=False) == load_knowledge(signals=False, base=None)
    assert time.perf_counter() - started < 10


def test_an_oversized_cache_entry_is_not_read(cache_in: Path) -> None:
    entry = _entry(cache_in)
    with entry.open("r+b") as handle:  # sparse: 400 MB on paper, nothing on disk
        handle.truncate(cache.MAX_ENTRY_BYTES * 25)
    started = time.perf_counter()
    fresh = load_knowledge(signals=False)
    assert time.perf_counter() - started < 5
    assert fresh.functions
    assert entry.stat().st_size < cache.MAX_ENTRY_BYTES  # replaced by a good entry


def test_a_cache_entry_of_another_knowledge_base_is_not_served(
    cache_in: Path, tmp_path: Path
) -> None:
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "functions.yaml").write_text("functions:\n  cx:\n    name: Planted CX\n")
    planted = load_knowledge([overlay], signals=False)
    (other,) = [p for p in cache_in.glob("*.json")]
    key = cache.cache_key(
        [(str(data_dir() / n), (data_dir() / n).read_text(encoding="utf-8"))
         for n in ("functions.yaml", "metrics.yaml", "signals.yaml")],
        signals=False,
    )  # fmt: skip
    other.rename(cache_in / f"{key}.json")  # planted under the shipped knowledge's key
    assert cache.read(key) is None
    assert load_knowledge(signals=False).functions["cx"].name != planted.functions["cx"].name


def test_an_edited_cache_entry_is_not_trusted(cache_in: Path) -> None:
    fresh = load_knowledge(signals=False)
    entry = _entry(cache_in)
    data = entry.read_bytes()
    name = fresh.functions["cx"].name
    entry.write_bytes(data.replace(name.encode(), b"Edited CX", 1))
    assert load_knowledge(signals=False).functions["cx"].name == name


def test_a_cache_directory_others_can_write_is_refused(
    cache_in: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = cache_in / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    os.environ["CXCS_CACHE_DIR"] = str(shared)
    cache._noted.clear()
    load_knowledge(signals=False)
    load_knowledge(signals=False)
    assert list(shared.iterdir()) == []  # nothing written, so nothing planted is read
    err = capsys.readouterr().err
    assert err.count("writable by other users; running without the cache") == 1


def test_no_home_directory_runs_without_the_cache_and_says_so_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("CXCS_CACHE_DIR", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", no_home)
    cache._noted.clear()
    run = run_cli(capsys, "list")
    assert run.code == 0, run.err
    assert run.err.count("no home directory; running without the knowledge cache") == 1
    again = run_cli(capsys, "show", "cx")
    assert again.code == 0, again.err
    assert "knowledge cache" not in again.err  # once per process
    assert cache.cache_dir() is None


def test_cxcs_no_cache_0_leaves_the_cache_on(
    cache_in: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for value in ("0", "false", "no", "off", ""):
        monkeypatch.setenv("CXCS_NO_CACHE", value)
        assert cache.cache_dir() == cache_in, value
    monkeypatch.setenv("CXCS_NO_CACHE", "yes")
    assert cache.cache_dir() is None
