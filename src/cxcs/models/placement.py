"""Functions placed on a two-dimensional grid of two ordinal axes (``cxcs map``)."""

from __future__ import annotations

from typing import Literal

from pydantic import computed_field

from cxcs.models.base import Frozen
from cxcs.models.kinds import PRACTICE_MARK


class GridAxis(Frozen):
    """One dimension of the grid: an ordinal axis and its scale, low to high."""

    id: str
    name: str
    question: str
    scale: tuple[str, ...]


class Position(Frozen):
    """One spot a function takes: scale values and their indexes (0 = lowest)."""

    x: str
    y: str
    column: int
    row: int
    disputed: bool
    """True when the function's cell on either axis is disputed: one of several spots."""
    primary: bool = True
    """True for the spot of the primary claims (the only spot when nothing is disputed)."""


class PlacedFunction(Frozen):
    """A function and every position its cells put it at."""

    function: str
    name: str
    label: str
    """How the grid shows it: the abbreviation, or the id when there is none."""
    x: tuple[str, ...]
    """The claimed values on the x axis (several when the cell is disputed): the primary
    claim first, then the others in scale order."""
    y: tuple[str, ...]
    x_disputed: bool
    y_disputed: bool
    x_practice: bool = False
    """Whether the primary x claim rests (partly) on practitioner knowledge (shown †)."""
    y_practice: bool = False
    positions: tuple[Position, ...]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def disputed(self) -> bool:
        """Whether the sources disagree on either axis."""
        return self.x_disputed or self.y_disputed

    def values_text(self, axis: Literal["x", "y"]) -> str:
        """The claimed values on one axis for people, as every view shows a cell: the primary
        claim first with † when it rests on practitioner knowledge, marked ``(primary)`` when
        disputed, then the other claims: 'long-term (primary) ⟷ short-term'."""
        values = self.x if axis == "x" else self.y
        practice = self.x_practice if axis == "x" else self.y_practice
        if not values:
            return ""
        first = f"{values[0]} {PRACTICE_MARK}" if practice else values[0]
        if len(values) == 1:
            return first
        return " ⟷ ".join((f"{first} (primary)", *values[1:]))


class Mark(Frozen):
    """A function shown in a grid cell; ``disputed`` marks one of several claimed spots."""

    function: str
    label: str
    disputed: bool


class GridCell(Frozen):
    """An occupied cell of the grid and the functions in it, in knowledge-base order."""

    x: str
    y: str
    column: int
    row: int
    marks: tuple[Mark, ...]


class Placement(Frozen):
    """Functions placed on the grid of two ordinal axes."""

    x: GridAxis
    y: GridAxis
    functions: tuple[PlacedFunction, ...]
    cells: tuple[GridCell, ...]
    """Occupied cells only, from the top row (highest y) down, left to right."""

    def cell(self, column: int, row: int) -> GridCell | None:
        """The occupied cell at (``column``, ``row``), or None when it is empty."""
        for cell in self.cells:
            if cell.column == column and cell.row == row:
                return cell
        return None

    @property
    def disputed(self) -> tuple[PlacedFunction, ...]:
        """The functions shown at more than one position."""
        return tuple(f for f in self.functions if f.disputed)
