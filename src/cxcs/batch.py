"""Classify many postings from JSONL or CSV, streaming, in input order, losing nothing.

Each input row yields one output row: a classification, or an ``error`` with the row's line
number. Memory stays flat: rows are read, classified and written in windows.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cxcs.errors import UsageError
from cxcs.safe_text import csv_cell, has_surrogates, writable

WINDOW = 512
"""Rows per round of work handed to the worker processes with --jobs."""

SERIAL_WINDOW = 32
"""Rows classified between flushes without --jobs (what Ctrl-C can lose at most)."""

MAX_ROW_CHARS = 1_000_000
SCORE_FUNCTIONS_KEY = "scores"


@dataclass(frozen=True)
class Row:
    """One input row: where it was and what it holds, or why it cannot be used."""

    line: int
    id: str | None
    title: str | None = None
    text: str | None = None
    error: str | None = None


@dataclass
class Summary:
    """Counts for the end-of-run report."""

    ok: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)


def input_kind(path: str, explicit: str | None) -> str:
    """'jsonl' or 'csv', from ``--input-format`` or the file extension (stdin: jsonl)."""
    if explicit:
        kind = explicit.lower()
        if kind not in {"jsonl", "csv"}:
            raise UsageError(f"unknown input format '{explicit}'; choose jsonl or csv")
        return kind
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in {".jsonl", ".ndjson", ".json"} or path == "-":
        return "jsonl"
    raise UsageError(
        f"{path}: cannot tell the input format from the extension; use --input-format jsonl|csv"
    )


def open_input(path: str) -> IO[bytes]:
    """The batch input as a binary stream (``-`` is stdin)."""
    if path == "-":
        if sys.stdin is None:
            raise UsageError("no input: stdin is closed; give --batch FILE")
        return sys.stdin.buffer
    from cxcs.inputs import open_binary

    return open_binary(path)


def _pick(record: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        if name in record and record[name] not in (None, ""):
            return record[name]
    return None


def _row_from_mapping(
    line: int, record: dict[str, Any], fields: tuple[str, str, tuple[str, ...]]
) -> Row:
    id_field, title_field, text_fields = fields
    raw_id = record.get(id_field)
    row_id = None if raw_id is None else str(raw_id)
    title = record.get(title_field)
    text = _pick(record, text_fields)
    unwritable = _unwritable_field(
        ((id_field, row_id), (title_field, title), (" / ".join(text_fields), text))
    )
    if unwritable is not None:
        return Row(line, writable(row_id) if row_id else row_id, error=unwritable)
    if text is None:
        return Row(line, row_id, error=f"no text (looked for field {' / '.join(text_fields)})")
    if not isinstance(text, str):
        return Row(line, row_id, error="text field is not a string")
    if not text.strip():
        return Row(line, row_id, error="text is empty")
    if "\x00" in text:
        return Row(line, row_id, error="text contains NUL bytes (binary data)")
    if isinstance(title, str) and title.strip():
        return Row(line, row_id, title.strip(), text[:MAX_ROW_CHARS])
    return Row(line, row_id, None, text[:MAX_ROW_CHARS])


def _unwritable_field(values: tuple[tuple[str, object], ...]) -> str | None:
    """Why a row cannot be written back (a lone surrogate, e.g. from a JSON ``\\ud800``
    escape, in a field it uses), or None. Such a row becomes an error record whose id has
    the surrogate replaced by U+FFFD, so the rest of the batch is still written."""
    for name, value in values:
        if isinstance(value, str) and has_surrogates(value):
            return f"not valid Unicode: field {name} holds a lone surrogate"
    return None


def read_jsonl(
    stream: IO[bytes], fields: tuple[str, str, tuple[str, ...]], progress: Any = None
) -> Iterator[Row]:
    """Rows of a JSONL stream; bad lines become error rows with their line number."""
    for line_no, raw in enumerate(stream, start=1):
        if progress is not None:
            progress(len(raw))
        if line_no == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Row(line_no, None, error=f"not valid UTF-8 (byte {exc.start} of the line)")
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Row(line_no, None, error=f"bad JSON: {exc.msg} (column {exc.colno})")
            continue
        except RecursionError:
            yield Row(line_no, None, error="bad JSON: nested too deeply")
            continue
        except ValueError as exc:  # e.g. an integer with more digits than Python converts
            yield Row(line_no, None, error=f"bad JSON: {exc}")
            continue
        if not isinstance(record, dict):
            yield Row(line_no, None, error="each line must be a JSON object")
            continue
        yield _row_from_mapping(line_no, record, fields)


def read_csv(
    stream: IO[bytes], fields: tuple[str, str, tuple[str, ...]], progress: Any = None
) -> Iterator[Row]:
    """Rows of a CSV stream with a header; undecodable rows become error rows."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    csv.field_size_limit(MAX_ROW_CHARS * 4)
    reader = csv.DictReader(text)
    header = reader.fieldnames or []
    _, _, text_fields = fields
    if not any(f in header for f in text_fields):
        raise UsageError(
            f"CSV header has no text column (looked for {' / '.join(text_fields)}; "
            f"found {', '.join(header) or 'nothing'}); use --text-field"
        )
    line_no = reader.line_num
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # DictReader.line_num is only updated on success
            start, line_no = line_no + 1, reader.reader.line_num
            yield Row(start, None, error=f"bad CSV: {exc}")
            continue
        start, line_no = line_no + 1, reader.line_num
        if progress is not None:
            progress(sum(len(v or "") for v in record.values() if isinstance(v, str)) + 1)
        if None in record:
            yield Row(start, None, error="more fields than the header has")
            continue
        if any(_has_surrogates(v) for v in record.values() if isinstance(v, str)):
            raw_id = record.get(fields[0])
            yield Row(start, writable(raw_id) if raw_id else None, error="not valid UTF-8")
            continue
        yield _row_from_mapping(start, record, fields)


