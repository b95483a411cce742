"""``cxcs map`` as a real picture: a labelled scatter on two ordinal axes.

SVG (valid XML, no scripts, no fonts or anything else fetched), an HTML page holding it with
a legend table (and, shown instead on a narrow screen, the chart of
:mod:`cxcs.render.svgphone`), and the page a headless browser turns into the PNG (the SVG
alone). A
disputed position is drawn as a span from the primary claim (filled dot) to the minority
claim (hollow dot).

SVG text does not wrap, so every piece of text is fitted to the room it has (:func:`fit`): a
name too long for it (an overlay's 300-character function name) is shortened with "…", the
whole text kept as the element's tooltip (``<title>``) and in the HTML page's table. Nothing
is drawn off the canvas or over its neighbour.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from html import escape

from cxcs.models.knowledge import Knowledge
from cxcs.models.placement import Placement
from cxcs.render import page

WIDTH, HEIGHT = 960, 680
LEFT, RIGHT, TOP, BOTTOM = 220, 60, 70, 190
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
COLOURS = ("#0969da", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#087398", "#57606a")
"""Dot and label colours: each has a contrast of at least 4.5:1 (WCAG AA) on the plot's
background, so a label is readable on a projector too."""
FAINT = "#656d76"
"""The footer's grey: 4.5:1 or more on white (the lighter grey before it was 3:1)."""
LEGEND_COLUMN = 340
_ADVANCES = {
    **dict.fromkeys("ijl.,:;'!|`", 0.3),
    **dict.fromkeys(' -frtI()[]{}/\\"', 0.42),
    **dict.fromkeys("cszkvxy", 0.58),
    **dict.fromkeys("MWmw@%", 1.0),
}
"""Advances, in em, on the wide side of DejaVu Sans (what headless Chromium draws system-ui
with on Linux; the usual UI fonts are narrower), of the characters that differ most from the
rest; see :func:`_advance`."""
ELLIPSIS = "…"


def esc(text: str) -> str:
    """Text safe inside SVG/HTML: controls shown, markup escaped (as in every HTML page)."""
    return page.text(text)


def _advance(char: str) -> float:
    """A character's advance in em, on the wide side of DejaVu Sans (what headless Chromium
    draws system-ui with on Linux; the usual UI fonts are narrower)."""
    known = _ADVANCES.get(char)
    if known is not None:
        return known
    if unicodedata.combining(char) or unicodedata.category(char) == "Cf":
        return 0.0
    if unicodedata.east_asian_width(char) in "WF":
        return 1.3  # CJK, emoji
    if char.isupper():
        return 0.78
    return 0.64


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """An estimate, in pixels, on the wide side, of ``text`` drawn at ``size``."""
    return sum(_advance(c) for c in text) * size * (1.12 if bold else 1.0)


def fit(text: str, size: float, room: float, *, bold: bool = False) -> str:
    """``text`` as shown (controls as escapes), shortened with "…" when it would be wider
    than ``room`` pixels."""
    from cxcs.safe_text import visible

    shown = " ".join(visible(text).split("\n"))
    if text_width(shown, size, bold=bold) <= room:
        return shown
    keep = room - text_width(ELLIPSIS, size, bold=bold)
    width, cut = 0.0, 0
    while cut < len(shown):
        width += _advance(shown[cut]) * size * (1.12 if bold else 1.0)
        if width > keep:
            break
        cut += 1
    return shown[:cut].rstrip() + ELLIPSIS


def fitted(text: str, size: float, room: float, *, bold: bool = False) -> str:
    """:func:`fit`, escaped, with the whole text as a tooltip when it was shortened (for the
    inside of a ``<text>`` element)."""
    shown = fit(text, size, room, bold=bold)
    if shown.endswith(ELLIPSIS) and not text.endswith(ELLIPSIS):
        return f"<title>{esc(text)}</title>{esc(shown)}"
    return esc(shown)


@dataclass(frozen=True)
class Dot:
    function: str
    label: str
    colour: str
    column: int
    row: int
    primary: bool
    practice: bool
    """The primary claim rests (partly) on practitioner knowledge: labelled †."""


def colours(placement: Placement) -> dict[str, str]:
    """One colour per function, in placement order."""
    return {f.function: COLOURS[i % len(COLOURS)] for i, f in enumerate(placement.functions)}


def dots(placement: Placement) -> list[Dot]:
    """Every dot of the chart: one per position a function claims."""
    colour = colours(placement)
    found = []
    for placed in placement.functions:
        for position in placed.positions:
            found.append(
                Dot(
                    placed.function,
                    placed.label,
                    colour[placed.function],
                    position.column,
                    position.row,
                    position.primary,
                    position.primary and (placed.x_practice or placed.y_practice),
                )
            )
    return found


