"""Matching lexicon keys in a posting's tokens: the longest key at each position, left to
right (:func:`walk`), found by two C-level dictionary passes (:func:`find`) or by the
compiled automaton of :mod:`cxcs.engine.compiled` — the same walk either way.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Sequence
from itertools import compress, count, pairwise

from cxcs.engine.lexicon import Entry, Hit, Lexicon
from cxcs.engine.text import Offsets, Tokens

Located = tuple[int, int, Entry, int]
"""A phrase match: ``(start, end, entry, how many times the phrase matched before)``."""
Marker = tuple[int, int, str]
"""A section word: ``(start, end, section)``."""


def find(
    tokens: Tokens, lexicon: Lexicon, most: int, body: bool
) -> tuple[list[Located], list[Marker], list[Marker]]:
    """Leftmost-longest matches: phrases (at most ``most`` times each), and for a body the
    heading words and boilerplate cues (see :func:`walk`).

    Two C-level passes find the token positions where any key can start (a one-word key, or
    the first two words of a longer one); only those are looked at in Python.
    """
    longest = _longest_keys(tokens.stems, lexicon)
    return walk(longest, tokens.stems, lexicon.attributive, tokens.offsets, most, body)


def _longest_keys(stems: list[str], lexicon: Lexicon) -> Iterator[tuple[int, int, Hit]]:
    """``(first token, end token, hit)`` of the longest key at each position a key starts."""
    singles, heads, lookup = lexicon.singles, lexicon.heads, lexicon.lookup
    single_hits = list(map(singles.get, stems))
    head_hits = list(map(heads.get, pairwise(stems)))
    head_hits.append(None)
    for i in sorted({*compress(count(), single_hits), *compress(count(), head_hits)}):
        longer = _longer_key(stems, i, head_hits[i], lookup)
        if longer is not None:
            yield longer
            continue
        single = single_hits[i]
        if single is not None:
            yield i, i + 1, single


def _longer_key(
    stems: list[str], i: int, lengths: tuple[int, ...] | None, lookup: dict[tuple[str, ...], Hit]
) -> tuple[int, int, Hit] | None:
    """The longest key of two or more words at ``i`` (``lengths``: those that start with its
    first two words, longest first)."""
    for n in lengths or ():
        if i + n <= len(stems):
            hit = lookup.get(tuple(stems[i : i + n]))
            if hit is not None:
                return i, i + n, hit
    return None


def walk(
    longest: Iterable[tuple[int, int, Hit]],
    sequence: Sequence[str],
    attributive: Container[str],
    offsets: Offsets,
    most: int,
    body: bool,
) -> tuple[list[Located], list[Marker], list[Marker]]:
    """Take the longest key at each position, left to right: a phrase consumes its tokens
    (and counts at most ``most`` times), a section word does not. A phrase followed by an
    attributive noun (``sequence[end]`` in ``attributive``: "accounting software") names the
    employer's field and counts for nothing."""
    located: list[Located] = []
    markers: list[Marker] = []
    cues: list[Marker] = []
    fired: dict[str, int] = {}
    total = len(sequence)
    resume = repeat = 0
    at, ends, separator = offsets
    for i, j, (entry, marker) in longest:
        if i < resume:
            continue
        if entry is not None:
            resume = j
            if not entry.weights or (j < total and sequence[j] in attributive):
                entry = None
            else:
                repeat = fired.get(entry.phrase, 0)
                if repeat < most:  # a phrase counts less each time, not at all past a few
                    fired[entry.phrase] = repeat + 1
                else:
                    entry = None
            if entry is None and (marker is None or not body):
                continue
        elif not body:
            continue
        first, last = at[i], at[j - 1]  # Offsets.span, inlined: this runs per match
        start, end = ends[first] + separator * first, ends[last + 1] + separator * last
        if marker is not None and body:
            (cues if marker[0] == "cue" else markers).append((start, end, marker[1]))
        if entry is not None:
            located.append((start, end, entry, repeat))
    return located, markers, cues
