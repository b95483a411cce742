"""Classify many postings from JSONL, CSV or Parquet, streaming, in input order, losing nothing.

Each input row yields one output row (:mod:`cxcs.records`): a classification, or an error
with the row's line number. Memory stays flat: rows are read, classified and written in
chunks. With ``--jobs N`` the main process only reads and writes: JSONL lines travel to the
workers as raw bytes in chunks, and come back as encoded output text plus a compact tally
per row, so no result object crosses a process boundary.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import math
import re
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

from cxcs.errors import DamagedData, InputError, UsageError, WorkerError
from cxcs.formats import INPUT_FORMATS
from cxcs.inputs import (
    BOM,
    MAX_LINE_BYTES,
    BatchLine,
    Unreadable,
    cannot_read,
    head_of,
    unreadable_from,
)
from cxcs.records import (
    MAX_ROW_CHARS,
    Fields,
    Row,
    RowMaker,
    columns_read_twice,
    csv_cell,
    failed,
    has_lone_surrogate,
    kept_column,
    row_from_mapping,
    text_field_names,
    text_parts,
)
from cxcs.safe_text import json_text, writable

if TYPE_CHECKING:
    from cxcs.inputs import LiveInput

_T = TypeVar("_T")

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD]")
"""The start of a JSON escape that may stand for a lone surrogate (``\\ud800``); one regex
search is cheaper than two substring searches (``d`` is a common letter)."""

CHUNK = 64
"""Rows per unit of work sent to a worker process with --jobs."""

SERIAL_CHUNK = 32
"""Rows classified between flushes without --jobs (what Ctrl-C can lose at most)."""

IN_FLIGHT_PER_JOB = 3
"""Chunks queued per worker: enough to keep workers busy, few enough to keep memory flat."""

INPUT_KINDS = INPUT_FORMATS
OUTPUT_FORMATS = ("jsonl", "json", "csv", "parquet")

Tally = tuple[str | None, str | None, bool | None, float | None, str | None, str | None, int]
"""Per output row: (label, decision, title_mismatch, confidence, error_code, error, line)."""


def input_kind(path: str, explicit: str | None) -> str | None:
    """'jsonl', 'csv' or 'parquet', from ``--input-format`` or the extension (None: sniff)."""
    if explicit:
        kind = explicit.lower()
        if kind not in INPUT_KINDS:
            raise UsageError(
                f"unknown input format '{explicit}'; choose one of: {', '.join(INPUT_KINDS)}"
            )
        return kind
    from cxcs.compressed import uncompressed_name

    suffix = Path(uncompressed_name(path)).suffix.lower()  # postings.jsonl.gz: .jsonl
    if suffix in {".csv", ".tsv"}:
        return "csv"
    if suffix in {".parquet", ".pq"}:
        return "parquet"
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return "jsonl"
    return None


def sniff_kind(stream: IO[bytes]) -> str:
    """From the first bytes: 'parquet' (magic PAR1), 'jsonl' when the first non-blank byte
    is '{' (or there is none), else 'csv'."""
    head = head_of(stream)
    if head.startswith(b"PAR1"):
        return "parquet"
    head = head.removeprefix(BOM).lstrip()
    return "jsonl" if not head or head[:1] in (b"{", b"[") else "csv"


def open_input(path: str) -> IO[bytes]:
    """The batch input as a binary stream (``-`` is stdin), decompressed when it is
    gzip, bzip2 or xz data (:mod:`cxcs.compressed`)."""
    from cxcs.compressed import decompressed

    if path == "-":
        if sys.stdin is None:
            raise UsageError("no input: stdin is closed; give --batch FILE")
        return decompressed(sys.stdin.buffer, "stdin")
    from cxcs.inputs import open_binary

    return decompressed(open_binary(path), path)


# --------------------------------------------------------------------------- reading


def parse_jsonl_line(line_no: int, raw: BatchLine, fields: Fields) -> Row | None:
    """The row of one JSONL line (an error row when it is unusable; None when blank). An
    int stands for a line too long to read (its length), an ``Unreadable`` for damaged
    compressed data (see :func:`cxcs.inputs.bounded_lines`)."""
    if isinstance(raw, int):
        message = f"line is {raw:,} bytes, over the {MAX_LINE_BYTES:,}-byte limit; skipped"
        return failed(line_no, None, "line_too_long", message)
    if isinstance(raw, Unreadable):
        return failed(line_no, None, "damaged_input", unreadable_from(line_no, raw.reason))
    raw = raw.removeprefix(BOM)  # first in the file, or in a file appended to another
    if not raw.strip():
        return None
    try:
        text = raw.decode(fields.encoding)
    except UnicodeDecodeError as exc:
        message = fields.undecodable(f"byte {exc.start} of the line")
        return failed(line_no, None, "not_utf8", message)
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        looks_csv = line_no == 1 and not text.lstrip().startswith("{")
        hint = " (is this CSV? use --input-format csv)" if looks_csv else ""
        exc = _line_problem(text, exc)
        message = f"bad JSON: {exc.msg} (column {exc.colno}){hint}"
        return failed(line_no, None, "bad_json", message)
    except RecursionError:
        return failed(line_no, None, "bad_json", "bad JSON: nested too deeply")
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        return failed(line_no, None, "bad_json", f"bad JSON: {exc}")
    if not isinstance(record, dict):
        return failed(line_no, None, "not_object", "each line must be a JSON object")
    # Valid UTF-8 decodes to no lone surrogate; only a JSON escape (\ud800) can make one.
    escaped = _SURROGATE_ESCAPE.search(raw) is not None
    return row_from_mapping(line_no, record, fields, unicode_checked=not escaped)


def _line_problem(text: str, error: json.JSONDecodeError) -> json.JSONDecodeError:
    """The error of the line without its line break: a string left open then reads as
    'Unterminated string', not as an 'Invalid control character' (the break itself)."""
    try:
        json.loads(text.rstrip("\r\n"))
    except json.JSONDecodeError as bare:
        return bare
    except ValueError:
        pass
    return error


@dataclass(frozen=True, slots=True)
class Lines:
    """A chunk of raw JSONL lines, the first at line ``start``."""

    start: int
    lines: list[BatchLine]


def _size(line: BatchLine) -> int:
    """The bytes a line stands for (for the progress bar)."""
    if isinstance(line, int):  # a line too long to read: its length
        return line
    return len(line) if isinstance(line, bytes) else 0


def jsonl_chunks(
    stream: Iterable[BatchLine],
    size: int,
    progress: Callable[[int], None] | None = None,
    waits: Callable[[], bool] | None = None,
) -> Iterator[Lines]:
    """Raw JSONL lines in chunks of ``size`` (parsed later, in the worker); a shorter chunk
    when the producer falls silent (``waits``: see :class:`cxcs.inputs.LiveInput`)."""
    start = 1
    for chunk in _chunks(stream, size, waits):
        if progress is not None:
            progress(sum(map(_size, chunk)))
        yield Lines(start, chunk)
        start += len(chunk)


def _chunks(
    items: Iterable[_T], size: int, waits: Callable[[], bool] | None = None
) -> Iterator[list[_T]]:
    """``items`` in lists of ``size``, or fewer when the next item would keep the ones read
    waiting (``waits()`` true: a live input has nothing more yet)."""
    chunk: list[_T] = []
    items = iter(items)
    while True:
        if chunk and (len(chunk) >= size or (waits is not None and waits())):
            yield chunk
            chunk = []
        try:
            chunk.append(next(items))
        except StopIteration:
            break
        except InputError:  # the input cannot be read on: what was read still counts
            if chunk:
                yield chunk
            raise
    if chunk:
        yield chunk


def read_jsonl(
    stream: IO[bytes], fields: Fields, progress: Callable[[int], None] | None = None
) -> Iterator[Row]:
    """Rows of a JSONL stream (or of a JSON array: see :mod:`cxcs.jsonarray`); bad lines
    become error rows with their line number."""
    from cxcs.jsonarray import json_lines

    for chunk in jsonl_chunks(json_lines(stream, "input"), SERIAL_CHUNK, progress):
        for offset, raw in enumerate(chunk.lines):
            row = parse_jsonl_line(chunk.start + offset, raw, fields)
            if row is not None:
                yield row


DELIMITERS = ",;\t|"


def sniff_delimiter(header: str) -> str:
    """The delimiter of a CSV header line: whichever of , ; tab | it holds most (ties: ,)."""
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def open_csv(
    stream: IO[bytes],
    fields: Fields,
    progress: Callable[[int], None] | None = None,
    delimiter: str | None = None,
) -> tuple[list[str], Iterator[Row]]:
    """The header of a CSV stream and its rows; undecodable rows become error rows.

    The delimiter is ``delimiter``, else sniffed from the header line.
    """
    from cxcs.inputs import reading

    limit = MAX_ROW_CHARS * 4
    encoding = "utf-8-sig" if fields.encoding == "utf-8" else fields.encoding
    text = io.TextIOWrapper(stream, encoding=encoding, errors="surrogateescape", newline="")
    csv.field_size_limit(limit)
    with reading("input"):
        first = text.readline(limit + 2)
    if len(first) > limit + 1:
        raise UsageError(f"CSV header is longer than {limit:,} characters; is this a CSV file?")
    sep = delimiter or sniff_delimiter(first.partition("\n")[0])
    lines = _CsvLines(first, text, CSV_LINE_CHARS)
    # strict: a quote left open (or closed mid-field) is an error, not rows swallowed whole
    reader = csv.reader(lines, delimiter=sep, strict=True)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise UsageError(f"CSV header cannot be read: {exc}") from None
    if not any(name in header for name in text_field_names(fields.text_fields)):
        refuse_no_text_column(fields, header, "CSV header", "" if delimiter else "--delimiter")
    return header, _csv_rows(reader, lines, header, fields, progress)


def refuse_no_text_column(fields: Fields, header: Sequence[str], what: str, also: str) -> NoReturn:
    """A usage error: the input's ``header`` has none of the text fields (``also``: another
    option that may help)."""
    raise UsageError(
        f"{what} has no text column (looked for {' / '.join(fields.text_fields)}; "
        f"found {', '.join(header) or 'nothing'}); use --text-field"
        + (f" (or {also})" if also else "")
    )


def read_csv(
    stream: IO[bytes],
    fields: Fields,
    progress: Callable[[int], None] | None = None,
    delimiter: str | None = None,
) -> Iterator[Row]:
    """Rows of a CSV stream with a header (see :func:`open_csv`)."""
    return open_csv(stream, fields, progress, delimiter)[1]


CSV_LINE_CHARS = MAX_ROW_CHARS * 16
"""Longest CSV line read; a longer one becomes an error record (``line_too_long``)."""


class _LineTooLong(Exception):
    """A CSV line over :data:`CSV_LINE_CHARS`, skipped unread: its length."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class _CsvLines:
    """The physical lines of a CSV text as its reader takes them, each read bounded (a line
    over ``limit`` characters is skipped and raises :class:`_LineTooLong`): counted, and so
    are the quote characters of the record being read (to find where a quoted field ends)."""

    def __init__(self, first: str, text: IO[str], limit: int) -> None:
        self._first, self._text, self._limit = first, text, limit
        self.number = 0
        self.quotes = 0
        self._damaged: DamagedData | None = None

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self._damaged is not None:
            raise self._damaged
        line, self._first = self._first or self._read(self._limit + 1), ""
        if not line:
            raise StopIteration
        self.number += 1
        self.quotes += line.count('"')
        if len(line) > self._limit:
            raise _LineTooLong(self._skip_rest(line))
        return line

    def _read(self, size: int) -> str:
        try:  # as cxcs.inputs.reading does, without a context manager per line
            return self._text.readline(size)
        except OSError as exc:
            raise cannot_read("input", exc) from None

    def _skip_rest(self, line: str) -> int:
        """Read past the rest of an over-long ``line``, counting its quotes; its length. A
        line with no end in sight (``yes | tr -d '\\n'``) stops the run."""
        from cxcs.inputs import MAX_SKIP_BYTES

        size = len(line)
        while not line.endswith(("\n", "\r")):
            line = self._read(1 << 20)
            size += len(line)
            self.quotes += line.count('"')
            if not line:
                break
            if size > self._limit + MAX_SKIP_BYTES:
                raise InputError(
                    f"input: line {self.number} has no end after {size:,} characters; "
                    "is this a CSV file?"
                )
        return size

    def new_record(self) -> None:
        """A record starts with the next line."""
        self.quotes = 0

    def skip_open_field(self) -> None:
        """Read on to the line where a quoted field the record left open closes (its quote
        characters pair up again), or to the end."""
        while self.quotes % 2:
            try:
                if next(self, None) is None:
                    return
            except _LineTooLong:  # skipped, its quotes counted all the same
                continue
            except DamagedData as exc:  # said where the next row is read, after this error
                self._damaged = exc
                return