def title(placement: Placement) -> str:
    return f"Customer-facing functions by {placement.x.name.lower()} and {placement.y.name.lower()}"


def svg(kb: Knowledge, placement: Placement, *, footer: str = "") -> str:
    """The chart as a standalone SVG document."""
    x, y = placement.x, placement.y
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def cx(column: int) -> float:
        return LEFT + plot_w * (column + 0.5) / len(x.scale)

    def cy(row: int) -> float:
        return TOP + plot_h * (1 - (row + 0.5) / len(y.scale))

    parts = [
        f'<text x="{LEFT}" y="34" font-size="20" font-weight="600" fill="#1f2328" '
        f'class="chart-title">{fitted(title(placement), 20, WIDTH - LEFT - 16, bold=True)}</text>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#f6f8fa" '
        'stroke="#d0d7de"/>',
    ]
    for column, value in enumerate(x.scale):
        gx = cx(column)
        parts.append(
            f'<line x1="{gx:.1f}" y1="{TOP}" x2="{gx:.1f}" y2="{TOP + plot_h}" stroke="#d0d7de" '
            'stroke-dasharray="4 4"/>'
        )
        parts.append(
            f'<text x="{gx:.1f}" y="{TOP + plot_h + 22}" font-size="14" text-anchor="middle" '
            f'fill="#1f2328" class="x-tick">{fitted(value, 14, plot_w / len(x.scale) - 8)}</text>'
        )
    for row, value in enumerate(y.scale):
        gy = cy(row)
        parts.append(
            f'<line x1="{LEFT}" y1="{gy:.1f}" x2="{LEFT + plot_w}" y2="{gy:.1f}" stroke="#d0d7de" '
            'stroke-dasharray="4 4"/>'
        )
        parts.append(
            f'<text x="{LEFT - 12}" y="{gy + 5:.1f}" font-size="14" text-anchor="end" '
            f'fill="#1f2328" class="y-tick">{fitted(value, 14, LEFT - 12 - 34)}</text>'
        )
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h + 50}" font-size="15" '
        f'font-weight="600" text-anchor="middle" fill="#1f2328" class="x-label">'
        f"{fitted(x.name + ' →', 15, plot_w, bold=True)}</text>"
    )
    parts.append(
        f'<text x="24" y="{TOP + plot_h / 2:.1f}" font-size="15" font-weight="600" '
        f'text-anchor="middle" fill="#1f2328" class="y-label" '
        f'transform="rotate(-90 24 {TOP + plot_h / 2:.1f})">'
        f"{fitted(y.name + ' →', 15, plot_h, bold=True)}</text>"
    )
    placed_dots = dots(placement)
    crowd: dict[tuple[int, int], list[Dot]] = {}
    for dot in placed_dots:
        crowd.setdefault((dot.column, dot.row), []).append(dot)
    where: dict[tuple[str, int, int], tuple[float, float]] = {}
    for (column, row), here in crowd.items():
        for index, dot in enumerate(here):
            offset = (index - (len(here) - 1) / 2) * 26
            where[(dot.function, column, row)] = (cx(column), cy(row) + offset)
    parts += dispute_spans(placement, placed_dots, where)
    for dot in placed_dots:
        px, py = where[(dot.function, dot.column, dot.row)]
        fill = dot.colour if dot.primary else "#ffffff"
        kind = "primary" if dot.primary else "minority"
        marks = f"{' †' if dot.practice else ''}{'' if dot.primary else ' ?'}"
        parts.append(
            f'<g class="point {kind}" data-function="{esc(dot.function)}">'
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="8" fill="{fill}" stroke="{dot.colour}" '
            f'stroke-width="3"/>{_label(dot.label, marks, px, py, dot.colour)}</g>'
        )
    legend_top = TOP + plot_h + 78
    legend, legend_bottom = _legend(kb, placement, legend_top, footer)
    height = max(HEIGHT, round(legend_top + legend_bottom + 16))
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="map-title" '
        f'font-family="{FONT}">',
        f'<title id="map-title">{esc(title(placement))}</title>',
        *(_metadata(kb) if footer else ()),
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    return "\n".join([*head, *parts, *legend, "</svg>"]) + "\n"


LABEL_ROOM = 220
"""The most a dot's label may take, in pixels: a longer one is shortened (:func:`fit`)."""


