"""Classify a Spark DataFrame of postings with ``mapInPandas``.

::

    from cxcs.integrations.spark import classify_spark

    labels = classify_spark(spark.read.parquet("postings/"), text_col="description")
    labels.write.mode("overwrite").parquet("labels/")

Each output row is the row ``cxcs classify --batch`` writes for the same posting (the
columns of :func:`cxcs.schema.spark_ddl`), except ``line``, which is null: a distributed
frame has no line numbers and Spark does not keep input order, so keep an id column. The
knowledge base is loaded on the driver and broadcast; workers check they run the same cxcs
version and never read knowledge files or write a cache. A row without usable text becomes
an error row (``error_code``) instead of failing the job. Needs pandas and pyarrow on the
workers (``pip install 'cxcs[spark]'``); pyspark comes with the platform.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cxcs.errors import UsageError
from cxcs.integrations.ship import ShippedKnowledge, ship, unship

if TYPE_CHECKING:
    from cxcs.models.knowledge import Knowledge

__all__ = ["classify_spark", "spark_schema"]


@dataclass(frozen=True)
class _Columns:
    """Which input columns the mapped function reads."""

    texts: tuple[str, ...]
    id_col: str | None
    title_col: str | None
    keep: tuple[str, ...]
    selected: tuple[str, ...] = ()
    """The input columns sent to the workers, in order (sent as ``c0``, ``c1``, …), the id
    last, under its own name or, when that column is also read as it is, :data:`_ID`."""
    id_micros: bool = False
    """The id is a timestamp, sent as microseconds since 1970 (UTC)."""


_ID = "\x00id"
"""The worker frame's name for the id as sent when the id column is also read as text or
kept, with its own type (an error row's message then names this, not the column)."""


def classify_spark(
    df: Any,
    *,
    text_col: str | Sequence[str] = "text",
    id_col: str | None = "id",
    title_col: str | None = "title",
    keep: Sequence[str] = (),
    kb: Knowledge | None = None,
) -> Any:
    """A lazy Spark DataFrame of output rows, one per row of ``df`` (order not kept).

    Columns are ``spark_ddl(kb)``'s, then the ``keep`` columns of ``df`` with their types
    (renamed ``input_<name>`` when they clash). The id is written as the CLI writes it
    (:func:`_id_column`); a frame without an id column is refused unless ``id_col=None``
    (null ids). ``title_col`` absent from ``df`` (the default ``title``) means the title
    is detected from the text. ``kb`` defaults to the shipped knowledge base.
    """
    from cxcs.frames import check_columns, check_kept, text_columns
    from cxcs.records import kb_or_shipped, output_columns, text_parts

    kb = kb_or_shipped(kb)
    keep = tuple(dict.fromkeys(keep))  # a name asked twice is one column, as in frames
    check_kept(keep, output_columns(kb))
    texts = text_columns(text_col)
    check_columns(list(df.columns), texts, None, title_col, keep)
    present = set(df.columns)
    if id_col is not None and id_col not in present:
        raise UsageError(
            f"the DataFrame has no id column {id_col!r}: name yours (id_col='posting_id'), "
            "or pass id_col=None for rows without ids (Spark keeps no row order, so only an "
            "id ties an output row to its posting)"
        )
    if title_col not in present:
        title_col = None  # the default "title", absent: detected from the text
    usable = tuple(t for t in texts if t in present or any(p in present for p in text_parts(t)))
    columns = _Columns(usable, id_col, title_col, tuple(keep))
    selected, columns = _selection(df, columns)
    schema = spark_schema(kb, [df.schema[name] for name in keep])
    mapped = functools.partial(_classify_batches, _broadcast(df, ship(kb)), columns)
    return selected.mapInPandas(mapped, schema)


def spark_schema(kb: Knowledge, kept: Sequence[Any] = ()) -> Any:
    """The output rows as a ``pyspark.sql.types.StructType`` (plus ``kept`` input fields)."""
    from pyspark.sql import types as t

    from cxcs.records import kept_column, output_columns
    from cxcs.schema import column_types

    kinds = {
        "string": t.StringType(),
        "int64": t.LongType(),
        "float64": t.DoubleType(),
        "bool": t.BooleanType(),
    }
    fields = [t.StructField(n, kinds[k], True) for n, k in column_types(kb).items()]
    names = output_columns(kb)
    fields += [t.StructField(kept_column(f.name, names), f.dataType, True) for f in kept]
    return t.StructType(fields)


def _selection(df: Any, columns: _Columns) -> tuple[Any, _Columns]:
    """Only the columns the workers need, the id last (see :func:`_id_column`), and
    ``columns`` saying which they are.

    They travel under the names ``c0``, ``c1``, …, which the workers put back: ``mapInPandas``
    looks its input columns up by name, and reads a dot in one (a flattened export's
    ``job.description``) as a path into a struct.
    """
    from cxcs.records import text_field_names

    wanted = (columns.title_col, *text_field_names(columns.texts), *columns.keep)
    names = [n for n in dict.fromkeys(wanted) if n and n in df.columns]
    picked = [_col(n).alias(f"c{i}") for i, n in enumerate(names)]
    micros = False
    if columns.id_col is not None:
        ident, micros = _id_column(df.schema[columns.id_col].dataType, columns.id_col)
        picked.append(ident.alias(f"c{len(names)}"))
        names.append(_ID if columns.id_col in names else columns.id_col)
    chosen = dataclasses.replace(columns, selected=tuple(names), id_micros=micros)
    return df.select(*picked), chosen


def _id_column(kind: Any, name: str) -> tuple[Any, bool]:
    """The id column ``name`` of Spark type ``kind`` as sent to the workers, and whether it
    is a timestamp sent as microseconds.

    The workers write it by the CLI's rule (:func:`cxcs.records.row_from_mapping`), so it
    travels as a value the CLI would read from the same Parquet or JSON: integers as their
    digits (pandas would turn a column of them with a null into floats), a timestamp as
    microseconds since 1970 (Spark hands pandas the session's wall-clock time, which a
    daylight-saving change makes ambiguous; it is written in UTC), an object, array or map
    as JSON (Spark's own cast writes ``{1}``); anything else as it is.
    """
    from pyspark.sql import functions as f
    from pyspark.sql import types as t

    column = _col(name)
    if isinstance(kind, t.IntegralType):
        return column.cast("string"), False
    if isinstance(kind, t.TimestampType):
        return f.expr(f"unix_micros({_quoted(name)})"), True
    if isinstance(kind, t.StructType | t.ArrayType | t.MapType):
        return f.to_json(column, {"ignoreNullFields": "false"}), False
    return column, False


def _col(name: str) -> Any:
    """The top-level column ``name``, quoted: Spark reads an unquoted ``a.b`` as a path into
    a struct."""
    from pyspark.sql import functions as f

    return f.col(_quoted(name))


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _broadcast(df: Any, shipped: ShippedKnowledge) -> Any:
    """A broadcast of ``shipped``, or ``shipped`` itself where there is no SparkContext.

    Spark Connect (Databricks shared and serverless compute) has no broadcast variables; the
    payload then travels inside the mapped function, once per task.
    """
    try:
        context = df.sparkSession.sparkContext
    except Exception:  # Spark Connect raises when asked for a SparkContext
        return shipped
    return context.broadcast(shipped)


def _classify_batches(source: Any, columns: _Columns, batches: Iterator[Any]) -> Iterator[Any]:
    """The mapped function: each pandas batch in, its output rows out (runs on workers)."""
    import pandas as pd

    from cxcs.frames import classify_frame

    shipped = source if isinstance(source, ShippedKnowledge) else source.value
    kb = unship(shipped)
    for batch in batches:
        batch = batch.set_axis(list(columns.selected), axis=1)
        ident = columns.selected[-1] if columns.id_col is not None else None
        if columns.id_micros:
            batch[ident] = pd.to_datetime(batch[ident], unit="us", utc=True)
        out = classify_frame(
            batch,
            text_col=columns.texts,
            id_col=ident,
            title_col=columns.title_col,
            keep=columns.keep,
            kb=kb,
        )
        out["line"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
        yield out.reset_index(drop=True)
