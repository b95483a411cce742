"""Tokenizing: lowercase word tokens with character offsets, and a light stemmer.

The same tokenizer and stemmer are applied to lexicon phrases and to postings, so
"Troubleshooting tickets" matches the phrase "troubleshoot ticket".
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

TOKEN = re.compile(r"[a-z0-9]+(?:[+#]+|(?:['’][a-z]+))?")


class Token(NamedTuple):
    """A stemmed token and where it sits in the original text."""

    stem: str
    start: int
    end: int


NOUNS_IN_ING = frozenset(
    "accounting marketing engineering nursing pricing staffing banking housing clothing "
    "morning evening evenings meeting meetings building buildings training ticketing "
    "onboarding offboarding listening scheduling shipping billing booking bookings "
    "wireframing prototyping troubleshooting".split()
)
"""Words whose -ing is part of a noun we need to tell apart (accounting is not accounts)."""


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Strip common English inflections (plural, -ing, -ed, final -e); crude but consistent."""
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


def tokenize(text: str) -> list[Token]:
    """Stemmed tokens of ``text`` (lowercased), with offsets into ``text``."""
    lowered = text.lower()
    return [Token(stem(m.group()), m.start(), m.end()) for m in TOKEN.finditer(lowered)]


def phrase_key(phrase: str) -> tuple[str, ...]:
    """The stem sequence a lexicon phrase matches."""
    return tuple(t.stem for t in tokenize(phrase))
