"""Place functions on a grid of two ordinal axes. Pure: models in, a :class:`Placement` out.

A function whose cell on either axis is disputed is placed at every position its claims
allow (the product of the claimed x values and the claimed y values), each marked disputed,
the one of the primary claims marked primary; nothing is averaged or resolved.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

from cxcs.errors import UsageError
from cxcs.models.kinds import KINDS
from cxcs.models.knowledge import Axis, Cell, Knowledge
from cxcs.models.placement import GridAxis, GridCell, Mark, PlacedFunction, Placement, Position
from cxcs.suggest import suggestions

DEFAULT_X = "proactivity"
DEFAULT_Y = "scope"


def ordinal_axes(kb: Knowledge) -> tuple[Axis, ...]:
    """The axes a map can use: those with an ordered scale."""
    return tuple(a for a in kb.axes if KINDS[a.kind].scaled)


def grid_axis(kb: Knowledge, axis_id: str, option: str = "axis") -> GridAxis:
    """The ordinal axis ``axis_id`` as a grid dimension, or a usage error naming the choices."""
    ordinal = ordinal_axes(kb)
    choices = ", ".join(a.id for a in ordinal)
    known = {a.id: a for a in kb.axes}
    axis = known.get(axis_id.strip().lower())
    if axis is None:
        close = suggestions(axis_id, [a.id for a in ordinal], limit=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise UsageError(
            f"{option}: unknown axis '{axis_id}'; {hint}ordinal axes: {choices}",
            ordinal_axes=[a.id for a in ordinal],
        )
    if not KINDS[axis.kind].scaled or axis.scale is None:
        raise UsageError(
            f"{option}: axis '{axis.id}' is a {axis.kind} axis and has no scale to place "
            f"functions on; ordinal axes: {choices}",
            ordinal_axes=[a.id for a in ordinal],
        )
    return GridAxis(id=axis.id, name=axis.name, question=axis.question, scale=axis.scale)


def place(
    kb: Knowledge,
    x_axis: str = DEFAULT_X,
    y_axis: str = DEFAULT_Y,
    function_ids: Sequence[str] | None = None,
) -> Placement:
    """Place ``function_ids`` (default: every function) on the grid ``x_axis`` by ``y_axis``."""
    x = grid_axis(kb, x_axis, "--x")
    y = grid_axis(kb, y_axis, "--y")
    if x.id == y.id:
        raise UsageError(f"--x and --y are both '{x.id}'; choose two different ordinal axes")
    chosen = list(dict.fromkeys(function_ids)) if function_ids else list(kb.functions)
    placed = tuple(_place_function(kb, fid, x, y) for fid in chosen)
    return Placement(x=x, y=y, functions=placed, cells=_cells(placed, x, y))


def _claimed(cell: Cell, scale: tuple[str, ...]) -> tuple[str, ...]:
    """The distinct values a cell claims: the primary claim first, then the others in scale
    order."""
    values = {c.value for c in cell.claims if isinstance(c.value, str)}
    primary = cell.claim.value
    first = (primary,) if isinstance(primary, str) and primary in scale else ()
    return first + tuple(v for v in scale if v in values and v not in first)


def _place_function(kb: Knowledge, fid: str, x: GridAxis, y: GridAxis) -> PlacedFunction:
    function = kb.functions[fid]
    x_cell, y_cell = function.cells[x.id], function.cells[y.id]
    xs, ys = _claimed(x_cell, x.scale), _claimed(y_cell, y.scale)
    disputed = len(xs) > 1 or len(ys) > 1
    positions = tuple(
        Position(
            x=xv,
            y=yv,
            column=x.scale.index(xv),
            row=y.scale.index(yv),
            disputed=disputed,
            primary=xv == xs[0] and yv == ys[0],
        )
        for xv, yv in product(xs, ys)
    )
    return PlacedFunction(
        function=fid,
        name=function.name,
        label=function.abbreviation or fid,
        x=xs,
        y=ys,
        x_disputed=len(xs) > 1,
        y_disputed=len(ys) > 1,
        x_practice=x_cell.practice,
        y_practice=y_cell.practice,
        positions=positions,
    )


def _cells(placed: Sequence[PlacedFunction], x: GridAxis, y: GridAxis) -> tuple[GridCell, ...]:
    cells = []
    for row in reversed(range(len(y.scale))):
        for column in range(len(x.scale)):
            marks = tuple(
                Mark(function=f.function, label=f.label, disputed=p.disputed)
                for f in placed
                for p in f.positions
                if p.column == column and p.row == row
            )
            if marks:
                cells.append(
                    GridCell(x=x.scale[column], y=y.scale[row], column=column, row=row, marks=marks)
                )
    return tuple(cells)
