"""classify --batch as an analyst uses it: redirected output in a terminal, the summary,
pass-through columns, formats and dialects, Parquet, and ``cxcs summarize``."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cxcs.models.knowledge import Knowledge
from cxcs.records import output_columns
from tests.support import (
    POSTING,
    assert_failed,
    cxcs_argv,
    drain_terminal,
    good_rows,
    need,
    read_records,
    run_cli,
    run_shell,
    run_subprocess,
    shared_path,
    subprocess_env,
    write_rows,
)


def _rows_file(tmp_path: Path, count: int, name: str = "rows.jsonl") -> Path:
    return write_rows(tmp_path / name, good_rows(count))


def _stderr_on_a_terminal(args: list[str], stdout: Path) -> tuple[int, str]:
    """Run ``python -m cxcs ARGS`` with stdout redirected to a file and stderr (and stdin)
    on a pseudo-terminal, as ``cxcs ... > file`` typed in a terminal; the exit status and
    what reached the terminal."""
    base = {k: v for k, v in subprocess_env().items() if k != "TERM"}
    leader, follower = pty.openpty()
    with stdout.open("wb") as sink:
        process = subprocess.Popen(
            cxcs_argv(*args),
            stdin=follower,
            stdout=sink,
            stderr=follower,
            env={**base, "TERM": "xterm-256color", "COLUMNS": "120"},
        )
        os.close(follower)
        text = drain_terminal(leader)
        code = process.wait(timeout=120)
    return code, text


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize(("jobs", "fmt"), [("2", "jsonl"), ("1", "csv")])
def test_redirected_output_in_a_terminal_keeps_every_row(
    tmp_path: Path, jobs: str, fmt: str
) -> None:
    """The data-loss bug: with stderr a terminal the progress bar captured stdout, so
    ``> labels.jsonl`` got 0 lines and the rows scrolled across the screen."""
    source = _rows_file(tmp_path, 1500)
    target = tmp_path / f"labels.{fmt}"
    args = ["classify", "--batch", str(source), "--jobs", jobs, "-f", fmt]
    code, screen = _stderr_on_a_terminal(args, target)
    assert code == 0, screen
    text = target.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert len(lines) == 1500 + (fmt == "csv")
    if fmt == "jsonl":
        assert [r["id"] for r in read_records(text)] == [f"r{i}" for i in range(1500)]
    assert '"id"' not in screen and "r1499" not in screen  # no row reached the terminal
    assert "classified 1500 row(s); 0 failed" in screen
    assert "Labels" in screen and "Decisions" in screen  # the summary as a table


def test_summary_is_one_line_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    source = _rows_file(tmp_path, 30)
    done = run_subprocess("classify", "--batch", str(source))
    assert done.returncode == 0, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("cxcs: classified 30 row(s); 0 failed; labels ")
    rows = read_records(done.stdout)
    for label in {r["label"] or "(no label)" for r in rows}:
        count = sum(1 for r in rows if (r["label"] or "(no label)") == label)
        assert f"{label} {count}" in line
    mismatches = sum(1 for r in rows if r["title_mismatch"])
    assert f"title mismatches {mismatches}" in line
    assert re.search(r"confidence of \d+ answered p10 ", line) and " p90 " in line


def test_summarize_reads_back_jsonl_csv_and_json(tmp_path: Path) -> None:
    source = write_rows(tmp_path / "rows.jsonl", [*good_rows(40), b'{"id": "x"}\n'])
    outputs = {}
    for fmt in ("jsonl", "csv", "json"):
        target = tmp_path / f"labels.{fmt}"
        done = run_subprocess("classify", "--batch", str(source), "-o", str(target))
        assert done.returncode == 1, done.stderr  # one row has no text
        summary = run_subprocess("summarize", str(target), "-f", "json")
        assert summary.returncode == 0, summary.stderr
        outputs[fmt] = json.loads(summary.stdout)["result"]
    assert outputs["jsonl"] == outputs["csv"] == outputs["json"]
    result = outputs["jsonl"]
    assert (result["rows"], result["classified"], result["failed"]) == (41, 40, 1)
    assert result["errors"] == {"no_text": 1}
    assert sum(result["labels"].values()) == sum(result["decisions"].values()) == 40
    rows = read_records((tmp_path / "labels.jsonl").read_text(encoding="utf-8"))
    confidences = sorted(r["confidence"] for r in rows if r["confidence"] is not None)
    assert result["confidence"]["p50"] == pytest.approx(confidences[19], abs=0.001)


def test_summarize_refuses_a_csv_output_cut_short_and_reads_long_kept_fields(
    tmp_path: Path,
) -> None:
    """A CSV output cut anywhere (mid-row, mid-quote, mid-field at the end) is refused, never
    summarised in part; a kept field longer than the csv module's default limit is read."""
    long_text = "Answer customer tickets by email and chat. " * 4000  # 172,000 characters
    rows = [*good_rows(30), json.dumps({"id": "long", "text": long_text}).encode() + b"\n"]
    source = write_rows(tmp_path / "rows.jsonl", rows)
    output = tmp_path / "labels.csv"
    done = run_subprocess("classify", "--batch", str(source), "--keep", "text", "-o", str(output))
    assert done.returncode == 0, done.stderr
    whole = run_subprocess("summarize", str(output), "-f", "json")
    assert whole.returncode == 0, whole.stderr
    assert json.loads(whole.stdout)["result"]["rows"] == 31
    data = output.read_bytes()
    last_row = data.rindex(b"\nlong,") + 1
    for size in (len(data) // 3, len(data) // 2, last_row + 100, len(data) - 5):
        cut = tmp_path / "cut.csv"
        cut.write_bytes(data[:size])
        failed = run_subprocess("summarize", str(cut))
        assert failed.returncode == 1, (size, failed.stdout)
        assert "cut short" in failed.stderr and "Traceback" not in failed.stderr


@pytest.mark.parametrize("ending", [b"\r\n", b"\r"])
def test_summarize_reads_a_csv_output_saved_with_other_line_endings(
    tmp_path: Path, ending: bytes
) -> None:
    """A CSV output saved again by Excel (CRLF on Windows, CR on an old Mac) is whole."""
    source = write_rows(tmp_path / "rows.jsonl", good_rows(5))
    output = tmp_path / "labels.csv"
    done = run_subprocess("classify", "--batch", str(source), "-o", str(output))
    assert done.returncode == 0, done.stderr
    saved = tmp_path / "saved.csv"
    saved.write_bytes(output.read_bytes().replace(b"\n", ending))
    summary = run_subprocess("summarize", str(saved), "-f", "json")
    assert summary.returncode == 0, summary.stderr
    assert json.loads(summary.stdout)["result"]["rows"] == 5


def test_summarize_refuses_a_file_that_is_not_a_batch_output(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    done = run_subprocess("summarize", str(path))
    assert done.returncode == 1
    assert "no 'decision' column" in done.stderr
    lines = tmp_path / "labels.jsonl"
    lines.write_text('{"decision": null, "error_code": "no_text"}\n[1, 2]\n', encoding="utf-8")
    done = run_subprocess("summarize", str(lines))
    assert done.returncode == 1
    assert "line 2 is not a JSON object" in done.stderr


def test_summarize_names_stdin_as_classify_does() -> None:
    done = subprocess.run(
        cxcs_argv("summarize", "-"),
        input="a,b\n1,2\n",
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("cxcs: error: stdin: no 'decision' column"), done.stderr


def test_the_summary_of_an_empty_output_says_no_row_names_a_knowledge_base(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "labels.jsonl"
    empty.write_bytes(b"")
    done = run_subprocess("summarize", str(empty), "-f", "markdown")
    assert done.returncode == 0, done.stderr
    footer = done.stdout.strip().splitlines()[-1]
    assert "knowledge: no row names one" in footer, footer
    assert "sha256" not in footer


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_a_kept_nan_or_infinity_is_written_as_null_so_the_output_stays_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """Python writes NaN and Infinity into JSON (pandas' missing values); JSON has neither,
    so a strict reader (JavaScript, Go, jq 1.6) would refuse the whole output."""
    posting = json.loads(good_rows(1)[0])
    path = tmp_path / "rows.jsonl"
    record = {**posting, "salary": float("nan"), "range": [1.0, float("inf")], "n": 2.5}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    run = run_cli(capsys, "classify", "--batch", str(path), "--keep-all", "-f", fmt)
    assert run.code == 0, run.err

    def refuse(constant: str) -> None:
        raise ValueError(constant)

    parsed = json.loads(run.out, parse_constant=refuse) if fmt == "json" else None
    row = parsed[0] if parsed else json.loads(run.out, parse_constant=refuse)
    assert (row["salary"], row["range"], row["n"], row["id"]) == (None, [1.0, None], 2.5, "r0")


def test_keep_copies_input_fields_and_renames_clashes(
    kb: Knowledge, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        json.dumps({"id": i, "text": "Answer support tickets.", "label": "x", "team": t}) + "\n"
        for i, t in enumerate(["EMEA", "APAC"])
    ]
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(rows), encoding="utf-8")
    run = run_cli(capsys, "classify", "--batch", str(source), "--keep", "team,label")
    assert run.code == 0, run.err
    records = read_records(run.out)
    assert [list(r)[-2:] for r in records] == [["team", "input_label"]] * 2
    assert [(r["team"], r["input_label"]) for r in records] == [("EMEA", "x"), ("APAC", "x")]
    run = run_cli(capsys, "classify", "--batch", str(source), "--keep-all", "-f", "csv")
    assert run.code == 0, run.err
    header = next(csv.reader(io.StringIO(run.out)))
    assert header == [*output_columns(kb), "input_id", "text", "input_label", "team"]
    both = run_cli(capsys, "classify", "--batch", str(source), "--keep", "a", "--keep-all")
    assert both.code == 2


def test_keep_given_twice_keeps_both(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--keep team --keep label`` kept only label, dropping team without a word:
    repeated, --keep adds up, as ``--keep team,label`` does."""
    source = tmp_path / "rows.jsonl"
    row = {"id": 1, "text": "Answer support tickets.", "label": "x", "team": "EMEA"}
    source.write_text(json.dumps(row) + "\n", encoding="utf-8")
    run = run_cli(capsys, "classify", "--batch", str(source), "--keep", "team", "--keep", "label")
    assert run.code == 0, run.err
    assert list(read_records(run.out)[0])[-2:] == ["team", "input_label"]


def test_a_kept_field_the_input_does_not_have_is_caught(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A misspelt --keep wrote an empty column and exit 0 without a word. A CSV or Parquet
    header proves the field missing (a usage error); for JSONL a note names a field no row
    had."""
    source = tmp_path / "rows.csv"
    source.write_text("id,text,region\nr1,Answer support tickets.,north\n", encoding="utf-8")
    run = run_cli(capsys, "classify", "--batch", str(source), "--keep", "regoin")
    assert_failed(run, 2, "--keep regoin: the input has no such column; did you mean 'region'?")
    fine = run_cli(capsys, "classify", "--batch", str(source), "--keep", "region")
    assert fine.code == 0 and read_records(fine.out)[0]["region"] == "north"
    assert "--keep" not in fine.err
    jsonl = _rows_file(tmp_path, 3)
    noted = run_cli(capsys, "classify", "--batch", str(jsonl), "--keep", "regoin,id", "-j", "2")
    assert noted.code == 0
    assert "cxcs: note: --keep regoin: no row has a value for it; check the field name" in noted.err
    assert len(read_records(noted.out)) == 3
    with_region = tmp_path / "regions.jsonl"
    with_region.write_text(
        '{"id": "r1", "text": "Answer support tickets.", "region": "north"}\n', encoding="utf-8"
    )
    hinted = run_cli(capsys, "classify", "--batch", str(with_region), "--keep", "regoin,reigon")
    assert hinted.code == 0
    for name in ("regoin", "reigon"):
        assert (
            f"cxcs: note: --keep {name}: no row has a value for it; did you mean 'region'?"
            in hinted.err
        )


@pytest.mark.parametrize(
    ("option", "value"),
    [("--id-field", "idd"), ("--title-field", "titel"), ("--text-field", "titel+text")],
)
def test_a_field_option_the_csv_header_lacks_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    """A misspelt --id-field wrote empty ids, --title-field dropped every title, exit 0."""
    source = tmp_path / "rows.csv"
    source.write_text("id,title,text\nr1,Agent,Answer support tickets.\n", encoding="utf-8")
    misspelt = value.split("+")[0]
    run = run_cli(capsys, "classify", "--batch", str(source), option, value)
    assert_failed(run, 2, f"{option} {misspelt}: the input has no such column; did you mean")
    joined = run_cli(capsys, "classify", "--batch", str(source), "--text-field", "title+text")
    assert joined.code == 0, joined.err


@pytest.mark.parametrize(
    ("header", "args", "message"),
    [
        ("id,text,text", [], "column text twice (columns 2 and 3)"),
        ("id,id,text", ["--keep", "id"], "column id twice (columns 1 and 2)"),
        ("id,note,text,note", ["--keep-all"], "column note twice (columns 2 and 4)"),
        ("id,,text,", ["--keep-all"], "column '' twice (columns 2 and 4)"),
        ("id,label,input_label,text", ["--keep-all"], "label and input_label would both"),
    ],
)
def test_a_csv_column_named_twice_that_the_run_reads_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], header: str, args: list[str], message: str
) -> None:
    """Which of two same-named columns to read is unclear (the last one won, silently), and
    both kept made a CSV or Parquet output with two columns of one name."""
    text = "Answer customer tickets by email and chat."
    width = header.count(",") + 1
    source = tmp_path / "rows.csv"
    source.write_text(f"{header}\n" + ",".join([text] * width) + "\n", encoding="utf-8")
    for fmt in ("jsonl", "parquet"):
        output = tmp_path / f"out.{fmt}"
        run = run_cli(capsys, "classify", "--batch", str(source), *args, "-o", str(output))
        assert_failed(run, 2, message)
        assert not output.exists()
    unread = tmp_path / "unread.csv"
    unread.write_text(f"id,note,text,note\n1,a,{text},b\n", encoding="utf-8")
    run = run_cli(capsys, "classify", "--batch", str(unread), "--keep", "id")
    assert run.code == 0, run.err  # a column named twice that the run never reads is harmless


def test_options_for_another_input_kind_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _rows_file(tmp_path, 2)
    run = run_cli(capsys, "classify", "--batch", str(source), "--delimiter", ";")
    assert_failed(run, 2, "--delimiter does not apply to JSONL input")


def test_json_output_is_one_array(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _rows_file(tmp_path, 70)
    run = run_cli(capsys, "classify", "--batch", str(source), "-f", "json")
    assert run.code == 0, run.err
    document = json.loads(run.out)
    assert [r["id"] for r in document] == [f"r{i}" for i in range(70)]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    run = run_cli(capsys, "classify", "--batch", str(empty), "-f", "json")
    assert run.code == 0 and json.loads(run.out) == []


def _csv_rows(delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["id", "title", "description"])
    for index, line in enumerate(good_rows(5)):
        writer.writerow([f"c{index}", "", json.loads(line)["text"]])
    return buffer.getvalue()


def test_csv_piped_to_stdin_is_read_as_csv(tmp_path: Path) -> None:
    done = subprocess.run(
        cxcs_argv("classify", "--batch", "-"),
        input=_csv_rows(","),
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert [r["id"] for r in read_records(done.stdout)] == [f"c{i}" for i in range(5)]
    assert "reading it as CSV" in done.stderr


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_a_csv_dialect_is_sniffed_or_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], delimiter: str
) -> None:
    source = tmp_path / "rows.csv"
    source.write_text(_csv_rows(delimiter), encoding="utf-8")
    sniffed = run_cli(capsys, "classify", "--batch", str(source))
    assert sniffed.code == 0, sniffed.err
    assert [r["id"] for r in read_records(sniffed.out)] == [f"c{i}" for i in range(5)]
    given = run_cli(capsys, "classify", "--batch", str(source), "--delimiter", delimiter)
    assert given.out == sniffed.out
    wrong = run_cli(capsys, "classify", "--batch", str(source), "--delimiter", ",")
    assert wrong.code == 2 and "no text column" in wrong.err


def test_parquet_in_and_out_agree_with_jsonl(kb: Knowledge, tmp_path: Path) -> None:
    pq = need("pyarrow.parquet")
    pa = need("pyarrow")
    records = [json.loads(line) for line in good_rows(25)]
    records[3] = {"id": "r3"}  # no text: an error row
    source = tmp_path / "rows.parquet"
    pq.write_table(pa.Table.from_pylist(records), source)
    target = tmp_path / "labels.parquet"
    done = run_subprocess("classify", "--batch", str(source), "-o", str(target), "--keep", "id")
    assert done.returncode == 1, done.stderr
    table = pq.read_table(target)
    assert table.column_names == [*output_columns(kb), "input_id"]
    assert str(table.schema.field("confidence").type) == "double"
    assert str(table.schema.field("title_mismatch").type) == "bool"
    from_parquet = table.to_pylist()
    jsonl = tmp_path / "rows.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    again = run_subprocess("classify", "--batch", str(jsonl), "--keep", "id")
    assert read_records(again.stdout) == from_parquet
    assert from_parquet[3]["error_code"] == "no_text"
    summary = run_subprocess("summarize", str(target), "-f", "json")
    assert json.loads(summary.stdout)["result"]["failed"] == 1


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "parquet"])
def test_parquet_columns_of_any_type_are_kept_as_text(tmp_path: Path, fmt: str) -> None:
    """Timestamps, dates, decimals and binary columns (a text some writers store as bytes)
    are read as text: kept in every output format, never an internal error."""
    import datetime
    import decimal

    pq = need("pyarrow.parquet")
    pa = need("pyarrow")
    text = json.loads(good_rows(1)[0])["text"]
    table = pa.table(
        {
            "id": pa.array([1, 2], pa.int64()),
            "text": pa.array([text.encode(), b"\xff" + text.encode()], pa.binary()),
            "posted_at": pa.array([datetime.datetime(2024, 1, 2, 9, 30)] * 2, pa.timestamp("s")),
            "day": pa.array([datetime.date(2024, 1, 2)] * 2),
            "salary": pa.array([decimal.Decimal("1.50")] * 2, pa.decimal128(5, 2)),
            "tags": [[datetime.date(2024, 1, 3)], None],
        }
    )
    source = tmp_path / "rows.parquet"
    pq.write_table(table, source)
    target = tmp_path / f"out.{fmt}"
    done = run_subprocess("classify", "--batch", str(source), "--keep-all", "-o", str(target))
    assert done.returncode == 1, done.stderr  # the second text is not UTF-8
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    if fmt == "parquet":
        rows = pq.read_table(target).to_pylist()
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    else:
        text_out = target.read_text(encoding="utf-8")
        rows = json.loads(text_out) if fmt == "json" else read_records(text_out)
    assert [(r["id"], r["error_code"] or None) for r in rows] == [("1", None), ("2", "not_unicode")]
    assert rows[0]["decision"] and rows[0]["label"]  # the text read from bytes is classified
    assert (rows[0]["posted_at"], rows[0]["day"], rows[0]["salary"]) == (
        "2024-01-02T09:30:00",
        "2024-01-02",
        "1.50",
    )
    tags = rows[0]["tags"]
    assert (json.loads(tags) if isinstance(tags, str) else tags) == ["2024-01-03"]