_FIELD_LIMIT = "field larger than field limit"
"""How the csv module says a field grew past its size limit (it stops mid-field)."""


def _csv_rows(
    reader: Iterator[list[str]],
    lines: _CsvLines,
    header: list[str],
    fields: Fields,
    progress: Callable[[int], None] | None,
) -> Iterator[Row]:
    """The rows of a CSV reader past its ``header``, each with the line it starts on; an
    empty line is no row (the csv module reads it as no fields), but counts as a line."""
    while True:
        lines.new_record()
        start = lines.number + 1  # a record starts on the line after the last one read
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if str(exc).startswith(_FIELD_LIMIT):  # the field's other lines are not rows
                lines.skip_open_field()
            yield failed(start, None, "bad_csv", _csv_problem(exc, start, lines.number))
            continue
        except _LineTooLong as exc:
            which = "line" if lines.number == start else f"line {lines.number}"
            lines.skip_open_field()  # a record's line: skip the rest of the record too
            message = (
                f"{which} is {exc.size:,} characters, over the {CSV_LINE_CHARS:,}"
                f"-character limit; {_skipped(start, lines.number)}"
            )
            yield failed(start, None, "line_too_long", message)
            continue
        except DamagedData as exc:  # every row before it counts; nothing after it is read
            yield failed(start, None, "damaged_input", unreadable_from(start, exc.message))
            return
        if not cells:
            continue
        if progress is not None:
            progress(sum(map(len, cells)) + 1)
        record: dict[str, str | None] = dict(zip(header, cells, strict=False))
        if len(cells) > len(header):
            row_id = _error_id(record.get(fields.id_field))
            yield failed(start, row_id, "extra_fields", "more fields than the header has")
            continue
        for name in header[len(cells) :]:
            record[name] = None
        if any(has_lone_surrogate(v) for v in cells):
            row_id = _error_id(record.get(fields.id_field))
            yield failed(start, row_id, "not_utf8", fields.undecodable())
            continue
        yield row_from_mapping(start, record, fields, unicode_checked=True)


