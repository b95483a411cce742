"""Rich tables for a terminal (plain text when written to a file)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cxcs.render.view import Report, TableBlock, cell_text, footer
from cxcs.safe_text import rich_text

BAR_WIDTH = 20


def bar(value: float, width: int = BAR_WIDTH) -> Text:
    """A horizontal bar for a value in [0, 1], followed by the value."""
    value = max(0.0, min(1.0, value))
    filled = round(value * width)
    return Text.assemble(("█" * filled, "cyan"), ("·" * (width - filled), "dim"), f" {value:.2f}")


def build_table(block: TableBlock) -> Table:
    """One block as a rich Table."""
    multiline = any(isinstance(v, str) and "\n" in v for row in block.rows for v in row)
    table = Table(
        title=rich_text(block.title) if block.title else None,
        caption=rich_text(block.caption) if block.caption else None,
        show_lines=multiline,
        expand=False,
    )
    for index, column in enumerate(block.columns):
        table.add_column(
            rich_text(column.header),
            overflow="fold",
            no_wrap=column.kind == "bar",
            min_width=_longest_word(block, index),
        )
    for row in block.rows:
        cells: list[Text | str] = []
        for value, column in zip(row, block.columns, strict=False):
            if column.kind == "bar" and isinstance(value, float):
                cells.append(bar(value))
            else:
                cells.append(rich_text(cell_text(value)))
        table.add_row(*cells)
    return table


LONGEST_WORD = 18
"""Columns are never narrower than their longest word (up to this many characters), so
rich wraps at spaces instead of breaking words."""


def _longest_word(block: TableBlock, index: int) -> int | None:
    words = [
        len(w) for row in block.rows if index < len(row) for w in cell_text(row[index]).split()
    ]
    words += [len(w) for w in block.columns[index].header.split()]
    return min(max(words), LONGEST_WORD) if words else None


def print_report(report: Report, console: Console) -> None:
    """Print the report to a console."""
    console.print(rich_text(report.title, style="bold"))
    for block in report.tables:
        console.print(build_table(block))
    for note in report.notes:
        console.print(rich_text(note, style="dim"))
    meta = report.meta
    console.print(rich_text(footer(meta), style="dim"))


def render(report: Report, width: int = 120) -> str:
    """The report as plain text (for ``--output`` files)."""
    console = Console(record=True, width=width, file=io.StringIO(), color_system=None)
    print_report(report, console)
    return console.export_text()
