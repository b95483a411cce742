"""Classifier signals: weighted phrases per function, contrasts, section rules, thresholds."""

# No postponed annotations: pydantic evaluates each annotation string when the class is
# created, which every command that loads this model pays at start-up.

from typing import Annotated

from pydantic import ConfigDict, Field

from cxcs.models.base import Frozen

NOT_CUSTOMER_FACING = "none"
"""Pseudo-function id for evidence that a posting is not a customer-facing role."""

MAX_WEIGHT = 100.0
"""Every number in the signals is finite and bounded (an overlay's ``.inf`` or ``.nan``
would otherwise reach the scores and make the JSON output invalid)."""
TierWeight = Annotated[float, Field(gt=0, le=MAX_WEIGHT, allow_inf_nan=False)]
SectionWeight = Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)]


class Bounded(Frozen):
    """A frozen model whose floats must be finite (no inf, no NaN)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class PhraseTiers(Bounded):
    """Phrases for one function, by strength (weights in ``Signals.tiers``)."""

    strong: tuple[str, ...] = ()
    medium: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()


class Contrast(Bounded):
    """A disambiguation rule: these phrases favour one function over a confusable other."""

    favour: str
    over: str
    weight: float = Field(gt=0, le=10)
    phrases: tuple[str, ...] = Field(min_length=1)
    why: str = ""


class SectionRules(Bounded):
    """How a posting is split into sections and how much each section counts."""

    weights: dict[str, SectionWeight]
    headings: dict[str, tuple[str, ...]]
    boilerplate: dict[str, tuple[str, ...]]


class Thresholds(Bounded):
    """Evidence floors and matching constants. The decision thresholds proper (when an
    answer is ``confident``) come with the learned model (``classifier-model.json``),
    derived there from a stated target precision."""

    min_words: int = Field(ge=1, le=100_000)
    min_evidence: float = Field(gt=0, le=10_000)
    short_text_cap: float = Field(gt=0, le=1)
    repeat_decay: float = Field(gt=0, le=1)
    max_repeats: int = Field(default=4, ge=1, le=100)
    """A phrase counts at most this many times (each ×``repeat_decay`` the last)."""
    title_weight: float = Field(ge=0, le=MAX_WEIGHT)
    min_english: float = Field(default=1.0, ge=0, le=100)
    """A posting of ``min_words`` tokens or more in which "the", "and", "to" and "of" stand
    fewer than this many times per 100 tokens, and the commonest words of other languages
    more often, does not read as English (the phrases are English): ``insufficient``."""


class Signals(Bounded):
    """Everything the classifier knows beyond the knowledge base."""

    tiers: dict[str, TierWeight]
    phrases: dict[str, PhraseTiers]
    kb_feeds: dict[str, str]
    contrasts: tuple[Contrast, ...] = ()
    frames: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    """Duty-frame words (``serve``: serving people; ``build``: building or operating
    things), counted in the duty sections as features of their own."""
    blockers: tuple[str, ...] = ()
    """Phrases that count for nothing: they stop their words from firing in another sense
    ("use cases" is not support "cases", "picking up new tools" is not warehouse picking)."""
    attributive: tuple[str, ...] = ()
    """Nouns that turn the phrase before them into the employer's field ("accounting
    software", "a nursing company"): such a match describes the business, not the duties."""
    sections: SectionRules
    thresholds: Thresholds