def test_a_parquet_file_without_a_text_column_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As for a CSV header: every row an error row, exit 1, was the answer before."""
    pq = need("pyarrow.parquet")
    pa = need("pyarrow")
    source = tmp_path / "rows.parquet"
    text = "Answer customer tickets by email and chat."
    pq.write_table(pa.table({"id": [1], "body": [text], "job": [{"duties": text}]}), source)
    run = run_cli(capsys, "classify", "--batch", str(source))
    assert_failed(run, 2, "Parquet file has no text column (looked for text / description; "
                          "found id, body, job); use --text-field")  # fmt: skip
    assert run.out == ""
    nested = run_cli(capsys, "classify", "--batch", str(source), "--text-field", "job.duties")
    assert nested.code == 0, nested.err


def test_piped_parquet_is_refused_by_summarize_as_by_classify(tmp_path: Path) -> None:
    pq = need("pyarrow.parquet")
    pa = need("pyarrow")
    target = tmp_path / "labels.parquet"
    pq.write_table(pa.Table.from_pylist([{"id": "a", "decision": "confident"}]), target)
    for command in (["summarize", "-"], ["classify", "--batch", "-"]):
        done = run_shell(f'cat {target} | "$@"', *command)
        assert done.code == 2 and "Parquet input must be a file, not stdin" in done.err


@pytest.mark.parametrize("name", ["labels.parquet", "labels"])
@pytest.mark.parametrize("command", [["summarize"], ["classify", "--batch"]])
def test_parquet_from_a_named_pipe_is_refused_never_waited_on(
    tmp_path: Path, name: str, command: list[str]
) -> None:
    """Parquet is read by name from its footer: a named pipe (or ``<(cat x.parquet)``), read
    once to sniff it, would be opened again and waited on forever; it is refused as stdin is."""
    pq = need("pyarrow.parquet")
    pa = need("pyarrow")
    source = tmp_path / "source.parquet"
    pq.write_table(pa.Table.from_pylist([{"id": "a", "text": POSTING, "decision": "x"}]), source)
    fifo = tmp_path / name
    os.mkfifo(fifo)
    writer = f"cat {source} > {fifo} 2>/dev/null &"
    script = f'{writer} "$@"; status=$?; kill $! 2>/dev/null; exit $status'
    done = run_shell(script, *command, str(fifo), timeout=30)
    assert done.code == 2, done.err
    assert f"{fifo}: Parquet input must be a regular file, not a named pipe" in done.err


def test_parquet_output_needs_a_file(tmp_path: Path) -> None:
    source = _rows_file(tmp_path, 2)
    done = run_subprocess("classify", "--batch", str(source), "-f", "parquet")
    assert done.returncode == 2
    assert "Parquet output needs a file" in done.stderr


def _dev_set() -> Path:
    """The shared real postings (``../shared/eval`` next to the repository, or
    ``$CXCS_SHARED``); missing data skips the test, or fails it in CI."""
    return shared_path("eval", "jobs-dev.jsonl")


def test_the_parallel_batch_gives_the_slow_path_answers_on_the_dev_set(kb: Knowledge) -> None:
    """``--jobs 2`` (raw lines to workers, rows encoded there) answers exactly what
    classifying each posting on its own through the API answers."""
    from cxcs import classify

    dev = _dev_set()
    done = run_subprocess("classify", "--batch", str(dev), "--jobs", "2", timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = read_records(done.stdout)
    with dev.open(encoding="utf-8") as handle:
        postings = [json.loads(line) for line in handle if line.strip()]
    assert [r["id"] for r in rows] == [p["id"] for p in postings]
    for row, posting in zip(rows, postings, strict=True):
        title = (posting.get("title") or "").strip() or None
        result = classify(kb, posting["description"], title, detect_title=title is None)
        expected_label = "none" if result.decision == "not_customer_facing" else result.label
        assert (row["label"], row["decision"]) == (expected_label, result.decision), row["id"]
        assert row["confidence"] == result.confidence
        assert [row[f"score_{s.function}"] for s in result.scores] == [
            s.score for s in result.scores
        ]


def test_the_readme_pandas_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import re

    need("pandas")
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```py\n(# pandas example\n.*?)```", readme, re.S)
    assert block is not None
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "holdout").symlink_to(root / "tests" / "holdout")
    monkeypatch.chdir(tmp_path)
    bin_dir = str(Path(sys.executable).parent)
    monkeypatch.setenv("PATH", bin_dir + os.pathsep + os.environ.get("PATH", ""))
    namespace: dict[str, Any] = {}
    exec(compile(block.group(1), "README.md", "exec"), namespace)
    ok = namespace["ok"]
    assert len(ok) == 60  # every held-out posting, none failed
    assert set(ok["label"]) <= {"cx", "service", "success", "support", "ux", "none"}
    assert str(ok["title_mismatch"].dtype) == "bool"
    assert list(namespace["scores"].columns)[-1] == "score_none"
    assert "input_label" in capsys.readouterr().out


def test_a_file_that_is_not_parquet_is_one_clear_error(tmp_path: Path) -> None:
    need("pyarrow")
    path = tmp_path / "rows.parquet"
    path.write_text('{"id": 1, "text": "not parquet"}\n', encoding="utf-8")
    done = run_subprocess("classify", "--batch", str(path))
    assert done.returncode == 1
    assert f"{path}: not a readable Parquet file" in done.stderr
    assert "internal error" not in done.stderr


# --------------------------------------------------------------------------- compressed input

COMPRESSIONS = {"gz": "gzip", "bz2": "bz2", "xz": "lzma"}


def _compress(data: bytes, suffix: str) -> bytes:
    import importlib

    module: Any = importlib.import_module(COMPRESSIONS[suffix])
    return bytes(module.compress(data))


def _plain_and_compressed(
    tmp_path: Path, suffix: str, name: str = "rows.jsonl"
) -> tuple[Path, Path]:
    plain = write_rows(tmp_path / name, good_rows(40))
    packed = tmp_path / f"{name}.{suffix}"
    packed.write_bytes(_compress(plain.read_bytes(), suffix))
    return plain, packed


@pytest.mark.parametrize("via", ["file", "stdin"])
@pytest.mark.parametrize("suffix", list(COMPRESSIONS))
def test_compressed_jsonl_gives_the_rows_of_the_plain_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str, via: str
) -> None:
    """Recognised by its first bytes: as a named file, and piped to ``--batch -``."""
    import shlex

    plain, packed = _plain_and_compressed(tmp_path, suffix)
    expected = read_records(run_cli(capsys, "classify", "--batch", str(plain)).out)
    if via == "file":
        run = run_cli(capsys, "classify", "--batch", str(packed))
    else:
        run = run_shell(f'exec "$@" < {shlex.quote(str(packed))}', "classify", "--batch", "-")
    assert run.code == 0, run.err
    assert read_records(run.out) == expected and len(expected) == 40


def test_a_gzipped_csv_is_read_as_csv_by_its_inner_extension(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "rows.csv.gz"
    text = "id,text\nr1,Answer customer calls and resolve billing tickets in Zendesk.\n"
    source.write_bytes(_compress(text.encode(), "gz"))
    records = read_records(run_cli(capsys, "classify", "--batch", str(source)).out)
    assert [r["id"] for r in records] == ["r1"]


def _whole_lines_before_damage(data: bytes, suffix: str) -> int:
    """How many whole lines a streaming decompressor gets out of damaged ``data``."""
    import bz2
    import lzma
    import zlib

    decompressor: Any = {
        "gz": lambda: zlib.decompressobj(31),
        "bz2": bz2.BZ2Decompressor,
        "xz": lzma.LZMADecompressor,
    }[suffix]()
    return int(decompressor.decompress(data).count(b"\n"))


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("suffix", list(COMPRESSIONS))
def test_damaged_compressed_input_keeps_every_row_before_the_damage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str, jobs: str
) -> None:
    """Every whole line before the damage is classified and written (with --jobs too); the
    rest of the input is one error row where the damage starts, naming the file."""
    plain = write_rows(tmp_path / "rows.jsonl", good_rows(3000))
    packed = _compress(plain.read_bytes(), suffix)
    cut = tmp_path / f"cut.jsonl.{suffix}"
    cut.write_bytes(packed[: len(packed) * 3 // 4])
    whole = _whole_lines_before_damage(cut.read_bytes(), suffix)
    run = run_cli(capsys, "classify", "--batch", str(cut), "--jobs", jobs)
    assert run.code == 1
    records = read_records(run.out)
    assert [r["id"] for r in records[:-1]] == [f"r{i}" for i in range(whole)]
    assert all(r["error_code"] is None for r in records[:-1])
    damaged = records[-1]
    assert damaged["error_code"] == "damaged_input" and damaged["line"] == whole + 1
    assert f"{cut}: damaged" in damaged["error"] and f"line {whole + 1}: {cut}: damaged" in run.err


def test_damaged_compressed_csv_keeps_every_row_before_the_damage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [f"r{i},Answer customer calls and resolve billing tickets.\n" for i in range(3000)]
    packed = _compress(("id,text\n" + "".join(lines)).encode(), "gz")
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    whole = _whole_lines_before_damage(cut.read_bytes(), "gz") - 1  # the header
    run = run_cli(capsys, "classify", "--batch", str(cut))
    records = read_records(run.out)
    assert run.code == 1
    assert [r["id"] for r in records[:-1]] == [f"r{i}" for i in range(whole)]
    assert records[-1]["error_code"] == "damaged_input"


@pytest.mark.parametrize("jobs", [1, 2])
def test_rows_read_before_the_input_fails_are_still_written(kb: Knowledge, jobs: int) -> None:
    """An input that cannot be read on (a disk error, say) ends the run with its error, but
    only after every row read before it, queued for the workers or not, is written."""
    from cxcs.batch import Lines, RowMaker, run_units
    from cxcs.errors import InputError
    from cxcs.records import Fields

    def units() -> Any:
        for start in range(1, 200, 40):
            yield Lines(start, good_rows(240)[start - 1 : start + 39])
        raise InputError("rows.jsonl: cannot read (Input/output error)")

    written: list[Any] = []
    with pytest.raises(InputError, match="cannot read"):
        run_units(
            units(),
            written.append,
            maker=RowMaker(kb),
            fields=Fields(),
            encoder=None,
            overlays=[],
            jobs=jobs,
        )
    rows = [row for payload, *_ in written for row in payload]
    assert [row["line"] for row in rows] == list(range(1, 201))


def test_a_chunk_cut_short_by_an_unreadable_input_still_comes_out() -> None:
    from cxcs.batch import _chunks
    from cxcs.errors import InputError

    def items() -> Any:
        yield from range(5)
        raise InputError("cannot read")

    chunks = _chunks(items(), 3)
    assert next(chunks) == [0, 1, 2] and next(chunks) == [3, 4]
    with pytest.raises(InputError):
        next(chunks)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_quiet_shows_no_progress_bar(tmp_path: Path) -> None:
    """With stderr a terminal, ``-q`` still drew the progress bar (and hid the cursor):
    quiet means nothing on stderr but warnings and errors."""
    from tests.support import cxcs_argv, subprocess_env

    source = write_rows(tmp_path / "rows.jsonl", good_rows(300))
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        cxcs_argv("classify", "--batch", str(source), "-o", str(tmp_path / "out.jsonl"), "-q"),
        stdout=subprocess.DEVNULL, stderr=follower, env=subprocess_env(),
    )  # fmt: skip
    os.close(follower)
    shown = drain_terminal(leader)
    assert process.wait(timeout=60) == 0
    assert shown == ""
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 300


def test_progress_over_a_compressed_file_counts_its_bytes_on_disk(tmp_path: Path) -> None:
    """The bar is sized by the file on disk: it must end at that size, not at the size of
    the decompressed lines."""
    from cxcs.batch import open_input
    from cxcs.compressed import compressed_progress

    _, packed = _plain_and_compressed(tmp_path, "gz")
    advanced: list[int] = []
    step = compressed_progress(advanced.append, (stream := open_input(str(packed))))
    with stream:
        for line in stream:
            step(len(line))
    assert sum(advanced) == packed.stat().st_size
    assert all(n >= 0 for n in advanced)


def test_a_compressed_parquet_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    need("pyarrow")
    source = tmp_path / "rows.jsonl"
    write_rows(source, good_rows(3))
    table = tmp_path / "rows.parquet"
    assert run_cli(capsys, "classify", "--batch", str(source), "-o", str(table)).code == 0
    packed = tmp_path / "rows.parquet.gz"
    packed.write_bytes(_compress(table.read_bytes(), "gz"))
    run = run_cli(capsys, "classify", "--batch", str(packed))
    assert run.code == 2
    assert "compressed Parquet" in run.err


def test_workers_that_cannot_start_are_one_error_not_a_write_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No memory left to fork: said as such, not as 'cannot write output'."""
    import errno

    def no_fork() -> int:
        raise OSError(errno.ENOMEM, "Cannot allocate memory")

    source = write_rows(tmp_path / "rows.jsonl", good_rows(3))
    monkeypatch.setattr(os, "fork", no_fork)
    run = run_cli(capsys, "classify", "--batch", str(source), "-j", "2")
    assert run.code == 1
    assert run.err.splitlines()[-1] == (
        "cxcs: error: cannot start 2 worker processes: Cannot allocate memory"
    )


