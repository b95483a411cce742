"""classify_records and the one row schema: what the CLI writes, the API yields, row by row."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

import cxcs
from cxcs.errors import InputError
from cxcs.models.knowledge import Knowledge
from cxcs.records import ERROR_CODES, column_types, output_columns
from tests.conftest import load_samples
from tests.support import run_cli, run_subprocess

FIELDS = {"text_fields": ("text", "description")}


def _records() -> list[dict[str, Any]]:
    """The samples plus rows that cannot be classified, interleaved."""
    samples = load_samples()
    bad: list[dict[str, Any]] = [
        {"id": "nothing"},
        {"id": "blank", "description": "   "},
        {"id": "number", "description": 42},
        {"id": "nul", "description": "bin\x00ary"},
    ]
    records: list[dict[str, Any]] = []
    for index, sample in enumerate(samples):
        records.append({k: sample[k] for k in ("id", "title", "description")})
        if index < len(bad):
            records.append(bad[index])
    return records


def test_one_row_per_record_in_order_with_the_fixed_columns(kb: Knowledge) -> None:
    records = _records()
    rows = list(cxcs.classify_records(records, kb=kb, **FIELDS))  # type: ignore[arg-type]
    columns = cxcs.output_columns(kb)
    assert [list(r) for r in rows] == [columns] * len(records)
    assert [r["id"] for r in rows] == [str(r["id"]) for r in records]
    assert [r["line"] for r in rows] == list(range(1, len(records) + 1))
    scores = [c for c in columns if c.startswith("score_")]
    assert scores == [f"score_{f}" for f in kb.functions] + ["score_none"]


def test_bad_records_get_a_code_and_a_message_not_an_exception(kb: Knowledge) -> None:
    rows = list(cxcs.classify_records(_records(), kb=kb, **FIELDS))  # type: ignore[arg-type]
    failed = {r["id"]: r for r in rows if r["error"] is not None}
    assert {k: r["error_code"] for k, r in failed.items()} == {
        "nothing": "no_text",
        "blank": "empty_text",
        "number": "text_not_string",
        "nul": "binary_text",
    }
    for row in failed.values():
        assert row["label"] is None and row["decision"] is None and row["confidence"] is None
        assert row["error_code"] in ERROR_CODES
    good = [r for r in rows if r["error"] is None]
    assert all(r["error_code"] is None and r["decision"] is not None for r in good)
    odd = list(cxcs.classify_records(["not a mapping"], kb=kb))  # type: ignore[list-item]
    assert odd[0]["error_code"] == "not_mapping"


def test_errors_raise_stops_at_the_first_bad_record(kb: Knowledge) -> None:
    rows = cxcs.classify_records(
        [{"id": 1, "text": "Answer support tickets and troubleshoot issues."}, {"id": 2}],
        kb=kb,
        errors="raise",
    )
    assert next(rows)["id"] == "1"
    with pytest.raises(InputError, match="record 2: no text"):
        next(rows)


def test_not_customer_facing_rows_have_a_filterable_label_and_a_reason(kb: Knowledge) -> None:
    samples = [s for s in load_samples() if s["label"] == "none"]
    rows = list(cxcs.classify_records(samples, kb=kb, **FIELDS))  # type: ignore[arg-type]
    ncf = [r for r in rows if r["decision"] == "not_customer_facing"]
    assert len(ncf) >= len(samples) // 2  # most of them read as not customer-facing
    assert {r["label"] for r in ncf} == {"none"}
    assert all(r["reason"] for r in rows)
    assert all(isinstance(r["truncated"], bool) for r in rows)
    assert all(isinstance(r["title_mismatch"], bool) for r in rows)


def test_kept_fields_follow_the_schema_and_clashes_are_renamed(kb: Knowledge) -> None:
    record = {"id": 7, "text": "Answer support tickets.", "label": "support", "team": "EMEA"}
    row = next(cxcs.classify_records([record], kb=kb, keep=("team", "label", "missing")))
    assert list(row) == [*output_columns(kb), "team", "input_label", "missing"]
    assert (row["team"], row["input_label"], row["missing"]) == ("EMEA", "support", None)


def test_the_cli_writes_exactly_the_rows_classify_records_yields(
    kb: Knowledge, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = _records()
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    run = run_cli(capsys, "classify", "--batch", str(source))
    assert run.code == 1  # some rows failed
    cli_rows = [json.loads(line) for line in run.out.splitlines()]
    api_rows = list(cxcs.classify_records(records, kb=kb, **FIELDS))  # type: ignore[arg-type]
    assert cli_rows == api_rows


def test_single_classify_csv_has_the_batch_schema(kb: Knowledge, tmp_path: Path) -> None:
    posting = tmp_path / "posting.txt"
    posting.write_text(load_samples()[0]["description"], encoding="utf-8")
    single = run_subprocess("classify", str(posting), "-f", "csv")
    assert single.returncode == 0, single.stderr
    header, row = list(csv.reader(io.StringIO(single.stdout)))
    assert header == output_columns(kb)
    values = dict(zip(header, row, strict=True))
    assert values["id"] == "" and values["error"] == ""
    assert values["title_mismatch"] in {"true", "false"}
    assert values["truncated"] == "false"
    batch = tmp_path / "in.jsonl"
    batch.write_text(json.dumps({"text": posting.read_text(encoding="utf-8")}) + "\n")
    many = run_subprocess("classify", "--batch", str(batch), "-f", "csv")
    assert many.returncode == 0, many.stderr
    batch_header, batch_row = list(csv.reader(io.StringIO(many.stdout)))
    assert batch_header == header
    same = {c for c in header if c not in {"id", "line"}}
    assert {c: v for c, v in zip(header, batch_row, strict=True) if c in same} == {
        c: v for c, v in values.items() if c in same
    }


def test_column_types_cover_every_column(kb: Knowledge) -> None:
    types = column_types(kb)
    assert list(types) == output_columns(kb)
    assert set(types.values()) <= {"string", "int64", "float64", "bool"}
    row = next(cxcs.classify_records([{"text": "Answer support tickets."}], kb=kb))
    python = {"string": str, "int64": int, "float64": float, "bool": bool}
    for name, kind in types.items():
        assert row[name] is None or isinstance(row[name], python[kind]), name


@pytest.mark.parametrize(
    ("value", "text"),
    [("a-1", "a-1"), (12, "12"), (1.5, "1.5"), (True, "true"), ({"a": 1}, '{"a":1}'),
     ([1, "é"], '[1,"é"]'), (None, None)],
)  # fmt: skip
def test_an_input_id_is_written_as_text_the_way_json_writes_it(
    value: object, text: str | None
) -> None:
    from cxcs.records import Fields, row_from_mapping

    row = row_from_mapping(1, {"id": value, "text": "Answer customer calls."}, Fields())
    assert row.id == text
