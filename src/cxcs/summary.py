"""What a batch of classifications adds up to: counts by label and decision, title/duty
mismatches, and the spread of confidence. Built row by row in constant memory."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

NO_LABEL = "(no label)"
"""How a classified row without a label (decision ``insufficient``) is counted."""

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


@dataclass
class BatchSummary:
    """Running counts over output rows; confidence kept as a 0.001-wide histogram."""

    rows: int = 0
    failed: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    decisions: Counter[str] = field(default_factory=Counter)
    mismatches: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    knowledge: Counter[tuple[str, str]] = field(default_factory=Counter)
    """Rows per (``kb_version``, ``kb_sha256``) (only for rows read back from a file)."""
    _confidence: Counter[int] = field(default_factory=Counter)
    left_out: set[str] = field(default_factory=set)
    """Input fields ``--keep-all`` found after the first row, outside the fixed columns of
    CSV or Parquet output (so not written)."""
    with_values: set[str] = field(default_factory=set)
    """The ``--keep`` fields and ``--title-field`` some row held a value for (one none did is
    likely misspelt)."""
    with_id: int = 0
    """Rows written with an id (an ``--id-field`` no row has is likely misspelt)."""
    first_keys: list[str] = field(default_factory=list)
    """The fields of the input's first record or header, for a did-you-mean."""

    @property
    def ok(self) -> int:
        """Rows classified (with or without a label)."""
        return self.rows - self.failed

    def add(
        self,
        label: str | None,
        decision: str | None,
        mismatch: bool | None,
        confidence: float | None,
        error_code: str | None = None,
    ) -> None:
        """Count one output row (``decision`` None or ``error_code`` set: a failed row)."""
        self.rows += 1
        if error_code is not None or decision is None:
            self.failed += 1
            self.errors[error_code or "error"] += 1
            return
        self.labels[label or NO_LABEL] += 1
        self.decisions[decision] += 1
        if mismatch:
            self.mismatches += 1
        if confidence is not None and decision != "insufficient":  # answered rows only
            self._confidence[round(min(max(confidence, 0.0), 1.0) * 1000)] += 1

    def add_row(self, row: Mapping[str, Any]) -> None:
        """Count an output row read back from JSONL, CSV or Parquet (strings accepted)."""
        version = _text(row.get("kb_version"))
        if version is not None:
            self.knowledge[(version, _text(row.get("kb_sha256")) or "")] += 1
        self.add(
            _text(row.get("label")),
            _text(row.get("decision")),
            _flag(row.get("title_mismatch")),
            _number(row.get("confidence")),
            _text(row.get("error_code")) or (_text(row.get("error")) and "error"),
        )

    @property
    def answered(self) -> int:
        """Rows with an answer (a label or *none*), the rows the confidence spread covers:
        an ``insufficient`` row has no confidence (an older output's number is not read)."""
        return sum(self._confidence.values())

    def quantile(self, q: float) -> float | None:
        """The ``q`` quantile of confidence over classified rows (None: none classified)."""
        total = sum(self._confidence.values())
        if not total:
            return None
        rank = q * (total - 1)
        seen = 0
        for value in sorted(self._confidence):
            seen += self._confidence[value]
            if seen > rank:
                return value / 1000
        return max(self._confidence) / 1000

    def spread(self) -> dict[str, float | None]:
        """Confidence quantiles as ``{"p10": ..., "p50": ..., ...}``."""
        return {f"p{round(q * 100)}": self.quantile(q) for q in QUANTILES}

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for JSON)."""
        return {
            "rows": self.rows,
            "classified": self.ok,
            "failed": self.failed,
            "labels": dict(self.labels.most_common()),
            "decisions": dict(self.decisions.most_common()),
            "title_mismatches": self.mismatches,
            "answered": self.answered,
            "confidence": self.spread(),
            "errors": dict(self.errors.most_common()),
        }

    def counts_line(self) -> str:
        """Rows classified and failed, as one line."""
        return f"classified {self.ok} row(s); {self.failed} failed"

    def line(self) -> str:
        """The summary as one line (for a log or a pipe)."""
        parts = [self.counts_line()]
        if self.ok:
            parts.append("labels " + _counts(self.labels))
            parts.append("decisions " + _counts(self.decisions))
            parts.append(f"title mismatches {self.mismatches}")
            parts.append(
                f"confidence of {self.answered} answered "
                + " ".join(f"{k} {v:.2f}" for k, v in self.spread().items() if v is not None)
            )
        return "; ".join(parts)

    def tables(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The summary as titled (name, value) tables, for a terminal or a report."""
        total = max(self.ok, 1)
        overview = [
            ("rows", str(self.rows)),
            ("classified", str(self.ok)),
            ("failed", str(self.failed)),
            ("title mismatches", str(self.mismatches)),
            ("answered", str(self.answered)),
        ]
        labels = [(k, f"{v} ({v / total:.0%})") for k, v in self.labels.most_common()]
        decisions = [(k, f"{v} ({v / total:.0%})") for k, v in self.decisions.most_common()]
        spread = [(k, "" if v is None else f"{v:.2f}") for k, v in self.spread().items()]
        tables = [
            ("Batch", overview),
            ("Labels", labels),
            ("Decisions", decisions),
            ("Confidence of answered rows", spread),
        ]
        if self.errors:
            tables.append(("Errors", [(k, str(v)) for k, v in self.errors.most_common()]))
        return tables