@pytest.mark.parametrize("name", ["postings.jsonl", "postings.json"])
def test_summarize_refuses_json_rows_that_are_not_a_batch_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """The input file given by mistake: an error, not '300 failed rows'."""
    rows = [{"id": "r1", "text": "Answer calls."}, {"id": "r2", "text": "Fix bugs."}]
    path = tmp_path / name
    if name.endswith(".jsonl"):
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        path.write_text(json.dumps(rows), encoding="utf-8")
    run = run_cli(capsys, "summarize", str(path))
    assert run.code == 1
    assert "row 1 has no 'decision' field; is this a cxcs batch output?" in run.err


def test_summarize_refuses_a_parquet_file_without_a_decision_column_even_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty Parquet input file given by mistake was summarised as 0 rows, exit 0, where
    an empty CSV of the same columns is refused: Parquet's columns are in its schema."""
    pq = need("pyarrow.parquet")
    pa = need("pyarrow")
    path = tmp_path / "postings.parquet"
    schema = pa.schema([("id", pa.string()), ("text", pa.string())])
    pq.write_table(pa.Table.from_pylist([], schema=schema), path)
    run = run_cli(capsys, "summarize", str(path))
    assert_failed(run, 1, f"{path}: no 'decision' column; is this a cxcs batch output?")
    source = write_rows(tmp_path / "none.jsonl", [])
    output = tmp_path / "labels.parquet"
    assert run_cli(capsys, "classify", "--batch", str(source), "-o", str(output)).code == 0
    empty = run_cli(capsys, "summarize", str(output), "-f", "json")
    assert empty.code == 0, empty.err
    assert json.loads(empty.out)["result"]["rows"] == 0


