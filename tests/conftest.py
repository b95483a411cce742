"""Shared test fixtures: a clean environment and a private cache for every test, the shipped
knowledge base, the labelled samples, and the postings the frame, Dask and Spark tests share."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from cxcs.knowledge.load import load_knowledge
from cxcs.models.knowledge import Knowledge

SAMPLES = Path(__file__).parent / "samples"
ENV_NOISE = ("CXCS_KB", "NO_COLOR", "FORCE_COLOR", "CXCS_DEBUG", "COLUMNS")
"""Settings of the user's shell that would change what cxcs prints (removed for every test)."""


@pytest.fixture(autouse=True, scope="session")
def private_knowledge_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the knowledge cache of the test run out of the user's home."""
    os.environ["CXCS_CACHE_DIR"] = str(tmp_path_factory.mktemp("cxcs-cache"))


@pytest.fixture(autouse=True, scope="session")
def ctrl_c_reaches_children() -> None:
    """Started in the background of a script (``pytest &``), the test run inherits Ctrl-C
    ignored, and so would every cxcs it starts: as POSIX asks, such a process keeps ignoring
    it, and the tests that send it SIGINT would wait in vain. With a handler here, each child
    starts with Ctrl-C at its default (exec resets a handler, never an ignored signal)."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No overlay, colour or debug setting leaks in from the environment."""
    for name in ENV_NOISE:
        monkeypatch.delenv(name, raising=False)


def load_samples() -> list[dict[str, Any]]:
    """Every labelled posting in tests/samples/*.jsonl, in file order."""
    rows: list[dict[str, Any]] = []
    for path in sorted(SAMPLES.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    return rows


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    """The shipped knowledge base."""
    return load_knowledge()


@pytest.fixture(scope="session")
def posting_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The postings of :func:`tests.scale_data.postings` as a JSONL file."""
    from tests.scale_data import postings, write_jsonl

    return write_jsonl(tmp_path_factory.mktemp("postings") / "postings.jsonl", postings())


@pytest.fixture(scope="session")
def reference(posting_file: Path) -> list[dict[str, Any]]:
    """The CLI's rows for ``posting_file``: what every engine must reproduce."""
    from tests.scale_data import BAD_CODES, BAD_ROWS, cli_rows, postings

    rows = cli_rows(posting_file)
    assert len(rows) == len(postings())
    errors = {r["id"]: r["error_code"] for r in rows if r["error_code"] is not None}
    assert set(errors) == {r["id"] for r in BAD_ROWS}
    assert all(errors[k] == code for k, code in BAD_CODES.items())
    return rows
