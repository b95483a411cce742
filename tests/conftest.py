"""Shared test fixtures: the shipped knowledge base, the labelled samples, a private cache."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from cxcs.knowledge.load import load_knowledge
from cxcs.models.knowledge import Knowledge

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(autouse=True, scope="session")
def private_knowledge_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the knowledge cache of the test run out of the user's home."""
    os.environ["CXCS_CACHE_DIR"] = str(tmp_path_factory.mktemp("cxcs-cache"))


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