# --------------------------------------------------------------------------- compressed output


def _decompress(data: bytes, suffix: str) -> bytes:
    import importlib

    module: Any = importlib.import_module(COMPRESSIONS[suffix])
    return bytes(module.decompress(data))


@pytest.mark.parametrize("suffix", list(COMPRESSIONS))
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_output_named_with_a_compression_suffix_is_written_compressed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str, fmt: str
) -> None:
    """``labels.csv.gz``: CSV by the inner extension, the same bytes as ``labels.csv``."""
    source = write_rows(tmp_path / "rows.jsonl", good_rows(12))
    plain, packed = tmp_path / f"labels.{fmt}", tmp_path / f"labels.{fmt}.{suffix}"
    for target in (plain, packed):
        assert run_cli(capsys, "classify", "--batch", str(source), "-o", str(target)).code == 0
    assert _decompress(packed.read_bytes(), suffix) == plain.read_bytes()
    summary = run_cli(capsys, "summarize", str(packed), "-f", "json")
    assert json.loads(summary.out)["result"]["rows"] == 12


def test_gzip_output_is_the_same_bytes_every_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.md.gz", tmp_path / "b.md.gz"
    for target in (first, second):
        assert run_cli(capsys, "compare", "cx", "ux", "-o", str(target)).code == 0
    assert first.read_bytes() == second.read_bytes()
    assert _decompress(first.read_bytes(), "gz").startswith(b"# Customer experience vs")


