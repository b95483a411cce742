"""Sections of a posting (summary, responsibilities, requirements, company, benefits, equal
opportunity), so boilerplate can be down-weighted.

Section words are found by the same token scan as the signals (see ``classify._scan``). A
heading counts when it opens a line or follows a sentence end and is followed by a colon or
the end of its line — which also covers postings flattened into one paragraph
("... Responsibilities: answer calls ..."). A boilerplate cue (e.g. "equal opportunity
employer", "401(k)") marks its whole sentence, whatever heading it sits under.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

HEADING_LEAD = " \t#*_>•·▪●◦-–—|"
SENTENCE_ENDS = ".!?\n"
MAX_SENTENCE = 400


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


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence containing ``text[start:end]`` (at most 400 chars each way)."""
    left = max(text.rfind(c, max(0, start - MAX_SENTENCE), start) for c in SENTENCE_ENDS)
    left = left + 1 if left >= 0 else max(0, start - MAX_SENTENCE)
    rights = [i for i in (text.find(c, end, end + MAX_SENTENCE) for c in SENTENCE_ENDS) if i >= 0]
    right = min(rights) + 1 if rights else min(len(text), end + MAX_SENTENCE)
    return left, right


def build_sections(
    text: str, headings: list[tuple[int, str]], cues: list[tuple[int, int, str]]
) -> SectionMap:
    """Combine heading positions and boilerplate sentences into a :class:`SectionMap`."""
    events: list[tuple[int, int, str]] = [(0, 0, "summary")]
    events += [(offset, 0, name) for offset, name in headings]
    for start, end, name in cues:
        left, right = sentence_around(text, start, end)
        events.append((left, 1, name))
        events.append((right, -1, name))
    events.sort(key=lambda e: (e[0], -e[1]))
    starts: list[int] = []
    names: list[str] = []
    current = "summary"
    open_cues: list[str] = []
    for offset, kind, name in events:
        if kind == 0:
            current = name
        elif kind == 1:
            open_cues.append(name)
        elif name in open_cues:
            open_cues.remove(name)
        effective = open_cues[-1] if open_cues else current
        if starts and starts[-1] == offset:
            names[-1] = effective
        elif not names or names[-1] != effective:
            starts.append(offset)
            names.append(effective)
    return SectionMap(starts, names)