def _has_surrogates(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def result_record(row: Row, result: Any, meta: dict[str, str]) -> dict[str, Any]:
    """The output record of one row (a classification or an error)."""
    record: dict[str, Any] = {"id": row.id, "line": row.line}
    if result is None:
        record["error"] = row.error
        return record | meta
    top = sorted(result.evidence, key=lambda e: -e.weight)[:5]
    record |= {
        "label": result.label,
        "decision": result.decision,
        "confidence": result.confidence,
        "runner_up": result.runner_up,
        "margin": result.margin,
        SCORE_FUNCTIONS_KEY: {s.function: s.score for s in result.scores},
        "not_customer_facing": result.not_customer_facing,
        "title_label": result.title.title_label if result.title else None,
        "title_mismatch": result.title.mismatch if result.title else False,
        "top_evidence": [f"{e.phrase} ({e.function} {e.weight:+.2f})" for e in top],
    }
    return record | meta


class RecordWriter:
    """Writes output records as JSONL or CSV, one at a time."""

    def __init__(self, stream: IO[str], fmt: str, functions: list[str]) -> None:
        self.stream = stream
        self.fmt = fmt
        self.functions = functions
        self._csv: Any = None

    def write(self, record: dict[str, Any]) -> None:
        if self.fmt == "jsonl":
            self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            flat = {k: v for k, v in record.items() if k != SCORE_FUNCTIONS_KEY}
            scores = record.get(SCORE_FUNCTIONS_KEY) or {}
            for function in self.functions:
                flat[f"score_{function}"] = scores.get(function)
            if isinstance(flat.get("top_evidence"), list):
                flat["top_evidence"] = "; ".join(flat["top_evidence"])
            if self._csv is None:
                columns = [
                    "id",
                    "line",
                    "label",
                    "decision",
                    "confidence",
                    "runner_up",
                    "margin",
                    *(f"score_{f}" for f in self.functions),
                    "not_customer_facing",
                    "title_label",
                    "title_mismatch",
                    "top_evidence",
                    "error",
                    "tool_version",
                    "kb_version",
                    "kb_sha256",
                ]
                self._csv = csv.DictWriter(self.stream, columns, lineterminator="\n")
                self._csv.writeheader()
            self._csv.writerow({k: csv_cell(v) for k, v in flat.items()})


_WORKER_KB: Any = None
_WORKER_META: dict[str, str] = {}


def _init_worker(overlays: list[str], meta: dict[str, str]) -> None:
    """Process-pool initializer: load the knowledge base once per worker."""
    import signal

    from cxcs.knowledge.load import load_knowledge

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _WORKER_KB, _WORKER_META
    _WORKER_META = meta
    if _WORKER_KB is None:  # inherited when the pool forks
        _WORKER_KB = load_knowledge([Path(p) for p in overlays])


def _classify_row(row: Row) -> dict[str, Any]:
    """The output record for one row (runs in a worker with --jobs)."""
    from cxcs.engine.classify import classify

    if row.error is not None or row.text is None:
        return result_record(row, None, _WORKER_META)
    result = classify(_WORKER_KB, row.text, row.title, detect_title=row.title is None)
    return result_record(row, result, _WORKER_META)


def _windows(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    window: list[Row] = []
    for row in rows:
        window.append(row)
        if len(window) >= size:
            yield window
            window = []
    if window:
        yield window


def run_batch(
    rows: Iterator[Row],
    writer: RecordWriter,
    kb: Any,
    overlays: list[str],
    jobs: int,
    meta: dict[str, str],
    on_error: Any,
) -> Summary:
    """Classify ``rows`` in order with ``jobs`` processes, writing each record as it is ready."""
    from cxcs.engine.classify import lexicon_for

    global _WORKER_KB, _WORKER_META
    _WORKER_KB, _WORKER_META = kb, meta
    lexicon_for(kb)  # compile once, before any fork
    summary = Summary()
    pool: Any = None
    if jobs > 1:
        import multiprocessing

        pool = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn").Pool(
            jobs, initializer=_init_worker, initargs=(overlays, meta)
        )

    def flush(window: list[Row], records: list[dict[str, Any]]) -> None:
        for row, record in zip(window, records, strict=True):
            if "error" in record:
                summary.failed += 1
                message = f"line {row.line}: {row.error}"
                summary.failures.append(message)
                on_error(message)
            else:
                summary.ok += 1
            writer.write(record)
        writer.stream.flush()

    try:
        if pool is None:
            for window in _windows(rows, SERIAL_WINDOW):
                flush(window, [_classify_row(r) for r in window])
        else:
            # Keep one window in the workers while this process writes the previous one.
            pending: tuple[list[Row], Any] | None = None
            for window in _windows(rows, WINDOW):
                chunk = max(1, len(window) // (jobs * 4))
                submitted = (window, pool.map_async(_classify_row, window, chunksize=chunk))
                if pending is not None:
                    flush(pending[0], pending[1].get())
                pending = submitted
            if pending is not None:
                flush(pending[0], pending[1].get())
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    return summary
