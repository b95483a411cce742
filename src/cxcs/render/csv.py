"""CSV: the report's primary table, header first."""

from __future__ import annotations

import csv
import io

from cxcs.render.view import Report, cell_text


def render(report: Report) -> str:
    """The primary table as CSV (RFC 4180 quoting, '\\n' line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    block = report.primary
    writer.writerow([c.header for c in block.columns])
    for row in block.rows:
        writer.writerow([cell_text(v) for v in row])
    return buffer.getvalue()
