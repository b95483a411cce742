"""Results of comparing three or more functions: one row per axis, pairwise similarities.

Apart from :mod:`cxcs.models.compare` so that comparing two functions (the common case)
never creates these model classes.
"""

# No postponed annotations: pydantic evaluates each annotation string when the class is
# created.

from cxcs.models.base import Frozen
from cxcs.models.compare import SIMILARITY_FORMULA
from cxcs.models.knowledge import CellValue


class MatrixCell(Frozen):
    """One function's value on one axis in a matrix."""

    value: CellValue
    alternative: CellValue | None = None
    disputed: bool
    practice: bool = False


class MatrixRow(Frozen):
    """One axis across several functions."""

    axis: str
    name: str
    kind: str
    cells: dict[str, MatrixCell]
    shared: tuple[str, ...] | None = None


class PairSimilarity(Frozen):
    """The overall similarity of one pair within a matrix."""

    a: str
    b: str
    similarity: float | None
    similarity_min: float | None = None
    similarity_max: float | None = None


class MatrixComparison(Frozen):
    """Three or more functions compared: one row per axis and the pairwise similarities."""

    functions: tuple[str, ...]
    rows: tuple[MatrixRow, ...]
    similarities: tuple[PairSimilarity, ...]
    disputes: tuple[tuple[str, str], ...] = ()
    """(function, axis) of every disputed cell shown."""
    similarity_formula: str = SIMILARITY_FORMULA
