"""The command layer: one typed function per operation, shared by the CLI and Python users.

Each function takes plain arguments (and a knowledge base, or None for the shipped one),
applies every rule, and returns an :class:`Outcome`: the result model plus the notes and
warnings meant for stderr. ``cxcs.cli`` only parses arguments, calls one of these and
presents the outcome, so the command line and the library cannot disagree. :mod:`cxcs`
re-exports every name here as the same object (``cxcs.show``), but for ``compare`` and
``classify``, whose top-level names return just the result.

To add a command: a function here returning ``Outcome("name", result, kb)``, its name in
``cxcs/__init__.py`` (``__all__`` and its type-checking imports; a test checks), a view
for it in :mod:`cxcs.views`, and a Typer declaration in :mod:`cxcs.cli` calling ``present``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cxcs.commands._kb import open_knowledge
from cxcs.commands.browse import (
    MetricList,
    axes,
    list_functions,
    metric,
    metrics,
    show,
    validate,
)
from cxcs.commands.classify import classify, classify_batch, classify_file
from cxcs.commands.compare import compare, journey, map
from cxcs.commands.outcome import Outcome
from cxcs.commands.summarize import summarize

if TYPE_CHECKING:  # pragma: no cover
    from cxcs.summary import BatchSummary


def __getattr__(name: str) -> Any:
    """``BatchSummary`` on first use (only batch commands need it)."""
    if name == "BatchSummary":
        from cxcs.summary import BatchSummary

        return BatchSummary
    raise AttributeError(f"module 'cxcs.commands' has no attribute {name!r}")


__all__ = [
    "BatchSummary",
    "MetricList",
    "Outcome",
    "axes",
    "classify",
    "classify_batch",
    "classify_file",
    "compare",
    "journey",
    "list_functions",
    "map",
    "metric",
    "metrics",
    "open_knowledge",
    "show",
    "summarize",
    "validate",
]