def _error_id(value: str | None) -> str | None:
    """The id of a CSV error row as UTF-8 can write it (a byte that did not decode becomes
    U+FFFD; an empty id is no id, as for any row)."""
    return writable(value) if value else None


def _skipped(start: int, end: int) -> str:
    """Which lines an error row stands for."""
    return f"line {start} was skipped" if end <= start else f"lines {start}-{end} were skipped"


def _csv_problem(exc: csv.Error, start: int, end: int) -> str:
    """What went wrong with the CSV record on lines ``start``-``end``, in plain words, and
    which lines it cost (a quote can run over rows that were fine)."""
    reason = str(exc)
    skipped = _skipped(start, end)
    if reason == "unexpected end of data":
        return (
            f"bad CSV: a quote opened on line {start} is never closed (it runs to the end "
            f"of the input, line {end}); {skipped}"
        )
    if "expected after" in reason:
        return (
            f"bad CSV: a quoted field opened on line {start} closes in the middle of a field "
            f"(on line {end}: {reason}); check for a stray quote; {skipped}"
        )
    return f"bad CSV: {reason}; {skipped}"


def _chain_first(first: _T, rest: Iterable[_T]) -> Iterator[_T]:
    if first:
        yield first
    yield from rest


def read_parquet(
    path: str, fields: Fields, progress: Callable[[int], None] | None = None
) -> Iterator[Row]:
    """Rows of a Parquet file (``line`` is the 1-based row number). Progress is reported in
    bytes of the file, spread evenly over its rows."""
    from cxcs.parquet import iter_records, row_count

    per_row = Path(path).stat().st_size // max(1, row_count(path)) if progress else 0
    for line, record in enumerate(iter_records(path), start=1):
        if progress is not None:
            progress(per_row)
        yield row_from_mapping(line, record, fields)


