"""Rich tables for a terminal (plain text when written to a file), laid out for the width
they are given.

The layout rules (the README's promise about terminal tables rests on them):

- a column is never narrower than its longest word, so text wraps at spaces; a ``number``
  column (numbers, ids, offsets) is never narrower than its longest cell, so it is never
  wrapped; a bar is drawn shorter (down to ``MIN_BAR``) before its number is touched;
- when the columns' natural widths do not fit, the widest columns are narrowed first;
- when even the minimums do not fit (a matrix of five functions at 80 columns), or when
  the narrowed table would take more lines than this, a table of three or more columns is
  shown row by row: each row becomes a block of ``header │ value`` lines, its first cell in
  bold, blocks separated by a rule; nothing is dropped;
- when a boxed layout would have to break a word (a narrow terminal: 40 columns and less),
  the table is **stacked**: no box, each row a block headed by its first cell in bold, then
  one ``header: value`` line per other cell (the header on a line of its own and the value
  indented under it when they do not fit one line; a two-column table's values without
  their header, or, when every row fits one, ``name: value`` lines), blocks separated by a
  blank line; an empty cell is left out. Text wraps
  with :mod:`cxcs.render.wrap`: a word too long for its line breaks after a hyphen or
  slash, and only one with no such point that fits (a sha256 below 64 columns) is folded
  at the line's end; nothing is ever cut or ellipsized.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from cxcs.render import marks
from cxcs.render.view import CellText, Column, Report, TableBlock, cell_text, footer
from cxcs.render.wrap import Wrapped, longest_word
from cxcs.safe_text import rich_text, visible

BAR_WIDTH = 20
STEP = 2
"""How far a stacked table indents a cell under its block's heading (and a value under
its header)."""
MIN_BAR = 5
"""A bar column shrinks from ``BAR_WIDTH`` to this many characters before the table is
shown row by row."""


def bar(value: float, width: int = BAR_WIDTH) -> Text:
    """A horizontal bar for a value in [0, 1], followed by the value."""
    value = max(0.0, min(1.0, value))
    filled = round(value * width)
    return Text.assemble(("█" * filled, "cyan"), ("·" * (width - filled), "dim"), f" {value:.2f}")


class Fit(NamedTuple):
    """How wide a column would like to be, and how narrow it may get without breaking a
    word (or, for ``number`` columns, a cell)."""

    natural: int
    minimum: int


def _widest_line(text: str) -> int:
    return max((cell_len(line) for line in text.split("\n")), default=0)


def _widest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


def _is_bar(column: Column, value: CellText) -> bool:
    return column.kind == "bar" and isinstance(value, float)


def _bar_label(value: float) -> str:
    return f" {max(0.0, min(1.0, value)):.2f}"


def measure_column(column: Column, values: Sequence[CellText]) -> Fit:
    """The natural and minimum widths of one column (its header included)."""
    header = visible(column.header)
    natural, minimum = _widest_line(header), _widest_word(header)
    for value in values:
        if isinstance(value, float) and _is_bar(column, value):
            label = cell_len(_bar_label(value))
            natural, minimum = max(natural, BAR_WIDTH + label), max(minimum, MIN_BAR + label)
            continue
        text = visible(cell_text(value))
        natural = max(natural, _widest_line(text))
        minimum = max(
            minimum, _widest_line(text) if column.kind == "number" else _widest_word(text)
        )
    return Fit(natural, minimum)


def fit_widths(fits: Sequence[Fit], room: int) -> list[int] | None:
    """Widths for columns sharing ``room`` characters: natural widths when they fit, else
    the widest columns are narrowed first, one character at a time, never below their
    minimum; None when even the minimums do not fit."""
    if sum(f.minimum for f in fits) > room:
        return None
    return _narrow([f.natural for f in fits], [f.minimum for f in fits], room)


def _narrow(widths: list[int], floors: list[int], room: int) -> list[int]:
    """``widths`` with the widest narrowed first until they sum to ``room`` (or reach
    their floors)."""
    widths = list(widths)
    for _ in range(max(0, sum(widths) - room)):
        narrowable = [i for i, w in enumerate(widths) if w > floors[i]]
        if not narrowable:
            break
        widths[max(narrowable, key=lambda i: widths[i])] -= 1
    return widths


def overhead(columns: int) -> int:
    """Characters a boxed table spends around ``columns`` columns: one space of padding
    either side of each cell, a rule between columns and one at each edge."""
    return 3 * columns + 1


def _cell(value: CellText, column: Column, width: int) -> Text:
    if isinstance(value, float) and _is_bar(column, value):
        return bar(value, max(0, min(BAR_WIDTH, width - cell_len(_bar_label(value)))))
    return rich_text(cell_text(value))


def _multiline(block: TableBlock) -> bool:
    return any(isinstance(v, str) and "\n" in v for row in block.rows for v in row)


def _frame(block: TableBlock, *, show_lines: bool, show_header: bool = True) -> Table:
    return Table(
        title=rich_text(block.title) if block.title else None,
        caption=rich_text(block.caption) if block.caption else None,
        show_lines=show_lines,
        show_header=show_header,
        expand=False,
    )


def _columns(block: TableBlock) -> list[Fit]:
    return [
        measure_column(column, [row[i] if i < len(row) else None for row in block.rows])
        for i, column in enumerate(block.columns)
    ]


def _grid(block: TableBlock, fits: list[Fit], widths: list[int]) -> Table:
    """The table as it is: one column per column, rules between rows when any cell wraps."""
    wraps = _multiline(block) or any(w < f.natural for w, f in zip(widths, fits, strict=True))
    table = _frame(block, show_lines=wraps)
    for column, width in zip(block.columns, widths, strict=True):
        table.add_column(rich_text(column.header), overflow="fold", width=width)
    for row in block.rows:
        table.add_row(
            *(_cell(v, c, w) for v, c, w in zip(row, block.columns, widths, strict=False))
        )
    return table


def _row_fits(fits: list[Fit], block: TableBlock) -> tuple[Fit, Fit]:
    headers = [visible(c.header) for c in block.columns]
    key = Fit(
        max((_widest_line(h) for h in headers), default=0),
        max((_widest_word(h) for h in headers), default=0),
    )
    value = Fit(max(f.natural for f in fits), max(f.minimum for f in fits))
    return key, value


def _row_widths(key: Fit, value: Fit, width: int) -> list[int]:
    """The widths of a row-by-row layout that fits (headers kept whole first)."""
    room = width - overhead(2)
    first = max(key.minimum, min(key.natural, room - value.minimum))
    return [first, min(value.natural, room - first)]


def _by_row(block: TableBlock, widths: list[int]) -> Table:
    """Each row as a block of ``header │ value`` lines (for tables too wide for ``width``)."""
    table = _frame(block, show_lines=False, show_header=False)
    table.add_column(overflow="fold", width=widths[0])
    table.add_column(overflow="fold", width=widths[1])
    for row in block.rows:
        for index, column in enumerate(block.columns):
            cell = row[index] if index < len(row) else None
            label = rich_text(column.header)
            text = _cell(cell, column, widths[1])
            if index == 0:
                label.stylize("bold")
                text.stylize("bold")
            table.add_row(label, text, end_section=index == len(block.columns) - 1)
    return table


def wrapped_lines(text: str, width: int) -> int:
    """How many lines ``text`` takes wrapped at spaces to ``width`` (a longer word folds)."""
    count = 0
    for line in text.split("\n"):
        used = 0
        count += 1
        for word in line.split():
            size = cell_len(word)
            if used and used + 1 + size <= width:
                used += 1 + size
                continue
            if used:
                count += 1
            count += (size - 1) // max(1, width) if size else 0
            used = size % max(1, width) or min(size, width)
    return count


def _height(block: TableBlock, widths: Sequence[int], *, by_row: bool) -> int:
    """Lines the block takes in a layout (its rules included)."""

    def lines(value: CellText, column: Column, width: int) -> int:
        return 1 if _is_bar(column, value) else wrapped_lines(visible(cell_text(value)), width)

    count = len(block.columns)
    rows = [(list(row) + [None] * count)[:count] for row in block.rows]
    if by_row:
        return sum(
            max(wrapped_lines(visible(c.header), widths[0]), lines(v, c, widths[1]))
            for row in rows
            for v, c in zip(row, block.columns, strict=True)
        ) + max(0, len(rows) - 1)
    header = max(
        wrapped_lines(visible(c.header), w) for c, w in zip(block.columns, widths, strict=True)
    )
    body = sum(
        max(lines(v, c, w) for v, c, w in zip(row, block.columns, widths, strict=True))
        for row in rows
    )
    return header + 1 + body + max(0, len(rows) - 1)


def _stacked_bar(value: float, room: int) -> Text:
    return bar(value, max(0, min(BAR_WIDTH, room - cell_len(_bar_label(value)))))


def _stacked_cell(column: Column, value: CellText, width: int, *, labelled: bool) -> list[Text]:
    """One cell of a stacked block: ``header: value`` on one line, or the header and,
    under it, the value (its items' continuation lines hanging further in); the value
    alone when not ``labelled``. A bar is drawn as long as the line leaves room for."""
    header = visible(column.header).strip() if labelled else ""
    label = rich_text(f"{header}:", style="italic")
    if isinstance(value, float) and _is_bar(column, value):
        if not header:
            return [Text(" " * STEP) + _stacked_bar(value, width - STEP)]
        room = width - STEP - cell_len(label.plain) - 1
        if room - cell_len(_bar_label(value)) >= MIN_BAR:
            return [Text(" " * STEP) + label + Text(" ") + _stacked_bar(value, room)]
        return [
            *Wrapped(label, STEP).lines(width),
            Text(" " * 2 * STEP) + _stacked_bar(value, width - 2 * STEP),
        ]
    text = rich_text(cell_text(value))
    hang = STEP if "\n" in text.plain else 0
    if not header:
        return Wrapped(text, STEP, hang).lines(width)
    inline = label + Text(" ") + text
    if "\n" not in inline.plain and STEP + cell_len(inline.plain) <= width:
        return Wrapped(inline, STEP).lines(width)
    return Wrapped(label, STEP).lines(width) + Wrapped(text, 2 * STEP, hang).lines(width)


def stacked_lines(block: TableBlock, width: int) -> list[Text]:
    """The block stacked for a narrow terminal (see the module's rules), as lines."""
    lines: list[Text] = []
    if block.title:
        title = Wrapped(rich_text(block.title, style="bold")).lines(width)
        rule = max(cell_len(line.plain) for line in title)
        lines += [Text(""), *title, Text("─" * rule, style="dim")]
    count = len(block.columns)
    rows = [(list(row) + [None] * count)[:count] for row in block.rows]
    if count == 2 and all(_fits_a_line(cells, block.columns[1], width) for cells in rows):
        for name, value in rows:  # a list of short name/value pairs: one line each
            line = rich_text(cell_text(name), style="bold") + Text(": ")
            lines.append(line + _stacked_value(block.columns[1], value))
        return lines + _caption(block, width)
    for number, cells in enumerate(rows):
        if number:
            lines.append(Text(""))
        lines += Wrapped(rich_text(cell_text(cells[0]), style="bold")).lines(width)
        for index, (column, value) in enumerate(zip(block.columns, cells, strict=True)):
            if index and cell_text(value).strip():
                lines += _stacked_cell(column, value, width, labelled=count > 2)
    return lines + _caption(block, width)


def _caption(block: TableBlock, width: int) -> list[Text]:
    if not block.caption:
        return []
    return Wrapped(rich_text(block.caption, style="dim")).lines(width)


def _stacked_value(column: Column, value: CellText) -> Text:
    if isinstance(value, float) and _is_bar(column, value):
        return bar(value, MIN_BAR)
    return rich_text(cell_text(value))


def _fits_a_line(cells: list[CellText], column: Column, width: int) -> bool:
    """Whether a name/value row fits one ``name: value`` line (a bar at its shortest)."""
    name, value = visible(cell_text(cells[0])), cells[1]
    shown = _stacked_value(column, value).plain
    return "\n" not in name + shown and cell_len(name) + 2 + cell_len(shown) <= width


class Stacked:
    """A table block stacked for the width the console offers."""

    def __init__(self, block: TableBlock) -> None:
        self.block = block

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in stacked_lines(self.block, options.max_width):
            line.end = "\n"
            line.no_wrap = True
            yield line


def _by_row_fits(fits: list[Fit], block: TableBlock, width: int) -> bool:
    """Whether the block can be shown row by row without breaking a word (a table of two
    columns never is: it would not be narrower)."""
    key, value = _row_fits(fits, block)
    return len(fits) > 2 and key.minimum + value.minimum <= width - overhead(2)


def stacks(block: TableBlock, width: int) -> bool:
    """Whether every boxed layout of the block would break a word at ``width``."""
    fits = _columns(block)
    room = max(len(fits), width - overhead(len(fits)))
    return bool(fits) and fit_widths(fits, room) is None and not _by_row_fits(fits, block, width)


def layout(block: TableBlock, width: int, *, stacked: bool = False) -> RenderableType:
    """The block laid out for ``width`` characters (see the module's rules): a rich Table,
    or :class:`Stacked` when a table would break a word (or ``stacked`` asks for it)."""
    fits = _columns(block)
    if stacked and fits:
        return Stacked(block)
    if not fits:
        return _frame(block, show_lines=False)
    widths = fit_widths(fits, max(len(fits), width - overhead(len(fits))))
    if not _by_row_fits(fits, block, width):
        return Stacked(block) if widths is None else _grid(block, fits, widths)
    row_widths = _row_widths(*_row_fits(fits, block), width)
    if widths is not None and (
        widths == [f.natural for f in fits]
        or _height(block, widths, by_row=False) <= _height(block, row_widths, by_row=True)
    ):
        return _grid(block, fits, widths)
    return _by_row(block, row_widths)


class FittedTable:
    """A table block that lays itself out for the width the console offers; stacked, too,
    when one of its ``siblings`` (the other tables of its report) has to be, so that a
    report reads one way."""

    def __init__(self, block: TableBlock, siblings: Sequence[TableBlock] = ()) -> None:
        self.block = block
        self.siblings = siblings

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        yield layout(self.block, width, stacked=any(stacks(b, width) for b in self.siblings))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        fits = _columns(self.block)
        natural = sum(f.natural for f in fits) + overhead(len(fits))
        texts = [visible(c.header) for c in self.block.columns]
        texts += [visible(cell_text(v)) for row in self.block.rows for v in row]
        minimum = max((longest_word(t) for t in texts), default=0) + STEP  # stacked
        return Measurement(min(minimum, natural), natural).clamp(max_width=options.max_width)


def renderables(report: Report) -> Iterator[Wrapped | FittedTable]:
    """What a report prints, in order: title, tables, notes (with the meaning of the marks
    its tables show), versions line (the text wrapped as a stacked table's is, so a long
    word breaks at a hyphen)."""
    yield Wrapped(rich_text(report.title, style="bold"))
    for block in report.tables:
        yield FittedTable(block, report.tables)
    for note in marks.notes(report):
        yield Wrapped(rich_text(note, style="dim"))
    yield Wrapped(rich_text(footer(report.meta), style="dim"))


def print_report(report: Report, console: Console) -> None:
    """Print the report to a console, every table fitted to its width."""
    for part in renderables(report):
        console.print(part)


def render(report: Report, width: int = 120) -> str:
    """The report as plain text (for ``--output`` files)."""
    console = Console(record=True, width=width, file=io.StringIO(), color_system=None)
    print_report(report, console)
    return console.export_text()
