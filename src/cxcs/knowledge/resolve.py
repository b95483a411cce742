"""Turn what a user typed (an id, alias, display name or abbreviation) into an id.

Hints for unknown names come from :mod:`cxcs.suggest`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from cxcs.errors import UsageError
from cxcs.knowledge.checks import normalize_name
from cxcs.models.knowledge import Knowledge, Metric
from cxcs.suggest import closest_ids, hint, suggestions

AMBIGUOUS = {"cs": "success"}
AMBIGUITY_NOTE = (
    "note: 'cs' is ambiguous in the sources (customer success in some, customer service in "
    "others); using 'success'. Ask for 'service' to get customer service."
)


class Resolved(NamedTuple):
    """A function id and, when the name was ambiguous, a note for stderr."""

    function_id: str
    note: str | None = None


def name_index(kb: Knowledge, *, hidden: bool = True) -> dict[str, str]:
    """Every lookup name (normalized) mapped to its function id; ``hidden=False`` leaves out
    the hidden aliases (names accepted on lookup but never shown, not even as a hint)."""
    index: dict[str, str] = {}
    for fid, function in kb.functions.items():
        names = [fid, function.name, *function.aliases]
        if hidden:
            names += function.hidden_aliases
        if function.abbreviation:
            names.append(function.abbreviation)
        for name in names:
            key = normalize_name(name)
            if key:  # a blank alias or abbreviation names nothing
                index.setdefault(key, fid)
    return index


def resolve_function(kb: Knowledge, name: str) -> Resolved:
    """Resolve ``name`` or raise a usage error with a "did you mean" hint."""
    key = normalize_name(name)
    if not key:
        raise UsageError("empty function name; give an id or alias, e.g. 'cx'")
    index = name_index(kb)
    if key in index:
        return Resolved(index[key])
    if key in AMBIGUOUS and AMBIGUOUS[key] in kb.functions:
        return Resolved(AMBIGUOUS[key], AMBIGUITY_NOTE)
    metric = metric_index(kb.metrics).get(key)
    if metric is not None:  # "cxcs show nps": a metric, not a function
        raise UsageError(
            f"'{name}' is a metric, not a function; see 'cxcs metric {metric}'",
            known=sorted(kb.functions),
        )
    parts = [p.strip() for p in name.split(",")]
    if len(parts) > 1 and all(normalize_name(p) in {*index, *AMBIGUOUS} for p in parts):
        raise UsageError(  # "cxcs compare cx,ux": --axes takes a list, functions do not
            f"unknown function '{name}'; give one function per argument: '{' '.join(parts)}'",
            known=sorted(kb.functions),
        )
    if key in axis_index(kb):  # "cxcs show scope": an axis, not a function
        raise UsageError(
            f"'{name}' is an axis, not a function; see 'cxcs axes'", known=sorted(kb.functions)
        )
    shown = name_index(kb, hidden=False)
    by_function: dict[str, str] = {}
    for close in suggestions(key, shown):  # one name per function
        by_function.setdefault(shown[close], close)
    text = hint(list(by_function.values())) or f"; known: {', '.join(sorted(kb.functions))}"
    raise UsageError(f"unknown function '{name}'{text}", known=sorted(kb.functions))


def metric_index(metrics: Mapping[str, Metric]) -> dict[str, str]:
    """Every lookup name of a metric (id, display name, abbreviation), normalized, to its id."""
    index: dict[str, str] = {}
    for mid, metric in metrics.items():
        for name in (mid, metric.name, metric.abbreviation):
            if name:
                index.setdefault(normalize_name(name), mid)
    return index


def resolve_metric(kb: Knowledge, name: str) -> Metric:
    """The metric named by id, display name or abbreviation, or a usage error with hints."""
    index = metric_index(kb.metrics)
    found = index.get(normalize_name(name))
    if found is None:
        function = name_index(kb).get(normalize_name(name))
        if function is not None:  # "cxcs metric cx": a function, not a metric
            raise UsageError(
                f"'{name}' is a function, not a metric; see 'cxcs metrics {function}' "
                f"or 'cxcs show {function}'",
                known=sorted(kb.metrics),
            )
        hint = did_you_mean_id(name, index, "cxcs metrics")
        raise UsageError(f"unknown metric '{name}'{hint}", known=sorted(kb.metrics))
    return kb.metrics[found]


def did_you_mean_id(name: str, index: Mapping[str, str], see: str) -> str:
    """``; did you mean 'nps'?`` for the ids whose names in ``index`` are close to
    ``name``, else ``; see 'SEE'``."""
    return hint(closest_ids(name, index), see)


def axis_index(kb: Knowledge) -> dict[str, str]:
    """Every lookup name of an axis (id, display name), normalized, to its id."""
    index: dict[str, str] = {}
    for axis in kb.axes:
        index.setdefault(normalize_name(axis.id), axis.id)
        index.setdefault(normalize_name(axis.name), axis.id)
    return index


def resolve_axes(kb: Knowledge, names: Sequence[str], option: str = "") -> list[str]:
    """Axis ids for ``names`` (ids, or display names such as ``Journey stages``), in order;
    an unknown one is a usage error with a hint. ``option`` prefixes the message."""
    index = axis_index(kb)
    chosen = []
    for name in names:
        found = index.get(normalize_name(name))
        if found is None:
            where = f"{option}: " if option else ""
            if normalize_name(name) in name_index(kb):  # "--axes success": a function
                raise UsageError(
                    f"{where}'{name}' is a function, not an axis; see 'cxcs axes'",
                    known=list(kb.axis_ids),
                )
            hint = did_you_mean_id(name, index, "cxcs axes")
            raise UsageError(f"{where}unknown axis '{name}'{hint}", known=list(kb.axis_ids))
        chosen.append(found)
    return chosen
