"""``cxcs map`` drawn for a phone: the chart the HTML page shows on a narrow screen.

The slide chart (:mod:`cxcs.render.svgmap`) is 960 pixels wide; a phone shrinks it to about
a third, and its 14-pixel labels to 5. This drawing is :data:`WIDTH` pixels wide, so it is
shown at about its own size on a phone, and no text in it is smaller than :data:`MIN_FONT`.
Its layout adapts to that width: each row's value is written inside the plot above the row
(there is no room for it beside), the dots of a cell are stacked in one column, the values
of the x axis and the notes wrap onto several lines, and the legend has one function a line.
Like the slide chart it draws nothing outside its canvas, runs no script and fetches nothing.
"""

from __future__ import annotations

from cxcs.models.knowledge import Knowledge
from cxcs.models.placement import Placement
from cxcs.render.svgmap import (
    ELLIPSIS,
    FAINT,
    FONT,
    KEY_MEANINGS,
    Dot,
    colours,
    dispute_spans,
    dots,
    esc,
    fit,
    fitted,
    key_mark,
    text_width,
    title,
    umbrella_line,
)

WIDTH = 340
MIN_FONT = 12
"""The smallest text drawn, in pixels (the slide chart's legend is 12 and its footer 11,
drawn at a third of that on a phone)."""
PAD = 8
STEP = 26
"""Vertical distance between two dots stacked in one cell."""
INK, GRID, PLOT = "#1f2328", "#d0d7de", "#f6f8fa"


def lines(text: str, size: float, room: float, *, bold: bool = False) -> list[str]:
    """``text`` wrapped at spaces into lines no wider than ``room`` pixels; a word wider
    than a whole line is shortened with "…" (:func:`~cxcs.render.svgmap.fit`)."""
    out: list[str] = []
    for word in text.split():
        if text_width(word, size, bold=bold) > room:
            word = fit(word, size, room, bold=bold)
        joined = f"{out[-1]} {word}" if out else word
        if out and text_width(joined, size, bold=bold) <= room:
            out[-1] = joined
        else:
            out.append(word)
    return out or [""]


def _text_block(
    text: str, x: float, y: float, size: float, room: float, **attributes: str
) -> tuple[str, float]:
    """A ``<text>`` of wrapped lines (``<tspan>``), first baseline at ``y``; and the
    baseline of its last line."""
    bold = attributes.get("font_weight") == "600"
    wrapped = lines(text, size, room, bold=bold)
    step = round(size * 1.3)
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attributes.items())
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else step}">{esc(line)}</tspan>'
        for i, line in enumerate(wrapped)
    )
    tip = f"<title>{esc(text)}</title>" if any(ELLIPSIS in ln for ln in wrapped) else ""
    element = f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}"{extra}>{tip}{spans}</text>'
    return element, y + step * (len(wrapped) - 1)


def _crowds(placement: Placement) -> dict[tuple[int, int], list[Dot]]:
    crowd: dict[tuple[int, int], list[Dot]] = {}
    for dot in dots(placement):
        crowd.setdefault((dot.column, dot.row), []).append(dot)
    return crowd


