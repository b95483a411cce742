"""Split a posting into sections (summary, responsibilities, requirements, company, benefits,
equal opportunity) so boilerplate can be down-weighted.

Headings are found on their own line or inline before a colon ("Responsibilities: ..."),
which covers postings flattened into one paragraph. Independently of headings, a sentence
that reads as benefits or equal-opportunity boilerplate is given that section.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from cxcs.models.signals import SectionRules

SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+|\s[•·▪●◦*]\s|\s-\s")


@dataclass(frozen=True)
class SectionMap:
    """Section name for any character offset."""

    starts: list[int]
    names: list[str]

    def at(self, offset: int) -> str:
        """The section that contains ``offset``."""
        index = bisect_right(self.starts, offset) - 1
        return self.names[index] if index >= 0 else "summary"


def _heading_pattern(rules: SectionRules) -> re.Pattern[str]:
    alternatives = sorted(
        (re.escape(h) for heads in rules.headings.values() for h in heads), key=len, reverse=True
    )
    # A heading: at a line start (optionally after bullets/markup), short, ending the line or
    # followed by a colon.
    return re.compile(
        r"(?im)(?:^|(?<=[\n.!?]))[ \t#*_>•\-]*(?:" + "|".join(alternatives) + r")"
        r"[^\n:.]{0,40}?(?:[ \t]*:|[ \t*_]*$)"
    )


_PATTERNS: dict[int, tuple[re.Pattern[str], dict[str, str], re.Pattern[str]]] = {}


def _compiled(rules: SectionRules) -> tuple[re.Pattern[str], dict[str, str], re.Pattern[str]]:
    key = id(rules)
    if key not in _PATTERNS:
        lookup = {h.lower(): name for name, heads in rules.headings.items() for h in heads}
        cues = sorted(
            (re.escape(c) for cs in rules.boilerplate.values() for c in cs), key=len, reverse=True
        )
        _PATTERNS[key] = (
            _heading_pattern(rules),
            lookup,
            re.compile(r"(?<!\w)(?:" + "|".join(cues) + r")(?!\w)", re.IGNORECASE),
        )
    return _PATTERNS[key]


def split_sections(text: str, rules: SectionRules) -> SectionMap:
    """Map every offset of ``text`` to a section name."""
    heading_re, lookup, cue_re = _compiled(rules)
    marks: list[tuple[int, str]] = [(0, "summary")]
    for match in heading_re.finditer(text):
        heading = match.group().strip(" \t\n#*_>•-:").lower()
        name = _heading_name(heading, lookup)
        if name:
            marks.append((match.start(), name))
    cue_section = {c.lower(): name for name, cs in rules.boilerplate.items() for c in cs}
    boiler: list[tuple[int, int, str]] = []
    for cue in cue_re.finditer(text):
        name = cue_section.get(cue.group().lower())
        if name:
            start, end = _sentence_bounds(text, cue.start(), cue.end())
            boiler.append((start, end, name))
    return _merge_marks(marks, boiler)


def _heading_name(heading: str, lookup: dict[str, str]) -> str | None:
    for key in sorted(lookup, key=len, reverse=True):
        if heading.startswith(key):
            return lookup[key]
    return None


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in SENTENCE_END.finditer(text, max(0, start - 400), start)), default=0)
    right_match = SENTENCE_END.search(text, end)
    right = right_match.start() if right_match else len(text)
    return max(left, start - 400), min(right, end + 400)


def _merge_marks(marks: list[tuple[int, str]], boiler: list[tuple[int, int, str]]) -> SectionMap:
    """Overlay boilerplate sentences on heading sections."""
    marks.sort()
    events: list[tuple[int, str]] = list(marks)
    for start, end, name in boiler:
        resume = _section_at(marks, end)
        events.append((start, name))
        events.append((end, resume))
    events.sort(key=lambda e: e[0])
    starts: list[int] = []
    names: list[str] = []
    boiler_spans = sorted((s, e, n) for s, e, n in boiler)
    for offset, name in events:
        inside = next((n for s, e, n in boiler_spans if s <= offset < e), None)
        name = inside or name
        if starts and starts[-1] == offset:
            names[-1] = name
        elif not names or names[-1] != name:
            starts.append(offset)
            names.append(name)
    return SectionMap(starts, names)


def _section_at(marks: list[tuple[int, str]], offset: int) -> str:
    name = "summary"
    for start, section in marks:
        if start <= offset:
            name = section
        else:
            break
    return name
