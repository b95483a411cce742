"""Classify many postings from JSONL, CSV or Parquet, streaming, in input order, losing nothing.

Each input row yields one output row (:mod:`cxcs.records`): a classification, or an error
with the row's line number. Memory stays flat: rows are read, classified and written in
chunks. With ``--jobs N`` the main process only reads and writes: JSONL lines travel to the
workers as raw bytes in chunks, and come back as encoded output text plus a compact tally
per row, so no result object crosses a process boundary. CSV is read by
:mod:`cxcs.csvinput`, a CSV or Parquet header checked by :mod:`cxcs.headers`, and rows
turned into output text by :mod:`cxcs.encoder`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from cxcs.csvinput import open_csv
from cxcs.encoder import Encoder
from cxcs.errors import InputError, UsageError
from cxcs.formats import INPUT_ALIASES, INPUT_FORMATS
from cxcs.headers import refuse_ambiguous_fields, refuse_no_text_column, refuse_unknown_fields
from cxcs.inputs import BOM, MAX_LINE_BYTES, BatchLine, Unreadable, head_of, unreadable_from
from cxcs.records import (
    Fields,
    Row,
    RowMaker,
    failed,
    kept_column,
    row_from_mapping,
    text_field_names,
)

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

Tally = tuple[str | None, str | None, bool | None, float | None, str | None, str | None, int, bool]
"""Per output row: (label, decision, title_mismatch, confidence, error_code, error, line,
whether it has an id)."""


def input_kind(path: str, explicit: str | None) -> str | None:
    """'jsonl', 'csv' or 'parquet', from ``--input-format`` (``json`` and ``ndjson`` are
    JSONL, ``tsv`` is CSV) or the extension (None: sniff)."""
    if explicit:
        kind = INPUT_ALIASES.get(explicit.lower(), explicit.lower())
        if kind not in INPUT_KINDS:
            from cxcs.formats import unknown

            raise UsageError(unknown(f"input format '{explicit}'", kind, INPUT_KINDS))
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


def input_delimiter(path: str, explicit: str | None, delimiter: str | None) -> str | None:
    """The delimiter of CSV input: ``--delimiter``, else a tab for ``--input-format tsv`` or
    (no format given) a ``.tsv`` file, else None (sniffed from the header). ``tsv`` with
    another ``--delimiter`` is a usage error."""
    from cxcs.compressed import uncompressed_name

    if explicit is not None:
        tab = explicit.lower() == "tsv"
    else:
        tab = Path(uncompressed_name(path)).suffix.lower() == ".tsv"
    if not tab:
        return delimiter
    if explicit is not None and delimiter not in (None, "\t"):
        raise UsageError(
            f"--input-format tsv means a tab as the delimiter; for --delimiter {delimiter!r} "
            "give --input-format csv"
        )
    return delimiter or "\t"


def sniff_kind(stream: IO[bytes]) -> str:
    """From the first bytes: 'parquet' (magic PAR1), 'jsonl' when the first non-blank byte
    is '{' (or there is none), else 'csv'."""
    head = head_of(stream)
    if head.startswith(b"PAR1"):
        return "parquet"
    head = head.removeprefix(BOM).lstrip()
    return "jsonl" if not head or head[:1] in (b"{", b"[") else "csv"


def open_input(path: str, instead: str = "give --batch FILE") -> IO[bytes]:
    """The batch input as a binary stream (``-`` is stdin), decompressed when it is
    gzip, bzip2 or xz data (:mod:`cxcs.compressed`); ``instead``: what a closed stdin
    is told to do."""
    from cxcs.compressed import decompressed

    if path == "-":
        if sys.stdin is None:
            raise UsageError(f"no input: stdin is closed; {instead}")
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
        if exc.msg == "Extra data" and text[: exc.pos].rstrip(" \t\n").endswith("\r"):
            hint = _LONE_CR
        elif line_no == 1 and text.strip() == "{":
            hint = _SPREAD
        message = f"bad JSON: {exc.msg} (column {exc.colno}){hint}"
        return failed(line_no, None, "bad_json", message)
    except RecursionError:
        return failed(line_no, None, "bad_json", "bad JSON: nested too deeply")
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        return failed(line_no, None, "bad_json", f"bad JSON: {exc}")
    if not isinstance(record, dict):
        kind = _JSON_KINDS.get(type(record), "a number")
        return failed(line_no, None, "not_object", f"each row must be a JSON object, not {kind}")
    # Valid UTF-8 decodes to no lone surrogate; only a JSON escape (\ud800) can make one.
    escaped = _SURROGATE_ESCAPE.search(raw) is not None
    return row_from_mapping(line_no, record, fields, unicode_checked=not escaped)


_LONE_CR = (
    " (lines end in a lone carriage return, \\r? JSON Lines ends each line with \\n: "
    "convert with tr '\\r' '\\n')"
)
"""What an error adds when rows are run together by bare CRs (an old Mac export)."""

_SPREAD = (
    " (one JSON document spread over many lines? cxcs reads one object a line, or one array "
    "of objects: convert it with jq -c, e.g. jq -c '.jobs[]' for the objects under \"jobs\")"
)
"""What the first line's error adds when it opens a pretty-printed JSON object."""

_JSON_KINDS = {list: "an array", str: "a string", bool: "true or false", type(None): "null"}
"""What a JSON value that is no object is called (anything else is a number)."""


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


# --------------------------------------------------------------------------- workers


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
        row["id"] is not None,
    )


Unit = Lines | list[Row]
"""One unit of work: raw JSONL lines (parsed in the worker) or rows parsed already."""