# --------------------------------------------------------------------------- encoding


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


def tally(row: dict[str, Any]) -> Tally:
    """What the summary needs of one output row."""
    return (
        row["label"],
        row["decision"],
        row["title_mismatch"],
        row["confidence"],
        row["error_code"],
        row["error"],
        row["line"],
    )


# --------------------------------------------------------------------------- workers

Unit = Lines | list[Row]
"""One unit of work: raw JSONL lines (parsed in the worker) or rows parsed already."""

Done = tuple[str | list[dict[str, Any]], list[Tally], frozenset[str], frozenset[str]]
"""A unit's result: encoded text (or, for Parquet, the rows), a tally per row, the fields
``--keep-all`` found that the fixed columns of CSV or Parquet leave out, and the ``--keep``
fields some row holds a value for."""


@dataclass
class _Worker:
    maker: RowMaker
    fields: Fields
    encoder: Encoder | None
    """None: return the rows themselves (Parquet output is assembled in the main process)."""
    columns: frozenset[str] | None = None
    """The output's fixed columns (CSV, Parquet); None when every row keeps all its fields."""


_STATE: _Worker | None = None


def _init_worker(
    overlays: list[str], fields: Fields, encoder: Encoder | None, columns: frozenset[str] | None
) -> None:
    """Process-pool initializer: Ctrl-C and SIGHUP are the parent's (it stops the pool),
    SIGTERM ends the worker quietly, so does the parent's death; load the knowledge base
    unless inherited by fork."""
    from cxcs.interrupts import exit_with_parent, worker_defaults

    worker_defaults()
    exit_with_parent()
    global _STATE
    if _STATE is None:
        from cxcs.knowledge.load import load_knowledge

        kb = load_knowledge([Path(p) for p in overlays])
        _STATE = _Worker(RowMaker(kb), fields, encoder, columns)


