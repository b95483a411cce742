"""The public Python API: load a knowledge base, compare functions, classify postings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from cxcs.engine.classify import classify as _classify
from cxcs.engine.compare import compare_many, compare_pair
from cxcs.knowledge.load import load_knowledge as _load
from cxcs.knowledge.resolve import resolve_function
from cxcs.models.classify import Classification
from cxcs.models.compare import MatrixComparison, PairComparison
from cxcs.models.knowledge import Knowledge


def load_knowledge(overlays: Iterable[Path | str] = ()) -> Knowledge:
    """The shipped knowledge base, with overlay directories layered on top in order."""
    return _load(overlays)


def compare(
    kb: Knowledge, *functions: str, axes: Sequence[str] | None = None
) -> PairComparison | MatrixComparison:
    """Compare two functions (a pair result) or more (a matrix); names may be aliases."""
    ids = [resolve_function(kb, f).function_id for f in functions]
    if len(ids) == 2:
        return compare_pair(kb, ids[0], ids[1], axes)
    return compare_many(kb, ids, axes)


def classify(
    kb: Knowledge, text: str, title: str | None = None, *, detect_title: bool = True
) -> Classification:
    """Classify a job posting by what its duties describe."""
    return _classify(kb, text, title, detect_title=detect_title)