def test_a_compressed_parquet_output_name_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    need("pyarrow")
    source = write_rows(tmp_path / "rows.jsonl", good_rows(2))
    run = run_cli(capsys, "classify", "--batch", str(source), "-o", str(tmp_path / "x.parquet.gz"))
    assert run.code == 2
    assert "Parquet compresses inside the file" in run.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.jsonl"]


def test_a_json_array_on_stdout_stays_valid_json_when_the_batch_fails_midway(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The rows written so far are closed into their array; the error goes to stderr and
    the exit status, not as a second document glued after the array."""
    plain = write_rows(tmp_path / "rows.jsonl", good_rows(400))
    packed = _compress(plain.read_bytes(), "gz")
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(packed[: len(packed) * 3 // 4])
    run = run_cli(capsys, "classify", "--batch", str(cut), "-f", "json")
    assert run.code == 1
    rows = json.loads(run.out)
    assert rows and [r["id"] for r in rows[:-1]] == [f"r{i}" for i in range(len(rows) - 1)]
    assert rows[-1]["error_code"] == "damaged_input" and "damaged gzip data" in run.err


def test_a_batch_that_fails_before_any_row_still_prints_the_json_error_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "rows.csv"
    source.write_text("a,b\n1,2\n", encoding="utf-8")
    run = run_cli(capsys, "classify", "--batch", str(source), "-f", "json")
    assert run.code == 2
    assert json.loads(run.out)["error"]["code"] == "usage"


def test_the_python_api_reads_the_format_before_a_compression_suffix(tmp_path: Path) -> None:
    from cxcs import commands

    source = write_rows(tmp_path / "rows.jsonl", good_rows(3))
    target = tmp_path / "labels.csv.gz"
    commands.classify_batch(None, str(source), output=target, format=None)
    text = _decompress(target.read_bytes(), "gz").decode()
    assert text.startswith("id,line,label,")


# --------------------------------------------------------------------------- --encoding

CP1252_TEXT = "Café support: answer “customer” calls and emails, resolve tickets in Zendesk."


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_encoding_reads_a_file_that_is_not_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, jobs: str
) -> None:
    """A Windows export (cp1252): each row decoded with --encoding, the text kept exactly."""
    if kind == "jsonl":
        data = json.dumps({"id": "r1", "text": CP1252_TEXT}, ensure_ascii=False) + "\n"
    else:
        data = f'id;text\r\nr1;"{CP1252_TEXT}"\r\n'
    source = tmp_path / f"export.{kind}"
    source.write_bytes(data.encode("cp1252"))
    args = ("classify", "--batch", str(source), "--keep", "text", "-j", jobs)
    plain = read_records(run_cli(capsys, *args).out)[0]
    assert plain["error_code"] == "not_utf8"
    assert "give --encoding, e.g. cp1252" in plain["error"]
    decoded = read_records(run_cli(capsys, *args, "--encoding", "cp1252").out)[0]
    assert decoded["error"] is None and decoded["decision"] is not None
    assert decoded["text"] == CP1252_TEXT


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--batch", "{rows}", "--encoding", "klingon"), "--encoding klingon: unknown encoding"),
        (("--batch", "{rows}", "--encoding", "utf-16"), "not an ASCII-compatible encoding"),
        (("{posting}", "--encoding", "cp1252"), "--encoding applies only with --batch"),
    ],
    ids=["unknown", "utf-16", "without --batch"],
)
def test_an_unusable_encoding_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    rows = write_rows(tmp_path / "rows.jsonl", good_rows(2))
    posting = tmp_path / "posting.txt"
    posting.write_text(CP1252_TEXT, encoding="utf-8")
    argv = [a.replace("{rows}", str(rows)).replace("{posting}", str(posting)) for a in args]
    run = run_cli(capsys, "classify", *argv)
    assert run.code == 2
    assert message in run.err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_keep_all_says_which_later_fields_the_csv_columns_leave_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    """The first row sets CSV columns; a field first seen later is named, never lost
    silently (JSON output keeps it)."""
    text = "Answer customer calls and emails and resolve support tickets in Zendesk."
    rows = [{"id": "r1", "region": "EU", "text": text}, {"id": "r2", "salary": "1", "text": text}]
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    args = ("classify", "--batch", str(source), "--keep-all", "-j", jobs)
    run = run_cli(capsys, *args, "-f", "csv")
    assert run.code == 0
    assert "cxcs: note: --keep-all: salary first appears after the first row" in run.err
    assert "salary" not in run.out.splitlines()[0]
    assert "--keep-all" not in run_cli(capsys, *args, "-f", "csv", "-q").err
    kept = run_cli(capsys, *args)
    assert "--keep-all" not in kept.err
    assert read_records(kept.out)[1]["salary"] == "1"


def test_keep_all_takes_the_columns_from_the_first_record_past_blank_and_bad_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A blank first line (``echo >> rows.jsonl``) or a bad one gave no columns at all."""
    text = "Answer customer calls and emails and resolve support tickets in Zendesk."
    good = json.dumps({"id": "r1", "region": "EU", "text": text})
    source = tmp_path / "rows.jsonl"
    source.write_text(f"\n  \n{{broken\n[1]\n{good}\n", encoding="utf-8")
    run = run_cli(capsys, "classify", "--batch", str(source), "--keep-all", "-f", "csv")
    assert run.code == 1  # the two bad lines
    assert "first appear" not in run.err
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert [(r["line"], r["region"]) for r in rows] == [("3", ""), ("4", ""), ("5", "EU")]


@pytest.mark.parametrize("option", [("--encoding", "cp1252"), ("--delimiter", ";")])
def test_text_options_are_refused_for_parquet_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: tuple[str, str]
) -> None:
    need("pyarrow")
    source = write_rows(tmp_path / "rows.jsonl", good_rows(2))
    table = tmp_path / "rows.parquet"
    assert run_cli(capsys, "classify", "--batch", str(source), "-o", str(table)).code == 0
    run = run_cli(capsys, "classify", "--batch", str(table), *option)
    assert run.code == 2
    assert f"{option[0]} does not apply to Parquet input" in run.err


