"""cxcs: compare customer-facing functions and classify job postings by their duties.

The public Python API is imported lazily so that ``import cxcs`` stays cheap::

    from cxcs import load_knowledge, compare, classify
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "classify",
    "classify_records",
    "compare",
    "load_knowledge",
    "output_columns",
]

if TYPE_CHECKING:  # pragma: no cover
    from cxcs.api import classify, compare, load_knowledge
    from cxcs.records import classify_records, output_columns


def __getattr__(name: str) -> Any:
    if name in {"classify", "compare", "load_knowledge"}:
        from cxcs import api

        return getattr(api, name)
    if name in {"classify_records", "output_columns"}:
        from cxcs import records

        return getattr(records, name)
    raise AttributeError(f"module 'cxcs' has no attribute {name!r}")
