"""Results of comparing functions."""

from __future__ import annotations

from typing import Literal

from cxcs.models.base import Frozen
from cxcs.models.knowledge import AxisKind, CellValue, Source

Verdict = Literal["same", "overlap", "differs", "disputed"]

SIMILARITY_FORMULA = (
    "mean over the compared ordinal and set axes of a per-axis score: "
    "ordinal 1 - |position difference| / (scale length - 1); set |A ∩ B| / |A ∪ B| (Jaccard); "
    "a disputed cell takes the best-matching pair of its claims; text axes are not scored"
)


class Side(Frozen):
    """One function's cell on an axis."""

    function: str
    values: tuple[CellValue, ...]
    disputed: bool
    sources: tuple[Source, ...]


class AxisComparison(Frozen):
    """Two functions side by side on one axis."""

    axis: str
    name: str
    kind: AxisKind
    verdict: Verdict
    score: float | None
    a: Side
    b: Side
    shared: tuple[str, ...] | None = None
    only_a: tuple[str, ...] | None = None
    only_b: tuple[str, ...] | None = None
    position_a: int | None = None
    position_b: int | None = None
    distance: int | None = None


class PairComparison(Frozen):
    """Two functions compared axis by axis, with an overall similarity."""

    a: str
    b: str
    axes: tuple[AxisComparison, ...]
    similarity: float | None
    similarity_formula: str = SIMILARITY_FORMULA


class MatrixCell(Frozen):
    """One function's values on one axis in a matrix."""

    values: tuple[CellValue, ...]
    disputed: bool


class MatrixRow(Frozen):
    """One axis across several functions."""

    axis: str
    name: str
    kind: AxisKind
    cells: dict[str, MatrixCell]
    shared: tuple[str, ...] | None = None


class PairSimilarity(Frozen):
    """The overall similarity of one pair within a matrix."""

    a: str
    b: str
    similarity: float | None


class MatrixComparison(Frozen):
    """Three or more functions compared: one row per axis and the pairwise similarities."""

    functions: tuple[str, ...]
    rows: tuple[MatrixRow, ...]
    similarities: tuple[PairSimilarity, ...]
    similarity_formula: str = SIMILARITY_FORMULA