def _output_until_first_line(process: subprocess.Popen[bytes], timeout: float) -> bytes:
    """What cxcs writes until its first full line, or b"" if none comes within ``timeout``
    seconds (read unbuffered, so nothing waits in a reader's buffer)."""
    import select
    import time

    assert process.stdout is not None
    fd, out = process.stdout.fileno(), b""
    deadline = time.monotonic() + timeout
    while b"\n" not in out:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 65536) if ready else b""
        if not chunk:
            return out
        out += chunk
    return out


@pytest.mark.parametrize(("kind", "jobs"), [("jsonl", "1"), ("jsonl", "2"), ("csv", "1")], ids=str)
def test_a_live_input_gets_each_row_answered_before_the_next_arrives(kind: str, jobs: str) -> None:
    """``tail -f jobs.jsonl | cxcs classify --batch -``: a row is written as soon as it is
    classified, not held back until a chunk fills or the input ends."""
    rows = [json.loads(line) for line in good_rows(2)]
    if kind == "csv":
        head = b"id,text\n"
        lines = []
        for row in rows:
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerow([row["id"], row["text"]])
            lines.append(buffer.getvalue().encode())
    else:
        head = b""
        lines = good_rows(2)
    argv = cxcs_argv("classify", "--batch", "-", "--jobs", jobs, "-q")
    if kind == "csv":
        argv += ["--input-format", "csv"]
    process = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=subprocess_env(),
    )
    assert process.stdin is not None
    try:
        process.stdin.write(head + lines[0])
        process.stdin.flush()
        # The input stays open: the first answer must come while cxcs waits for more.
        answer = _output_until_first_line(process, timeout=60)
        assert json.loads(answer.splitlines()[0])["id"] == rows[0]["id"]
        process.stdin.write(lines[1])
        process.stdin.close()
        assert process.stdout is not None
        answer += process.stdout.read()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert [json.loads(r)["id"] for r in answer.splitlines()] == [r["id"] for r in rows]
    assert process.returncode == 0


