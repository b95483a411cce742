"""Classify a pandas DataFrame of postings: one output row per input row, flat columns.

``classify_frame`` is :func:`cxcs.records.classify_records` over the frame's rows, returned
as a frame with the columns of :func:`cxcs.records.output_columns` (scores flat, as
``score_<function>``) and the nullable dtypes of :func:`cxcs.schema.pandas_dtypes`, fixed
whatever the input. Needs pandas (``pip install 'cxcs[dask]'`` or ``'cxcs[spark]'``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal

from cxcs.errors import UsageError

if TYPE_CHECKING:
    from cxcs.models.knowledge import Knowledge

__all__ = ["check_columns", "classify_frame", "empty_frame", "text_columns"]

_NO_ID = "\x00no id column"
"""The id field asked of records when the frame has no id column (no record has it)."""
_INDEX = "(index)"
"""The id field of records whose id is the frame's index."""


def classify_frame(
    df: Any,
    *,
    text_col: str | Sequence[str] = "text",
    id_col: str | None = "id",
    title_col: str | None = "title",
    keep: Sequence[str] = (),
    kb: Knowledge | None = None,
    errors: Literal["record", "raise"] = "record",
) -> Any:
    """Classify every row of the pandas DataFrame ``df``; return a frame of output rows.

    The result has ``df``'s index (so ``df.join(result)`` lines up), the columns of
    ``output_columns(kb)`` in order, then the ``keep`` columns copied from ``df`` (renamed
    ``input_<name>`` when they clash). ``line`` is the row's 1-based position in ``df``.
    A frame without the default ``id`` column takes its index as ids (refused when the
    index repeats a label); ``id_col=None`` means no ids. ``text_col`` may name several
    columns: the first with a value is classified (``"duties+skills"`` joins two columns,
    as ``--text-field`` does). A ``title_col`` that ``df`` lacks (the default ``title``)
    means the title is detected from the text's first line. Missing values (``None``,
    ``NaN``, ``NA``) count as absent; a row without usable text becomes an error row
    (``error_code``, ``error``) unless ``errors="raise"``.
    """
    from cxcs.records import (
        classify_records,
        kb_or_shipped,
        kept_column,
        output_columns,
        text_field_names,
    )

    texts = text_columns(text_col)
    by_index = index_ids(df.columns, id_col)
    check_columns(df.columns, texts, None if by_index else id_col, title_col, keep)
    if by_index and not df.index.is_unique:
        repeated = _plain(df.index[df.index.duplicated()].tolist()[0])
        raise UsageError(
            f"the frame has no id column 'id' and its index repeats {repeated!r}, so it "
            "cannot give the ids: name an id column (id_col='posting_id'), number the rows "
            "(df.reset_index(drop=True)), or pass id_col=None for rows without ids"
        )
    kb = kb_or_shipped(kb)
    check_kept(keep, output_columns(kb))
    if title_col is not None and title_col not in df.columns:
        title_col = None
    names = [n for n in dict.fromkeys((id_col, title_col, *text_field_names(texts))) if n]
    rows = classify_records(
        _records(df, names, by_index),
        kb=kb,
        id_field=_INDEX if by_index else id_col or _NO_ID,
        title_field=title_col,
        text_fields=texts,
        errors=errors,
    )
    out = _frame(list(rows), kb)
    out.index = df.index
    columns = output_columns(kb)
    for name in keep:
        out[kept_column(name, columns)] = _writable(df[name])
    return out


def empty_frame(kb: Knowledge) -> Any:
    """A frame with no rows and the output columns and dtypes (a ``meta`` for Dask)."""
    return _frame([], kb)


def check_kept(keep: Sequence[str], columns: Sequence[str]) -> None:
    """Raise :class:`UsageError` when two ``keep`` columns would be written under one name
    among the output ``columns`` (``label`` is kept as ``input_label``), as the CLI does:
    one would silently replace the other."""
    from cxcs.records import kept_clash

    clash = kept_clash(keep, columns)
    if clash:
        first, second, out = clash
        raise UsageError(
            f"kept columns {first} and {second} would both be written as {out}; "
            "keep one, or rename one first"
        )


