"""Tokenizing: lowercase word tokens, a light stemmer, and lazy character offsets.

The same tokenizer and stemmer are applied to lexicon phrases and to postings, so
"Troubleshooting tickets" matches the phrase "troubleshoot ticket". Offsets are only
computed for the few tokens that match something, which keeps scanning cheap.
"""

from __future__ import annotations

import re
from itertools import islice

TOKEN = re.compile(r"[a-z0-9]+(?:[+#]+|(?:['’][a-z]+))?")

NOUNS_IN_ING = frozenset(
    [
        "accounting",
        "marketing",
        "engineering",
        "nursing",
        "pricing",
        "staffing",
        "banking",
        "housing",
        "clothing",
        "morning",
        "evening",
        "evenings",
        "meeting",
        "meetings",
        "building",
        "buildings",
        "training",
        "ticketing",
        "onboarding",
        "offboarding",
        "listening",
        "scheduling",
        "shipping",
        "billing",
        "booking",
        "bookings",
    ]
)
"""Words whose -ing is part of a noun we need to tell apart (accounting is not accounts)."""


class _StemCache(dict[str, str]):
    """word -> stem, computed on first sight (``__missing__``), so lookups stay in C."""

    def __missing__(self, word: str) -> str:
        value = _stem(word)
        if len(self) < 200_000:
            self[word] = value
        return value


_STEMS = _StemCache()


def _stem(word: str) -> str:
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if word in NOUNS_IN_ING:
        return word.removesuffix("s")
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def stem(word: str) -> str:
    """Strip common English inflections (plural, -ing, -ed, final -e); crude but consistent."""
    return _STEMS[word]


def stems_of(lowered: str) -> list[str]:
    """Stems of every token of already-lowercased text."""
    return list(map(_STEMS.__getitem__, TOKEN.findall(lowered)))


def phrase_key(phrase: str) -> tuple[str, ...]:
    """The stem sequence a lexicon phrase matches."""
    return tuple(stems_of(phrase.lower()))


def token_spans(lowered: str, indexes: list[int]) -> dict[int, tuple[int, int]]:
    """(start, end) of the tokens at ``indexes``, found in one pass that skips the rest in C."""
    matches = TOKEN.finditer(lowered)
    spans: dict[int, tuple[int, int]] = {}
    position = 0
    for index in sorted(set(indexes)):
        match = next(islice(matches, index - position, None))
        spans[index] = match.span()
        position = index + 1
    return spans


def lower_keep_offsets(text: str) -> str:
    """``text.lower()``, except characters whose lowercase is longer stay as they are, so
    offsets into the result are offsets into ``text``."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