Done = tuple[str | list[dict[str, Any]], list[Tally], frozenset[str], frozenset[str]]
"""A unit's result: encoded text (or, for Parquet, the rows), a tally per row, the fields
``--keep-all`` found that the fixed columns of CSV or Parquet leave out, and the ``--keep``
fields (and a ``--title-field`` other than the default) some row holds a value for."""


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
    """A worker's start (:mod:`cxcs.workerpool`): Ctrl-C and SIGHUP are the parent's (it
    stops the pool), SIGTERM ends the worker quietly, so does the parent's death; load the
    knowledge base unless inherited by fork."""
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
    kept = _with_values(parsed, state.fields)
    if state.encoder is None:
        return rows, tallies, left_out, kept
    return state.encoder.encode(rows), tallies, left_out, kept


def _with_values(rows: list[Row], fields: Fields) -> frozenset[str]:
    """The ``--keep`` fields, and the ``--title-field`` unless the default, that hold a value
    in at least one of ``rows`` (one that none does is likely misspelt)."""
    named = {fields.title_field} if fields.title_field not in (None, "title") else set()
    if not fields.keep and not named:
        return frozenset()
    titled = named if any(row.title is not None for row in rows) else set()
    return frozenset(
        name for row in rows if row.kept for name, value in row.kept.items() if value is not None
    ).union(titled)


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

    Without --jobs the work runs here. With it (:mod:`cxcs.workerpool`), at most
    ``jobs * IN_FLIGHT_PER_JOB`` units are out at once, so reading, classifying and writing
    overlap while memory stays flat; when a ``live`` input's silence cut the unit just read,
    every unit out is written first. A worker that dies (killed, out of memory), at any
    moment, even half-way through writing a result back, ends the run with a
    :class:`WorkerError`. An input that cannot be read on ends it with its
    :class:`InputError`, once every unit read before it is written.
    """
    global _STATE
    from cxcs.engine.classify import lexicon_for

    _STATE = _Worker(maker, fields, encoder, columns)
    lexicon_for(maker.kb)  # compile once, before any fork
    if jobs <= 1:
        for unit in units:
            emit(_work(unit))
        return
    from cxcs.workerpool import WorkerPool

    unreadable: list[InputError] = []

    def readable() -> Iterator[Unit]:
        try:
            yield from units
        except InputError as exc:  # the input cannot be read on: the rows read still count
            unreadable.append(exc)

    initargs = (overlays, fields, encoder, columns)
    with WorkerPool(jobs, _work, _init_worker, initargs, IN_FLIGHT_PER_JOB) as pool:
        pool.run(readable(), emit, flush=None if live is None else lambda: live.silent)
    if unreadable:
        raise unreadable[0]


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

    def abort(self, last: dict[str, Any]) -> None:
        """End what was written so far, after a failure, with the row ``last`` (an
        ``incomplete`` row: the output never passes for a whole batch) and, for a JSON
        array, its closing bracket. Best effort: a stream that cannot take it is left."""
        with contextlib.suppress(OSError, ValueError):
            self.write(self.encoder.encode([last]), 1)
            if self.encoder.fmt == "json":
                self.close()


def stopped_row(maker: RowMaker, last_line: int, exc: BaseException) -> dict[str, Any]:
    """The ``incomplete`` row that ends an output whose batch ``exc`` stopped after the
    row of ``last_line`` (0: before any row)."""
    from cxcs.interrupts import terminated_by
    from cxcs.safe_text import one_line

    signalled = terminated_by(exc)
    if signalled is not None:
        import signal

        why = signal.Signals(signalled.signum).name
    elif isinstance(exc, KeyboardInterrupt):
        why = "Ctrl-C"
    else:
        why = one_line(str(exc)) or type(exc).__name__
    lost = f"no row after line {last_line} was" if last_line else "no row was"
    message = f"the batch stopped here ({why}): {lost} classified; this output is incomplete"
    return maker.error_row(failed(last_line + 1, None, "incomplete", message))


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
    first_keys: list[str] = []  # of JSONL: what a misspelt field option may be close to
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
        fixed_columns = fields.keep_all and job.out_format in {"csv", "parquet"}
        named = fields.keep or (fields.id_field, fields.title_field) != ("id", "title")
        if fixed_columns or named:
            lines = iter(lines)  # the first record's keys: columns, or a hint for a misspelling
            first_keys, read = _first_record_keys(lines)
            lines = itertools.chain(read, lines)
            discovered = first_keys if fixed_columns else []
        units = jsonl_chunks(lines, CHUNK if job.jobs > 1 else SERIAL_CHUNK, progress, live)
    if job.kind != "jsonl":
        refuse_unknown_fields(fields, discovered)
        refuse_ambiguous_fields(fields, discovered, maker.columns)
    columns = maker.columns + [kept_column(n, maker.columns) for n in kept_names(job, discovered)]
    parquet_out = job.out_format == "parquet"
    encoder = None if parquet_out else Encoder(job.out_format, columns)
    writer = sink(columns) if parquet_out else TextSink(sink, encoder)  # type: ignore[arg-type]
    summary = BatchSummary(first_keys=first_keys or discovered)
    last_line = 0

    def emit(done: Done) -> None:
        nonlocal last_line
        payload, tallies, left_out, kept = done
        if tallies:
            last_line = tallies[-1][6]
        for label, decision, mismatch, confidence, code, error, line, has_id in tallies:
            summary.add(label, decision, mismatch, confidence, code)
            summary.with_id += has_id
            if error is not None:
                on_row_error(f"line {line}: {error}")
        writer.write(payload, len(tallies))
        summary.left_out.update(left_out)
        summary.with_values.update(kept)

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
    except BaseException as exc:
        if isinstance(writer, TextSink):
            writer.abort(stopped_row(maker, last_line, exc))
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
