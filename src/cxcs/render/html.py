"""A standalone, readable HTML page (inline CSS, no scripts, no external assets)."""

from __future__ import annotations

from html import escape

from cxcs.render.view import Report, TableBlock, cell_text, footer

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:72rem;padding:0 1rem;color:#1f2328;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #d0d7de;padding:.4rem .6rem;vertical-align:top;text-align:left}
th{background:#f6f8fa}tr:nth-child(even) td{background:#fbfcfd}
.bar{display:inline-block;height:.7rem;background:#0969da;border-radius:2px}
.note{color:#57606a}footer{color:#57606a;font-size:.85rem;margin-top:2rem}
"""


def _cell(value: object, kind: str) -> str:
    if kind == "bar" and isinstance(value, float):
        width = max(0.0, min(1.0, value)) * 10
        return f'<span class="bar" style="width:{width:.2f}rem"></span> {value:.2f}'
    text = cell_text(value if isinstance(value, str | float) else None)
    return "<br>".join(escape(line) for line in text.split("\n"))


def _table(block: TableBlock) -> str:
    parts = []
    if block.title:
        parts.append(f"<h2>{escape(block.title)}</h2>")
    head = "".join(f"<th>{escape(c.header)}</th>" for c in block.columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{_cell(v, c.kind)}</td>" for v, c in zip(row, block.columns, strict=False))
        + "</tr>"
        for row in block.rows
    )
    parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    if block.caption:
        parts.append(f'<p class="note">{escape(block.caption)}</p>')
    return "\n".join(parts)


def render(report: Report) -> str:
    """The report as one HTML document."""
    meta = report.meta
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in report.notes)
    tables = "\n".join(_table(b) for b in report.tables)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(report.title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(report.title)}</h1>\n{tables}\n{notes}"
        f"<footer>{escape(footer(meta, full_hash=True))}</footer></body></html>\n"
    )
