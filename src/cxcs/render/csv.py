"""CSV: the report's primary table, header first."""

from __future__ import annotations

import csv
import io

from cxcs.render.view import Report, cell_text
from cxcs.safe_text import csv_cell


def render(report: Report) -> str:
    """The primary table as CSV (RFC 4180 quoting, '\\n' line ends); text cells are
    neutralised (controls escaped, formulas prefixed with ``'``: see :mod:`cxcs.safe_text`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    block = report.primary
    writer.writerow([csv_cell(c.header) for c in block.columns])
    for row in block.rows:
        writer.writerow([csv_cell(v) if isinstance(v, str) else cell_text(v) for v in row])
    return buffer.getvalue()
