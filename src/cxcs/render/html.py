"""A report's tables as one standalone HTML page (the shell of :mod:`cxcs.render.page`)."""

from __future__ import annotations

from cxcs.render import marks
from cxcs.render.page import document, lines, words
from cxcs.render.view import Report, TableBlock, cell_text


def _cell(value: object, kind: str) -> str:
    """A cell's HTML: a bar with its number, a number (an id, an offset such as ``216-228``)
    kept on one line, or text."""
    if kind == "bar" and isinstance(value, float):
        width = max(0.0, min(1.0, value)) * 10
        bar = f'<span class="bar" style="width:{width:.2f}rem"></span>'
        return f'<span class="score">{bar} {value:.2f}</span>'
    text = lines(cell_text(value if isinstance(value, str | float) else None), hang=True)
    return f'<span class="number">{text}</span>' if kind == "number" and text else text


def _table(block: TableBlock) -> str:
    parts = []
    if block.title:
        parts.append(f"<h2>{words(block.title)}</h2>")
    head = "".join(f"<th>{words(c.header)}</th>" for c in block.columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{_cell(v, c.kind)}</td>" for v, c in zip(row, block.columns, strict=False))
        + "</tr>"
        for row in block.rows
    )
    pairs = ' class="pairs"' if len(block.columns) == 2 else ""
    parts.append(f"<table{pairs}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    if block.caption:
        parts.append(f'<p class="note">{words(block.caption)}</p>')
    return "\n".join(parts)


def render(report: Report) -> str:
    """The report as one HTML document (its notes explain the marks its tables show)."""
    tables = "\n".join(_table(b) for b in report.tables)
    notes = "".join(f'<p class="note">{words(n)}</p>' for n in marks.notes(report))
    return document(report.title, f"{tables}\n{notes}", report.meta)