def dispute_spans(
    placement: Placement,
    placed_dots: list[Dot],
    where: dict[tuple[str, int, int], tuple[float, float]],
) -> list[str]:
    """A faint line from each function's primary dot to each of its minority claims' dots
    (``where``: a dot's centre by function, column and row)."""
    spans = []
    for placed in placement.functions:
        mine = [d for d in placed_dots if d.function == placed.function]
        primary = next((d for d in mine if d.primary), mine[0] if mine else None)
        for dot in mine:
            if dot is primary or primary is None:
                continue
            x1, y1 = where[(primary.function, primary.column, primary.row)]
            x2, y2 = where[(dot.function, dot.column, dot.row)]
            spans.append(
                f'<line class="dispute-span" data-function="{esc(dot.function)}" '
                f'x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{dot.colour}" '
                'stroke-width="5" stroke-opacity="0.35" stroke-linecap="round"/>'
            )
    return spans


def versions(kb: Knowledge) -> dict[str, str]:
    """What a picture on its own carries to say where it came from: the tool's version, and
    the knowledge's version and full sha256 (the drawn footer shows 12 digits of it)."""
    from cxcs.render.reports import meta

    info = meta(kb)
    knowledge = info["knowledge"]
    return {
        "Software": f"cxcs {info['tool_version']}",
        "Comment": f"knowledge {knowledge['version']} sha256 {knowledge['sha256']}",
    }


def _metadata(kb: Knowledge) -> list[str]:
    """:func:`versions` as the SVG's ``<metadata>`` (a standalone picture; the HTML page
    has them in its footer)."""
    from cxcs.render.reports import meta

    info = meta(kb)
    document = {
        "tool": {"name": "cxcs", "version": info["tool_version"]},
        "knowledge": {k: info["knowledge"][k] for k in ("version", "sha256")},
    }
    return [f"<metadata>{escape(json.dumps(document), quote=False)}</metadata>"]


def _label(label: str, marks: str, px: float, py: float, colour: str) -> str:
    """A dot's label (with its marks, † and ?, always shown), right of the dot, or left of it
    when it would run off the canvas; shortened when it fits neither side."""
    size = 14
    right, left = WIDTH - 8 - (px + 14), px - 14 - (LEFT + 4)
    needed = text_width(label + marks, size, bold=True)
    if needed <= min(right, LABEL_ROOM) or right >= left:
        x, anchor, room = px + 14, "start", min(right, LABEL_ROOM)
    else:
        x, anchor, room = px - 14, "end", min(left, LABEL_ROOM)
    room -= text_width(marks, size, bold=True)
    shown = fit(label, size, room, bold=True)
    tip = f"<title>{esc(label)}</title>" if shown != " ".join(label.split("\n")) else ""
    return (
        f'<text x="{x:.1f}" y="{py + 5:.1f}" font-size="{size}" font-weight="600" '
        f'text-anchor="{anchor}" fill="{colour}">{tip}{esc(shown + marks)}</text>'
    )


def key_mark(index: int, x: float, y: float) -> str:
    """The mark of the key's entry ``index`` (see :data:`KEY_MEANINGS`) at ``x`` (its left
    edge), ``y`` (its middle): a primary claim's dot, a minority claim's hollow dot, the
    span between them."""
    if index == 0:
        return f'<circle cx="{x + 8:.1f}" cy="{y:.1f}" r="6" fill="#57606a"/>'
    if index == 1:
        return (
            f'<circle cx="{x + 8:.1f}" cy="{y:.1f}" r="6" fill="#ffffff" stroke="#57606a" '
            'stroke-width="2.5"/>'
        )
    return (
        f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + 16:.1f}" y2="{y:.1f}" stroke="#57606a" '
        'stroke-width="5" stroke-opacity="0.35"/>'
    )


KEY_MEANINGS = (
    "primary claim",
    "minority claim (disputed; its label ends in ?)",
    "span between the claims",
)
KEY_TEXT = 20
"""How far an entry's text starts right of its mark."""


