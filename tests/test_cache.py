"""The knowledge cache: same answer as a fresh load, never trusted blindly, can be switched off."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxcs.knowledge import cache
from cxcs.knowledge.load import load_knowledge


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
