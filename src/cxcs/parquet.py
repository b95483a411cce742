"""Parquet in and out for batch work (needs pyarrow: ``pip install 'cxcs[parquet]'``)."""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from cxcs.errors import InputError, UsageError

BATCH_ROWS = 1024
"""Rows read per Parquet batch, and written per row group slice."""


def refuse_unreadable_input(stream: IO[bytes], name: str) -> None:
    """Parquet is read from its file by name (its footer comes last): stdin (``-``), a named
    pipe or device (``<(cat x.parquet)``) and a compressed Parquet file are usage errors,
    for ``classify --batch`` and ``summarize`` alike."""
    if name == "-":
        raise UsageError("Parquet input must be a file, not stdin")
    from cxcs.compressed import refuse_compressed_parquet

    refuse_compressed_parquet(stream, name)
    with contextlib.suppress(OSError):
        mode = os.stat(name).st_mode
        if not stat.S_ISREG(mode):  # read once to sniff, a pipe would be waited on forever
            what = "a named pipe" if stat.S_ISFIFO(mode) else "a device or socket"
            raise UsageError(
                f"{name}: Parquet input must be a regular file, not {what} "
                "(its footer is read first); save it to a file"
            )


def _pyarrow() -> Any:
    import importlib

    try:
        pyarrow = importlib.import_module("pyarrow")
        importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise UsageError(
            "Parquet needs pyarrow: pip install 'cxcs[parquet]' (or pip install pyarrow)"
        ) from None
    return pyarrow


def _open(path: str) -> Any:
    pa = _pyarrow()
    try:
        return pa.parquet.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from None


def field_names(path: str) -> list[str]:
    """The column names of a Parquet file."""
    return list(_open(path).schema_arrow.names)


def row_count(path: str) -> int:
    """How many rows a Parquet file holds (from its footer)."""
    return int(_open(path).metadata.num_rows)


def iter_records(path: str) -> Iterator[dict[str, Any]]:
    """The rows of a Parquet file as dicts, read a batch at a time, holding only JSON's
    types (see :func:`json_ready`): a row can be kept in any output format."""
    pa = _pyarrow()
    source = _open(path)
    types = pa.types
    plain = [types.is_string, types.is_large_string, types.is_integer, types.is_floating]
    plain += [types.is_boolean, types.is_null]
    others = [f.name for f in source.schema_arrow if not any(is_(f.type) for is_ in plain)]
    for batch in source.iter_batches(batch_size=BATCH_ROWS):
        for record in batch.to_pylist():
            for name in others:
                record[name] = json_ready(record[name])
            yield record


def json_ready(value: Any) -> Any:
    """A value as pyarrow gives it, in JSON's types: dates and times in ISO 8601, bytes as
    UTF-8 text (a byte that is not UTF-8 kept as a lone surrogate, which the row's checks
    catch), decimals and anything else as text; lists and structs item by item."""
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    if isinstance(value, datetime.date | datetime.time):  # a datetime is a date too
        return value.isoformat()
    return str(value)  # Decimal, timedelta, ...


def arrow_type(pa: Any, name: str) -> Any:
    """The Arrow type for one of :func:`cxcs.records.column_types`' names."""
    return {
        "string": pa.string(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
    }[name]


class ParquetRows:
    """Writes output rows to a Parquet file; kept input columns are stored as strings."""

    def __init__(self, path: Path, columns: list[str], types: dict[str, str]) -> None:
        pa = _pyarrow()
        self.pa = pa
        self.columns = columns
        fields = [pa.field(c, arrow_type(pa, types.get(c, "string"))) for c in columns]
        self.schema = pa.schema(fields)
        self.extra = [c for c in columns if c not in types]
        self.buffer: list[dict[str, Any]] = []
        self.writer = pa.parquet.ParquetWriter(str(path), self.schema)

    def write(self, rows: Any, count: int = 0) -> None:
        self.buffer.extend(rows)
        if len(self.buffer) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if not self.buffer:
            return
        for row in self.buffer:
            for name in self.extra:
                value = row.get(name)
                if value is not None and not isinstance(value, str):
                    row[name] = json.dumps(value, ensure_ascii=False, default=str)
        batch = self.pa.RecordBatch.from_pylist(self.buffer, schema=self.schema)
        self.writer.write_batch(batch)
        self.buffer = []

    def close(self) -> None:
        self._flush()
        self.writer.close()


@contextlib.contextmanager
def parquet_output(
    path: Path, types: dict[str, str]
) -> Iterator[Callable[[list[str]], ParquetRows]]:
    """A factory for the Parquet writer of ``path``; the file appears only on success."""
    from cxcs.atomicfile import cannot_write, replaced_file
    from cxcs.compressed import compression_by_name

    _pyarrow()
    if compression_by_name(path.name):
        raise UsageError(f"--output {path}: Parquet compresses inside the file; drop the suffix")
    final = replaced_file(path)
    if final is None:
        raise UsageError(f"--output {path}: Parquet is written to a file, not a device or pipe")
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(fd)
    made: list[ParquetRows] = []

    def factory(columns: list[str]) -> ParquetRows:
        made.append(ParquetRows(Path(tmp), columns, types))
        return made[-1]

    try:
        yield factory
        os.replace(tmp, final)
    except BaseException as exc:
        for writer in made:
            with contextlib.suppress(Exception):
                writer.writer.close()
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(path, exc) from None
        raise
