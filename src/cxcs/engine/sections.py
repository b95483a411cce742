"""Sections of a posting (summary, responsibilities, requirements, company, benefits, equal
opportunity), so boilerplate can be down-weighted.

Section words are found by the same token scan as the signals (see ``classify._scan``). A
heading counts when it opens a line or follows a sentence end and is followed by a colon or
the end of its line — which also covers postings flattened into one paragraph
("... Responsibilities: answer calls ..."). A boilerplate cue (e.g. "equal opportunity
employer", "401(k)") marks its whole sentence, whatever heading it sits under.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from operator import itemgetter

HEADING_LEAD = " \t#*_>•·▪●◦-–—|"
_HEADING_MARKS = HEADING_LEAD + ":"
"""What surrounds a heading line's words."""
MAX_SENTENCE = 400
_OFFSET_ORDER = itemgetter(0, 1)
"""Events sort by offset, then by their order at one offset."""


@dataclass(frozen=True)
class SectionMap:
    """Section name for any character offset."""

    starts: list[int]
    names: list[str]

    def at(self, offset: int) -> str:
        """The section that contains ``offset``."""
        index = bisect_right(self.starts, offset) - 1
        return self.names[index] if index >= 0 else "summary"


def is_heading(text: str, start: int, end: int) -> bool:
    """Whether the words at ``text[start:end]`` stand as a heading."""
    before = start - 1
    while before >= 0 and text[before] in HEADING_LEAD:
        before -= 1
    if before >= 0 and text[before] not in "\n\r.!?:;":
        return False
    line = text[end : end + 45].split("\n", 1)[0]
    if not line.strip(" \t*_#:-–"):
        return True
    colon = line.find(":")
    return colon >= 0 and not any(c in line[:colon] for c in ".!?")


SENTENCE_ENDS = ".\n!?"
"""What ends a sentence (the commonest first: each later one is looked for only up to the
nearest found so far)."""


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence containing ``text[start:end]`` (it ends at ``.!?`` or a line
    break; at most 400 chars each way)."""
    low, high = start - MAX_SENTENCE, end + MAX_SENTENCE
    low = low if low > 0 else 0  # (max() and min() cost more than the searches)
    left, bound = -1, low
    for mark in SENTENCE_ENDS:  # the last sentence end before the words
        found = text.rfind(mark, bound, start)
        if found >= 0:
            left, bound = found, found + 1
    left = left + 1 if left >= 0 else low
    right, bound = -1, high
    for mark in SENTENCE_ENDS:  # the first one after them
        found = text.find(mark, end, bound)
        if found >= 0:
            right, bound = found, found
    right = right + 1 if right >= 0 else high if high < len(text) else len(text)
    return left, right


LOW_SECTIONS = frozenset({"company", "benefits", "equal_opportunity"})
"""Sections that count little; they end early (:func:`low_section_end`), so they cannot
swallow the duties that follow an "About us" or "Total rewards" block."""
LOW_SECTION_REACH = 600
"""A company, benefits or equal-opportunity section ends at the first sentence end this many
characters past its heading, if no blank line or heading-like line ended it before."""
_CONTENT = re.compile(r"\S")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


def low_section_end(text: str, heading_end: int) -> int:
    """Where a company, benefits or equal-opportunity section whose heading ends at
    ``heading_end`` ends at the latest: at the first blank line after its first words (a
    paragraph or a list), or at the first sentence end :data:`LOW_SECTION_REACH` characters
    on — a posting without line breaks has no blank lines and no heading-like lines."""
    first = _CONTENT.search(text, heading_end)
    if first is None:
        return len(text)
    blank = _BLANK_LINE.search(text, first.start())
    end = blank.start() if blank is not None else len(text)
    reach = heading_end + LOW_SECTION_REACH
    if reach < end:
        sentence = _SENTENCE_END.search(text, reach, end)
        if sentence is not None:
            end = sentence.end()
    return end


MAX_HEADING_CHARS = 80
MAX_HEADING_WORDS = 8


def heading_lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every heading-like line: a short line that is a markdown heading
    (``## Role``), bold on its own (``**What you'll do**``, ``**Pay:**``), ends with a colon,
    or is written in capitals — whatever words it holds.

    Lines are found with ``find``: only the short ones are copied out (splitting the text
    would copy all of it, paragraphs included)."""
    found: list[tuple[int, int]] = []
    position, size = 0, len(text)
    while position <= size:
        end = text.find("\n", position)
        end = size if end < 0 else end
        if 2 < end - position <= MAX_HEADING_CHARS:
            line = text[position:end]
            if _may_be_heading(line) and _heading_like(line):
                found.append((position, end))
        position = end + 1
    return found


def _may_be_heading(line: str) -> bool:
    """A necessary condition of :func:`_heading_like`, in C: most lines of a posting fail it.
    (Capitals: the marks around a line's core are uncased, so a capitalised core makes the
    whole line ``isupper``.)"""
    return "#" in line or "*" in line or ":" in line or line.isupper()


