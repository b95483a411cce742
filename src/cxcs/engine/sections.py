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

from cxcs.engine.text import INVISIBLE

SPACES = (
    " \t\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000" + INVISIBLE
)
"""Spaces within a line (the no-break and other Unicode spaces too) and the characters that
show nothing (:data:`~cxcs.engine.text.INVISIBLE`): a zero-width space opening a line, or a
no-break space before a heading, does not hide the heading."""
LINE_BLANKS = SPACES + "\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029"
"""What a line's ends are stripped of: every whitespace (as ``str.strip``) and
:data:`SPACES`."""
BULLETS = "•·▪●◦*-–—"
HEADING_LEAD = SPACES + "#*_>•·▪●◦-–—|"
_HEADING_MARKS = HEADING_LEAD + ":"
"""What surrounds a heading line's words."""
_BULLET = re.compile(f"[{re.escape(BULLETS)}][{re.escape(SPACES)}]")
"""A bullet mark and the space after it: a list item, never a heading."""
MAX_SENTENCE = 250
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
    if before + 1 < start and _BULLET.search(text, before + 1, start):
        return False  # a list item
    line = text[end : end + 45].split("\n", 1)[0]
    if not line.strip(_AFTER_HEADING):
        return True
    colon = line.find(":")
    return colon >= 0 and not any(c in line[:colon] for c in ".!?")


_AFTER_HEADING = SPACES + "*_#:-–"
"""What may follow a heading's words on its line."""
SENTENCE_ENDS = ".\n!?•·▪●◦"
"""What ends a sentence: ``.!?``, a line break or an inline bullet."""
_LAST_END = re.compile(f".*[{SENTENCE_ENDS}]", re.S)
"""Up to the last sentence end (greedy: it backtracks from the end)."""
_NEXT_END = re.compile(f"[{SENTENCE_ENDS}]")


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence containing ``text[start:end]`` (it ends at ``.!?``, a line
    break or an inline bullet; at most :data:`MAX_SENTENCE` chars each way). One regex
    call each way."""
    low, high = start - MAX_SENTENCE, end + MAX_SENTENCE
    low = low if low > 0 else 0  # (max() and min() cost more than the searches)
    before = _LAST_END.match(text, low, start)
    after = _NEXT_END.search(text, end, high)
    left = before.end() if before is not None else low
    right = after.end() if after is not None else high if high < len(text) else len(text)
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
    reach = heading_end + LOW_SECTION_REACH
    blank = _BLANK_LINE.search(text, first.start(), reach)
    if blank is not None:
        return blank.start()
    # past the reach, a line break ends a sentence, so a blank line would end it first
    sentence = _SENTENCE_END.search(text, reach)
    return sentence.end() if sentence is not None else len(text)


MAX_HEADING_CHARS = 80
MAX_HEADING_WORDS = 8


def mostly_capitals(text: str) -> bool:
    """Whether most of the text's (ASCII) letters are capitals: an ALL CAPS posting."""
    cases = text.encode("utf-8", "surrogatepass").translate(_CASES)
    return cases.count(1) > cases.count(2)


_CASES = bytes(1 if 65 <= c <= 90 else 2 if 97 <= c <= 122 else 0 for c in range(256))
"""A capital ASCII letter as 1, a small one as 2, any other byte 0."""


def heading_lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every heading-like line: a short line that is a markdown heading
    (``## Role``), bold on its own (``**What you'll do**``, ``**Pay:**``), ends with a colon,
    or is written in capitals (unless the whole text mostly is) — whatever words it holds,
    unless it is a list item (``• …``).

    Lines are found with ``find``: only the short ones are copied out (splitting the text
    would copy all of it, paragraphs included)."""
    found: list[tuple[int, int]] = []
    position, size = 0, len(text)
    capitals: bool | None = None  # whether capitals make a heading: found on first need
    while position <= size:
        end = text.find("\n", position)
        end = size if end < 0 else end
        if 2 < end - position <= MAX_HEADING_CHARS:
            line = text[position:end]
            if capitals is None and line.isupper():
                capitals = not mostly_capitals(text)
            if _may_be_heading(line) and _heading_like(line, capitals is not False):
                found.append((position, end))
        position = end + 1
    return found


def _may_be_heading(line: str) -> bool:
    """A necessary condition of :func:`_heading_like`, in C: most lines of a posting fail it.
    (Capitals: the marks around a line's core are uncased, so a capitalised core makes the
    whole line ``isupper``.)"""
    return "#" in line or "*" in line or ":" in line or line.isupper()


def _heading_like(line: str, capitals: bool = True) -> bool:
    """Whether ``line`` looks like a heading (``capitals``: a line in capitals does)."""
    stripped = line.strip(LINE_BLANKS)
    core = stripped.strip(_HEADING_MARKS)
    if not core or core[-1] in ".,;!?" or len(core.split()) > MAX_HEADING_WORDS:
        return False
    if _BULLET.match(stripped):
        return False
    if stripped.startswith("#") or stripped.rstrip(":").endswith("**"):
        return True
    if stripped.startswith("**") and ":**" in stripped:
        return True
    if stripped.endswith(":"):
        return True
    return capitals and len(core) >= 4 and core.isupper()


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
    - A sentence with a boilerplate cue belongs to the cue's section, whatever surrounds it;
      it starts no earlier than the end of the nearest heading word before the cue (in a
      posting without line breaks or full stops, "… mapping user flows Benefits Competitive
      salary …" is benefits from "Benefits" on, not 250 characters back).
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
        rest = text[end:line_end].lstrip(_AFTER_HEADING)
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
    marker_ends = sorted(e for _, e, _ in markers)
    for start, end, name in cues:
        left, right = sentence_around(text, start, end)
        i = bisect_right(marker_ends, start) - 1
        if i >= 0 and marker_ends[i] > left:
            left = marker_ends[i]
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
