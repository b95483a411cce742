"""``cxcs map``: functions drawn on a grid of two ordinal axes.

The picture is a rich renderable (a Table used as a grid) for the terminal, and the same
renderable exported by rich as text or SVG. The grid is laid out for the width it is
given, with the rules of :mod:`cxcs.render.table`: no mark or word is broken, and when even
its narrowest layout does not fit, the positions are listed, one row per function. The other
formats (markdown, csv, json) get a :class:`~cxcs.render.view.Report` with one row per
function.
"""

from __future__ import annotations

from typing import Any, Literal

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from cxcs.models.kinds import PRACTICE_MARK
from cxcs.models.knowledge import Knowledge
from cxcs.models.placement import Mark, PlacedFunction, Placement
from cxcs.render.reports import PRACTICE_NOTE, meta
from cxcs.render.table import Fit, FittedTable, fit_widths, measure_column, overhead
from cxcs.render.view import Column, Report, TableBlock, footer
from cxcs.render.wrap import Wrapped, longest_word
from cxcs.safe_text import rich_text, visible

DISPUTED_MARK = "?"
LEGEND_GAP = 2
MIN_COLUMN = 9
"""The x columns are at least this wide when there is room (the grid looks square)."""
PALETTE = (
    "bold cyan",
    "bold magenta",
    "bold green",
    "bold yellow",
    "bold blue",
    "bold red",
    "bold bright_cyan",
    "bold bright_magenta",
    "bold bright_green",
    "bold bright_yellow",
)


def title(placement: Placement) -> str:
    """The picture's title."""
    return visible(f"Functions by {placement.x.name} (→) and {placement.y.name} (↑)")


def _styles(placement: Placement) -> dict[str, str]:
    return {f.function: PALETTE[i % len(PALETTE)] for i, f in enumerate(placement.functions)}


def _mark(mark: Mark, styles: dict[str, str]) -> Text:
    return Text(
        visible(mark.label) + (DISPUTED_MARK if mark.disputed else ""),
        style=styles[mark.function] + (" italic" if mark.disputed else ""),
    )


def _corner(placement: Placement) -> str:
    return visible(f"{placement.y.name} ↑ \\ {placement.x.name} →")


def _fits(placement: Placement) -> list[Fit]:
    """Natural and minimum widths of the grid's columns: the y scale (wrapping at spaces),
    then one column per x value (a mark is never broken)."""
    x, y = placement.x, placement.y
    fits = [measure_column(Column(_corner(placement)), list(y.scale))]
    for column in range(len(x.scale)):
        cells = [placement.cell(column, row) for row in range(len(y.scale))]
        marks = [
            visible(m.label) + DISPUTED_MARK * m.disputed
            for cell in cells
            for m in (cell.marks if cell else ())
        ]
        header = measure_column(Column(x.scale[column]), marks)
        longest = max((cell_len(m) for m in marks), default=0)
        fits.append(Fit(max(MIN_COLUMN, header.natural), max(header.minimum, longest)))
    return fits


def build_grid(placement: Placement, widths: list[int]) -> Table:
    """The grid: y scale as row labels (highest at the top), x scale as column headers."""
    styles = _styles(placement)
    x, y = placement.x, placement.y
    grid = Table(
        title=Text(title(placement)),
        box=box.SQUARE,
        show_lines=True,
        expand=False,
        title_style="bold",
    )
    grid.add_column(
        Text(_corner(placement), style="bold"),
        justify="right",
        style="bold",
        overflow="fold",
        width=widths[0],
    )
    for value, width in zip(x.scale, widths[1:], strict=True):
        grid.add_column(
            Text(visible(value), style="bold"), justify="center", overflow="fold", width=width
        )
    for row in reversed(range(len(y.scale))):
        cells: list[RenderableType] = [Text(visible(y.scale[row]))]
        for column in range(len(x.scale)):
            cell = placement.cell(column, row)
            marks = cell.marks if cell else ()
            cells.append(Text("\n").join(_mark(m, styles) for m in marks))
        grid.add_row(*cells)
    return grid


def positions_block(placement: Placement) -> TableBlock:
    """The grid as a list, one row per function (for a terminal too narrow for the grid)."""
    rows: list[list[str | float | None]] = [
        [f.label + DISPUTED_MARK * f.disputed, " ⟷ ".join(f.x), " ⟷ ".join(f.y)]
        for f in placement.functions
    ]
    columns = [Column("function"), Column(placement.x.name), Column(placement.y.name)]
    return TableBlock(title(placement), columns, rows)


