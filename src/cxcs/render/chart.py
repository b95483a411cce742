"""``cxcs map``: functions drawn on a grid of two ordinal axes.

The picture is a rich renderable (a Table used as a grid) for the terminal, and the same
renderable exported by rich as text, SVG or HTML. The other formats (markdown, csv, json)
get a :class:`~cxcs.render.view.Report` with one row per function.
"""

from __future__ import annotations

from typing import Any, Literal

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from cxcs.models.kinds import PRACTICE_MARK
from cxcs.models.knowledge import Knowledge
from cxcs.models.placement import PlacedFunction, Placement
from cxcs.render.reports import PRACTICE_NOTE, meta
from cxcs.render.view import Column, Report, TableBlock, footer
from cxcs.safe_text import rich_text, visible

PICTURE_FORMATS = ("table", "svg", "html")
"""Formats that show the grid itself (table on a terminal or as plain text)."""
MAP_FORMATS = ("table", "markdown", "json", "csv", "html", "svg")

DISPUTED_MARK = "?"
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


def build_grid(placement: Placement) -> Table:
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
        Text(visible(f"{y.name} ↑ \\ {x.name} →"), style="bold"),
        justify="right",
        style="bold",
        no_wrap=True,
    )
    for value in x.scale:
        grid.add_column(Text(visible(value), style="bold"), justify="center", min_width=9)
    for row in reversed(range(len(y.scale))):
        cells: list[RenderableType] = [Text(visible(y.scale[row]))]
        for column in range(len(x.scale)):
            cell = placement.cell(column, row)
            marks = cell.marks if cell else ()
            cells.append(
                Text("\n").join(
                    Text(
                        visible(m.label) + (DISPUTED_MARK if m.disputed else ""),
                        style=styles[m.function] + (" italic" if m.disputed else ""),
                    )
                    for m in marks
                )
            )
        grid.add_row(*cells)
    return grid


def _disputed_text(function: PlacedFunction, placement: Placement) -> str:
    parts = []
    if function.x_disputed:
        parts.append(f"{placement.x.name.lower()} {function.values_text('x')}")
    if function.y_disputed:
        parts.append(f"{placement.y.name.lower()} {function.values_text('y')}")
    return "; ".join(parts)


def legend(placement: Placement) -> Text:
    """Who is who, and what a disputed mark means."""
    styles = _styles(placement)
    text = Text()
    for function in placement.functions:
        label = visible(f"{function.label:>{_label_width(placement)}}")
        text.append(label, style=styles[function.function])
        text.append(visible(f"  {function.name}"))
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
        text.append("\n")
    if placement.disputed:
        text.append(
            f"{DISPUTED_MARK} the sources disagree: the function is shown at every position "
            "they claim (see 'cxcs show FUNCTION').",
            style="dim",
        )
    else:
        text.rstrip()
    return text


def _label_width(placement: Placement) -> int:
    return max((len(f.label) for f in placement.functions), default=0)


def picture(placement: Placement, kb: Knowledge | None = None) -> RenderableType:
    """The grid with its legend (and, given ``kb``, the tool and knowledge versions)."""
    parts: list[RenderableType] = [build_grid(placement), legend(placement)]
    if kb is not None:
        from cxcs.render.svgmap import _umbrella_line

        umbrella = _umbrella_line(kb, placement)
        if umbrella:
            parts.append(rich_text(umbrella, style="dim"))
        parts.append(rich_text(footer(meta(kb)), style="dim"))
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
    table = TableBlock(None, [Column("id"), Column(x.name), Column(y.name)], rows)
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
