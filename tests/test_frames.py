"""classify_records and classify_frame against the CLI, row by row; the schema as data."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from cxcs.errors import UsageError
from cxcs.integrations.ship import WorkerMismatchError, ship, unship
from cxcs.models.knowledge import Knowledge
from cxcs.records import classify_records, output_columns
from cxcs.schema import column_types, spark_ddl
from tests import scale_data as scale
from tests.support import need


@pytest.fixture
def pd() -> Any:
    return need("pandas")


def _plain(frame: Any) -> list[dict[str, Any]]:
    """A frame's rows as plain dicts, pandas' NA as None."""
    return [
        {k: (None if _is_na(v) else v) for k, v in row.items()} for row in frame.to_dict("records")
    ]


def _is_na(value: object) -> bool:
    return type(value).__name__ == "NAType"


def test_records_match_the_cli_row_by_row(reference: list[dict[str, Any]], kb: Knowledge) -> None:
    rows = list(classify_records(scale.postings(), kb=kb, text_fields=("description",)))
    assert rows == reference
    assert all(list(r) == output_columns(kb) for r in rows)


def test_frame_matches_the_cli_row_by_row(
    pd: Any, reference: list[dict[str, Any]], kb: Knowledge
) -> None:
    frame = pd.DataFrame(scale.postings())
    frame.index = frame.index * 10 + 7  # any index: the result keeps it
    out = classify_frame_(frame, kb)
    assert list(out.index) == list(frame.index)
    assert list(out.columns) == output_columns(kb)
    assert _plain(out) == reference


def classify_frame_(frame: Any, kb: Knowledge, **options: Any) -> Any:
    import cxcs

    return cxcs.classify_frame(frame, text_col="description", kb=kb, **options)


def test_frame_dtypes_are_fixed_whatever_the_input(pd: Any, kb: Knowledge) -> None:
    good = classify_frame_(pd.DataFrame(scale.postings()[:3]), kb)
    bad = classify_frame_(pd.DataFrame(scale.BAD_ROWS), kb)
    empty = classify_frame_(pd.DataFrame({"id": [], "description": []}), kb)
    assert dict(good.dtypes) == dict(bad.dtypes) == dict(empty.dtypes)
    assert str(good.dtypes["score_cx"]) == "Float64"
    assert str(good.dtypes["title_mismatch"]) == "boolean"
    assert bad["label"].isna().all() and bad["error_code"].notna().all()


def test_frame_missing_values_and_kept_columns(pd: Any, kb: Knowledge) -> None:
    frame = pd.DataFrame(
        {
            "id": [17, 18, None],
            "description": ["Resolve customer tickets by phone and chat", float("nan"), "x"],
            "title": [None, "Agent", None],
            "region": ["north", "south", "east"],
            "label": ["a", "b", "c"],
        }
    )
    out = classify_frame_(frame, kb, keep=["region", "label"])
    assert list(out.columns) == [*output_columns(kb), "region", "input_label"]
    assert list(out["region"]) == ["north", "south", "east"]
    assert list(out["input_label"]) == ["a", "b", "c"]
    assert out.loc[0, "id"] == "17" and out.loc[0, "error_code"] is pd.NA
    assert out.loc[1, "error_code"] == "no_text"
    assert out.loc[2, "id"] is pd.NA


def test_frame_names_missing_columns(pd: Any, kb: Knowledge) -> None:
    frame = pd.DataFrame({"id": ["1"], "body": ["text"]})
    with pytest.raises(UsageError, match="no text column"):
        classify_frame_(frame, kb)
    with pytest.raises(UsageError, match="'region'"):
        classify_frame_(frame.rename(columns={"body": "description"}), kb, keep=["region"])


def test_schema_is_the_row_schema(kb: Knowledge) -> None:
    types = column_types(kb)
    assert list(types) == output_columns(kb)
    assert {types[f"score_{f}"] for f in kb.functions} == {"float64"}
    assert types["line"] == "int64" and types["truncated"] == "bool" and types["id"] == "string"
    ddl = spark_ddl(kb)
    assert ddl.startswith("`id` STRING, `line` BIGINT, `label` STRING")
    assert ddl.count(", ") + 1 == len(types)


def test_arrow_schema_round_trips_a_frame(pd: Any, kb: Knowledge, tmp_path: Path) -> None:
    need("pyarrow")
    import pyarrow as pa

    import cxcs

    schema = cxcs.arrow_schema(kb)
    assert schema.names == output_columns(kb)
    frame = classify_frame_(pd.DataFrame([*scale.postings()[:2], *scale.BAD_ROWS]), kb)
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    assert table.schema.remove_metadata().equals(schema)
    assert table.to_pylist() == _plain(frame)


def test_shipped_knowledge_is_checked(kb: Knowledge, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = ship(kb)
    assert len(shipped.data) < 1_000_000
    assert unship(shipped) == kb
    damaged = dataclasses.replace(shipped, data=shipped.data[:-1] + b".", digest="0" * 64)
    with pytest.raises(WorkerMismatchError, match="damaged"):
        unship(dataclasses.replace(damaged, digest=shipped.digest[::-1]))
    with pytest.raises(WorkerMismatchError, match="same cxcs wheel"):
        unship(dataclasses.replace(shipped, tool_version="0.0.1", digest="1" * 64))
    other = dataclasses.replace(shipped, kb_sha256="f" * 64, digest=shipped.digest)
    monkeypatch.setattr("cxcs.integrations.ship._UNPICKLED", {})
    with pytest.raises(WorkerMismatchError, match="another knowledge base"):
        unship(other)
    assert json.dumps(scale.by_id(list(classify_records(scale.BAD_ROWS, kb=unship(shipped)))))


def test_frame_joins_a_text_split_over_columns(pd: Any, kb: Knowledge) -> None:
    """``text_col="duties+skills"``: both columns as one posting; a missing one is skipped;
    a frame with neither column is a usage error naming what was looked for."""
    from cxcs.engine.classify import classify

    duties, skills = "Resolve customer tickets by phone and chat.", "Zendesk; de-escalation."
    frame = pd.DataFrame({"id": ["a", "b"], "duties": [duties, None], "skills": [skills] * 2})
    out = cxcs_frame(frame, kb, "duties+skills")
    assert [None if pd.isna(v) else v for v in out["confidence"]] == [
        classify(kb, f"{duties}\n\n{skills}").confidence,
        classify(kb, skills).confidence,
    ]
    with pytest.raises(UsageError, match="looked for a\\+b"):
        cxcs_frame(frame, kb, "a+b")


def cxcs_frame(frame: Any, kb: Knowledge, text_col: str | tuple[str, ...], **options: Any) -> Any:
    import cxcs

    return cxcs.classify_frame(frame, text_col=text_col, kb=kb, **options)


def test_frame_reads_parquet_typed_text_as_the_cli_does(
    pd: Any, kb: Knowledge, tmp_path: Path
) -> None:
    """A list-of-texts column arrives from Parquet as numpy arrays and a binary one as bytes:
    the frame gives the CLI's row for the same file (no crash, no ``text_not_string``)."""
    need("pyarrow")
    path = scale.typed_parquet(tmp_path / "typed.parquet")
    out = cxcs_frame(pd.read_parquet(path), kb, scale.TYPED_TEXT_FIELDS)
    expected = scale.cli_rows(path, ",".join(scale.TYPED_TEXT_FIELDS))
    assert _plain(out) == expected


