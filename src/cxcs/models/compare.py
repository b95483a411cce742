"""Results of comparing two functions (three or more: :mod:`cxcs.models.matrix`)."""

# No postponed annotations: pydantic evaluates each annotation string when the class is
# created, which every command that loads this model pays at start-up.

from cxcs.models.base import Frozen
from cxcs.models.knowledge import CellValue, Source

SIMILARITY_FORMULA = (
    "mean over the compared ordinal and set axes of a per-axis score on the primary claims: "
    "ordinal 1 - |position difference| / (scale length - 1); set |A ∩ B| / |A ∪ B| (Jaccard). "
    "The range in brackets is the lowest and highest similarity over every reading of the "
    "disputed cells (primary or minority claim), one dispute read the same way in both "
    "cells it touches. Text axes are context and not scored."
)
FILTER_NOTE = (
    "--differences: {shown} lists only the axes where the functions differ; the {hidden} "
    "axes where they are the same are named in hidden_axes. The similarity, its range and "
    "the summary are computed over all {total} compared axes."
)
VERDICT_RULES = (
    "ordinal: same (no distance), near (at most half the scale apart), far (further); "
    "set: same (identical), overlap (some items shared), different (nothing shared), "
    "where an item only one side has is one no source names for the other, not one it "
    "denies; "
    "text: no verdict (context). A disputed row gives the verdict on the primary claims."
)


class Side(Frozen):
    """One function's cell on an axis."""

    function: str
    value: CellValue
    """The primary claim (for a set: the item ids of the primary reading)."""
    alternative: CellValue | None = None
    """The minority claim when the cell is disputed."""
    disputed: bool
    practice: bool
    """Whether the primary claim rests (partly) on practitioner knowledge."""
    practice_items: tuple[str, ...] = ()
    """Set items whose only sources are practitioner knowledge."""
    sources: tuple[Source, ...]


class AxisComparison(Frozen):
    """Two functions side by side on one axis."""

    axis: str
    name: str
    kind: str
    verdict: str | None
    """On the primary claims; None for text axes (shown as context)."""
    score: float | None
    score_min: float | None = None
    score_max: float | None = None
    disputed: bool = False
    alternatives: tuple[str, ...] = ()
    """Verdicts other readings of a disputed cell would give."""
    a: Side
    b: Side
    shared: tuple[str, ...] | None = None
    only_a: tuple[str, ...] | None = None
    only_b: tuple[str, ...] | None = None
    position_a: int | None = None
    position_b: int | None = None
    distance: int | None = None


class PairComparison(Frozen):
    """Two functions compared axis by axis, with an overall similarity and a summary."""

    a: str
    b: str
    axes: tuple[AxisComparison, ...]
    similarity: float | None
    similarity_min: float | None = None
    similarity_max: float | None = None
    differences: tuple[str, ...] = ()
    """Axis ids of the biggest differences, biggest first (at most ``MAX_DIFFERENCES``)."""
    more_differences: int = 0
    """How many further axes differ beyond those ``differences`` names."""
    shared_ground: tuple[str, ...] = ()
    """Axis ids where the two agree (same position, or shared set items)."""
    disputes: tuple[str, ...] = ()
    """Axis ids where either side's cell is disputed."""
    differences_only: bool = False
    """True when ``axes`` holds only the axes where the two differ (``--differences``)."""
    hidden_axes: tuple[str, ...] = ()
    """Axis ids left out of ``axes`` because the two are the same there."""
    filter_note: str | None = None
    """With ``differences_only``: what was left out, and that the similarity and the
    summary still cover every compared axis."""
    similarity_formula: str = SIMILARITY_FORMULA
    verdict_rules: str = VERDICT_RULES