def _heading_like(line: str) -> bool:
    stripped = line.strip()
    core = stripped.strip(_HEADING_MARKS)
    if not core or core[-1] in ".,;!?" or len(core.split()) > MAX_HEADING_WORDS:
        return False
    if stripped.startswith("#") or stripped.rstrip(":").endswith("**"):
        return True
    if stripped.startswith("**") and ":**" in stripped:
        return True
    if stripped.endswith(":"):
        return True
    return len(core) >= 4 and core.isupper()


WRAPPED_LINE_CHARS = 60
"""A line at least this long that stops mid-sentence was wrapped, not ended."""


def wrapped_end(text: str, line_end: int, heading_starts: list[int]) -> int:
    """Where the text run on from the line ending at ``line_end`` ends. A long line that
    stops mid-sentence (no ``.!?:;`` at its end) was hard-wrapped: its paragraph runs on to
    the next blank or heading-like line. Any other line ends where it ends."""
    line = text[text.rfind("\n", 0, line_end) + 1 : line_end].rstrip()
    if len(line) < WRAPPED_LINE_CHARS or line.endswith((".", "!", "?", ":", ";")):
        return line_end
    while line_end < len(text):
        following = line_end + 1
        next_end = text.find("\n", following)
        next_end = len(text) if next_end < 0 else next_end
        if following in heading_starts or not text[following:next_end].strip():
            return line_end
        line_end = next_end
    return line_end


def build_sections(
    text: str,
    markers: list[tuple[int, int, str]],
    cues: list[tuple[int, int, str]],
    lines: list[tuple[int, int]] | None = None,
) -> SectionMap:
    """Combine heading words, heading-like lines and boilerplate sentences into sections.

    - A heading word on a heading-like line opens its section at that line; so does one that
      stands as a heading (:func:`is_heading`). When text follows its colon on the same line
      ("Salary: $40,000"), the section closes at the end of that line, or of its paragraph
      when the line was hard-wrapped mid-sentence (:func:`wrapped_end`).
    - A heading-like line without a known heading word ends a company, benefits or
      equal-opportunity section (it opens ``other``, which counts like the summary); so does
      the section's first blank line or, past its reach, sentence end
      (:func:`low_section_end`).
    - A sentence with a boilerplate cue belongs to the cue's section, whatever surrounds it.
    """
    lines = heading_lines(text) if lines is None else lines
    line_starts = [start for start, _ in lines]
    # (offset, order, kind, name); kinds: block, inline, close-inline, close-low, generic,
    # cue+, cue-. A close-low event names the offset of the block it closes.
    events: list[tuple[int, int, str, str]] = []
    claimed: set[int] = set()
    for start, end, name in markers:
        index = bisect_right(line_starts, start) - 1
        if index >= 0 and lines[index][0] <= start < lines[index][1]:
            if index not in claimed:
                claimed.add(index)
                events.append((lines[index][0], 1, "block", name))
                if name in LOW_SECTIONS:
                    close = low_section_end(text, lines[index][1])
                    events.append((close, 0, "close-low", str(lines[index][0])))
            continue
        if not is_heading(text, start, end):
            continue
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        rest = text[end:line_end].lstrip(" \t*_#:-–")
        if len(rest) >= 3:
            close = wrapped_end(text, line_end, line_starts)
            if name in LOW_SECTIONS:
                close = min(close, low_section_end(text, end))
            events.append((start, 1, "inline", name))
            events.append((close, 0, "close-inline", name))
        else:
            events.append((start, 1, "block", name))
            if name in LOW_SECTIONS:
                events.append((low_section_end(text, end), 0, "close-low", str(start)))
    for index, (start, _) in enumerate(lines):
        if index not in claimed:
            events.append((start, 1, "generic", "other"))
    for start, end, name in cues:
        left, right = sentence_around(text, start, end)
        events.append((left, 2, "cue+", name))
        events.append((right, -1, "cue-", name))
    events.sort(key=_OFFSET_ORDER)
    starts: list[int] = [0]
    names: list[str] = ["summary"]
    current = "summary"
    saved: str | None = None  # the section an inline heading interrupted
    block = ""  # the offset of the block heading that opened ``current`` (or ``saved``)
    open_cues: list[str] = []
    for offset, _, kind, name in events:
        if kind == "block":
            current, saved, block = name, None, str(offset)
        elif kind == "close-low":
            if name == block:
                if saved is not None:
                    saved = "other"
                elif current in LOW_SECTIONS:
                    current = "other"
                block = ""
        elif kind == "inline":
            saved = current if saved is None else saved
            current = name
        elif kind == "close-inline":
            if saved is not None:
                current, saved = saved, None
        elif kind == "generic":
            if current in LOW_SECTIONS:
                current = "other"
        elif kind == "cue+":
            open_cues.append(name)
        elif name in open_cues:
            open_cues.remove(name)
        effective = open_cues[-1] if open_cues else current
        if starts[-1] == offset:
            names[-1] = effective
        elif names[-1] != effective:
            starts.append(offset)
            names.append(effective)
    return SectionMap(starts, names)
