"""Batch input that is one JSON array of postings: read element by element, as JSONL is."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxcs import jsonarray
from cxcs.inputs import Unreadable
from tests.support import cxcs_argv, good_rows, read_records, run_cli, subprocess_env


def _elements(data: bytes, limit: int = 1 << 20) -> list[Any]:
    return list(jsonarray.array_elements(io.BufferedReader(io.BytesIO(data)), "in", limit))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(JSON_VALUES, max_size=6),
    indent=st.sampled_from([None, 0, 2]),
    ascii_only=st.booleans(),
    piece=st.integers(min_value=1, max_value=64),
)
def test_every_element_comes_out_whole_whatever_the_layout_and_reads(
    values: list[Any], indent: int | None, ascii_only: bool, piece: int
) -> None:
    """Elements come out one by one, each its own JSON text, however the array is laid out
    and however small the pieces it is read in (cutting numbers and UTF-8 characters)."""
    data = json.dumps(values, indent=indent, ensure_ascii=ascii_only).encode()
    jsonarray_read = jsonarray.READ_SIZE
    try:
        jsonarray.READ_SIZE = piece
        found = _elements(data)
    finally:
        jsonarray.READ_SIZE = jsonarray_read
    assert [json.loads(e) for e in found] == values


@pytest.mark.parametrize(
    ("data", "kept", "reason"),
    [
        (b'[{"a": 1}, {"b": 2}', 2, "the JSON array ends without ']'"),
        (b'[{"a": 1}\n {"b": 2}]', 1, "breaks off at line 2, column 2 (expected ',' or ']')"),
        (b'[{"a": 1}, {"b" 2}]', 1, "breaks off at line 1, column 17 (Expecting ':' delimiter)"),
        (b'[{"a": 1}] {"b": 2}', 1, "data after the JSON array's end at line 1, column 12"),
    ],
)
def test_where_the_array_breaks_off_one_reason_says_where(
    data: bytes, kept: int, reason: str
) -> None:
    found = _elements(data)
    assert [json.loads(e) for e in found[:-1]] == [{"a": 1}, {"b": 2}][:kept]
    assert isinstance(found[-1], Unreadable)
    assert reason in found[-1].reason


def test_an_element_over_the_limit_is_skipped_like_a_long_line() -> None:
    """Read whole, it is skipped with its size (an error row, as for a JSONL line over the
    limit) and the array goes on; still growing past the limit, it stops the array."""
    data = b'[{"a": 1}, {"text": "' + b"x" * 100 + b'"}, {"c": 3}]'
    assert _elements(data, limit=50) == [b'{"a": 1}', 112, b'{"c": 3}']
    jsonarray_read = jsonarray.READ_SIZE
    try:
        jsonarray.READ_SIZE = 16
        found = _elements(data, limit=50)
    finally:
        jsonarray.READ_SIZE = jsonarray_read
    assert found == [b'{"a": 1}', Unreadable("a JSON array element over the 50-byte limit")]


def test_lines_and_arrays_are_told_apart_by_the_first_character() -> None:
    def first(data: bytes) -> bool:
        return jsonarray.starts_an_array(io.BufferedReader(io.BytesIO(data)))

    assert first(b'\xef\xbb\xbf \n [{"a": 1}]')
    assert not first(b'{"a": 1}\n')
    assert not first(b"")


def _lines(data: bytes) -> list[Any]:
    return list(jsonarray.json_lines(io.BufferedReader(io.BytesIO(data)), "in"))


def test_an_array_on_the_first_of_several_lines_is_a_jsonl_line() -> None:
    """JSON Lines whose first line is an array (a header line, or every line an array, as
    ``jq -c '[.id, .text]'`` writes) are read line by line; an array alone on its line, or
    over several lines, is one array."""
    assert _lines(b'["id", "text"]\n{"a": 1}\n\n{"b": 2}\n') == [
        b'["id", "text"]\n',
        b'{"a": 1}\n',
        b"\n",
        b'{"b": 2}\n',
    ]
    assert _lines(b"[1, 2]\n \n[3, 4]") == [b"[1, 2]\n", b" \n", b"[3, 4]"]
    assert _lines(b'[{"a": 1}, {"b": 2}]\n\n') == [b'{"a": 1}', b'{"b": 2}']
    assert _lines(b'[{"a": 1},\n {"b": 2}]\n[3]\n')[:2] == [b'{"a": 1}', b'{"b": 2}']


def test_jsonl_whose_first_line_is_an_array_keeps_every_posting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.jsonl"
    path.write_bytes(b'["id", "text"]\n' + b"".join(good_rows(3)) + b"[5]\n")
    run = run_cli(capsys, "classify", "--batch", str(path))
    rows = read_records(run.out)
    assert [(r["line"], r["id"], r["error_code"]) for r in rows] == [
        (1, None, "not_object"),
        (2, "r0", None),
        (3, "r1", None),
        (4, "r2", None),
        (5, None, "not_object"),
    ]
    assert run.code == 1


def test_a_batch_of_a_json_array_gives_one_row_per_element(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An array file (as `jq -s`, an API or a notebook writes one) classifies like the same
    postings as JSONL; an element that is not an object is an error row with its number."""
    postings = [json.loads(row) for row in good_rows(3)]
    (tmp_path / "p.json").write_text(json.dumps([*postings, 7], indent=2), encoding="utf-8")
    (tmp_path / "p.jsonl").write_bytes(b"".join(good_rows(3)))
    from_array = run_cli(capsys, "classify", "--batch", str(tmp_path / "p.json"))
    from_lines = run_cli(capsys, "classify", "--batch", str(tmp_path / "p.jsonl"))
    assert from_array.code == 1  # one failed row
    rows = read_records(from_array.out)
    assert rows[:3] == read_records(from_lines.out)
    assert (rows[3]["line"], rows[3]["error_code"]) == (4, "not_object")


def test_a_broken_array_piped_in_keeps_the_elements_before_the_break() -> None:
    posting = json.loads(good_rows(1)[0])
    data = (json.dumps([posting, posting])[:-1] + ' {"id": "x"}]').encode()
    done = subprocess.run(
        cxcs_argv("classify", "--batch", "-", "--jobs", "2"),
        input=data, capture_output=True, env=subprocess_env(), timeout=120, check=False,
    )  # fmt: skip
    rows = read_records(done.stdout.decode())
    assert [r["error_code"] for r in rows] == [None, None, "damaged_input"]
    assert "breaks off at line 1" in rows[2]["error"]
    assert done.returncode == 1


def test_summarize_reads_a_json_output_row_by_row_and_refuses_a_cut_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``summarize`` reads the array ``-f json`` writes with the same reader (streamed, not
    loaded whole); an array cut short is refused, not summarised in part."""
    rows = tmp_path / "p.jsonl"
    rows.write_bytes(b"".join(good_rows(3)))
    output = tmp_path / "labels.json"
    run_cli(capsys, "classify", "--batch", str(rows), "-o", str(output))
    whole = run_cli(capsys, "summarize", str(output), "-f", "json")
    assert whole.code == 0
    assert json.loads(whole.out)["result"]["rows"] == 3
    cut = tmp_path / "cut.json"
    cut.write_bytes(output.read_bytes()[: output.stat().st_size // 2])
    failed = run_cli(capsys, "summarize", str(cut))
    assert failed.code == 1
    assert f"cxcs: error: {cut}: the JSON array" in failed.err  # named, as other errors are