def _work(unit: Unit) -> Done:
    """Classify one unit: its output text (or rows) and a tally per row."""
    state = _STATE
    assert state is not None
    parsed: list[Row] = unit if not isinstance(unit, Lines) else []
    if isinstance(unit, Lines):
        for i, raw in enumerate(unit.lines):
            row = parse_jsonl_line(unit.start + i, raw, state.fields)
            if row is not None:
                parsed.append(row)
    rows = [state.maker.classify(r) for r in parsed]
    tallies = [tally(r) for r in rows]
    left_out = _left_out(rows, state.columns) if state.fields.keep_all else frozenset()
    kept = _kept_with_values(parsed) if state.fields.keep else frozenset()
    if state.encoder is None:
        return rows, tallies, left_out, kept
    return state.encoder.encode(rows), tallies, left_out, kept


def _kept_with_values(rows: list[Row]) -> frozenset[str]:
    """The kept fields that hold a value in at least one of ``rows``."""
    return frozenset(
        name for row in rows if row.kept for name, value in row.kept.items() if value is not None
    )


def _left_out(rows: list[dict[str, Any]], columns: frozenset[str] | None) -> frozenset[str]:
    """Fields of ``rows`` that fixed ``columns`` (None: JSON keeps every field) leave out."""
    if columns is None:
        return frozenset()
    return frozenset(name for row in rows for name in row if name not in columns)


def run_units(
    units: Iterator[Unit],
    emit: Callable[[Done], None],
    *,
    maker: RowMaker,
    fields: Fields,
    encoder: Encoder | None,
    overlays: list[str],
    jobs: int,
    columns: frozenset[str] | None = None,
    live: LiveInput | None = None,
) -> None:
    """Classify ``units`` in order with ``jobs`` processes, emitting each result in order.

    Without --jobs the work runs here. With it, at most ``jobs * IN_FLIGHT_PER_JOB`` units
    are queued, so reading, classifying and writing overlap while memory stays flat; when a
    ``live`` input's silence cut the unit just read, every queued unit is written first. A worker
    that dies (killed, out of memory) ends the run with a :class:`WorkerError`, never a hang.
    """
    global _STATE
    from cxcs.engine.classify import lexicon_for

    _STATE = _Worker(maker, fields, encoder, columns)
    lexicon_for(maker.kb)  # compile once, before any fork
    if jobs <= 1:
        for unit in units:
            emit(_work(unit))
        return
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from cxcs.interrupts import deferred

    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    pending: deque[Future[Done]] = deque()
    executor = ProcessPoolExecutor(
        jobs,
        mp_context=context,
        initializer=_init_worker,
        initargs=(overlays, fields, encoder, columns),
    )
    try:
        with deferred():  # a signal while forking stops the whole pool, not half of it
            try:
                executor.submit(_ready).result()  # the workers start (all of them, by fork)
            except OSError as exc:  # e.g. no memory left to fork
                raise WorkerError(
                    f"cannot start {jobs} worker processes: {exc.strerror or exc}"
                ) from None
        unreadable: InputError | None = None
        try:
            for unit in units:
                pending.append(executor.submit(_work, unit))
                if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                    emit(pending.popleft().result())
                if live is not None and live.silent:  # the input fell silent: write what is done
                    while pending:
                        emit(pending.popleft().result())
        except InputError as exc:  # the input cannot be read on: the rows read still count
            unreadable = exc
        while pending:
            emit(pending.popleft().result())
        if unreadable is not None:
            raise unreadable
    except BrokenProcessPool:
        raise WorkerError(
            "a worker process stopped unexpectedly (killed, or out of memory?); "
            "the batch is incomplete"
        ) from None
    finally:
        # Queued units are dropped; those a worker has started finish (their results
        # discarded), so no worker is ever killed in the middle of writing a result.
        executor.shutdown(wait=True, cancel_futures=True)


