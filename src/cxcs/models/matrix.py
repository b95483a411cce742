"""Results of comparing three or more functions: one row per axis, pairwise similarities.

Apart from :mod:`cxcs.models.compare` so that comparing two functions (the common case)
never creates these model classes.
"""

# No postponed annotations: pydantic evaluates each annotation string when the class is
# created.

from cxcs.models.base import Frozen
from cxcs.models.compare import SIMILARITY_FORMULA
from cxcs.models.knowledge import CellValue, Source


class MatrixCell(Frozen):
    """One function's value on one axis in a matrix."""

    value: CellValue
    alternative: CellValue | None = None
    disputed: bool
    practice: bool = False
    practice_items: tuple[str, ...] = ()
    """Set items whose only sources are practitioner knowledge (each marked †)."""
    sources: tuple[Source, ...] = ()


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
    similarity_band: str | None = None
    """The band word of ``similarity``: 'partly alike'."""
    scored_axes: int = 0
    """How many axes the similarity scores (ordinal and set)."""
    practice_axes: int = 0
    """How many of those compare a value or item that rests on practitioner knowledge (†)."""


class MatrixComparison(Frozen):
    """Three or more functions compared: one row per axis and the pairwise similarities."""

    functions: tuple[str, ...]
    rows: tuple[MatrixRow, ...]
    similarities: tuple[PairSimilarity, ...]
    most_alike: PairSimilarity | None = None
    """The pair with the highest similarity (None: nothing scored)."""
    least_alike: PairSimilarity | None = None
    """The pair with the lowest similarity."""
    most_alike_too: tuple[PairSimilarity, ...] = ()
    """Other pairs that are as alike under some reading of the disputes: their highest
    similarity reaches the most alike pair's lowest (the articles do not settle which)."""
    least_alike_too: tuple[PairSimilarity, ...] = ()
    """Other pairs that are as far apart under some reading of the disputes: their lowest
    similarity reaches the least alike pair's highest."""
    disputes: tuple[tuple[str, str], ...] = ()
    """(function, axis) of every disputed cell shown."""
    differences_only: bool = False
    """True when ``rows`` holds only the axes where the functions differ (``--differences``)."""
    hidden_axes: tuple[str, ...] = ()
    """Axis ids left out of ``rows`` because every function is the same there."""
    filter_note: str | None = None
    """With ``differences_only``: what was left out, and that the similarities and the
    summary still cover every compared axis."""
    similarity_formula: str = SIMILARITY_FORMULA