def svg(kb: Knowledge, placement: Placement) -> str:
    """The chart for a phone as an SVG element (for the HTML page)."""
    x_axis, y_axis = placement.x, placement.y
    inner = WIDTH - 2 * PAD
    column_width = inner / len(x_axis.scale)
    parts: list[str] = []
    heading, bottom = _text_block(
        title(placement), PAD, 22, 16, inner, font_weight="600", fill=INK, class_="chart-title"
    )
    parts.append(heading)
    name, bottom = _text_block(
        f"{y_axis.name} ↑", PAD, bottom + 26, 13, inner, font_weight="600", fill=INK,
        class_="y-label",
    )  # fmt: skip
    parts.append(name)
    crowd = _crowds(placement)
    top = bottom + 10
    where: dict[tuple[str, int, int], tuple[float, float]] = {}
    rows: list[str] = []
    y = top
    for row in reversed(range(len(y_axis.scale))):
        tick, tick_bottom = _text_block(
            y_axis.scale[row], PAD + 6, y + 17, MIN_FONT, inner - 12, fill=INK, class_="y-tick"
        )
        stacked = max((len(crowd.get((c, row), [])) for c in range(len(x_axis.scale))), default=0)
        first = tick_bottom + 8 + 10
        for (column, at_row), here in crowd.items():
            if at_row != row:
                continue
            for index, dot in enumerate(here):
                where[(dot.function, column, row)] = (
                    PAD + column * column_width + 14,
                    first + index * STEP,
                )
        height = first - y + max(1, stacked) * STEP - 6
        if row != len(y_axis.scale) - 1:
            rows.append(
                f'<line x1="{PAD}" y1="{y:.1f}" x2="{PAD + inner}" y2="{y:.1f}" stroke="{GRID}"/>'
            )
        rows.append(tick)
        y += height
    plot_bottom = y
    parts.append(
        f'<rect x="{PAD}" y="{top:.1f}" width="{inner}" height="{plot_bottom - top:.1f}" '
        f'fill="{PLOT}" stroke="{GRID}"/>'
    )
    for column in range(1, len(x_axis.scale)):
        gx = PAD + column * column_width
        parts.append(
            f'<line x1="{gx:.1f}" y1="{top:.1f}" x2="{gx:.1f}" y2="{plot_bottom:.1f}" '
            f'stroke="{GRID}" stroke-dasharray="4 4"/>'
        )
    parts += rows
    parts += _points(placement, where, column_width)
    tick_bottom = plot_bottom
    for column, value in enumerate(x_axis.scale):
        centre = PAD + (column + 0.5) * column_width
        tick, last = _text_block(
            value, centre, plot_bottom + 18, MIN_FONT, column_width - 6, text_anchor="middle",
            fill=INK, class_="x-tick",
        )  # fmt: skip
        parts.append(tick)
        tick_bottom = max(tick_bottom, last)
    name, bottom = _text_block(
        f"{x_axis.name} →", WIDTH / 2, tick_bottom + 22, 13, inner, font_weight="600",
        text_anchor="middle", fill=INK, class_="x-label",
    )  # fmt: skip
    parts.append(name)
    legend, bottom = _legend(kb, placement, bottom + 30)
    parts += legend
    height = round(bottom + 12)
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="map-title-phone" '
            f'font-family="{FONT}" class="chart-phone">',
            f'<title id="map-title-phone">{esc(title(placement))}</title>',
            f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
            *parts,
            "</svg>",
        ]
    )


def _points(
    placement: Placement,
    where: dict[tuple[str, int, int], tuple[float, float]],
    column_width: float,
) -> list[str]:
    """The dispute spans, then the dots with their labels (right of the dot, fitted to
    the column)."""
    placed_dots = dots(placement)
    parts = dispute_spans(placement, placed_dots, where)
    for dot in placed_dots:
        px, py = where[(dot.function, dot.column, dot.row)]
        fill = dot.colour if dot.primary else "#ffffff"
        marks = f"{' †' if dot.practice else ''}{'' if dot.primary else ' ?'}"
        room = column_width - 14 - 12 - 4 - text_width(marks, 13, bold=True)
        shown = fit(dot.label, 13, room, bold=True)
        tip = f"<title>{esc(dot.label)}</title>" if shown != dot.label else ""
        parts.append(
            f'<g class="point" data-function="{esc(dot.function)}">'
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="7" fill="{fill}" stroke="{dot.colour}" '
            f'stroke-width="3"/><text x="{px + 12:.1f}" y="{py + 5:.1f}" font-size="13" '
            f'font-weight="600" fill="{dot.colour}">{tip}{esc(shown + marks)}</text></g>'
        )
    return parts


def _legend(kb: Knowledge, placement: Placement, top: float) -> tuple[list[str], float]:
    """Who is who (one function a line), what the dots and spans mean, and the notes; and
    the baseline of the last line."""
    colour = colours(placement)
    inner = WIDTH - 2 * PAD
    parts = ['<g class="legend">']
    y = top
    for placed in placement.functions:
        name = placed.name + (" (umbrella)" if kb.umbrella(placed.function) else "")
        parts.append(
            f'<g class="legend-item" data-function="{esc(placed.function)}">'
            f'<circle cx="{PAD + 7}" cy="{y - 5:.1f}" r="7" fill="{colour[placed.function]}"/>'
            f'<text x="{PAD + 22}" y="{y:.1f}" font-size="13" fill="{INK}">'
            f"{fitted(f'{placed.label} = {name}', 13, inner - 22)}</text></g>"
        )
        y += 22
    y += 4
    for index, meaning in enumerate(KEY_MEANINGS):
        parts.append(
            key_mark(index, PAD, y - 4)
            + f'<text x="{PAD + 22}" y="{y:.1f}" font-size="{MIN_FONT}" fill="{FAINT}" '
            f'class="key">{esc(meaning)}</text>'
        )
        y += 20
    notes = [umbrella_line(kb, placement)]
    if any(f.x_practice or f.y_practice for f in placement.functions):
        from cxcs.render.reports import PRACTICE_NOTE

        notes.append(PRACTICE_NOTE)
    for note in filter(None, notes):
        block, last = _text_block(note, PAD, y + 4, MIN_FONT, inner, fill=FAINT, class_="note")
        parts.append(block)
        y = last + 22
    parts.append("</g>")
    return parts, y - 20