def _ready() -> None:
    """A no-op task: submitting it starts the workers."""


# --------------------------------------------------------------------------- one batch


@dataclass(frozen=True)
class BatchJob:
    """What to classify and how: input, fields, output format, workers."""

    kind: str
    """Input kind: jsonl, csv or parquet."""
    fields: Fields
    out_format: str
    jobs: int = 1
    delimiter: str | None = None


class TextSink:
    """Writes encoded chunks to a text stream: header, rows, footer; flushed per chunk."""

    def __init__(self, stream: IO[str], encoder: Encoder) -> None:
        self.stream = stream
        self.encoder = encoder
        self.rows = 0
        stream.write(encoder.header())
        if encoder.fmt == "json" and stream is sys.stdout:
            from cxcs.output import json_stream_started

            json_stream_started(True)

    def write(self, payload: str | list[dict[str, Any]], count: int) -> None:
        assert isinstance(payload, str)
        if payload:
            if self.encoder.fmt == "json" and self.rows:
                self.stream.write(",\n")
            self.stream.write(payload)
            self.rows += count
        self.stream.flush()

    def close(self) -> None:
        self.stream.write(self.encoder.footer(self.rows))
        self.stream.flush()

    def abort(self) -> None:
        """End what was written so far as a whole document (a JSON array gets its closing
        bracket), after a failure; the rows written stay, nothing is added."""
        if self.encoder.fmt == "json":
            with contextlib.suppress(OSError, ValueError):
                self.close()


def refuse_unknown_fields(fields: Fields, header: Sequence[str]) -> None:
    """A field option naming a column a CSV or Parquet header does not have (nor, for a
    path such as ``job.location``, its first part) is a usage error: the header proves it
    misspelt. The default id and title columns may be absent; each part of a joined text
    (``duties+skills``) must be there."""
    defaults = Fields()
    named = [("--keep", name) for name in fields.keep]
    if fields.id_field != defaults.id_field:
        named.append(("--id-field", fields.id_field))
    if fields.title_field is not None and fields.title_field != defaults.title_field:
        named.append(("--title-field", fields.title_field))
    for spec in fields.text_fields:
        if "+" in spec and spec not in header:
            named += [("--text-field", part) for part in text_parts(spec)]
    for option, name in named:
        if name not in header and name.partition(".")[0] not in header:
            from cxcs.suggest import did_you_mean

            raise UsageError(
                f"{option} {name}: the input has no such column"
                f"{did_you_mean(name, header)} (columns: {', '.join(header)})"
            )


def refuse_ambiguous_fields(fields: Fields, header: Sequence[str], columns: Sequence[str]) -> None:
    """A column a CSV or Parquet header names twice is a usage error when the run reads it
    (which of the two is meant is unclear), and so are two kept columns that the output
    would write under one name (``label`` is kept as ``input_label``)."""
    read = {fields.id_field, fields.title_field, *text_field_names(fields.text_fields)}
    read |= set(fields.keep)
    read |= {name.partition(".")[0] for name in read if name}
    repeats = columns_read_twice(header, header if fields.keep_all else read)
    if repeats:
        name, first, again = repeats[0]
        raise UsageError(
            f"the input has column {name or repr(name)} twice (columns {first} and "
            f"{again}): which one to read is unclear; rename one"
        )
    kept = fields.keep or (tuple(header) if fields.keep_all else ())
    written: dict[str, str] = {}
    for name in kept:
        out = kept_column(name, columns)
        if written.setdefault(out, name) != name:
            raise UsageError(
                f"input columns {written[out]} and {name} would both be written as {out}; "
                "name the ones to keep with --keep"
            )


