"""GitHub-flavoured markdown: a heading, then one pipe table per block."""

from __future__ import annotations

from cxcs.render.view import Report, TableBlock, cell_text, footer
from cxcs.safe_text import markdown_text


def escape_cell(text: str) -> str:
    """Make text safe inside a GFM table cell: controls escaped, ``& < >`` as entities (no
    raw HTML), pipes escaped, newlines as <br>."""
    text = markdown_text(text).replace("\\", "\\\\").replace("|", "\\|")
    return "<br>".join(part.strip() for part in text.split("\n"))


def render_table(block: TableBlock) -> str:
    """One block as a GFM table (with its title as a heading)."""
    lines = []
    if block.title:
        lines += [f"## {escape_cell(block.title)}", ""]
    headers = [escape_cell(c.header) or " " for c in block.columns]
    lines.append("| " + " | ".join(headers) + " |")
    lines.append("|" + "|".join("---" for _ in headers) + "|")
    for row in block.rows:
        lines.append("| " + " | ".join(escape_cell(cell_text(v)) for v in row) + " |")
    if block.caption:
        lines += ["", escape_cell(block.caption)]
    return "\n".join(lines)


def render(report: Report) -> str:
    """The whole report as markdown."""
    parts = [f"# {escape_cell(report.title)}"]
    parts += [render_table(b) for b in report.tables]
    parts += [f"> {escape_cell(n)}" for n in report.notes]
    meta = report.meta
    parts.append(f"<sub>{markdown_text(footer(meta))}</sub>")
    return "\n\n".join(parts) + "\n"
