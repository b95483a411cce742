"""Functions placed on a two-dimensional grid of two ordinal axes (``cxcs map``)."""

from __future__ import annotations

from pydantic import computed_field

from cxcs.models.base import Frozen


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


class PlacedFunction(Frozen):
    """A function and every position its cells put it at."""

    function: str
    name: str
    label: str
    """How the grid shows it: the abbreviation, or the id when there is none."""
    x: tuple[str, ...]
    """The claimed values on the x axis (several when the cell is disputed)."""
    y: tuple[str, ...]
    x_disputed: bool
    y_disputed: bool
    positions: tuple[Position, ...]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def disputed(self) -> bool:
        """Whether the sources disagree on either axis."""
        return self.x_disputed or self.y_disputed


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