def summarize_rows(rows: Iterable[Mapping[str, Any]]) -> BatchSummary:
    """The summary of output rows read back from a file."""
    summary = BatchSummary()
    for row in rows:
        summary.add_row(row)
    return summary


def read_output_rows(source: str, input_format: str | None = None) -> Iterator[dict[str, Any]]:
    """The rows of a batch output file: JSONL, CSV, a JSON array or Parquet (``-``: stdin;
    the kind from ``input_format``, else the extension, else sniffed). A row without a
    ``decision`` (an input file given by mistake, say) is an input error, never a count of
    failed rows; so is the ``incomplete`` row that ends the output of a batch that stopped
    part way (an output cut short is never summarised in part)."""
    from cxcs.errors import InputError

    name = "stdin" if source == "-" else source  # as classify names it
    for number, row in enumerate(_output_rows(source, name, input_format), start=1):
        if "decision" not in row:
            raise InputError(
                f"{name}: row {number} has no 'decision' field; is this a cxcs batch output?"
            )
        if row.get("error_code") == "incomplete":
            raise InputError(f"{name}: line {row.get('line')}: {row.get('error')}")
        yield row


def _output_rows(source: str, name: str, input_format: str | None) -> Iterator[dict[str, Any]]:
    """The rows of ``source`` (``-``: stdin), named ``name`` in errors."""
    import csv
    import io
    import json

    from cxcs.batch import input_kind, open_input, sniff_kind
    from cxcs.csvinput import sniff_delimiter
    from cxcs.errors import InputError

    stream = open_input(source, "give a FILE, e.g. 'cxcs summarize labels.jsonl'")
    kind = input_kind(source, input_format) or sniff_kind(stream)
    if kind == "parquet":
        from cxcs.parquet import field_names, iter_records, refuse_unreadable_input

        refuse_unreadable_input(stream, source)
        stream.close()
        if "decision" not in field_names(source):  # even with no row to tell
            raise InputError(f"{name}: no 'decision' column; is this a cxcs batch output?")
        yield from iter_records(source)
        return
    if kind == "csv":
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
        first = text.readline()
        delimiter = sniff_delimiter(first)
        header = next(csv.reader([first], delimiter=delimiter), [])
        if "decision" not in header:
            raise InputError(f"{name}: no 'decision' column; is this a cxcs batch output?")
        yield from _csv_output_rows(text, header, delimiter, name)
        return
    from cxcs.inputs import Unreadable
    from cxcs.jsonarray import json_lines

    # JSONL, or the JSON array ``-f json`` writes, read row by row as it streams
    for number, raw in enumerate(json_lines(stream, name), start=1):
        if isinstance(raw, Unreadable):  # a summary of part of a file would mislead
            named = raw.reason.startswith(f"{name}: ")  # damaged compressed data is
            raise InputError(raw.reason if named else f"{name}: {raw.reason}")
        if isinstance(raw, int):  # never held in memory: an output row is never this long
            raise InputError(f"{name}: line {number} is {raw:,} bytes; not a cxcs output row")
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except ValueError:
            if not raw.endswith(b"\n"):  # the last line, broken off: as a CSV output says
                raise InputError(f"{name}: cut short at line {number}") from None
            raise InputError(f"{name}: line {number} is not JSON") from None
        if not isinstance(record, dict):
            raise InputError(f"{name}: line {number} is not a JSON object; not a cxcs output row")
        yield record