def test_frame_kept_text_is_always_writable(pd: Any, kb: Knowledge) -> None:
    """A kept value with a lone surrogate is written as U+FFFD, as the CLI and
    ``classify_records`` write it: the result converts to Arrow (and so to Parquet)."""
    need("pyarrow")
    import pyarrow as pa

    records = [{"id": "a", "text": "Answer customer tickets by phone", "note": "ok\ud800"}]
    out = cxcs_frame(pd.DataFrame(records, dtype=object), kb, "text", keep=["note"])
    assert list(out["note"]) == ["ok\ufffd"]
    assert _plain(out) == list(classify_records(records, kb=kb, keep=["note"]))
    assert pa.Table.from_pandas(out).num_rows == 1


def test_records_read_missing_values_as_frames_do(pd: Any, kb: Knowledge) -> None:
    """``classify_records(df.to_dict("records"))`` (as the README shows) gives the frame's
    rows: NaN and pandas NA are absent values (``no_text``, a null id), not text of the
    wrong type, and a value no row can use (a numpy array) is an error row, not a crash
    that loses every row."""
    import numpy

    frame = pd.DataFrame(
        {
            "id": ["a", numpy.nan, "c"],
            "description": ["Answer customer tickets by phone and chat", numpy.nan, pd.NA],
        },
        dtype=object,
    )
    rows = list(classify_records(frame.to_dict("records"), kb=kb, text_fields=("description",)))
    assert rows == _plain(classify_frame_(frame, kb))
    assert [r["error_code"] for r in rows] == [None, "no_text", "no_text"]
    assert rows[1]["id"] is None
    odd = [{"text": numpy.array([1, 2])}, {"text": "Answer customer tickets by phone"}]
    assert [r["error_code"] for r in classify_records(odd, kb=kb)] == ["text_not_string", None]


