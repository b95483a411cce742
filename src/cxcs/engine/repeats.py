"""Repeated blocks blanked, so a posting scraped with its description twice reads once.

A repeat is a stretch of consecutive lines, together at least :data:`MIN_REPEAT_WORDS`
words, that repeats a stretch earlier in the text line for line, compared without letter
case (A–Z), spaces, blank lines, or list bullets and dashes. A shorter stretch — a heading
("Requirements:"), a one-line bullet ("• Excellent communication") — may recur for a reason
and is kept. Blanking keeps the text's length and line breaks, so offsets still point into
it.

Cost: lines are compared as bytes, ASCII-lowercased with spaces and marks deleted in one
C pass (no ``str.lower``, which costs ten times as much on text beyond ASCII); only a text
in which some line recurs goes on to the comparison of stretches.
"""

from __future__ import annotations

MIN_REPEAT_WORDS = 12
"""A repeated stretch of lines shorter than this (in words) is kept: about one sentence."""
CANDIDATES = 16
"""How many earlier places of a line a stretch is compared against (the latest ones)."""
MARKS = ("•", "·", "–", "—", "\xa0")
"""Characters beyond ASCII that are ignored in comparing lines (bullets, dashes, the
no-break space)."""
_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")
_IGNORED = b" \t\v\f\r-*>#"
"""ASCII whitespace (bar the line break), bullets and dashes, ignored in comparing lines."""


def line_keys(text: str) -> list[bytes]:
    """Each line of ``text`` (split at ``\\n``) as it is compared: its UTF-8 bytes with
    A–Z lowercased and whitespace, bullets and dashes deleted (a line of none of them:
    ``b""``)."""
    for mark in MARKS:
        if mark in text:
            text = text.replace(mark, " ")
    return text.encode("utf-8", "surrogatepass").translate(_LOWER, _IGNORED).split(b"\n")


def _words(line: str) -> int:
    return sum(1 for part in line.split() if any(c.isalnum() for c in part))


def blank_repeats(text: str) -> str:
    """``text`` with every repeated block (see the module) blanked to spaces, same length
    and line breaks; the text itself when nothing repeats."""
    if "\n" not in text:
        return text
    every = line_keys(text)
    filled = len(every) - every.count(b"")
    if len(set(every)) - (b"" in every) == filled:
        return text  # no line recurs (most postings)
    lines = text.split("\n")
    spans: list[tuple[int, int]] = []
    keys: list[bytes] = []
    words: list[int] = []
    start = 0
    for line, key in zip(lines, every, strict=True):
        if key:
            spans.append((start, start + len(line)))
            keys.append(key)
            words.append(-1)  # counted when a stretch needs it
        start += len(line) + 1

    def count(index: int) -> int:
        if words[index] < 0:
            begin, end = spans[index]
            words[index] = _words(text[begin:end])
        return words[index]

    seen: dict[bytes, list[int]] = {}
    blank: list[tuple[int, int]] = []
    total = len(keys)
    j = 0
    while j < total:
        best, best_words = 0, 0
        for i in seen.get(keys[j], ())[-CANDIDATES:]:
            k, found = 0, 0
            while j + k < total and keys[i + k] == keys[j + k]:
                found += count(j + k)
                k += 1
            if found > best_words:
                best, best_words = k, found
        repeat = best_words >= MIN_REPEAT_WORDS
        step = best if repeat else 1
        if repeat:
            blank.extend(spans[j : j + step])
        for index in range(j, j + step):
            seen.setdefault(keys[index], []).append(index)
        j += step
    if not blank:
        return text
    pieces: list[str] = []
    at = 0
    for begin, end in blank:
        pieces.append(text[at:begin])
        pieces.append(" " * (end - begin))
        at = end
    pieces.append(text[at:])
    return "".join(pieces)
