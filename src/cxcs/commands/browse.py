"""Commands that look things up: list, show, axes, metrics, metric, validate."""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cxcs.commands._kb import knowledge, listed, require_directory
from cxcs.commands.outcome import Outcome
from cxcs.errors import KnowledgeError, UsageError

if TYPE_CHECKING:
    from cxcs.models.knowledge import Axis, Function, Knowledge, Metric


class MetricList(NamedTuple):
    """The metrics asked for, and the function they were filtered by (if any)."""

    metrics: tuple[Metric, ...]
    function: str | None = None


def list_functions(kb: Knowledge | None = None) -> Outcome[tuple[Function, ...]]:
    """Every function the knowledge base defines, in id order."""
    kb = knowledge(kb)
    return Outcome("list", tuple(kb.functions.values()), kb)


def show(kb: Knowledge | None, name: str) -> Outcome[Function]:
    """One function, named by id, alias, display name or abbreviation."""
    from cxcs.knowledge.resolve import resolve_function

    kb = knowledge(kb)
    resolved = resolve_function(kb, name)
    notes = (resolved.note,) if resolved.note else ()
    return Outcome("show", kb.functions[resolved.function_id], kb, notes=notes)


def axes(kb: Knowledge | None = None) -> Outcome[tuple[Axis, ...]]:
    """The comparison axes, in knowledge order."""
    kb = knowledge(kb)
    return Outcome("axes", kb.axes, kb)


def metrics(kb: Knowledge | None = None, function: str | None = None) -> Outcome[MetricList]:
    """Every metric, or those owned by ``function`` (any name of it)."""
    from cxcs.knowledge.resolve import resolve_function

    kb = knowledge(kb)
    if function is None:
        return Outcome("metrics", MetricList(tuple(kb.metrics.values())), kb)
    resolved = resolve_function(kb, function)
    fid = resolved.function_id
    chosen = tuple(m for m in kb.metrics.values() if fid in m.owners)
    notes = (resolved.note,) if resolved.note else ()
    return Outcome("metrics", MetricList(chosen, fid), kb, notes=notes)


def metric(kb: Knowledge | None, name: str) -> Outcome[Metric]:
    """One metric, named by id, display name or abbreviation (``nps``, ``Net Promoter
    Score``, ``NPS``)."""
    from cxcs.knowledge.resolve import resolve_metric

    kb = knowledge(kb)
    return Outcome("metric", resolve_metric(kb, name), kb)


def validate(directory: str | PathLike[str] | None = None) -> Outcome[Knowledge]:
    """Validate a knowledge directory (a complete one, or an overlay over the shipped one);
    the shipped knowledge when None. A path that is not a directory is a usage error;
    several problems are listed, one a line, then counted (see :func:`listed`)."""
    from cxcs.knowledge.load import SHIPPED_LABEL, data_dir, validate_dir

    if directory is None:
        path = data_dir()
    else:
        path = Path(directory)
        if not str(directory):
            raise UsageError("validate: empty directory name")
        require_directory(path, str(directory))
    try:
        kb = validate_dir(path)
    except KnowledgeError as exc:
        raise listed(exc, SHIPPED_LABEL if directory is None else str(directory)) from None
    return Outcome("validate", kb, kb)
