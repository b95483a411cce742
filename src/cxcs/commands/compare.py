"""Commands that set functions side by side: compare, journey and map."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cxcs.commands._kb import knowledge
from cxcs.commands.outcome import Outcome
from cxcs.errors import UsageError

if TYPE_CHECKING:
    from cxcs.models.compare import PairComparison
    from cxcs.models.journey import JourneyMap
    from cxcs.models.knowledge import Knowledge
    from cxcs.models.matrix import MatrixComparison
    from cxcs.models.placement import Placement


TWO_FUNCTIONS = "compare needs at least two functions, e.g. 'cxcs compare cx cs'; see 'cxcs list'"
"""What ``compare`` with fewer than two functions is told (the command line too, given none)."""


def resolve_distinct(kb: Knowledge, names: Sequence[str]) -> tuple[list[str], tuple[str, ...]]:
    """Function ids for ``names`` and the notes resolving them gave.

    Naming one function twice (``cx`` and ``customer experience``) is a usage error: a
    function compared with itself says nothing, so the second name is most likely a slip.
    """
    from cxcs.knowledge.resolve import resolve_function

    ids: list[str] = []
    notes: list[str] = []
    for index, name in enumerate(names):
        resolved = resolve_function(kb, name)
        if resolved.note and resolved.note not in notes:
            notes.append(resolved.note)
        if resolved.function_id in ids:
            first = names[ids.index(resolved.function_id)]
            raise named_twice("function", first, names[index], resolved.function_id)
        ids.append(resolved.function_id)
    return ids, tuple(notes)


def named_twice(kind: str, first: str, second: str, found: str) -> UsageError:
    """The usage error for two names of one ``kind`` (function, axis) that name the same
    ``found`` id."""
    return UsageError(
        f"'{first}' and '{second}' name the same {kind} ({found}); give each {kind} once"
    )


def resolve_axis_list(kb: Knowledge, names: Sequence[str]) -> list[str]:
    """Axis ids for ``names`` (ids or names), in order; naming one axis twice (``scope`` and
    ``Scope``) is a usage error, as for functions: the rows would not repeat, so the second
    name is most likely a slip for another axis."""
    from cxcs.knowledge.resolve import resolve_axes

    ids = resolve_axes(kb, names)
    for index, found in enumerate(ids):
        if found in ids[:index]:
            raise named_twice("axis", names[ids.index(found)], names[index], found)
    return ids


def axis_list(axes: Sequence[str] | None) -> list[str] | None:
    """Axis ids as given (blank entries dropped); naming none at all is a usage error."""
    if axes is None:
        return None
    if isinstance(axes, str):
        axes = axes.split(",")
    chosen = [a.strip() for a in axes if a.strip()]
    if not chosen:
        raise UsageError("--axes names no axis; see 'cxcs axes'")
    return chosen


def compare(
    kb: Knowledge | None,
    *functions: str,
    axes: Sequence[str] | None = None,
    differences: bool = False,
) -> Outcome[PairComparison | MatrixComparison]:
    """Compare functions axis by axis: two give a pair comparison (a verdict per axis and a
    similarity), three or more a matrix. ``axes`` (ids or names) limits and orders the axes.
    ``differences`` keeps only the axes where the functions differ (the result names the
    hidden ones; similarities and the summary still cover every compared axis)."""
    from cxcs.engine.compare import compare_many, compare_pair, only_differences

    if len(functions) < 2:
        raise UsageError(TWO_FUNCTIONS)
    kb = knowledge(kb)
    ids, notes = resolve_distinct(kb, functions)
    chosen = axis_list(axes)
    axis_ids = resolve_axis_list(kb, chosen) if chosen is not None else None
    result: PairComparison | MatrixComparison
    if len(ids) == 2:
        result = compare_pair(kb, ids[0], ids[1], axis_ids)
    else:
        result = compare_many(kb, ids, axis_ids)
    if differences:
        result = only_differences(result)
    return Outcome("compare", result, kb, notes=notes, options={"differences": differences})


def journey(kb: Knowledge | None = None, functions: Sequence[str] = ()) -> Outcome[JourneyMap]:
    """Stage × function: who leads and who contributes, for ``functions`` (default: all)."""
    from cxcs.engine.journey import journey as build

    kb = knowledge(kb)
    ids, notes = resolve_distinct(kb, functions)
    return Outcome("journey", build(kb, ids), kb, notes=notes)


def map(
    kb: Knowledge | None = None,
    functions: Sequence[str] = (),
    *,
    x: str = "proactivity",
    y: str = "scope",
) -> Outcome[Placement]:
    """Place functions (all when none are named) on a grid of two ordinal axes."""
    from cxcs.engine.placement import place

    kb = knowledge(kb)
    ids, notes = resolve_distinct(kb, functions)
    x, y = grid_axis_id(kb, x, "--x"), grid_axis_id(kb, y, "--y")
    return Outcome("map", place(kb, x, y, ids or None), kb, notes=notes)


def grid_axis_id(kb: Knowledge, name: str, option: str) -> str:
    """The axis id ``name`` stands for (an id or a display name, as ``--axes`` takes them);
    a function's name is told it is one; any other name is left for the map to refuse with
    the ordinal axes it can use."""
    from cxcs.knowledge.checks import normalize_name
    from cxcs.knowledge.resolve import axis_index, name_index, resolve_axes

    key = normalize_name(name)
    if key in axis_index(kb) or key in name_index(kb):
        return resolve_axes(kb, [name], option)[0]
    return name