def test_frame_refuses_a_column_named_twice(pd: Any, kb: Knowledge) -> None:
    """A column the run reads that the frame names twice is a usage error naming it, as a
    CSV header naming it twice is for the CLI (it was an AttributeError)."""
    frame = pd.DataFrame([["a", "Answer customer tickets", "x"]], columns=["id", "text", "text"])
    with pytest.raises(UsageError, match="'text' twice"):
        cxcs_frame(frame, kb, "text")
    assert list(cxcs_frame(frame, kb, "id")["error_code"]) == [pd.NA]


def _ids(frame: Any) -> list[str | None]:
    return [None if _is_na(v) else v for v in frame["id"]]


def test_ids_are_text_by_one_rule(kb: Knowledge) -> None:
    """An id is text: a whole float as an integer while a float holds every integer that
    exactly (up to 2**53), beyond that as Python writes the float; an empty id is no id."""
    ids: list[object] = [17.0, -3.0, 2.0**53, 2.0**55, 1e20, 0.1, 17.5, "", " ", True, 17, "017"]
    rows = classify_records([{"id": v, "text": scale.DUTIES} for v in ids], kb=kb)
    assert [r["id"] for r in rows] == [
        "17", "-3", "9007199254740992", "3.602879701896397e+16", "1e+20", "0.1", "17.5",
        None, " ", "true", "17", "017",
    ]  # fmt: skip


def test_frame_ids_are_the_cli_ids_for_parquet(pd: Any, kb: Knowledge, tmp_path: Path) -> None:
    """``classify_frame(pd.read_parquet(f))`` writes the ids ``classify --batch f`` writes,
    whatever type the id column has (a float column of whole numbers was ``17.0`` in the
    CLI and ``17`` in the frame; an empty id was ``""`` in one and null in the other)."""
    need("pyarrow")
    path = scale.typed_ids_parquet(tmp_path / "ids.parquet")
    frame = pd.read_parquet(path)
    exact = pd.read_parquet(path, dtype_backend="numpy_nullable")
    got = {name: _ids(cxcs_frame(frame, kb, "text", id_col=name)) for name in scale.TYPED_IDS}
    want = {name: scale.batch_ids(path, name) for name in scale.TYPED_IDS}
    assert want == {
        "whole": ["17", "18", None],
        "fraction": ["17.5", "-0.25", None],
        "count": ["17", "18", None],
        "big": ["12345678901234567", "2", None],
        "flag": ["true", "false", None],
        "stamp": ["2024-01-02T09:30:00", "2024-01-02T09:30:00.000005", None],
        "stamp_utc": ["2024-01-02T09:30:00+00:00", "2024-07-02T09:30:00.000005+00:00", None],
        "day": ["2024-01-02", "1999-12-31", None],
        "amount": ["17.50", "0.00", None],
        "raw": ["ab-17", "é", None],
        "name": [None, "x", None],
    }
    # pandas reads an integer column with a null as floats: past 2**53 the digits are lost
    assert frame["big"].dtype.kind == "f" and got.pop("big") == [
        "1.2345678901234568e+16",
        "2",
        None,
    ]
    assert got == {k: v for k, v in want.items() if k != "big"}
    assert _ids(cxcs_frame(exact, kb, "text", id_col="big")) == want["big"]


