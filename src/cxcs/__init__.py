"""cxcs: compare customer-facing functions and classify job postings by their duties.

The public Python API is imported lazily so that ``import cxcs`` stays cheap::

    from cxcs import load_knowledge, compare, classify

Every command of the command line is a function of :mod:`cxcs.commands` (``cxcs.commands.
show(kb, "cx")``, ``cxcs.commands.metric(kb, "nps")``...) returning an ``Outcome``: the
result plus its notes and warnings. ``compare`` and ``classify`` here are those commands
returning just the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "arrow_schema",
    "classify",
    "classify_frame",
    "classify_records",
    "commands",
    "compare",
    "load_knowledge",
    "output_columns",
    "spark_ddl",
]

if TYPE_CHECKING:  # pragma: no cover
    from cxcs import commands
    from cxcs.api import classify, compare, load_knowledge
    from cxcs.frames import classify_frame
    from cxcs.records import classify_records, output_columns
    from cxcs.schema import arrow_schema, spark_ddl

_LAZY = {
    "classify_frame": "cxcs.frames",
    "arrow_schema": "cxcs.schema",
    "spark_ddl": "cxcs.schema",
    "classify_records": "cxcs.records",
    "output_columns": "cxcs.records",
}


def __getattr__(name: str) -> Any:
    if name == "commands":
        import importlib

        return importlib.import_module("cxcs.commands")
    if name in {"classify", "compare", "load_knowledge"}:
        from cxcs import api

        return getattr(api, name)
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cxcs' has no attribute {name!r}")
