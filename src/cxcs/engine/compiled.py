"""Phrase matching through a compiled Aho-Corasick automaton (the optional ``fast`` extra).

Each stem the lexicon uses gets one character; a posting's words become a string of those
characters, one per token (a word holding no token adds nothing, any other word a filler).
Two automata over that string find the leftmost-longest phrases and, separately, the
leftmost-longest section words in one C call each, so Python only sees what matched. The
answers are the ones :func:`cxcs.engine.classify.find` gives (a test holds the two equal on
real postings and random text); a posting with a word the token regex cuts unusually
(``a+b``) is left to that function.
"""

from __future__ import annotations

import os
from itertools import accumulate, compress, count
from typing import TYPE_CHECKING, Any

from cxcs.engine.text import IRREGULAR, WORD_STEMS, words_of

if TYPE_CHECKING:
    from cxcs.engine.classify import Located, Marker
    from cxcs.engine.lexicon import Entry, Lexicon

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
        if len(self) < 200_000:
            self[word] = value
        return value


class CompiledMatcher:
    """The lexicon's phrases and section words as two Aho-Corasick automata."""

    def __init__(self, lexicon: Lexicon, automaton: Any) -> None:
        vocabulary = {stem for key in (*lexicon.entries, *lexicon.markers) for stem in key}
        vocabulary |= lexicon.attributive
        codes = {stem: _code(i) for i, stem in enumerate(sorted(vocabulary))}
        self._words = _WordCodes(codes)
        self._entries: list[Entry] = list(lexicon.entries.values())
        self._markers: list[tuple[str, str]] = list(lexicon.markers.values())
        self._attributive = frozenset(codes[stem] for stem in lexicon.attributive)

        def automaton_of(keys: list[tuple[str, ...]]) -> Any:
            patterns = ["".join(codes[stem] for stem in key) for key in keys]
            return automaton(patterns) if patterns else None

        self._phrases = automaton_of(list(lexicon.entries))
        self._sections = automaton_of(list(lexicon.markers))

    def find(
        self, lowered: str, most: int, body: bool
    ) -> tuple[list[Located], list[Marker], list[Marker], int] | None:
        """Phrases, heading words, cues and the token count of lowercased text, as
        :func:`cxcs.engine.classify.find` gives them; None for a text it leaves to that."""
        words, special = words_of(lowered)
        codes = list(map(self._words.__getitem__, words))
        if special and IRREGULAR in codes:
            return None
        line = "".join(codes)
        total = len(line)
        at = list(compress(count(), codes))
        ends = list(accumulate(map(len, words), initial=0))
        located: list[Located] = []
        fired: dict[str, int] = {}
        attributive = self._attributive
        entries = self._entries
        for pattern, i, j in self._phrases.find_matches_as_indexes(line) if self._phrases else ():
            entry = entries[pattern]
            if not entry.weights or (j < total and line[j] in attributive):
                continue
            repeat = fired.get(entry.phrase, 0)
            if repeat >= most:  # a phrase counts less each time, not at all past a few
                continue
            fired[entry.phrase] = repeat + 1
            first, last = at[i], at[j - 1]
            located.append((ends[first] + first, ends[last + 1] + last, entry, repeat))
        markers: list[Marker] = []
        cues: list[Marker] = []
        if body and self._sections is not None:
            for pattern, i, j in self._sections.find_matches_as_indexes(line):
                kind, section = self._markers[pattern]
                first, last = at[i], at[j - 1]
                found = (ends[first] + first, ends[last + 1] + last, section)
                (cues if kind == "cue" else markers).append(found)
        return located, markers, cues, total


def compiled_matcher(lexicon: Lexicon) -> CompiledMatcher | None:
    """The compiled matcher for ``lexicon``, or None when the ``fast`` extra is not
    installed (or ``CXCS_MATCHER=python`` asks for the pure-Python matcher)."""
    if os.environ.get(MATCHER_VARIABLE, "").lower() == "python":
        return None
    try:
        import ahocorasick_rs
    except ImportError:
        return None
    kind = ahocorasick_rs.MatchKind.LeftmostLongest

    def automaton(patterns: list[str]) -> Any:
        return ahocorasick_rs.AhoCorasick(patterns, matchkind=kind)

    return CompiledMatcher(lexicon, automaton)
