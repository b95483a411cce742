"""Output rows as text: JSON lines, JSON array items or CSV, one string per chunk."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from cxcs.records import csv_cell
from cxcs.safe_text import json_text

_JSON_ROW = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
"""What ``json.dumps(row, ensure_ascii=False)`` builds anew for every call; refusing the
NaN and Infinity JSON lacks."""


def json_line(row: dict[str, Any]) -> str:
    """One row as JSON on one line, whatever line-breaking characters its text holds (and no
    raw control a terminal acts on: :func:`cxcs.safe_text.json_text`); a kept NaN or
    infinity (Python writes them into JSON, pandas for a missing value) is null."""
    try:
        line = _JSON_ROW.encode(row)
    except ValueError:  # rare: only a kept input value can be a NaN or an infinity
        line = _JSON_ROW.encode(_finite(row))
    return json_text(line)


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinite number, however deep, made None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


class Encoder:
    """Turns output rows into output text (one string per chunk); picklable for workers."""

    def __init__(self, fmt: str, columns: list[str]) -> None:
        self.fmt = fmt
        self.columns = columns

    def header(self) -> str:
        if self.fmt == "csv":
            return self.encode_csv([dict(zip(self.columns, self.columns, strict=True))])
        return "[\n" if self.fmt == "json" else ""

    def footer(self, rows_written: int) -> str:
        if self.fmt == "json":
            return "\n]\n" if rows_written else "]\n"
        return ""

    def encode(self, rows: list[dict[str, Any]]) -> str:
        """``rows`` as text (for JSON, array items: the sink puts commas between chunks)."""
        if not rows:
            return ""
        if self.fmt == "csv":
            return self.encode_csv(rows)
        lines = [json_line(r) for r in rows]
        if self.fmt == "json":
            return ",\n".join(lines)
        lines.append("")
        return "\n".join(lines)

    def encode_csv(self, rows: list[dict[str, Any]]) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        columns = self.columns
        cells: dict[str, Any] = {}  # text that recurs (labels, versions) is neutralised once

        def cell(value: Any) -> Any:
            if not isinstance(value, str):
                return csv_cell(value)
            found = cells.get(value)
            if found is None:
                found = cells[value] = csv_cell(value)
            return found

        writer.writerows([cell(r.get(c)) for c in columns] for r in rows)
        return buffer.getvalue()
