"""Shared test fixtures.

NOTE: reconstructed. The original (untracked) version of this file was overwritten by
mistake by the engineer writing the foundation tests; this restores what test_classify.py
uses from it (the ``kb`` fixture and ``load_samples``). Please check it against your copy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cxcs.knowledge.load import load_knowledge
from cxcs.models.knowledge import Knowledge

SAMPLES = Path(__file__).parent / "samples"


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