def text_columns(text_col: str | Sequence[str]) -> tuple[str, ...]:
    """The ``text_col`` argument of the frame functions as a tuple of column names."""
    return (text_col,) if isinstance(text_col, str) else tuple(text_col)


def index_ids(columns: Sequence[Any], id_col: str | None) -> bool:
    """Whether a frame with ``columns`` takes its ids from its index: it lacks the default
    id column ``id`` (another ``id_col`` it lacks is an error)."""
    return id_col == "id" and "id" not in set(columns)


def check_columns(
    columns: Sequence[Any],
    texts: Sequence[str],
    id_col: str | None,
    title_col: str | None,
    keep: Sequence[str],
) -> None:
    """Raise :class:`UsageError` unless a frame with ``columns`` has what the options name:
    a text column (or a part of a joined ``a+b``), the id, the kept columns and a title
    column other than the default ``title`` (which may be absent)."""
    from cxcs.records import columns_read_twice, text_field_names

    present = set(columns)
    if not texts or not any(t in present for t in text_field_names(texts)):
        raise UsageError(
            f"the frame has no text column (looked for {' / '.join(texts)}; "
            f"found {', '.join(map(str, columns)) or 'nothing'})"
        )
    missing = [n for n in (id_col, *keep) if n is not None and n not in present]
    if missing:
        raise UsageError(f"the frame has no column {', '.join(map(repr, missing))}")
    if title_col is not None and title_col != "title" and title_col not in present:
        raise UsageError(f"the frame has no title column {title_col!r}")
    read = {id_col, title_col, *text_field_names(texts), *keep}
    twice = sorted({str(name) for name, _, _ in columns_read_twice(list(columns), read)})
    if twice:
        raise UsageError(f"the frame names column {', '.join(map(repr, twice))} twice")


def _records(df: Any, names: list[str], by_index: bool) -> Iterator[dict[str, object]]:
    """The frame's rows as plain dicts of JSON's types (missing values dropped), with the
    index label as :data:`_INDEX` when ``by_index``.

    Values are read as the CLI reads a Parquet column (:func:`_plain`): a list column
    arrives from Parquet, Arrow or Spark as numpy arrays, text stored as binary as bytes
    (ids then follow :func:`cxcs.records.row_from_mapping`'s one rule for every path).
    """
    from cxcs.records import is_missing

    present = [n for n in names if n in df.columns]
    columns = [df[n].tolist() for n in present]
    if by_index:
        present.append(_INDEX)
        columns.append(df.index.tolist())
    for values in zip(*columns, strict=True):
        yield {n: _plain(v) for n, v in zip(present, values, strict=True) if not is_missing(v)}


def _plain(value: object) -> object:
    """``value`` in JSON's types, as ``classify --batch`` reads the same Parquet column:
    numpy arrays as lists, bytes as UTF-8 text, dates in ISO 8601, item by item."""
    if value is None or isinstance(value, str | int | float):
        return value
    tolist = getattr(value, "tolist", None)  # numpy arrays and scalars
    if callable(tolist):
        value = tolist()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    from cxcs.parquet import json_ready

    return json_ready(value)


def _writable(column: Any) -> Any:
    """A kept column with any lone surrogate in its text replaced (as the CLI writes it)."""
    from cxcs.records import has_lone_surrogate
    from cxcs.safe_text import writable

    if column.dtype != object or not any(map(has_lone_surrogate, column)):
        return column
    return column.map(lambda v: writable(v) if isinstance(v, str) else v)


def _frame(rows: list[dict[str, object]], kb: Knowledge) -> Any:
    import pandas as pd

    from cxcs.schema import pandas_dtypes

    dtypes = pandas_dtypes(kb)
    frame = pd.DataFrame.from_records(rows, columns=list(dtypes)) if rows else None
    if frame is None:
        frame = pd.DataFrame({name: pd.Series([], dtype=object) for name in dtypes})
    return frame.astype(dtypes)
