"""Classify a Dask DataFrame (or JSONL files through a Dask bag) of postings.

::

    from dask.distributed import Client
    import dask.dataframe as dd
    from cxcs.integrations.dask import classify_dask, write_parquet

    client = Client()                                  # or a real cluster's scheduler
    labels = classify_dask(dd.read_parquet("postings/"), text_col="description")
    write_parquet(labels, "labels/")

Each output row is the row ``cxcs classify --batch`` writes for the same posting (the
columns and dtypes of :func:`cxcs.schema.pandas_dtypes`), except ``line``, which is null
for a frame (a partition has no line numbers); :func:`classify_jsonl` reads JSONL files
one partition per file and keeps each row's line number, as the CLI does. The knowledge
base is loaded on the client and shipped once to each worker process; workers check they
run the same cxcs version and never read knowledge files or write a cache. A row without
usable text becomes an error row (``error_code``) instead of failing the job.
:func:`write_parquet` writes to a temporary directory and renames it into place, so a
failed job leaves no partial output. Needs ``pip install 'cxcs[dask]'``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxcs.errors import UsageError
from cxcs.integrations.ship import ShippedKnowledge, ship, unship

if TYPE_CHECKING:
    from cxcs.models.knowledge import Knowledge

__all__ = ["classify_dask", "classify_jsonl", "records_frame", "write_parquet"]


def classify_dask(
    ddf: Any,
    *,
    text_col: str | Sequence[str] = "text",
    id_col: str | None = "id",
    title_col: str | None = "title",
    keep: Sequence[str] = (),
    kb: Knowledge | None = None,
) -> Any:
    """A lazy Dask DataFrame of output rows, one per row of ``ddf``, in ``ddf``'s order.

    The arguments are those of :func:`cxcs.frames.classify_frame`; the result keeps
    ``ddf``'s index and partitions, with ``line`` null. A frame without the default ``id``
    column takes its index as ids when Dask knows its divisions, and is refused otherwise.
    ``kb`` defaults to the shipped knowledge base, loaded here on the client.
    """
    from dask import delayed

    from cxcs.frames import check_columns, check_kept, empty_frame, index_ids, text_columns
    from cxcs.records import kb_or_shipped, kept_column, output_columns

    texts = text_columns(text_col)
    by_index = index_ids(list(ddf.columns), id_col)
    check_columns(list(ddf.columns), texts, None if by_index else id_col, title_col, keep)
    if by_index and not ddf.known_divisions:
        raise UsageError(
            "the frame has no id column 'id', and Dask does not know its index across "
            "partitions (read from files, each partition counts from 0, so ids would "
            "repeat): name an id column (id_col='posting_id'), index the frame by one "
            "(ddf.set_index('posting_id')), or pass id_col=None for rows without ids"
        )
    kb = kb_or_shipped(kb)
    check_kept(keep, output_columns(kb))
    meta = empty_frame(kb)
    meta.index = meta.index.astype(ddf.index.dtype).rename(ddf.index.name)  # as computed
    names = output_columns(kb)
    for name in keep:
        meta[kept_column(name, names)] = meta.index.to_series().astype(ddf[name].dtype)
    options = {"text_col": texts, "id_col": id_col, "title_col": title_col, "keep": tuple(keep)}
    return ddf.map_partitions(_classify_partition, delayed(ship(kb), pure=True), options, meta=meta)


def classify_jsonl(
    urlpath: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    id_field: str = "id",
    title_field: str | None = "title",
    text_fields: Sequence[str] = ("text",),
    kb: Knowledge | None = None,
) -> Any:
    """A Dask bag of output rows (dicts) for JSONL files, one partition per file.

    Each row is exactly the CLI's ``classify --batch FILE`` record, ``line`` included;
    a line that is not JSON becomes an error row (``bad_json``), a blank line yields
    nothing. Turn the bag into a frame with :func:`records_frame`.
    """
    import dask.bag as db
    from dask import delayed

    from cxcs.records import Fields, kb_or_shipped

    kb = kb_or_shipped(kb)
    many = urlpath if not isinstance(urlpath, str | os.PathLike) else [urlpath]
    paths = [os.fspath(p) for p in many]
    lines = db.read_text(
        paths,
        blocksize=None,
        encoding="utf-8",
        errors="surrogateescape",
        linedelimiter="\n",  # as the CLI: a lone "\r" does not end a line
    )
    fields = Fields(id_field, title_field, tuple(text_fields))
    return lines.map_partitions(_classify_lines, delayed(ship(kb), pure=True), fields)


def records_frame(bag: Any, kb: Knowledge | None = None) -> Any:
    """A Dask DataFrame of a bag of output rows, with the fixed output dtypes."""
    from cxcs.frames import empty_frame
    from cxcs.records import kb_or_shipped

    return bag.to_dataframe(meta=empty_frame(kb_or_shipped(kb)))


def write_parquet(frame: Any, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write ``frame`` as a Parquet directory at ``path``, all or nothing.

    The parts go to a hidden sibling directory first, which is renamed to ``path`` only
    when every partition has been written; a failed job removes it and leaves ``path`` as
    it was. An existing ``path`` is an error unless ``overwrite``. ``path`` must be on a
    local or mounted file system (renaming is what makes the write atomic).
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise UsageError(f"{target} exists; pass overwrite=True to replace it")
    token = uuid.uuid4().hex[:12]
    staging = target.with_name(f".{target.name}.tmp-{token}")
    try:
        frame.to_parquet(staging, write_index=False)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if target.exists():
        retired = target.with_name(f".{target.name}.old-{token}")
        os.replace(target, retired)
        os.replace(staging, target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, target)
    return target


def _classify_partition(part: Any, shipped: ShippedKnowledge, options: dict[str, Any]) -> Any:
    """The mapped function: one pandas partition in, its output rows out (runs on workers)."""
    import pandas as pd

    from cxcs.frames import classify_frame

    out = classify_frame(part, kb=unship(shipped), **options)
    out["line"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    return out


def _classify_lines(lines: Iterable[str], shipped: ShippedKnowledge, fields: Any) -> list[Any]:
    """One file's lines in, one output row per non-blank line out (runs on workers)."""
    from cxcs.batch import parse_jsonl_line
    from cxcs.records import RowMaker

    maker = RowMaker(unship(shipped))
    rows = []
    for line_no, text in enumerate(lines, start=1):
        row = parse_jsonl_line(line_no, _bounded(text.encode("utf-8", "surrogateescape")), fields)
        if row is not None:
            rows.append(maker.classify(row))
    return rows


def _bounded(raw: bytes) -> bytes | int:
    """A line as the CLI reads it: the line, or its length when it is over the line limit
    (:func:`cxcs.inputs.bounded_lines`; the row is then a ``line_too_long`` error)."""
    from cxcs.inputs import MAX_LINE_BYTES

    body = len(raw) - raw.endswith(b"\n")
    return raw if body <= MAX_LINE_BYTES else len(raw)
