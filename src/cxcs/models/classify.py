"""Results of classifying a job posting."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, overload

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
    context: str = field(default="", repr=False, compare=False)
    """The text the offsets point into (the posting, or the title); shared, not copied."""

    @property
    def snippet(self) -> str:
        """The match with a few words either side, as the posting wrote it (one line)."""
        return snippet_of(self.context, self.start, self.end) if self.context else self.text


class LazyEvidence(Sequence["Evidence"]):
    """Evidence built on first use: most batch rows never look at all of it, and building a
    hundred items per posting would cost a tenth of the classification. Reads like a tuple;
    pickles as one."""

    __slots__ = ("_build", "_items", "_top")

    def __init__(
        self,
        build: Callable[[], tuple[Evidence, ...]],
        top: Callable[[int], list[Evidence]] | None = None,
    ) -> None:
        self._build: Callable[[], tuple[Evidence, ...]] | None = build
        self._items: tuple[Evidence, ...] | None = None
        self._top = top

    def top(self, limit: int) -> list[Evidence]:
        """The ``limit`` heaviest items, heaviest first, without building the rest."""
        if self._items is None and self._top is not None:
            return self._top(limit)
        return sorted(self._all(), key=lambda e: (-e.weight, e.start))[:limit]

    def _all(self) -> tuple[Evidence, ...]:
        if self._items is None:
            assert self._build is not None
            self._items, self._build = self._build(), None
        return self._items

    @overload
    def __getitem__(self, index: int) -> Evidence: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Evidence, ...]: ...
    def __getitem__(self, index: int | slice) -> Evidence | tuple[Evidence, ...]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[Evidence]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return self._all() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return repr(self._all())

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (self._all(),))


SNIPPET_CHARS = 40
_GAP = re.compile(r"\s")
_JOINER = "\u200d"


def _joined(char: str) -> bool:
    """Whether ``char`` belongs to the character before it: an accent or other combining
    mark, a joiner, a variation selector, a skin tone or an emoji tag."""
    code = ord(char)
    return (
        char == _JOINER
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
        or unicodedata.category(char) in ("Mn", "Mc", "Me")
    )


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _cuttable(text: str, at: int) -> bool:
    """Whether ``text`` may be cut before ``text[at]`` without splitting what reads as one
    character: a letter and its accent, an emoji sequence, a flag's pair of letters."""
    if at <= 0 or at >= len(text):
        return True
    if _joined(text[at]) or text[at - 1] == _JOINER:
        return False
    if _regional(text[at]) and _regional(text[at - 1]):
        run = at - 1
        while run > 0 and _regional(text[run - 1]):
            run -= 1
        return (at - run) % 2 == 0
    return True


def snippet_of(text: str, start: int, end: int, around: int = SNIPPET_CHARS) -> str:
    """``text[start:end]`` with up to ``around`` characters either side, cut at whitespace
    (any: tabs, line breaks, no-break spaces), else between whole characters, whitespace
    folded, "…" where cut."""
    left = max(0, start - around)
    right = min(len(text), end + around)
    if left > 0:
        gap = _GAP.search(text, left, start)
        if gap is not None:
            left = gap.end()
        else:
            while left < start and not _cuttable(text, left):
                left += 1
    if right < len(text):
        gaps = [gap.start() for gap in _GAP.finditer(text, end, right)]
        if gaps:
            right = gaps[-1]
        else:
            while right > end and not _cuttable(text, right):
                right -= 1
    body = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + body + ("…" if right < len(text) else "")


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
    confidence: float | None
    """The calibrated probability that the answer is right; None for ``insufficient``
    (no answer), as are ``runner_up`` and ``margin``."""
    runner_up: str | None
    margin: float | None
    scores: tuple[FunctionScore, ...]
    not_customer_facing: float
    evidence: Sequence[Evidence]
    """Every match that added to a score, in text order (built on first use)."""
    title: TitleCheck | None = None
    words: int
    chars_read: int
    truncated: bool = False
    reason: str

    def top_evidence(self, limit: int = 5) -> list[Evidence]:
        """The ``limit`` matches that added most, heaviest first (cheap: builds only those)."""
        if isinstance(self.evidence, LazyEvidence):
            return self.evidence.top(limit)
        return sorted(self.evidence, key=lambda e: (-e.weight, e.start))[:limit]

    def evidence_by_function(self, limit: int | None = 3) -> dict[str, list[Evidence]]:
        """Evidence grouped by function (the answer first: the label, or ``none`` for a
        not-customer-facing posting; then by total contribution), each group sorted by
        contribution, largest first; ``limit`` per group (``None``: all). Matches that count
        against a function (contrast rules) are left out."""
        groups: dict[str, list[Evidence]] = {}
        for item in self.evidence:
            if item.weight > 0:
                groups.setdefault(item.function, []).append(item)
        totals = {f: sum(e.weight for e in items) for f, items in groups.items()}
        answer = "none" if self.decision == "not_customer_facing" else self.label
        order = sorted(groups, key=lambda f: (f != answer, -totals[f], f))
        return {f: sorted(groups[f], key=lambda e: (-e.weight, e.start))[:limit] for f in order}

    @field_serializer("evidence")
    def _evidence_rounded(self, evidence: Sequence[Evidence]) -> list[dict[str, object]]:
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
                "snippet": e.snippet,
            }
            for e in evidence
        ]