class MapGrid:
    """The grid, laid out for the width the console offers: as a list of positions when
    even its narrowest layout (no word broken) is too wide."""

    def __init__(self, placement: Placement) -> None:
        self.placement = placement

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        fits = _fits(self.placement)
        widths = fit_widths(fits, options.max_width - overhead(len(fits)))
        if widths is None:
            yield FittedTable(positions_block(self.placement))
        else:
            yield build_grid(self.placement, widths)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        fits = _fits(self.placement)
        listed = FittedTable(positions_block(self.placement)).__rich_measure__(console, options)
        natural = sum(f.natural for f in fits) + overhead(len(fits))
        minimum = min(sum(f.minimum for f in fits) + overhead(len(fits)), listed.minimum)
        return Measurement(minimum, natural).clamp(max_width=options.max_width)


def _disputed_text(function: PlacedFunction, placement: Placement) -> str:
    parts = []
    if function.x_disputed:
        parts.append(f"{placement.x.name.lower()} {function.values_text('x')}")
    if function.y_disputed:
        parts.append(f"{placement.y.name.lower()} {function.values_text('y')}")
    return "; ".join(parts)


def _legend_rows(placement: Placement) -> list[tuple[Text, Text]]:
    """Each function's label (in its colour) and description."""
    styles = _styles(placement)
    rows = []
    for function in placement.functions:
        text = Text(visible(function.name))
        practice = [
            a.name.lower()
            for a, on in ((placement.x, function.x_practice), (placement.y, function.y_practice))
            if on
        ]
        if practice:
            text.append(visible(f"  {PRACTICE_MARK} {', '.join(practice)}: practitioner knowledge"))
        if function.disputed:
            text.append(
                visible(f"  {DISPUTED_MARK} disputed: {_disputed_text(function, placement)}"),
                style="italic",
            )
        rows.append((Text(visible(function.label), style=styles[function.function]), text))
    return rows


class Legend:
    """Who is who: labels beside their descriptions, or (when the descriptions would get
    less room than their longest word) each label above its description."""

    def __init__(self, placement: Placement) -> None:
        self.rows = _legend_rows(placement)

    def _widths(self) -> tuple[int, int]:
        label = max((cell_len(a.plain) for a, _ in self.rows), default=0)
        words = max((longest_word(b.plain) for _, b in self.rows), default=0)
        return label, words

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        label, words = self._widths()
        if label + LEGEND_GAP + words <= options.max_width:
            table = Table.grid(padding=(0, LEGEND_GAP))
            table.add_column(justify="right", no_wrap=True)
            table.add_column()
            for name, text in self.rows:
                table.add_row(name, text)
            yield table
            return
        for name, text in self.rows:
            yield Wrapped(name)
            yield Wrapped(text, LEGEND_GAP)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        label, _ = self._widths()
        widest = max((label + LEGEND_GAP + cell_len(b.plain) for _, b in self.rows), default=0)
        narrowest = max((longest_word(t.plain) for row in self.rows for t in row), default=0)
        return Measurement(narrowest, widest).clamp(max_width=options.max_width)


def legend(placement: Placement) -> Group:
    """Who is who, and what a disputed mark means (the descriptions wrap at spaces)."""
    parts: list[RenderableType] = [Legend(placement)]
    if placement.disputed:
        parts.append(
            Wrapped(
                Text(
                    f"{DISPUTED_MARK} the sources disagree: the function is shown at every "
                    "position they claim (see 'cxcs show FUNCTION').",
                    style="dim",
                )
            )
        )
    return Group(*parts)


def picture(placement: Placement, kb: Knowledge | None = None) -> RenderableType:
    """The grid with its legend (and, given ``kb``, the tool and knowledge versions)."""
    parts: list[RenderableType] = [MapGrid(placement), legend(placement)]
    if kb is not None:
        from cxcs.render.svgmap import umbrella_line

        umbrella = umbrella_line(kb, placement)
        if umbrella:
            parts.append(Wrapped(rich_text(umbrella, style="dim")))
        parts.append(Wrapped(rich_text(footer(meta(kb)), style="dim")))
    return Group(*parts)


def _values(function: PlacedFunction, axis: Literal["x", "y"]) -> str:
    disputed = function.x_disputed if axis == "x" else function.y_disputed
    return ("⚠ disputed: " if disputed else "") + function.values_text(axis)


def map_report(kb: Knowledge, placement: Placement) -> Report:
    """One row per function (id, x value, y value) for markdown, csv and json."""
    x, y = placement.x, placement.y
    rows: list[list[str | float | None]] = [
        [f.function, _values(f, "x"), _values(f, "y")] for f in placement.functions
    ]
    table = TableBlock(None, [Column("id", "number"), Column(x.name), Column(y.name)], rows)
    payload: dict[str, Any] = {"placement": placement.model_dump(mode="json")}
    notes = [
        f"{x.name} (x): {' < '.join(x.scale)}",
        f"{y.name} (y): {' < '.join(y.scale)}",
    ]
    if placement.disputed:
        notes.append(
            "disputed: the sources disagree, so the function takes every position they claim; "
            "the primary claim is named first"
        )
    if any(f.x_practice or f.y_practice for f in placement.functions):
        notes.append(PRACTICE_NOTE)
    return Report("map", title(placement), [table], payload, meta(kb), notes=notes)
