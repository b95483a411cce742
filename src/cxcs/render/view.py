"""The format-neutral view every command produces and every renderer consumes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, NamedTuple

CellText = str | float | None
ColumnKind = Literal["text", "bar", "number"]


class Column(NamedTuple):
    """A column header; ``bar`` columns hold a number in [0, 1] drawn as a bar in a terminal;
    ``number`` columns (numbers, ids, offsets) are never wrapped in a terminal."""

    header: str
    kind: ColumnKind = "text"


class TableBlock(NamedTuple):
    """One table of a report."""

    title: str | None
    columns: list[Column]
    rows: list[list[CellText]]
    caption: str | None = None


Payload = dict[str, Any] | Callable[[], dict[str, Any]]
"""The result for JSON output, or a function that builds it (so that the other formats never
pay for dumping the result models)."""


class Report(NamedTuple):
    """What a command shows: titled tables for people, ``payload`` for JSON."""

    command: str
    title: str
    tables: list[TableBlock]
    payload: Payload
    meta: dict[str, Any]
    notes: Sequence[str] = ()
    csv_table: TableBlock | None = None

    def data(self) -> dict[str, Any]:
        """The payload (built now when it was deferred)."""
        return self.payload() if callable(self.payload) else self.payload

    @property
    def primary(self) -> TableBlock:
        """What CSV output contains: ``csv_table`` when set, else the first table."""
        return self.csv_table or self.tables[0]


def cell_text(value: CellText) -> str:
    """Plain text of a cell (bars as a number with two decimals)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return value


def footer(meta: dict[str, Any], *, full_hash: bool = False) -> str:
    """The versions line every human-readable format ends with."""
    knowledge = meta["knowledge"]
    if not knowledge["version"]:  # a summary of an output with no rows
        return f"cxcs {meta['tool_version']} · knowledge: no row names one"
    sha = knowledge["sha256"] if full_hash else knowledge["sha256"][:12]
    versions = f"cxcs {meta['tool_version']} · knowledge {knowledge['version']}"
    return f"{versions} · sha256 {sha}" if sha else versions  # no hash: rows of several