def test_frame_ids_are_the_cli_ids_for_csv_and_jsonl(
    pd: Any, kb: Knowledge, tmp_path: Path
) -> None:
    """An integer id column with an empty cell, which pandas reads as floats, gives the CLI's
    ``17`` (not ``17.0``) and a null id for the empty cell (the CLI wrote ``""``); ids read
    as text keep what pandas would change (``017``, ``1e3``, ``True``)."""
    csv_path = tmp_path / "ids.csv"
    csv_path.write_text("id,text\n17,x\n18,x\n,x\n", encoding="utf-8")
    frame = pd.read_csv(csv_path)
    assert frame["id"].dtype.kind == "f"
    assert _ids(cxcs_frame(frame, kb, "text")) == scale.batch_ids(csv_path, "id", "csv")
    assert scale.batch_ids(csv_path, "id", "csv") == ["17", "18", None]
    csv_path.write_text("id,text\n017,x\n1e3,x\nTrue,x\n,x\n", encoding="utf-8")
    frame = pd.read_csv(csv_path, dtype={"id": str})
    assert _ids(cxcs_frame(frame, kb, "text")) == scale.batch_ids(csv_path, "id", "csv")
    assert scale.batch_ids(csv_path, "id", "csv") == ["017", "1e3", "True", None]
    jsonl = scale.write_jsonl(
        tmp_path / "ids.jsonl", [{"id": v, "text": "x"} for v in (17, 18.0, None)]
    )
    frame = pd.read_json(jsonl, lines=True)
    assert _ids(cxcs_frame(frame, kb, "text")) == scale.batch_ids(jsonl, "id", "jsonl")
    assert scale.batch_ids(jsonl, "id", "jsonl") == ["17", "18", None]


def test_frame_without_an_id_column_takes_its_index(pd: Any, kb: Knowledge) -> None:
    """A frame without the default ``id`` column gets its index as ids, by the ids' rule
    (it was refused); an index that repeats a label is refused (two rows would share an
    id), as is an ``id_col`` the frame lacks; ``id_col=None`` gives null ids."""
    texts = [scale.DUTIES, "x", scale.DUTIES]
    frame = pd.DataFrame({"text": texts}, index=[10, 20, 30])
    assert _ids(cxcs_frame(frame, kb, "text")) == ["10", "20", "30"]
    stamped = frame.set_axis(pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04"]))
    assert _ids(cxcs_frame(stamped, kb, "text"))[0] == "2024-01-02T00:00:00"
    paired = frame.set_axis(pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("b", 1)]))
    assert _ids(cxcs_frame(paired, kb, "text")) == ['["a",1]', '["a",2]', '["b",1]']
    with pytest.raises(UsageError, match=r"index repeats 20.*reset_index.*id_col=None"):
        cxcs_frame(frame.set_axis([10, 20, 20]), kb, "text")
    with pytest.raises(UsageError, match="no column 'posting_id'"):
        cxcs_frame(frame, kb, "text", id_col="posting_id")
    assert _ids(cxcs_frame(frame, kb, "text", id_col=None)) == [None, None, None]


def test_frame_refuses_kept_columns_written_under_one_name(pd: Any, kb: Knowledge) -> None:
    """``keep=["label", "input_label"]`` would write both as ``input_label``: refused, as
    the CLI refuses it, where the second silently replaced the first."""
    frame = pd.DataFrame(
        {"id": ["a"], "text": [scale.DUTIES], "label": ["x"], "input_label": ["y"]}
    )
    with pytest.raises(UsageError, match="label and input_label would both be written"):
        cxcs_frame(frame, kb, "text", keep=["label", "input_label"])
    with pytest.raises(UsageError, match="input_label and label would both be written"):
        cxcs_frame(frame, kb, "text", keep=["input_label", "label"])
    out = cxcs_frame(frame, kb, "text", keep=["label", "label"])
    assert list(out.columns[-2:]) == ["kb_sha256", "input_label"]  # one name twice: one column


def test_frame_index_ids_name_the_index_in_errors(pd: Any, kb: Knowledge) -> None:
    """An index label that is not valid UTF-8 gives a ``not_unicode`` row whose message
    names the index in plain text (it named a private field holding a NUL character)."""
    frame = pd.DataFrame({"text": [scale.DUTIES]}, index=[b"\xff-1"])
    out = cxcs_frame(frame, kb, "text")
    assert list(out["error"]) == ["not valid Unicode: field (index) holds a lone surrogate"]
    assert list(out["id"]) == ["\ufffd-1"]