def kept_names(job: BatchJob, discovered: list[str]) -> list[str]:
    """The input fields copied to the output: ``--keep``'s, or (``--keep-all``) those found."""
    return list(discovered) if job.fields.keep_all else list(job.fields.keep)


def run_batch(
    job: BatchJob,
    source: str,
    stream: IO[bytes] | None,
    kb: Any,
    overlays: list[str],
    sink: Any,
    on_row_error: Callable[[str], None],
    progress: Callable[[int], None] | None = None,
) -> Any:
    """Classify every row of ``stream`` (or the Parquet file ``source``) into ``sink``.

    ``sink`` is a text stream, or (Parquet output) a callable taking the columns and
    returning an object with ``write(rows)`` and ``close()``. Returns the
    :class:`~cxcs.summary.BatchSummary`; each failed row is also passed to ``on_row_error``.
    """
    from cxcs.inputs import waiting_check
    from cxcs.summary import BatchSummary

    maker = RowMaker(kb)
    fields = job.fields
    discovered: list[str] = []
    live = waiting_check(stream) if stream is not None else None
    units: Iterator[Unit]
    if job.kind == "csv":
        assert stream is not None
        discovered, rows = open_csv(stream, fields, progress, job.delimiter)
        units = _chunks(rows, CHUNK if job.jobs > 1 else SERIAL_CHUNK, live)
    elif job.kind == "parquet":
        from cxcs.parquet import field_names

        discovered = field_names(source)
        names = text_field_names(fields.text_fields)  # a path such as job.duties too
        if not any(n in discovered or n.partition(".")[0] in discovered for n in names):
            refuse_no_text_column(fields, discovered, "Parquet file", "")
        units = _chunks(
            read_parquet(source, fields, progress), CHUNK if job.jobs > 1 else SERIAL_CHUNK
        )
    else:
        assert stream is not None
        from cxcs.jsonarray import json_lines

        lines: Iterable[BatchLine] = json_lines(stream, source)
        if fields.keep_all and job.out_format in {"csv", "parquet"}:
            lines = iter(lines)
            discovered, read = _first_record_keys(lines)
            lines = itertools.chain(read, lines)
        units = jsonl_chunks(lines, CHUNK if job.jobs > 1 else SERIAL_CHUNK, progress, live)
    if job.kind != "jsonl":
        refuse_unknown_fields(fields, discovered)
        refuse_ambiguous_fields(fields, discovered, maker.columns)
    columns = maker.columns + [kept_column(n, maker.columns) for n in kept_names(job, discovered)]
    parquet_out = job.out_format == "parquet"
    encoder = None if parquet_out else Encoder(job.out_format, columns)
    writer = sink(columns) if parquet_out else TextSink(sink, encoder)  # type: ignore[arg-type]
    summary = BatchSummary()

    def emit(done: Done) -> None:
        payload, tallies, left_out, kept = done
        for label, decision, mismatch, confidence, code, error, line in tallies:
            summary.add(label, decision, mismatch, confidence, code)
            if error is not None:
                on_row_error(f"line {line}: {error}")
        writer.write(payload, len(tallies))
        summary.left_out.update(left_out)
        summary.kept_with_values.update(kept)

    try:
        run_units(
            units,
            emit,
            maker=maker,
            fields=fields,
            encoder=encoder,
            overlays=overlays,
            jobs=job.jobs,
            columns=frozenset(columns) if job.out_format in {"csv", "parquet"} else None,
            live=live,
        )
    except BaseException:
        if isinstance(writer, TextSink):
            writer.abort()
        raise
    writer.close()
    return summary


def _first_record_keys(lines: Iterator[BatchLine]) -> tuple[list[str], list[BatchLine]]:
    """The fields of the first JSON object among ``lines`` (past blank and bad lines, for
    at most a line's worth of bytes), and the lines read to find it."""
    read: list[BatchLine] = []
    size = 0
    for line in lines:
        read.append(line)
        if isinstance(line, Unreadable):
            break
        if not isinstance(line, bytes):
            continue
        try:
            record = json.loads(line.removeprefix(BOM))
        except (ValueError, RecursionError):
            record = None
        if isinstance(record, dict):
            return [str(k) for k in record], read
        size += len(line)
        if size > MAX_LINE_BYTES:
            break
    return [], read
