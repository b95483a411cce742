"""The classification row's column types as data, for frames, Arrow, Parquet and Spark.

The columns are :func:`cxcs.records.output_columns` (one list for CSV, JSONL, frames and the
engines); this module only says what type each one holds. Every column is nullable (an error
row has no label, a classified row no ``error``), and the schema is fixed whatever the input:
an empty input or a partition of error rows has the same columns and types as any other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cxcs.models.knowledge import Knowledge

__all__ = ["arrow_schema", "column_types", "pandas_dtypes", "spark_ddl"]

_PANDAS = {"string": "string", "int64": "Int64", "float64": "Float64", "bool": "boolean"}
_SPARK = {"string": "STRING", "int64": "BIGINT", "float64": "DOUBLE", "bool": "BOOLEAN"}


def column_types(kb: Knowledge) -> dict[str, str]:
    """Each output column, in order, with its type: string, int64, float64 or bool."""
    from cxcs.records import column_types as types

    return types(kb)


def arrow_schema(kb: Knowledge) -> Any:
    """The output rows as a ``pyarrow.Schema`` (every field nullable); needs pyarrow."""
    import pyarrow as pa

    from cxcs.parquet import arrow_type

    return pa.schema([pa.field(n, arrow_type(pa, kind)) for n, kind in column_types(kb).items()])


def pandas_dtypes(kb: Knowledge) -> dict[str, str]:
    """The output columns as pandas nullable dtypes: string, Int64, Float64 and boolean."""
    return {name: _PANDAS[kind] for name, kind in column_types(kb).items()}


def spark_ddl(kb: Knowledge) -> str:
    """The output rows as a Spark DDL schema string (``id STRING, line BIGINT, ...``)."""
    return ", ".join(f"{_quote(name)} {_SPARK[kind]}" for name, kind in column_types(kb).items())


def _quote(name: str) -> str:
    """A Spark SQL identifier in backticks (a function id from an overlay may hold anything)."""
    return "`" + name.replace("`", "``") + "`"