def _classified(capsys: pytest.CaptureFixture[str], source: Path, *args: str) -> Any:
    run = run_cli(capsys, "classify", "--batch", str(source), "-q", *args)
    assert run.code == 0, run.err
    return read_records(run.out)


def test_fields_may_be_paths_into_nested_objects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Scraped and API postings nest their fields: ``job.description`` reaches into them,
    for the id, the title, the text and ``--keep``; a key that holds the dot itself wins."""
    text = json.loads(good_rows(1)[0])["text"]
    nested = {"meta": {"id": "n1"}, "job": {"title": "UX Designer", "body": text, "loc": "UK"}}
    dotted = {"meta.id": "d1", "meta": {"id": "not this"}, "job": {"body": text}}
    flat = {"meta": {"id": "f1"}, "text": text}
    source = tmp_path / "nested.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in (nested, dotted)), encoding="utf-8")
    args = ("--id-field", "meta.id", "--title-field", "job.title", "--text-field", "job.body")
    records = _classified(capsys, source, *args, "--keep", "job.loc")
    assert [r["id"] for r in records] == ["n1", "d1"]
    assert [r["job.loc"] for r in records] == ["UK", None]
    assert records[0]["title_label"] == "ux"  # the nested title was read
    assert records[1]["title_label"] is None
    plain = tmp_path / "flat.jsonl"
    plain.write_text(json.dumps(flat) + "\n", encoding="utf-8")
    answer = _classified(capsys, plain, "--id-field", "meta.id", "--text-field", "job.body,text")
    assert answer[0]["id"] == "f1" and answer[0]["error"] is None


def test_a_text_split_over_fields_is_joined_in_the_order_given(
    kb: Knowledge, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--text-field duties+skills`` classifies the two fields as one posting (a list of
    texts, as some job APIs give duties, is one line each), in JSONL and CSV alike, and
    answers what the joined text answers on its own."""
    from cxcs.engine.classify import classify

    text = json.loads(good_rows(1)[0])["text"]
    half = len(text) // 2
    cut = text.rindex("\n", 0, half) if "\n" in text[:half] else half
    duties, skills = text[:cut].strip(), text[cut:].strip()
    lines = [line for line in skills.split("\n") if line.strip()]
    record = {"id": "s1", "duties": duties, "skills": lines, "title": "Support Agent"}
    source = tmp_path / "split.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    expected = classify(kb, duties + "\n\n" + "\n".join(lines), "Support Agent")
    answer = _classified(capsys, source, "--text-field", "duties+skills")[0]
    assert _classified(capsys, source, "--text-field", "missing, duties + skills")[0] == answer
    assert (answer["label"], answer["confidence"]) == (expected.label, expected.confidence)
    table = tmp_path / "split.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [["id", "title", "duties", "skills"], ["s1", "Support Agent", duties, "\n".join(lines)]]
        )
    from_csv = _classified(capsys, table, "--text-field", "duties+skills")[0]
    assert (from_csv["label"], from_csv["confidence"]) == (expected.label, expected.confidence)
    only_duties = _classified(capsys, source, "--text-field", "duties")[0]
    scores = [name for name in answer if name.startswith("score_")]
    assert [only_duties[n] for n in scores] != [answer[n] for n in scores]  # skills were read
    missing = {"id": "s2", "skills": [], "duties": ""}
    source.write_text(json.dumps(missing) + "\n", encoding="utf-8")
    run = run_cli(capsys, "classify", "--batch", str(source), "--text-field", "duties+skills")
    assert run.code == 1 and "no text (looked for field duties+skills)" in run.err


