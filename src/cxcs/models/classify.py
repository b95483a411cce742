"""Results of classifying a job posting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import field_serializer

from cxcs.models.base import Frozen

Decision = Literal["confident", "ambiguous", "insufficient", "not_customer_facing"]


@dataclass(slots=True)
class Evidence:
    """One matched phrase: what it counts for, where it sits, and how much it added.

    A plain slotted dataclass rather than a model: a posting has a hundred or more of these,
    and building them must stay cheap (a frozen dataclass costs five times as much). Treat
    it as read-only.
    """

    phrase: str
    function: str
    section: str
    weight: float
    start: int
    end: int
    text: str
    source: str = "body"


class FunctionScore(Frozen):
    """A function's share of the evidence (``score``, sums to 1 with ``none``) and raw total."""

    function: str
    score: float
    raw: float


class TitleCheck(Frozen):
    """The title classified on its own, against the duties."""

    title: str
    title_label: str | None
    body_label: str | None
    mismatch: bool
    message: str | None = None


class Classification(Frozen):
    """The answer for one posting."""

    label: str | None
    decision: Decision
    confidence: float
    runner_up: str | None
    margin: float
    scores: tuple[FunctionScore, ...]
    not_customer_facing: float
    evidence: tuple[Evidence, ...]
    title: TitleCheck | None = None
    words: int
    chars_read: int
    truncated: bool = False
    reason: str

    @field_serializer("evidence")
    def _evidence_rounded(self, evidence: tuple[Evidence, ...]) -> list[dict[str, object]]:
        """Evidence as objects, weights rounded to 4 places (computed unrounded, for speed)."""
        return [
            {
                "phrase": e.phrase,
                "function": e.function,
                "section": e.section,
                "weight": round(e.weight, 4),
                "start": e.start,
                "end": e.end,
                "text": e.text,
                "source": e.source,
            }
            for e in evidence
        ]
