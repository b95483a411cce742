"""Wrapping text for a narrow terminal without breaking a word that could stay whole.

Text wraps at spaces. A word longer than a whole line is broken after a hyphen, slash,
underscore, comma or semicolon (``customer-`` / ``management-terms``), the last such point
that fits; only a word with no such point that fits (a sha256 on a 20-column terminal) is
folded at the line's end. Nothing is cut or ellipsized: joined back, the lines hold every
character of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

BREAK_AFTER = frozenset("-/_,;")
_WORD = re.compile(r"\S+")
_PIECES = re.compile(rf"(?<=\S[{re.escape(''.join(sorted(BREAK_AFTER)))}])")


def longest_word(text: str) -> int:
    """Cells taken by the widest word of ``text``."""
    return max((cell_len(word) for word in text.split()), default=0)


def longest_piece(text: str) -> int:
    """Cells taken by the widest piece of ``text`` that wrapping cannot break: a word, or
    the part of one between break points."""
    return max((longest_word(piece) for piece in _PIECES.split(text)), default=0)


def _fold(line: str, start: int, end: int, width: int) -> int:
    """Where a piece ``line[start:end]`` too wide for ``width`` ends: after its last break
    point that fits, else after the last character that fits (at least one)."""
    fitting = start + 1
    for index in range(start + 2, end):
        if cell_len(line[start:index]) > width:
            break
        fitting = index
    for index in range(fitting, start + 1, -1):
        if line[index - 1] in BREAK_AFTER:
            return index
    return fitting


def line_spans(line: str, width: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each wrapped line of ``line`` (one without line breaks); a
    blank line is one empty span."""
    width = max(1, width)
    start: int | None = None
    end = 0
    for match in _WORD.finditer(line):
        word_start, word_end = match.span()
        origin = word_start if start is None else start
        if cell_len(line[origin:word_end]) <= width:
            start, end = origin, word_end
            continue
        if start is not None:
            yield start, end
        position = word_start
        while cell_len(line[position:word_end]) > width:
            cut = _fold(line, position, word_end, width)
            yield position, cut
            position = cut
        start, end = position, word_end
    yield (start, end) if start is not None else (0, 0)


def wrap(text: Text, width: int) -> list[Text]:
    """``text`` as lines no wider than ``width`` (styles kept; see the module's rules)."""
    lines: list[Text] = []
    for part in text.split("\n", allow_blank=True):
        plain = part.plain
        lines += [part[start:end] for start, end in line_spans(plain, width)]
    return lines


class Wrapped:
    """A Text wrapped by :func:`wrap` to the width the console offers, ``indent`` cells
    in (less when a piece of a word that cannot be broken would not fit), and each line's
    continuation ``hang`` cells further in."""

    def __init__(self, text: Text, indent: int = 0, hang: int = 0) -> None:
        self.text = text
        self.indent = indent
        self.hang = hang

    def lines(self, width: int) -> list[Text]:
        """The indented lines for ``width`` cells."""
        piece = longest_piece(self.text.plain)
        indent = self.indent if self.indent + piece <= width else max(0, width - piece)
        lines: list[Text] = []
        for part in self.text.split("\n", allow_blank=True):
            start, end = next(line_spans(part.plain, width - indent))
            lines.append(Text(" " * indent) + part[start:end])
            rest = part[end:]
            rest = rest[len(rest.plain) - len(rest.plain.lstrip()) :]
            if rest.plain:
                hang = _hang(rest.plain, width - indent, self.hang)
                pad = Text(" " * (indent + hang))
                lines += [pad + line for line in wrap(rest, width - indent - hang)]
        return lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines(options.max_width):
            line.end = "\n"
            line.no_wrap = True
            yield line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max((cell_len(line) for line in self.text.plain.split("\n")), default=0)
        narrowest = longest_word(self.text.plain)
        return Measurement(narrowest, self.indent + widest).clamp(max_width=options.max_width)


def _hang(text: str, room: int, hang: int) -> int:
    """``hang``, or none when it would break a word of ``text`` that fits ``room`` whole."""
    sizes = [cell_len(word) for word in text.split()]
    return hang if all(size <= room - hang or size > room for size in sizes) else 0