def test_jobs_0_is_one_worker_per_cpu_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    from cxcs.batchrun import MAX_JOBS, worker_count
    from cxcs.errors import UsageError

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 2, 5}, raising=False)
    assert worker_count(0) == 3
    assert worker_count(5) == 5
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(200)), raising=False)
    assert worker_count(0) == MAX_JOBS
    for wrong in (-1, MAX_JOBS + 1):
        with pytest.raises(UsageError, match="--jobs must be between 0"):
            worker_count(wrong)


def test_a_pipe_counts_as_waiting_only_after_a_silence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A producer that is late for a moment (``cat`` on a busy machine) must not cut
    chunks short: only a silence of ``IDLE_MS`` counts as a live input waiting. A regular
    file never waits."""
    import threading

    from cxcs import inputs

    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd, "rb") as reader, os.fdopen(write_fd, "wb", buffering=0) as writer:
        waits = inputs.waiting_check(reader)
        assert waits is not None
        monkeypatch.setattr(inputs, "IDLE_MS", 10)
        assert waits()
        monkeypatch.setattr(inputs, "IDLE_MS", 60_000)
        late = threading.Timer(0.05, writer.write, [b"{}\n"])
        late.start()
        assert not waits()
        late.join()
    regular = tmp_path / "rows.jsonl"
    regular.write_bytes(b"{}\n")
    with regular.open("rb") as handle:
        assert inputs.waiting_check(handle) is None


@pytest.mark.parametrize("width", [120, 80, 40, 30, 20])
def test_the_summary_tables_fit_the_terminal_without_cutting_a_name(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    """At 80 columns the decisions read 'confide…' and 'not_cus…'; now the tables wrap into
    rows instead, and no cell is cut. Below the width of the widest table (30 and 20
    columns: '240 (94…', 'not_customer_faci…'), the summary is name: value lines."""
    from cxcs.summary import BatchSummary, print_table
    from cxcs.termconsole import stderr_console

    monkeypatch.setenv("COLUMNS", str(width))
    stderr_console.cache_clear()  # a console made by an earlier test keeps its width
    summary = BatchSummary()
    for label, decision, count in [
        ("ux", "confident", 240),
        ("none", "not_customer_facing", 13),
        ("support", "ambiguous", 3),
    ]:
        for _ in range(count):
            summary.add(label, decision, False, 0.9)
    try:
        print_table(summary)
    finally:
        stderr_console.cache_clear()
    shown = capsys.readouterr().err
    for name in ("confident", "not_customer_facing", "ambiguous", "title mismatches", "p90"):
        assert name in shown, shown
    for value in ("240 (94%)", "13 (5%)", "3 (1%)", "256", "0.90"):
        assert value in shown, shown
    assert "…" not in shown and max(map(len, shown.splitlines())) <= width


@pytest.mark.parametrize(
    ("fmt", "name", "message"),
    [
        (None, "labels.xlsx", "'.xlsx' names no format this command writes"),
        ("json", "labels.csv", "'.csv' names the csv format, not json"),
        ("table", "labels", "unknown format 'table'"),
    ],
)
def test_the_api_refuses_a_batch_output_as_the_command_line_does(
    kb: Knowledge,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fmt: str | None,
    name: str,
    message: str,
) -> None:
    """From Python, ``output=labels.xlsx`` wrote JSONL into it."""
    from cxcs.commands import classify_batch
    from cxcs.errors import UsageError

    source = _rows_file(tmp_path, 2)
    target = tmp_path / name
    with pytest.raises(UsageError, match=re.escape(message)):
        classify_batch(kb, str(source), format=fmt, output=target)
    assert not target.exists()
    flags = ["-f", fmt] if fmt else []
    run = run_cli(capsys, "classify", "--batch", str(source), "-o", str(target), *flags)
    assert_failed(run, 2, message)


def test_the_keep_all_note_names_the_output_format_as_written(tmp_path: Path) -> None:
    need("pyarrow")
    rows = [{"id": "a", "text": "Answer support tickets."}]
    rows.append({"id": "b", "text": "Resolve customer tickets.", "salary": "40k"})
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    target = tmp_path / "out.parquet"
    done = run_subprocess("classify", "--batch", str(source), "--keep-all", "-o", str(target))
    assert "sets the Parquet columns" in done.stderr, done.stderr


def test_the_api_takes_paths_and_dash_as_the_command_line_does(
    kb: Knowledge,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """output='x.csv' raised AttributeError; output=Path('-') wrote a file named '-';
    summarize(Path(...)) raised AttributeError."""
    import cxcs

    source = _rows_file(tmp_path, 3)
    monkeypatch.chdir(tmp_path)
    cxcs.classify_batch(kb, source, output="labels.csv")
    written = (tmp_path / "labels.csv").read_text(encoding="utf-8")
    assert [r["id"] for r in csv.DictReader(io.StringIO(written))] == ["r0", "r1", "r2"]
    capsys.readouterr()
    cxcs.classify_batch(kb, str(source), output=Path("-"))
    assert len(read_records(capsys.readouterr().out)) == 3 and not (tmp_path / "-").exists()
    summary = cxcs.summarize(tmp_path / "labels.csv").result
    assert summary.rows == 3


def test_text_that_recurs_in_a_csv_chunk_is_neutralised_in_every_row() -> None:
    from cxcs.encoder import Encoder

    rows: list[dict[str, Any]] = [
        {"id": "=1+1", "label": "ux", "flag": True},
        {"id": "=1+1", "label": "ux", "flag": None},
        {"id": "a\rb", "label": "true", "flag": 1},
    ]
    text = Encoder("csv", ["id", "label", "flag"]).encode(rows)
    assert text == "'=1+1,ux,true\n'=1+1,ux,\n\"a\nb\",true,1\n"


@pytest.mark.parametrize(
    ("head", "said"),
    [
        (
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
            "a zip archive (an Excel .xlsx file is one): unzip it, or save the sheet as CSV",
        ),
        (
            b"\x28\xb5\x2f\xfd\x24\x00\x01\x00\x00",
            "zstd-compressed data: decompress it first, e.g. 'zstd -dc FILE | cxcs summarize -'",
        ),
        ("decision,label\n".encode("utf-16"), "looks like UTF-16LE, not UTF-8"),
    ],
    ids=["excel", "zstd", "utf-16"],
)
def test_summarize_names_an_excel_zstd_or_utf16_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], head: bytes, said: str
) -> None:
    """'cxcs summarize labels.xlsx' said "no 'decision' column", where classify --batch
    names the file for what it is and says what to do."""
    path = tmp_path / "labels.xlsx"
    path.write_bytes(head + b"\x00" * 64)
    assert_failed(run_cli(capsys, "summarize", str(path)), 1, f"{path}: {said}")