def _legend(
    kb: Knowledge, placement: Placement, top: float, footer: str
) -> tuple[list[str], float]:
    """The legend drawn from ``top`` down, and the baseline of its last line below ``top``
    (the canvas grows to hold it: more functions, more legend rows)."""
    colour = colours(placement)
    parts = [f'<g class="legend" transform="translate({LEFT} {top:.1f})">']
    per_row = 2
    for index, placed in enumerate(placement.functions):
        lx = (index % per_row) * LEGEND_COLUMN
        ly = (index // per_row) * 24
        name = placed.name
        below = kb.umbrella(placed.function)
        if below:
            name += " (umbrella)"
        parts.append(
            f'<g class="legend-item" data-function="{esc(placed.function)}">'
            f'<circle cx="{lx + 8}" cy="{ly}" r="7" fill="{colour[placed.function]}"/>'
            f'<text x="{lx + 22}" y="{ly + 5}" font-size="13" fill="#1f2328">'
            f"{fitted(f'{placed.label} = {name}', 13, LEGEND_COLUMN - 22 - 12)}</text></g>"
        )
    rows = (len(placement.functions) + per_row - 1) // per_row
    ly = rows * 24 + 4
    at = 0.0
    for index, meaning in enumerate(KEY_MEANINGS):
        parts.append(
            key_mark(index, at, ly)
            + f'<text x="{at + KEY_TEXT:.1f}" y="{ly + 4}" font-size="12" fill="#57606a" '
            f'class="key">{esc(meaning)}</text>'
        )
        at += KEY_TEXT + text_width(meaning, 12) + 24
    bottom = ly + 4
    umbrella = umbrella_line(kb, placement)
    if umbrella:
        bottom = ly + 24
        parts.append(
            f'<text x="0" y="{bottom}" font-size="12" fill="#57606a" class="umbrella">'
            f"{fitted(umbrella, 12, WIDTH - LEFT - 8)}</text>"
        )
    if any(f.x_practice or f.y_practice for f in placement.functions):
        from cxcs.render.reports import PRACTICE_NOTE

        bottom += 20
        parts.append(
            f'<text x="0" y="{bottom}" font-size="12" fill="#57606a" class="practice">'
            f"{esc(PRACTICE_NOTE)}</text>"
        )
    if footer:
        bottom += 20
        parts.append(
            f'<text x="0" y="{bottom}" font-size="11" fill="{FAINT}" class="footer">'
            f"{fitted(footer, 11, WIDTH - LEFT - 8)}</text>"
        )
    parts.append("</g>")
    return parts, bottom


def umbrella_line(kb: Knowledge, placement: Placement) -> str:
    """The note naming the function shown that is the umbrella over others shown, if any."""
    shown = {f.function for f in placement.functions}
    for placed in placement.functions:
        below = [f for f in kb.umbrella(placed.function) if f in shown]
        if below:
            from cxcs.render.reports import umbrella_articles

            names = ", ".join(kb.functions[f].name.lower() for f in below)
            cited = ", ".join(umbrella_articles(kb, below))
            return f"{placed.name} is the umbrella over {names} ({cited})."
    return ""


def html_page(kb: Knowledge, placement: Placement) -> str:
    """A standalone page (the shell every HTML output shares): the chart, which draws its own
    title, and a table of every function's claimed positions; the versions are the page's
    footer."""
    from cxcs.render.reports import PRACTICE_NOTE, meta

    rows = []
    for placed in placement.functions:
        xs = placed.values_text("x") + (" (disputed)" if placed.x_disputed else "")
        ys = placed.values_text("y") + (" (disputed)" if placed.y_disputed else "")
        rows.append(
            f"<tr><td>{page.words(placed.label)}</td><td>{page.words(placed.name)}</td>"
            f"<td>{page.words(xs)}</td><td>{page.words(ys)}</td></tr>"
        )
    from cxcs.render import svgphone

    body = (
        f'<div class="chart-wide">{svg(kb, placement)}</div>'
        f'<div class="chart-narrow">{svgphone.svg(kb, placement)}</div>'
        f"<table><thead><tr><th>label</th><th>function</th><th>{page.words(placement.x.name)}</th>"
        f"<th>{page.words(placement.y.name)}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    if any(f.x_practice or f.y_practice for f in placement.functions):
        body += f'<p class="note">{esc(PRACTICE_NOTE)}</p>'
    if placement.disputed:
        body += '<p class="note">(primary): the claim the other views compare on.</p>'

    return page.document(title(placement), body, meta(kb), heading=False)


PNG_SCALE = 2
"""The PNG has this many pixels per SVG pixel: 1920 wide, sharp on a full-width slide (at
the SVG's own size a projector or a high-density screen enlarged it, blurred)."""


def picture_page(kb: Knowledge, placement: Placement, *, footer: str) -> tuple[str, int, int]:
    """What the PNG is: the SVG (``footer`` included) alone on a bare page, drawn
    :data:`PNG_SCALE` times its size, and the window width and height that show all of it
    and nothing more."""
    from xml.etree import ElementTree

    drawing = svg(kb, placement, footer=footer)
    root = ElementTree.fromstring(drawing)
    width, height = int(root.get("width", WIDTH)), int(root.get("height", HEIGHT))
    width, height = width * PNG_SCALE, height * PNG_SCALE
    html = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(title(placement))}</title>"
        "<style>html,body{margin:0;background:#fff}"
        f"svg{{display:block;width:{width}px;height:{height}px}}</style></head>"
        f"<body>{drawing}</body></html>\n"
    )
    return html, width, height
