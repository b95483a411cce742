"""Postings and the CLI's own answers for them, shared by the frame, Dask and Spark tests.

The postings are the repository's labelled samples and held-out set (never the shared
evaluation postings), some without a title, plus rows no engine may choke on. The reference
answer for every row comes from running ``cxcs classify --batch`` on the same file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support import REPO, run_subprocess

BAD_ROWS: list[dict[str, Any]] = [
    {"id": "bad-missing", "title": "Support Agent"},
    {"id": "bad-null", "title": "Support Agent", "description": None},
    {"id": "bad-blank", "description": "   \n\t "},
    {"id": "bad-nul", "description": "Answer tickets\x00 and calls"},
]
"""Rows without usable text: each must become an error row, never stop the job."""
BAD_CODES = {"bad-missing": "no_text", "bad-null": "no_text", "bad-blank": "empty_text"}


def postings() -> list[dict[str, Any]]:
    """Good postings (every fifth without its title) with the bad rows spread among them."""
    rows: list[dict[str, Any]] = []
    for name in ("samples/postings_a.jsonl", "samples/postings_b.jsonl", "holdout/postings.jsonl"):
        with (REPO / "tests" / name).open(encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    rows = [
        {k: r[k] for k in ("id", "title", "description") if k != "title" or i % 5}
        for i, r in enumerate(rows)
    ]
    for offset, bad in enumerate(BAD_ROWS):
        rows.insert(17 + 31 * offset, bad)
    return rows


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    """``rows`` as a JSONL file."""
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def cli_rows(path: Path, text_field: str = "description") -> list[dict[str, Any]]:
    """What ``cxcs classify --batch PATH`` writes, one dict per output line."""
    done = run_subprocess(
        "classify",
        "--batch",
        str(path),
        "--text-field",
        text_field,
        "-f",
        "jsonl",
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


DUTIES = "Answer customer tickets by email, chat and phone; troubleshoot product issues."
TYPED_TEXT_FIELDS = ("description", "body")
"""The text columns of :func:`typed_parquet`, first with text wins (``--text-field a,b``)."""


def typed_parquet(path: Path) -> Path:
    """A Parquet file whose text is stored as Parquet allows but JSON cannot say: a list of
    texts (``description``, as job APIs give duties) or UTF-8 bytes (``body``, as some
    writers store text), invalid UTF-8 and an empty list among them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": ["list", "bytes", "bad-bytes", "empty-list", "list-blank", "none"],
            "description": [[DUTIES, "Zendesk"], None, None, [], ["", DUTIES], None],
            "body": [None, DUTIES.encode(), b"\xff\xfe tickets", DUTIES.encode(), None, None],
        },
        schema=pa.schema(
            [("id", pa.string()), ("description", pa.list_(pa.string())), ("body", pa.binary())]
        ),
    )
    pq.write_table(table, path)
    return path


def by_id(rows: list[dict[str, Any]], *, line: bool = True) -> dict[str, dict[str, Any]]:
    """Rows keyed by id (ids are unique here); without ``line`` when ``line`` is false."""
    keyed = {str(r["id"]): {k: v for k, v in r.items() if line or k != "line"} for r in rows}
    assert len(keyed) == len(rows), "ids must be unique"
    return keyed


def readme_recipe(engine: str) -> str:
    """The README's Python recipe for ``engine`` (the block that imports its integration)."""
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Millions of postings", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    (block,) = [b for b in blocks if f"cxcs.integrations.{engine} import" in b]
    return str(block)


def run_recipe(code: str, cwd: Path) -> None:
    """Run a README recipe as a script in ``cwd``, with the repository's samples there."""
    import contextlib
    import io
    import os

    (cwd / "tests").mkdir()
    (cwd / "tests" / "samples").symlink_to(REPO / "tests" / "samples")
    here = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code, "README.md", "exec"), {"__name__": "__main__"})
    finally:
        os.chdir(here)


TYPED_IDS = ("whole", "fraction", "count", "big", "flag", "stamp", "stamp_utc", "day")
TYPED_IDS += ("amount", "raw", "name")
"""The id columns of :func:`typed_ids_parquet`: each a type an id is stored as."""


def typed_ids_parquet(path: Path) -> Path:
    """A Parquet file of three postings (the last with no text) whose id is stored in each
    type an export uses: a float column holding whole numbers (pandas writes an integer
    column with a missing value so), an integer column with a null, a 64-bit integer beyond
    a float's precision, booleans, naive and UTC timestamps, dates, decimals, bytes and
    strings (one empty)."""
    import datetime
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    moment = datetime.datetime(2024, 1, 2, 9, 30)
    columns = {
        "whole": pa.array([17.0, 18.0, None], pa.float64()),
        "fraction": pa.array([17.5, -0.25, None], pa.float64()),
        "count": pa.array([17, 18, None], pa.int64()),
        "big": pa.array([12345678901234567, 2, None], pa.int64()),
        "flag": pa.array([True, False, None]),
        "stamp": pa.array([moment, moment.replace(microsecond=5), None], pa.timestamp("us")),
        "stamp_utc": pa.array(
            [moment, moment.replace(month=7, microsecond=5), None], pa.timestamp("us", tz="UTC")
        ),
        "day": pa.array([moment.date(), datetime.date(1999, 12, 31), None], pa.date32()),
        "amount": pa.array(
            [decimal.Decimal("17.50"), decimal.Decimal("0.00"), None], pa.decimal128(10, 2)
        ),
        "raw": pa.array([b"ab-17", "é".encode(), None], pa.binary()),
        "name": pa.array(["", "x", None]),
        "text": pa.array([DUTIES, DUTIES, None]),
    }
    pq.write_table(pa.table(columns), path)
    return path


def batch_ids(path: Path, id_field: str, kind: str = "parquet") -> list[str | None]:
    """The ids ``cxcs classify --batch PATH --id-field ID_FIELD`` writes, in order (read by
    the CLI's own readers, in-process: one subprocess per id type would be slow)."""
    from cxcs.batch import read_jsonl, read_parquet
    from cxcs.csvinput import open_csv
    from cxcs.records import Fields

    fields = Fields(id_field, None, ("text",))
    if kind == "parquet":
        return [row.id for row in read_parquet(str(path), fields)]
    with path.open("rb") as stream:
        rows = open_csv(stream, fields)[1] if kind == "csv" else read_jsonl(stream, fields)
        return [row.id for row in rows]
