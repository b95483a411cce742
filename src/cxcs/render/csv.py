"""CSV: the report's primary table, header first, every row carrying the versions.

A CSV has no place for a document-level header, so the tool and knowledge versions that a
JSON document carries once (``tool``, ``knowledge``) are the last three columns of every
row: ``tool_version``, ``kb_version``, ``kb_sha256`` (the names and order of the batch
CSV's, :data:`cxcs.records.TAIL_COLUMNS`). A table that already has them keeps its own.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from cxcs.render.view import Report, cell_text
from cxcs.safe_text import csv_cell

VERSION_COLUMNS = ("tool_version", "kb_version", "kb_sha256")
"""The columns every CSV output ends with (unless its table has them already)."""


def version_cells(meta: dict[str, Any]) -> list[str]:
    """The values of :data:`VERSION_COLUMNS` for a report's ``meta``."""
    knowledge = meta["knowledge"]
    return [str(meta["tool_version"]), str(knowledge["version"]), str(knowledge["sha256"])]


def render(report: Report) -> str:
    """The primary table as CSV (RFC 4180 quoting, '\\n' line ends), the version columns at
    the end of every row; text cells are neutralised (controls escaped, formulas prefixed
    with ``'``: see :mod:`cxcs.safe_text`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    block = report.primary
    headers = [c.header for c in block.columns]
    extra: list[str] = []
    if not set(VERSION_COLUMNS) & set(headers):
        headers += VERSION_COLUMNS
        extra = version_cells(report.meta)
    writer.writerow([csv_cell(h) for h in headers])
    for row in block.rows:
        cells = [csv_cell(v) if isinstance(v, str) else cell_text(v) for v in row]
        writer.writerow([*cells, *(csv_cell(v) for v in extra)])
    return buffer.getvalue()