def _csv_output_rows(
    text: Iterable[str], header: list[str], delimiter: str, source: str
) -> Iterator[dict[str, Any]]:
    """The rows of a CSV output after its ``header``. Every row cxcs writes has every column
    and ends with a line break: a row that does not, or a quote left open, is a file cut
    short, refused rather than summarised in part."""
    import csv

    from cxcs.errors import InputError
    from cxcs.inputs import MAX_LINE_BYTES

    ends = _LastLine(text)
    csv.field_size_limit(4 * MAX_LINE_BYTES)  # a kept field may be a whole posting
    reader = csv.reader(ends, delimiter=delimiter, strict=True)
    cut = f"{source}: cut short at line {{}} (or not a cxcs batch output)"
    try:
        for cells in reader:
            if len(cells) != len(header) and cells:
                raise InputError(cut.format(reader.line_num))
            if cells:
                yield dict(zip(header, cells, strict=True))
    except csv.Error:
        raise InputError(cut.format(reader.line_num)) from None
    if not ends.last.endswith(("\n", "\r")):  # "\r": saved again by an old Mac's Excel
        raise InputError(cut.format(reader.line_num))


class _LastLine:
    """The lines of a text, remembering the last one read (to tell whether it ended)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.last = "\n"

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        self.last = next(self._lines)
        return self.last


def summary_report(summary: BatchSummary) -> Any:
    """The summary as a :class:`~cxcs.render.view.Report` (tables for every report format)."""
    from cxcs import __version__
    from cxcs.render.view import Column, Report, TableBlock

    tables = [
        TableBlock(title, [Column("name"), Column("value")], [[k, v] for k, v in pairs])
        for title, pairs in summary.tables()
    ]
    flat: list[list[str | float | None]] = [
        ["rows", "", str(summary.rows)],
        ["classified", "", str(summary.ok)],
    ]
    flat += [["failed", "", str(summary.failed)], ["title_mismatches", "", str(summary.mismatches)]]
    flat += [["answered", "", str(summary.answered)]]
    flat += [["label", k, str(v)] for k, v in summary.labels.most_common()]
    flat += [["decision", k, str(v)] for k, v in summary.decisions.most_common()]
    flat += [
        ["confidence", k, "" if v is None else f"{v:.3f}"] for k, v in summary.spread().items()
    ]
    flat += [["error", k, str(v)] for k, v in summary.errors.most_common()]
    versions = sorted(summary.knowledge)
    version, sha = versions[0] if len(versions) == 1 else (", ".join(v for v, _ in versions), "")
    meta = {"tool_version": __version__, "knowledge": {"version": version, "sha256": sha}}
    return Report(
        "summarize",
        "Batch summary",
        tables,
        summary.to_dict(),
        meta,
        csv_table=TableBlock(None, [Column("group"), Column("name"), Column("value")], flat),
    )


def print_table(summary: BatchSummary) -> None:
    """The summary as rich tables on stderr (for a terminal); in a terminal too narrow for
    its widest table (about 30 columns), as plain lines, so that no cell is cut."""
    from rich.measure import Measurement
    from rich.table import Table

    from cxcs.termconsole import stderr_console

    console = stderr_console()
    cells = []
    for title, pairs in summary.tables():
        table = Table(title=title, show_header=False, title_justify="left", box=None)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        for name, value in pairs:
            table.add_row(name, value)
        cells.append(table)
    unbounded = console.options.update_width(10_000)  # a table's own width, not the screen's
    widths = [Measurement.get(console, unbounded, cell).maximum for cell in cells]
    if max(widths) > console.width:
        console.print(_lines(summary), overflow="fold")
        return
    console.print(_side_by_side(cells, widths, console.width, gap=3))


def _lines(summary: BatchSummary) -> Any:
    """The summary's tables row by row: each title, then one ``name: value`` line per row
    (wrapped at a space, never cut)."""
    from rich.text import Text

    text = Text()
    for title, pairs in summary.tables():
        if text:
            text.append("\n\n")
        text.append(title, style="bold")
        for name, value in pairs:
            text.append(f"\n{name}: {value}")
    return text


def _side_by_side(cells: list[Any], widths: list[int], width: int, gap: int) -> Any:
    """``cells`` (``widths`` wide) in as few rows as the terminal's ``width`` allows, none of
    them cut: all four in a row, else two by two, else one under another."""
    from rich.table import Table

    per_row = len(cells)
    while per_row > 1 and any(
        sum(widths[i : i + per_row]) + gap * (per_row - 1) > width
        for i in range(0, len(cells), per_row)
    ):
        per_row = max(1, per_row // 2)
    grid = Table.grid(padding=(0, gap))
    for start in range(0, len(cells), per_row):
        if start:
            grid.add_row(*[""] * per_row)  # a blank line between rows of tables
        grid.add_row(*cells[start : start + per_row])
    return grid


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counter.most_common())


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value != value:  # NaN from a frame
        return None
    return str(value)


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number
