"""Read CSV batch input: the header (its delimiter sniffed), then one row per record, each
line read bounded; a record that cannot be read becomes an error row with its line number."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import IO

from cxcs.errors import DamagedData, InputError, UsageError
from cxcs.headers import refuse_no_text_column
from cxcs.inputs import cannot_read, unreadable_from
from cxcs.records import (
    MAX_ROW_CHARS,
    Fields,
    Row,
    failed,
    has_lone_surrogate,
    row_from_mapping,
    text_field_names,
)
from cxcs.safe_text import writable

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
        if any(has_lone_surrogate(name) for name in header):
            raise InputError(_undecodable_header(fields.encoding))
        refuse_no_text_column(fields, header, "CSV header", "" if delimiter else "--delimiter")
    return header, _csv_rows(reader, lines, header, fields, progress)


def _undecodable_header(encoding: str) -> str:
    """What a header without a text column whose bytes do not decode is told: most likely
    it is no CSV at all (rather than listing its "columns" in mojibake)."""
    if encoding != "utf-8":
        return f"CSV header is not valid {encoding}: is this a CSV file?"
    return (
        "CSV header is not valid UTF-8: is this a CSV file? (one in another encoding: give "
        "--encoding, e.g. cp1252)"
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
