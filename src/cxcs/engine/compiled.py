"""Phrase matching through a compiled Aho-Corasick automaton (the optional ``fast`` extra).

Each stem the lexicon uses gets one character; a posting's words become a string of those
characters, one per token (a word holding no token adds nothing, any other word a filler).
One C call finds every occurrence of every key in that string, so Python only sees what
matched; the longest key at each position then goes through the same leftmost-longest walk
as :func:`cxcs.engine.matching.find`, with the same answers (a test holds the two equal on
real postings and random text). A posting with a word the token regex cuts unusually
(``a+b``) is left to that function.
"""

from __future__ import annotations

import os
from itertools import compress, count
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from cxcs.engine.matching import walk
from cxcs.engine.text import IRREGULAR, WORD_STEMS, Offsets, words_of, worth_caching

if TYPE_CHECKING:
    from cxcs.engine.lexicon import Hit, Lexicon
    from cxcs.engine.matching import Located, Marker

_KEY, _START, _END = itemgetter(0), itemgetter(1), itemgetter(2)

FILLER = "\x01"
"""The character of a token no key uses."""
FIRST_CODE = 0x100
MATCHER_VARIABLE = "CXCS_MATCHER"
"""Set to ``python`` to match without the compiled automaton (for comparisons)."""


def _code(index: int) -> str:
    point = FIRST_CODE + index
    return chr(point + 0x800 if point >= 0xD800 else point)  # no surrogates


class _WordCodes(dict[bytes, str]):
    """word -> its token's character (``""``: no token; :data:`IRREGULAR` kept as is)."""

    def __init__(self, codes: dict[str, str]) -> None:
        super().__init__({b"": ""})
        self._codes = codes

    def __missing__(self, word: bytes) -> str:
        stem = WORD_STEMS[word]
        value = stem if stem in ("", IRREGULAR) else self._codes.get(stem, FILLER)
        if worth_caching(self, word):
            self[word] = value
        return value


class CompiledMatcher:
    """The lexicon's keys (phrases and section words) as one Aho-Corasick automaton.
    Pickles (for process pools and clusters) as its patterns; the automaton is rebuilt."""

    def __init__(self, lexicon: Lexicon) -> None:
        vocabulary = {stem for key in lexicon.lookup for stem in key} | lexicon.attributive
        self._codes = {stem: _code(i) for i, stem in enumerate(sorted(vocabulary))}
        keys = list(lexicon.lookup)
        self._hits: list[Hit] = [lexicon.lookup[key] for key in keys]
        self._attributive = frozenset(self._codes[stem] for stem in lexicon.attributive)
        self._patterns = ["".join(self._codes[stem] for stem in key) for key in keys]
        self._build()

    def _build(self) -> None:
        import ahocorasick_rs

        self._words = _WordCodes(self._codes)
        self._automaton = ahocorasick_rs.AhoCorasick(self._patterns) if self._patterns else None

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k not in ("_words", "_automaton")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state)
        self._build()

    def find(
        self, text: str, most: int, body: bool
    ) -> tuple[list[Located], list[Marker], list[Marker], int] | None:
        """Phrases, heading words, cues and the token count of ``text`` (any case), as
        :func:`cxcs.engine.matching.find` gives them; None for a text it leaves to that."""
        words, special = words_of(text)
        codes = list(map(self._words.__getitem__, words))
        line = "".join(codes)
        if special and IRREGULAR in line:
            return None
        total = len(line)
        if self._automaton is None:
            return [], [], [], total
        # Occurrences ``(key, start, end)`` come in order of their end, so the last one kept
        # per start is the longest key there. All in C: no Python frame per occurrence.
        occurrences = self._automaton.find_matches_as_indexes(line, overlapping=True)
        longest = dict(zip(map(_START, occurrences), occurrences, strict=True))
        keys = list(map(longest.__getitem__, sorted(longest)))
        offsets = Offsets.of(words, list(compress(count(), codes)), 1)
        located, markers, cues = walk(
            zip(
                map(_START, keys),
                map(_END, keys),
                map(self._hits.__getitem__, map(_KEY, keys)),
                strict=True,
            ),
            line,
            self._attributive,
            offsets,
            most,
            body,
        )
        return located, markers, cues, total


def compiled_matcher(lexicon: Lexicon) -> CompiledMatcher | None:
    """The compiled matcher for ``lexicon``, or None when the ``fast`` extra is not
    installed (or ``CXCS_MATCHER=python`` asks for the pure-Python matcher)."""
    if os.environ.get(MATCHER_VARIABLE, "").lower() == "python":
        return None
    try:
        return CompiledMatcher(lexicon)
    except ImportError:  # not installed, or a wheel that does not load here
        return None
