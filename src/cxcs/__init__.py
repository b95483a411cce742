"""cxcs: compare customer-facing functions and classify job postings by their duties.

Every name below is imported on first use, so ``import cxcs`` stays cheap::

    from cxcs import load_knowledge, compare, classify

Knowledge:
    load_knowledge(overlays=())      the shipped knowledge base, with overlay directories
    open_knowledge(overlays=())      the same, as the command line opens it

Results only (frozen pydantic models):
    compare(kb, *functions, axes=None)       PairComparison or MatrixComparison
    classify(kb, text, title=None)           Classification

The commands of the command line, one function each, returning an ``Outcome`` (``.result``
plus the ``.notes`` and ``.warnings`` the CLI prints on stderr); ``kb`` may be None for the
shipped knowledge:
    list_functions(kb)                       cxcs list
    show(kb, name)                           cxcs show
    axes(kb)                                 cxcs axes
    metrics(kb, function=None)               cxcs metrics
    metric(kb, name)                         cxcs metric
    validate(directory=None)                 cxcs validate
    journey(kb, functions=())                cxcs journey
    map(kb, functions=(), x=..., y=...)      cxcs map
    classify_file(kb, source, title=None)    cxcs classify FILE
    classify_batch(kb, source, ...)          cxcs classify --batch
    summarize(source)                        cxcs summarize
    Outcome, MetricList, BatchSummary        what they return

``cxcs.compare`` and ``cxcs.classify`` return just the result; the commands of the same
names, returning the whole ``Outcome`` (and taking ``differences=`` and ``explain=``), are
``cxcs.commands.compare`` and ``cxcs.commands.classify``. Every other name above is the very
function of :mod:`cxcs.commands` the command line calls.

Many postings as rows: classify_records, output_columns, classify_frame (pandas),
arrow_schema and spark_ddl (the output schema).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "BatchSummary",
    "MetricList",
    "Outcome",
    "__version__",
    "arrow_schema",
    "axes",
    "classify",
    "classify_batch",
    "classify_file",
    "classify_frame",
    "classify_records",
    "commands",
    "compare",
    "journey",
    "list_functions",
    "load_knowledge",
    "map",
    "metric",
    "metrics",
    "open_knowledge",
    "output_columns",
    "show",
    "spark_ddl",
    "summarize",
    "validate",
]

if TYPE_CHECKING:  # pragma: no cover
    from cxcs import commands
    from cxcs.api import classify, compare, load_knowledge
    from cxcs.commands import (
        BatchSummary,
        MetricList,
        Outcome,
        axes,
        classify_batch,
        classify_file,
        journey,
        list_functions,
        map,
        metric,
        metrics,
        open_knowledge,
        show,
        validate,
    )
    from cxcs.commands.summarize import summarize  # the function (mypy: not the module)
    from cxcs.frames import classify_frame
    from cxcs.records import classify_records, output_columns
    from cxcs.schema import arrow_schema, spark_ddl

_LAZY = {
    "classify": "cxcs.api",
    "compare": "cxcs.api",
    "load_knowledge": "cxcs.api",
    "classify_frame": "cxcs.frames",
    "arrow_schema": "cxcs.schema",
    "spark_ddl": "cxcs.schema",
    "classify_records": "cxcs.records",
    "output_columns": "cxcs.records",
}
"""Where the public names that are not commands live; every other name in ``__all__`` is
the same object in :mod:`cxcs.commands` (``compare`` and ``classify`` are :mod:`cxcs.api`'s:
results, not outcomes)."""


def __getattr__(name: str) -> Any:
    """The public names, each imported on first use."""
    from importlib import import_module

    if name == "commands":
        return import_module("cxcs.commands")
    if name in __all__:
        return getattr(import_module(_LAZY.get(name, "cxcs.commands")), name)
    raise AttributeError(f"module 'cxcs' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The module's own names and the public ones not imported yet (``dir``, ``help``)."""
    return sorted(set(globals()) | set(__all__))
