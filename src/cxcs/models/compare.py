"""Results of comparing two functions (three or more: :mod:`cxcs.models.matrix`)."""

# No postponed annotations: pydantic evaluates each annotation string when the class is
# created, which every command that loads this model pays at start-up.

from cxcs.models.base import Frozen
from cxcs.models.knowledge import CellValue, Source

SIMILARITY_DECIMALS = 1
"""Decimals a similarity is shown with: a mean of some fifteen per-axis scores over
hand-coded knowledge is no more precise than that (JSON keeps four)."""
SIMILARITY_BANDS = (
    (0.15, "very different"),
    (0.35, "mostly different"),
    (0.65, "partly alike"),
    (0.85, "mostly alike"),
    (1.0, "very alike"),
)
"""Band words by the similarity as shown (one decimal): 0.0-0.1, 0.2-0.3, 0.4-0.6,
0.7-0.8, 0.9-1.0; each entry is the band's upper bound (exclusive, the last inclusive)."""
SIMILARITY_FORMULA = (
    "mean over the compared ordinal and set axes of a per-axis score on the primary claims: "
    "ordinal 1 - |position difference| / (scale length - 1); set |A ∩ B| / |A ∪ B| (Jaccard). "
    "The range in brackets is the lowest and highest similarity over every reading of the "
    "disputed cells (primary or minority claim), one dispute read the same way in both "
    "cells it touches. On a mutual axis (collaborates with), one function naming the "
    "other's team is a tie both share ('each other'). Text axes are context and not "
    "scored. Shown to one decimal with a "
    "band word (0.0-0.1 very different, 0.2-0.3 mostly different, 0.4-0.6 partly alike, "
    "0.7-0.8 mostly alike, 0.9-1.0 very alike): a mean of some fifteen scores over "
    "hand-coded knowledge is no more precise than that."
)


def shown_similarity(value: float) -> float:
    """``value`` as a similarity is shown: rounded to :data:`SIMILARITY_DECIMALS`."""
    return round(value, SIMILARITY_DECIMALS)


def similarity_band(value: float | None) -> str | None:
    """The band word of a similarity, judged on the value as shown ('partly alike' for
    0.51, shown 0.5), so one shown number always has one word (None: not scored)."""
    if value is None:
        return None
    shown = shown_similarity(value)
    return next(word for bound, word in SIMILARITY_BANDS if shown < bound or bound == 1.0)


def filter_note(shown: str, hidden: int, total: int) -> str:
    """What ``--differences`` left out of ``shown`` (``axes`` or ``rows``), and that the
    similarity and the summary still cover every compared axis (one axis: singular)."""
    left = (
        "the 1 axis where they are the same is named"
        if hidden == 1
        else f"the {hidden} axes where they are the same are named"
    )
    over = "the 1 compared axis" if total == 1 else f"all {total} compared axes"
    return (
        f"--differences: {shown} lists only the axes where the functions differ; {left} in "
        f"hidden_axes. The similarity, its range and the summary are computed over {over}."
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
    similarity_band: str | None = None
    """The band word of ``similarity`` (:func:`similarity_band`): 'partly alike'."""
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
