"""GitHub-flavoured markdown: a heading, then one pipe table per block."""

from __future__ import annotations

import re

from cxcs.render import marks
from cxcs.render.view import Report, TableBlock, cell_text, footer
from cxcs.safe_text import markdown_text

_BLOCK_START = re.compile(r"[#+-]|[0-9]{1,9}(?=[.)])")
"""What starts a heading, a list or a rule at the start of a line (``*``, ``>``, ``|``, fences
and indentation are escaped or stripped already)."""


def escape_cell(text: str) -> str:
    """Make text safe inside a GFM table cell: controls escaped, ``& < >`` as entities (no
    raw HTML), markup characters and pipes escaped (:func:`cxcs.safe_text.markdown_text`),
    newlines as <br>."""
    return "<br>".join(part.strip() for part in markdown_text(text).split("\n"))


def escape_line(text: str) -> str:
    """:func:`escape_cell` for text on a line of its own (a caption, a note): a start that
    would make it a heading, a list item or a rule is escaped too."""
    text = escape_cell(text)
    start = _BLOCK_START.match(text)
    if start is None:
        return text
    at = start.end() if start.group().isdigit() else 0
    return f"{text[:at]}\\{text[at:]}"


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
        lines += ["", escape_line(block.caption)]
    return "\n".join(lines)


def render(report: Report) -> str:
    """The whole report as markdown (its notes explain the marks its tables show)."""
    parts = [f"# {escape_cell(report.title)}"]
    parts += [render_table(b) for b in report.tables]
    parts += [f"> {escape_line(n)}" for n in marks.notes(report)]
    meta = report.meta
    parts.append(f"<sub>{markdown_text(footer(meta))}</sub>")
    return "\n\n".join(parts) + "\n"
