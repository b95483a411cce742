"""Inputs: postings and batch rows that are empty, binary, huge, endless, unreadable or malformed.

Whatever the input, cxcs answers with one ``cxcs: error: ...`` line (and, under ``--format
json``, one JSON error document), the documented exit status, and never drops a batch record.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cxcs.errors import InputError
from tests.conftest import load_samples
from tests.support import (
    POSTING,
    Run,
    assert_failed,
    completed,
    cxcs_argv,
    good_rows,
    need,
    read_records,
    require,
    run_cli,
    run_shell,
    run_subprocess,
    run_with_stdin,
    subprocess_env,
    typed_on_a_terminal,
    write_rows,
)

# --------------------------------------------------------------------------- posting input


BAD_POSTINGS = {
    "empty": (b"", "input is empty"),
    "whitespace only": (b" \n\t  \r\n\n", "input is empty"),
    "byte-order mark only": (b"\xef\xbb\xbf\n", "input is empty"),
    "binary with NUL bytes": (b"Support agent\x00\x01\x02\xff tickets", "binary data (NUL bytes)"),
    "invalid UTF-8": (b"Caf\xe9 support agent answering tickets", "not valid UTF-8 (byte 3)"),
}


@pytest.mark.parametrize("case", sorted(BAD_POSTINGS))
def test_bad_posting_on_stdin_exits_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    data, message = BAD_POSTINGS[case]
    run = run_with_stdin(capsys, monkeypatch, data, "classify", "-f", "json")
    assert_failed(run, 1, f"stdin: {message}", "input")
    plain = run_with_stdin(capsys, monkeypatch, data, "classify", "-")
    assert_failed(plain, 1, f"stdin: {message}")
    assert plain.out == ""


@pytest.mark.parametrize("case", sorted(BAD_POSTINGS))
def test_bad_posting_file_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    data, message = BAD_POSTINGS[case]
    path = tmp_path / "posting.txt"
    path.write_bytes(data)
    run = run_cli(capsys, "classify", str(path), "--format", "json")
    assert_failed(run, 1, f"{path}: {message}", "input")


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_a_compressed_posting_is_read_as_its_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    """``cxcs classify posting.txt.gz`` (or piped): the text inside, as batch input is
    read; damaged data is an input error naming the file."""
    import bz2
    import gzip
    import lzma

    compress = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}[suffix]
    plain = tmp_path / "posting.txt"
    plain.write_text(POSTING, encoding="utf-8")
    packed = tmp_path / f"posting.txt{suffix}"
    packed.write_bytes(compress(POSTING.encode()))
    expected = run_cli(capsys, "classify", str(plain), "-f", "json")
    assert expected.code == 0, expected.err
    answer = json.loads(expected.out)["result"]
    from_file = run_cli(capsys, "classify", str(packed), "-f", "json")
    assert (from_file.code, json.loads(from_file.out)["result"]) == (0, answer)
    piped = subprocess.run(
        cxcs_argv("classify", "-", "-f", "json"), input=packed.read_bytes(),
        capture_output=True, env=subprocess_env(), timeout=60, check=False,
    )  # fmt: skip
    assert (piped.returncode, json.loads(piped.stdout)["result"]) == (0, answer)
    packed.write_bytes(packed.read_bytes()[:20])
    assert_failed(run_cli(capsys, "classify", str(packed)), 1, f"{packed}: damaged")


def test_a_5_mb_line_is_classified_from_its_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "line.txt"
    path.write_text(("answer customer tickets by chat within our SLAs " * 110_000)[:5_000_000])
    run = run_cli(capsys, "classify", str(path), "-f", "json")
    assert run.code == 0, run.err
    cut = "input is 5,000,000 bytes; read the first 1,000,000 and classified the first 200,000 "
    assert f"cxcs: warning: {cut}characters\n" == run.err  # one line: the "1,000,000
    # characters" a second warning called the input were the part read
    assert json.loads(run.out)["result"]["classification"]["label"] == "support"


DRIVER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
with open(sys.argv[1], "rb") as stdin:
    done = subprocess.run(sys.argv[2:], stdin=stdin, capture_output=True, timeout=120)
print(json.dumps({
    "code": done.returncode,
    "err": done.stderr.decode("utf-8", "replace"),
    "out": done.stdout[:200].decode("utf-8", "replace"),
    "seconds": time.perf_counter() - started,
    "max_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux")
def test_a_50_mb_posting_is_read_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """Piped in: classified from its first 1 MB, the rest only counted; small and quick.

    A driver process runs cxcs so that RUSAGE_CHILDREN measures cxcs and nothing else."""
    path = tmp_path / "huge.txt"
    line = b"Own renewals and expansion for a book of enterprise accounts; run QBRs.\n"
    path.write_bytes(line * (50_000_000 // len(line)))
    size = path.stat().st_size
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(path), *cxcs_argv("classify", "-f", "json")],
        capture_output=True, text=True, env=subprocess_env(), timeout=150, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["code"] == 0, report["err"]
    assert f"input is {size:,} bytes; read the first 1,000,000 and classified" in report["err"]
    assert report["out"].startswith("{")
    assert report["seconds"] < 60
    assert report["max_rss_mb"] < 400, report


def test_an_endless_binary_file_is_refused_not_read_forever() -> None:
    """``/dev/zero`` used to be drained for ever (NUL bytes are now refused first)."""
    require(Path("/dev/zero").exists(), "/dev/zero is missing")
    run = completed(run_subprocess("classify", "/dev/zero", "-f", "json", timeout=60))
    assert_failed(run, 1, "/dev/zero: binary data (NUL bytes)", "input")


def test_an_endless_text_stream_is_counted_only_so_far() -> None:
    """``yes | cxcs classify`` stops counting after a bound instead of hanging. (The lines
    are numbered: one line over and over is a repeated block, read once.)"""
    require(shutil.which("yes") is not None, "yes(1) is not installed")
    script = 'yes "answer customer tickets by chat" | awk \'{ print NR ". " $0 }\' | "$@"'
    run = run_shell(script, "classify", "-f", "json")
    assert run.code == 0, run.err
    assert re.search(r"input is more than [\d,]+ bytes; read the first 1,000,000 and", run.err)
    assert json.loads(run.out)["result"]["classification"]["label"] == "support"
    run = run_shell('yes "answer customer tickets by chat" | "$@"', "classify", "-f", "json")
    assert run.code == 0, run.err
    found = json.loads(run.out)["result"]["classification"]
    assert found["words"] == 0  # the first line is the title; every line after repeats it


def test_a_directory_as_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(capsys, "classify", str(tmp_path), "-f", "json")
    assert_failed(run, 2, f"{tmp_path}: is a directory, not a file", "usage")


def test_a_missing_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(capsys, "classify", str(tmp_path / "nope.txt"), "-f", "json")
    assert_failed(run, 2, f"{tmp_path / 'nope.txt'}: no such file", "usage")


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0,
    reason="root reads files whatever their mode (the simulated case below still runs)",
)
def test_an_unreadable_file_is_a_usage_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "posting.txt").write_text(POSTING)
    for target, mode in ((locked / "posting.txt", 0o000), (locked, 0o000)):
        target.chmod(mode)
    try:
        run = completed(run_subprocess("classify", str(locked / "posting.txt"), "-f", "json"))
    finally:
        locked.chmod(0o755)
    assert run.code == 2, run.err
    assert "permission denied" in run.err
    assert json.loads(run.out)["error"]["code"] == "usage"


def test_an_unreadable_file_is_a_usage_error_simulated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a non-root user gets for a chmod-000 file (root would simply read it)."""
    path = tmp_path / "posting.txt"
    path.write_text(POSTING)
    real_open = Path.open

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    run = run_cli(capsys, "classify", str(path), "-f", "json")
    assert_failed(run, 2, f"{path}: permission denied", "usage")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_no_input_with_stdin_a_terminal_exits_2_and_never_waits() -> None:
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            cxcs_argv("classify", "-f", "json"), stdin=follower, capture_output=True,
            text=True, env=subprocess_env(), timeout=60, check=False,
        )  # fmt: skip
    finally:
        os.close(follower)
        os.close(leader)
    run = completed(done)
    assert_failed(run, 2, "no input: give a FILE, '-' for stdin, or pipe a posting in", "usage")
    assert "cxcs classify posting.txt" in run.err


def test_a_closed_stdin_is_a_usage_error() -> None:
    run = run_shell('exec "$@" <&-', "classify", "-f", "json")
    assert_failed(run, 2, "no input: stdin is closed", "usage")
    batch = run_shell('exec "$@" <&-', "classify", "--batch", "-")
    assert_failed(batch, 2, "no input: stdin is closed; give --batch FILE")
    # summarize was told to 'give --batch FILE', an option it does not have
    summary = run_shell('exec "$@" <&-', "summarize", "-")
    assert_failed(summary, 2, "no input: stdin is closed; give a FILE, e.g. 'cxcs summarize")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize(
    ("args", "typed", "what"),
    [
        (
            ("summarize", "-", "-f", "json"),
            b'{"id": "a", "decision": "insufficient"}\n\x04',
            "the batch output",
        ),
        (("classify", "--batch", "-"), b'{"id": "a", "text": "Answer tickets"}\n\x04', "the rows"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else "",
)
def test_reading_stdin_on_a_terminal_says_how_to_end_it(
    args: tuple[str, ...], typed: bytes, what: str
) -> None:
    """``summarize -`` and ``classify --batch -`` on a terminal waited without a word (as
    ``classify -`` no longer does); ``-q`` leaves the hint out, as it does there."""
    run = typed_on_a_terminal(*args, typed=typed)
    assert run.code == 0, run.err
    hint = f"cxcs: reading {what} from the terminal; end it with Ctrl-D on an empty line"
    assert run.err.startswith(hint), run.err
    quiet = typed_on_a_terminal(*args, "-q", typed=typed)
    assert quiet.code == 0 and "from the terminal" not in quiet.err, quiet.err


# --------------------------------------------------------------------------- batch

LATIN1 = b'{"id": "latin", "text": "Caf\xe9 support agent answering tickets"}\n'
BAD_JSONL = {
    # line content: the error it gets
    b'{"id": "trunc", "text": "Answer tickets"\n': "bad JSON: Expecting ',' delimiter",
    b"not json at all\n": "bad JSON: Expecting value",
    b'{"id": "open", "text": "Answer tickets\n': "bad JSON: Unterminated string",
    b"[1, 2, 3]\n": "each row must be a JSON object, not an array",  # not "each line"
    b'"just a string"\n': "each row must be a JSON object, not a string",
    LATIN1: "not valid UTF-8 (byte 28 of the line; in another encoding? give --encoding",
    b'{"id": "notext", "title": "Support engineer"}\n': "no text (looked for field text / desc",
    b'{"id": "empty", "text": "   "}\n': "text is empty",
    b'{"id": "number", "text": 42}\n': "text field is not a string",
    b'{"id": "nul", "text": "bin\\u0000ary"}\n': "text contains NUL bytes",
    b'{"id": "deep", "text": ' + b"[" * 50_000 + b"]" * 50_000 + b"}\n": "nested too deeply",
    b'{"id": "digits", "text": ' + b"7" * 5000 + b"}\n": "bad JSON: Exceeds the limit",
}


def _mixed_jsonl(tmp_path: Path) -> tuple[Path, list[tuple[int, str | None]]]:
    """Good and bad rows interleaved (a BOM and a blank line too); per line, the expected
    error (None for a good row)."""
    goods = good_rows(len(BAD_JSONL) + 1)
    lines: list[bytes] = [b"\xef\xbb\xbf" + goods[0]]
    expected: list[tuple[int, str | None]] = [(1, None)]
    for good, (bad, error) in zip(goods[1:], BAD_JSONL.items(), strict=True):
        lines += [bad, good]
        expected += [(len(lines) - 1, error), (len(lines), None)]
    lines.append(b"\n")  # a blank line is not a row
    return write_rows(tmp_path / "mixed.jsonl", lines), expected


def _check_batch(run: Run, records: list[dict[str, Any]], expected: list[Any]) -> None:
    """Every row out, in order; each bad one reported on stderr and as an error record."""
    assert run.code == 1, run.err
    assert "Traceback" not in run.err
    assert [(r["line"], r.get("error")) for r in records] == [
        (line, (r.get("error") if error else None))
        for (line, error), r in zip(expected, records, strict=True)
    ]
    for (line, error), record in zip(expected, records, strict=True):
        if error is None:
            assert record["decision"] in {"confident", "ambiguous", "insufficient",
                                          "not_customer_facing"}  # fmt: skip
        else:
            assert error in record["error"], (line, record)
            assert f"cxcs: line {line}: {record['error']}" in run.err.splitlines()
    ok = sum(1 for _, e in expected if e is None)
    assert f"cxcs: classified {ok} row(s); {len(expected) - ok} failed" in run.err


def test_batch_jsonl_reports_every_bad_row_and_keeps_every_good_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, expected = _mixed_jsonl(tmp_path)
    run = run_cli(capsys, "classify", "--batch", str(path))
    records = read_records(run.out)
    _check_batch(run, records, expected)
    ids = [r["id"] for r in records if r["error"] is None]
    assert ids == [f"r{i}" for i in range(len(BAD_JSONL) + 1)]


def test_a_byte_order_mark_starting_any_jsonl_line_is_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``cat a.jsonl b.jsonl``, where b was saved by a Windows tool, puts b's byte-order
    mark at the start of a line in the middle: it is not part of the row."""
    rows = good_rows(4)
    path = write_rows(
        tmp_path / "joined.jsonl", [rows[0], rows[1], b"\xef\xbb\xbf" + rows[2], rows[3]]
    )
    run = run_cli(capsys, "classify", "--batch", str(path))
    assert run.code == 0, run.err
    assert [r["id"] for r in read_records(run.out)] == ["r0", "r1", "r2", "r3"]


def test_jsonl_lines_ended_by_a_lone_carriage_return_are_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file whose lines end in a bare CR (an old Mac export) is one line to JSON Lines:
    its rows become one 'Extra data' error without a word on why; the error says so."""
    rows = [r.rstrip(b"\n") for r in good_rows(3)]
    path = write_rows(tmp_path / "mac.jsonl", [b"\r".join(rows) + b"\r"])
    run = run_cli(capsys, "classify", "--batch", str(path))
    assert run.code == 1
    (record,) = read_records(run.out)
    assert record["error_code"] == "bad_json"
    assert record["error"].endswith(
        "(lines end in a lone carriage return, \\r? JSON Lines ends each line with \\n: "
        "convert with tr '\\r' '\\n')"
    )


def test_batch_with_output_writes_every_record_even_when_rows_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, expected = _mixed_jsonl(tmp_path)
    target = tmp_path / "out.jsonl"
    run = run_cli(capsys, "classify", "--batch", str(path), "-o", str(target))
    _check_batch(run, read_records(target.read_text(encoding="utf-8")), expected)
    assert run.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mixed.jsonl", "out.jsonl"]


def test_batch_csv_missing_values_encodings_and_oversized_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Header with a byte-order mark (Excel's 'CSV UTF-8'), a row with no value, a latin-1
    row, a row with too many fields, a quoted multi-line row, and a field over the size
    limit (the rows after it keep their true line numbers)."""
    huge = "x" * 4_500_000
    text = (
        "\ufefftext,id,title\n"
        f'"{POSTING}",1,Support\n'  # lines 2-4 (the posting ends with a newline)
        ",2,Support\n"  # line 5: no text
        f'"{POSTING.strip()}",3\n'  # lines 6-7: no title is fine
        f'"{huge}",4,Huge\n'  # line 8: bigger than the field limit
        "Answer tickets,5,x,extra\n"  # line 9: too many fields
        "placeholder\n"  # line 10: replaced by latin-1 bytes below
        f'"{POSTING}",7,Support\n'  # lines 11-13
    )
    data = text.encode("utf-8").replace(b"placeholder", b'"Caf\xe9 support tickets",6')
    path = tmp_path / "rows.csv"
    path.write_bytes(data)
    run = run_cli(capsys, "classify", "--batch", str(path))
    records = read_records(run.out)
    expected = [
        (2, None),
        (5, "no text"),
        (6, None),
        (8, "bad CSV: field larger than field limit"),
        (9, "more fields than the header has"),
        (10, "not valid UTF-8"),
        (11, None),
    ]
    _check_batch(run, records, expected)
    assert [r["id"] for r in records if r["error"] is None] == ["1", "3", "7"]


def test_empty_csv_lines_are_not_rows_but_still_count_as_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty line (a spreadsheet's blank row, a trailing newline too many) gives no row,
    and every row after it keeps its true line number, a bad one too."""
    text = (
        "id,text\n"
        "\n"  # line 2
        f'1,"{POSTING}"\n'  # lines 3-5
        "\r\n\n"  # lines 6-7
        ",\n"  # line 8: a row, with no text
        "\n"  # line 9
        f'2,"{POSTING.strip()}"\n'  # lines 10-11
        '3,"open"quote\n'  # line 12: bad CSV
        "\n\n"  # lines 13-14
        "4,Answer customer tickets by email and chat.\n"  # line 15
    )
    path = tmp_path / "rows.csv"
    path.write_text(text, encoding="utf-8", newline="")
    run = run_cli(capsys, "classify", "--batch", str(path))
    expected = [(3, None), (8, "no text"), (10, None), (12, "bad CSV"), (15, None)]
    _check_batch(run, read_records(run.out), expected)


def test_batch_csv_without_a_text_column_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("id,title,body\n1,Support,Answer tickets\n", encoding="utf-8")
    run = run_cli(capsys, "classify", "--batch", str(path))
    assert_failed(run, 2, "CSV header has no text column (looked for text / description; "
                          "found id, title, body); use --text-field")  # fmt: skip
    assert run.out == ""
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert_failed(run_cli(capsys, "classify", "--batch", str(empty)), 2, "found nothing")


@pytest.mark.parametrize(
    ("header", "option", "close"),
    [
        ("id,title,description", ("--text-field", "descriptoin"), "description"),
        ("id,title,job_text", (), "job_text"),
        ("id,title,texts", (), "texts"),
    ],
)
def test_a_csv_header_without_the_text_column_names_a_close_one(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    header: str,
    option: tuple[str, ...],
    close: str,
) -> None:
    """A misspelt --text-field got no "did you mean", though a misspelt --keep, --id-field
    or part of a joined --text-field a+b gets one."""
    path = tmp_path / "rows.csv"
    path.write_text(f"{header}\n1,Support,Answer tickets\n", encoding="utf-8")
    run = run_cli(capsys, "classify", "--batch", str(path), *option)
    assert_failed(run, 2, f"found {header.replace(',', ', ')}); did you mean --text-field {close}?")


def test_a_csv_header_that_does_not_decode_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Binary data whose first line held no NUL byte was read as a CSV header, and the
    error listed its "columns": hundreds of characters of mojibake and escapes."""
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(128, 256)) * 3 + b",\x81\xfe\n" + bytes(range(1, 256)) * 4)
    run = run_cli(capsys, "classify", "--batch", str(path))
    assert_failed(run, 1, "CSV header is not valid UTF-8: is this a CSV file?")
    assert len(run.err) < 300 and "\ufffd" not in run.err
    cp1252 = run_cli(capsys, "classify", "--batch", str(path), "--encoding", "cp1252")
    assert_failed(cp1252, 1, "CSV header is not valid cp1252: is this a CSV file?")


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json", "parquet"])
def test_a_kept_column_name_that_does_not_decode_is_written_with_a_replacement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """A cp1252 header read as UTF-8 (`regi\\xf3n`) stopped a Parquet output with an
    internal error; JSON wrote the key with a lone surrogate escape, which strict readers
    refuse. The name is written as the file has it, the undecodable byte as U+FFFD."""
    if fmt == "parquet":
        need("pyarrow")
    path = tmp_path / "rows.csv"
    text = POSTING.replace("\n", " ").strip()
    path.write_bytes(b'id,text,regi\xf3n\n1,"' + text.encode() + b'",north\n')
    target = tmp_path / f"labels.{fmt}"
    run = run_cli(capsys, "classify", "--batch", str(path), "--keep-all", "-o", str(target))
    assert run.code == 0, run.err
    if fmt == "parquet":
        rows = need("pyarrow.parquet").read_table(target).to_pylist()
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    else:
        body = target.read_text(encoding="utf-8")
        assert "\\udc" not in body
        rows = json.loads(body) if fmt == "json" else read_records(body)
    assert rows[0]["regi\ufffdn"] == "north" and rows[0]["label"] == "support"


@pytest.mark.parametrize(
    ("name", "message"),
    [("nope.jsonl", "no such file"), ("nope.txt", "no such file"), ("dir", "is a directory")],
)
def test_batch_input_that_is_not_a_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    """A missing or directory input is named as such, whatever its extension."""
    (tmp_path / "dir").mkdir()
    path = tmp_path / name
    assert_failed(run_cli(capsys, "classify", "--batch", str(path)), 2, f"{path}: {message}")


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_batch_jobs_2_is_byte_identical_to_jobs_1(tmp_path: Path, fmt: str) -> None:
    """Over a window boundary (512 rows), bad rows included; ``--jobs 0`` (one worker per
    CPU) too."""
    path, _ = _mixed_jsonl(tmp_path)
    rows = path.read_bytes() + b"".join(good_rows(560))
    path.write_bytes(rows)
    outputs = []
    for jobs in ("1", "2", "0"):
        done = subprocess.run(
            cxcs_argv("classify", "--batch", str(path), "-f", fmt, "--jobs", jobs),
            capture_output=True, env=subprocess_env(), timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 1, done.stderr
        outputs.append((done.stdout, done.stderr))
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0][0].count(b"\n") == 560 + len(BAD_JSONL) * 2 + 1 + (fmt == "csv")


def test_rows_written_by_helpers_are_what_batch_reads(tmp_path: Path) -> None:
    """Control for the batch tests: the good rows are good, and CSV agrees with JSONL."""
    rows = good_rows(3)
    jsonl = write_rows(tmp_path / "rows.jsonl", rows)
    with (tmp_path / "rows.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows([json.loads(r)["id"], json.loads(r)["text"]] for r in rows)
    outs = []
    for path in (jsonl, tmp_path / "rows.csv"):
        done = run_subprocess("classify", "--batch", str(path))
        assert done.returncode == 0, done.stderr
        outs.append(
            [{k: v for k, v in r.items() if k != "line"} for r in read_records(done.stdout)]
        )
    assert outs[0] == outs[1]


def test_a_single_posting_is_never_overwritten_by_its_own_result(tmp_path: Path) -> None:
    """``cxcs classify p.txt -o p.txt`` replaced the posting with the report; ``>> p.txt``
    appended the report to it."""
    source = tmp_path / "posting.txt"
    source.write_text("Answer customer calls and resolve billing questions.\n", encoding="utf-8")
    before = source.read_bytes()
    (tmp_path / "link.txt").symlink_to(source)
    for target in (source, tmp_path / "link.txt"):
        done = completed(run_subprocess("classify", str(source), "-o", str(target)))
        assert_failed(done, 2, f"{source}: --output {target} is the input file itself")
    appended = completed(
        subprocess.run(
            ["sh", "-c", '"$@" >> "$0"', str(source), *cxcs_argv("classify", str(source))],
            capture_output=True, text=True, env=subprocess_env(), timeout=60, check=False,
        )
    )  # fmt: skip
    assert_failed(appended, 2, f"{source}: stdout is the input file itself")
    assert source.read_bytes() == before
    elsewhere = completed(run_subprocess("classify", str(source), "-o", str(tmp_path / "r.md")))
    assert elsewhere.code == 0, elsewhere.err


# --------------------------------------------------------------------------- batch input hazards


def test_output_that_is_the_input_file_is_refused(tmp_path: Path) -> None:
    """``>> a.jsonl`` read its own records back for ever; ``-o a.jsonl`` replaced the input."""
    source = write_rows(tmp_path / "a.jsonl", good_rows(3))
    before = source.read_bytes()
    (tmp_path / "link.jsonl").symlink_to(source)
    command = cxcs_argv("classify", "--batch", str(source))
    appended = completed(
        subprocess.run(
            ["sh", "-c", '"$@" >> "$0"', str(source), *command],
            capture_output=True, text=True, env=subprocess_env(), timeout=60, check=False,
        )
    )  # fmt: skip
    assert_failed(appended, 2, f"{source}: stdout is the input file itself")
    for target in (source, tmp_path / "link.jsonl"):
        done = completed(run_subprocess("classify", "--batch", str(source), "-o", str(target)))
        assert_failed(done, 2, "is the input file itself")
    assert source.read_bytes() == before
    elsewhere = completed(
        run_subprocess("classify", "--batch", str(source), "-o", str(tmp_path / "out.jsonl"))
    )
    assert elsewhere.code == 0, elsewhere.err


def test_an_unterminated_csv_quote_is_reported_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It silently swallowed the following rows (labelled from their text) and exited 0."""
    path = tmp_path / "rows.csv"
    one_line = POSTING.strip().replace("\n", " ")
    path.write_text(
        f'text,id\n"{one_line}",1\n"Answer tickets,2\n{one_line},3\nOwn renewals,4\n',
        encoding="utf-8",
    )
    run = run_cli(capsys, "classify", "--batch", str(path))
    assert run.code == 1, run.err
    records = read_records(run.out)
    assert [r["line"] for r in records] == [2, 3]
    assert records[0]["error"] is None
    assert records[1]["error_code"] == "bad_csv"
    assert "a quote opened on line 3 is never closed" in records[1]["error"]
    assert records[1]["error"].endswith("lines 3-5 were skipped")
    assert "cxcs: line 3: bad CSV: a quote opened on line 3" in run.err
    closed_mid_field = tmp_path / "mid.csv"
    closed_mid_field.write_text(
        f'text,id\n"Answer tickets,1\n{one_line},2\n"x" y,3\n"{one_line}",4\n',
        encoding="utf-8",
    )
    mid = run_cli(capsys, "classify", "--batch", str(closed_mid_field))
    records = read_records(mid.out)
    assert records[0]["line"] == 2 and "closes in the middle of a field" in records[0]["error"]
    assert records[0]["error"].endswith("lines 2-4 were skipped")  # said, not silently lost
    assert records[-1]["id"] == "4" and records[-1]["error"] is None  # the rest is read


def _batch_of_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> tuple[Run, list[dict[str, Any]]]:
    """``classify --batch`` of ``text`` written as a CSV file: the run and its records."""
    path = tmp_path / "rows.csv"
    path.write_text(text, encoding="utf-8")
    run = run_cli(capsys, "classify", "--batch", str(path))
    return run, read_records(run.out)


def test_a_quoted_csv_field_over_the_limit_over_several_lines_is_one_error_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The csv module stops reading a field at its size limit: the rest of a quoted field
    on the lines after was read as new rows (a row the input does not have, and the real
    row after it swallowed); now the field's lines are skipped to where its quote closes."""
    huge = ("word " * 200_000 + "\n") * 5  # 5,000,005 characters over 6 lines
    one_line = POSTING.strip().replace("\n", " ")
    text = f'id,text\n1,"{one_line}"\n2,"{huge}"\n3,"{one_line}"\n4,"{one_line}"\n'
    run, records = _batch_of_csv(tmp_path, capsys, text)
    assert [(r["line"], r["id"], r["error_code"]) for r in records] == [
        (2, "1", None),
        (3, None, "bad_csv"),
        (9, "3", None),
        (10, "4", None),
    ]
    assert records[1]["error"].endswith("lines 3-8 were skipped")
    assert "cxcs: classified 3 row(s); 1 failed" in run.err


def test_an_over_long_batch_line_is_an_error_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 100 MB line cost 427 MB; now a line over MAX_LINE_BYTES is skipped, not held."""
    from cxcs.inputs import MAX_LINE_BYTES

    rows = good_rows(2)
    huge = json.dumps({"id": "huge", "text": "x" * (MAX_LINE_BYTES + 10)}).encode() + b"\n"
    path = write_rows(tmp_path / "rows.jsonl", [rows[0], huge, rows[1]])
    for jobs in ("1", "2"):
        run = run_cli(capsys, "classify", "--batch", str(path), "-j", jobs)
        records = read_records(run.out)
        assert [r["line"] for r in records] == [1, 2, 3]
        assert records[1]["error_code"] == "line_too_long"
        assert records[0]["error"] is None and records[2]["error"] is None


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_endless_binary_batch_input_is_refused_in_bounded_memory(kind: str) -> None:
    require(Path("/dev/zero").exists(), "/dev/zero is missing")
    run = completed(
        run_subprocess("classify", "--batch", "/dev/zero", "--input-format", kind, timeout=60)
    )
    assert_failed(run, 1, "/dev/zero: binary data (NUL bytes)")


def test_an_endless_batch_line_stops_with_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text line with no end in sight (e.g. ``yes | tr -d '\\n'``) is not read for ever."""
    import cxcs.inputs
    from cxcs.inputs import bounded_lines

    assert list(bounded_lines(io.BytesIO(b"y" * 5000), "s", limit=1000)) == [5000]
    monkeypatch.setattr(cxcs.inputs, "MAX_SKIP_BYTES", 1000)
    with pytest.raises(InputError, match="s: line 1 has no end"):
        list(bounded_lines(io.BytesIO(b"y" * 5000), "s", limit=10))


def test_an_over_long_csv_line_is_an_error_row_and_the_rows_after_it_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As a JSONL line over the limit is: the run went on no further than such a line."""
    long_line = "word " * 3_300_000  # 16,500,000 characters, over the 16,000,000 limit
    one_line = POSTING.strip().replace("\n", " ")
    text = (
        f'id,text\n1,"{one_line}"\n2,"{long_line}"\n3,"{one_line}"\n'
        f'4,"{one_line}\n{long_line}\nend"\n5,"{one_line}"\n'
    )
    run, records = _batch_of_csv(tmp_path, capsys, text)
    assert [(r["line"], r["id"], r["error_code"]) for r in records] == [
        (2, "1", None),
        (3, None, "line_too_long"),
        (4, "3", None),
        (5, None, "line_too_long"),
        (8, "5", None),
    ]
    assert records[1]["error"] == (
        "line is 16,500,005 characters, over the 16,000,000-character limit; line 3 was skipped"
    )
    assert records[3]["error"].startswith("line 6 is 16,500,001 characters")
    assert records[3]["error"].endswith("lines 5-7 were skipped")
    assert run.code == 1


def test_a_csv_line_with_no_end_in_sight_is_refused_before_it_is_read_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``yes | tr -d '\\n'`` as CSV: the whole line was read into memory before the check."""
    import cxcs.inputs
    from cxcs.csvinput import read_csv
    from cxcs.records import Fields

    class Yes(io.RawIOBase):
        """A header, then 60 MB of one line; counts what is read of it."""

        def __init__(self) -> None:
            super().__init__()
            self.left, self.read_so_far = 60_000_000, 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            head = b"id,text\n1," if not self.read_so_far else b""
            size = min(len(buffer), self.left + len(head))
            buffer[:size] = (head + b"y" * size)[:size]
            self.left -= size - len(head)
            self.read_so_far += size
            return size

    monkeypatch.setattr(cxcs.inputs, "MAX_SKIP_BYTES", 1000)
    stream = Yes()
    with pytest.raises(InputError, match="input: line 2 has no end after"):
        list(read_csv(io.BufferedReader(stream), Fields()))
    assert stream.read_so_far < 20_000_000


def test_a_csv_header_over_the_field_limit_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("a" * 5_000_000 + ",text\n1,Answer tickets\n", encoding="utf-8")
    run = run_cli(capsys, "classify", "--batch", str(path))
    assert_failed(run, 2, "CSV header is longer than 4,000,000 characters")
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('"text,id\nAnswer tickets,1\n', encoding="utf-8")
    assert_failed(run_cli(capsys, "classify", "--batch", str(quoted)), 2, "CSV header")


@pytest.mark.parametrize(
    ("head", "said"),
    [
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "a zip archive (an Excel .xlsx file is one)"),
        (b"\x28\xb5\x2f\xfd\x24\x00\x01\x00\x00", "zstd-compressed data"),
    ],
)
def test_a_zip_or_zstd_file_is_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], head: bytes, said: str
) -> None:
    """Both were 'binary data (NUL bytes); give JSONL or CSV text', with no way forward."""
    path = tmp_path / "postings.bin"
    path.write_bytes(head + b"\x00" * 64)
    run = run_cli(capsys, "classify", "--batch", str(path))
    assert_failed(run, 1, f"{path}: {said}")
    assert "gzip, bzip2 or xz" in run.err


@pytest.mark.parametrize(
    ("encoding", "name", "example"),
    [
        ("utf-16", "rows.csv", "in.csv > out.csv"),
        ("utf-16-be", "rows.jsonl.gz", "in.jsonl > out.jsonl"),  # the kind, not the packing
        ("utf-16-le", "rows.\x1b[31m", "in.csv > out.csv"),  # no escape from a name
    ],
)
def test_a_utf16_file_is_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str, name: str, example: str
) -> None:
    """It got a misleading 'no text column' error that wrote NUL bytes to stderr; the
    example command converting it names the file's own kind."""
    path = tmp_path / name
    path.write_text("text,id\nAnswer tickets,1\n", encoding=encoding)
    run = run_cli(capsys, "classify", "--batch", str(path), "--input-format", "csv")
    assert_failed(run, 1, "not UTF-8; convert it first")
    assert "UTF-16" in run.err and "\x00" not in run.err
    assert example in run.err


def test_a_broken_json_first_line_is_not_called_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b'{"id": "a", "text": "Answer tickets\n{"id": "b", "text": "Fix"}\n')
    records = read_records(run_cli(capsys, "classify", "--batch", str(path)).out)
    assert "Unterminated string" in records[0]["error"]
    assert "is this CSV" not in records[0]["error"]


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ("text,id\nAnswer tickets,1\n".encode("utf-32-le"), "looks like UTF-32"),
        ("text,id\nAnswer tickets,1\n".encode("utf-16-le"), "looks like UTF-16"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x03\x00>\x00\x01\x00\x00\x00", "binary data"),
    ],
)
def test_nul_bytes_are_told_apart_as_wide_text_or_binary_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, named: str
) -> None:
    """An executable was called 'UTF-16 or UTF-32'; text is named by its width."""
    path = tmp_path / "rows.jsonl"
    path.write_bytes(data * 4)
    assert_failed(run_cli(capsys, "classify", "--batch", str(path)), 1, named)


def test_summarize_says_a_jsonl_output_is_cut_short(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JSONL output whose last line is broken off was "line 7 is not JSON"; a CSV output
    cut the same way says it is cut short."""
    whole = tmp_path / "labels.jsonl"
    rows = tmp_path / "rows.jsonl"
    write_rows(rows, good_rows(3))
    assert run_cli(capsys, "classify", "--batch", str(rows), "-o", str(whole)).code == 0
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(whole.read_bytes()[:-40])
    assert_failed(run_cli(capsys, "summarize", str(cut)), 1, f"{cut}: cut short at line 3")
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"{not json}\n" + whole.read_bytes())
    assert_failed(run_cli(capsys, "summarize", str(bad)), 1, f"{bad}: line 1 is not JSON")


def test_summarize_reads_lines_with_a_size_cap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cxcs.inputs import MAX_LINE_BYTES

    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"decision": "' + b"x" * (MAX_LINE_BYTES + 10) + b'"}\n')
    run = run_cli(capsys, "summarize", str(path))
    assert_failed(run, 1, f"{path}: line 1 is {MAX_LINE_BYTES + 27:,} bytes; not a cxcs output row")


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_a_failing_read_is_an_input_error_not_an_output_error(kind: str) -> None:
    """A disk error while reading (EIO) names the input, never 'cannot write output'."""
    import errno

    from cxcs.batch import read_jsonl
    from cxcs.csvinput import open_csv
    from cxcs.errors import InputError
    from cxcs.records import Fields

    class Failing(io.BufferedReader):
        def readline(self, size: int | None = -1) -> bytes:
            raise OSError(errno.EIO, "Input/output error")

        def read(self, size: int | None = -1) -> bytes:
            raise OSError(errno.EIO, "Input/output error")

        def read1(self, size: int = -1) -> bytes:
            raise OSError(errno.EIO, "Input/output error")

    stream = Failing(io.BytesIO(b"id,text\n"))
    with pytest.raises(InputError, match=r"cannot read \(Input/output error\)"):
        if kind == "jsonl":
            list(read_jsonl(stream, Fields()))
        else:
            list(open_csv(stream, Fields())[1])


@pytest.mark.parametrize(
    "text", [POSTING, "Customer success manager owning renewals and churn"], ids=["lines", "words"]
)
def test_posting_text_given_as_the_file_name_says_to_pipe_it(
    capsys: pytest.CaptureFixture[str], text: str
) -> None:
    """``cxcs classify "$(pbpaste)"`` said only "<the whole posting>: no such file"."""
    run = run_cli(capsys, "classify", text)
    hint = "no such file; to classify this text, give it on stdin: echo 'TEXT' | cxcs classify"
    assert_failed(run, 2, hint)
    assert len(run.err) < 200  # the text is not repeated whole
    assert_failed(run_cli(capsys, "classify", text, "-f", "json"), 2, hint, "usage")
    # a file name with a space that names no file is told only that
    plain = run_cli(capsys, "classify", "my posting.txt")
    assert_failed(plain, 2, "my posting.txt: no such file")
    assert "stdin" not in plain.err


@pytest.mark.parametrize("codec", ["rot13", "base64", "undefined"])
def test_an_encoding_that_is_not_a_text_encoding_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], codec: str
) -> None:
    """`--encoding rot13` (a codec Python knows, but not for text) was an internal error."""
    path = tmp_path / "rows.csv"
    path.write_text("id,text\n1,Answer tickets\n", encoding="utf-8")
    run = run_cli(capsys, "classify", "--batch", str(path), "--encoding", codec)
    assert_failed(run, 2, f"--encoding {codec}: not a text encoding")


def test_utf8_with_a_byte_order_mark_is_read_as_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--encoding utf-8-sig` (as Python and Excel name UTF-8 with a byte-order mark) was
    refused as not ASCII-compatible; it is UTF-8, whose mark is skipped anyway."""
    path = tmp_path / "rows.csv"
    path.write_text(f'id,text\n1,"{POSTING}"\n', encoding="utf-8-sig")
    run = run_cli(capsys, "classify", "--batch", str(path), "--encoding", "utf-8-sig")
    assert run.code == 0, run.err
    assert [(r["id"], r["label"]) for r in read_records(run.out)] == [("1", "support")]


def test_a_pretty_printed_json_object_is_told_how_to_convert_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An API response saved as `jobs.json` (`{"jobs": [...]}` over many lines) gave a
    "bad JSON" row per line and no word of what the file is."""
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps({"jobs": [{"id": 1, "text": POSTING}]}, indent=2))
    run = run_cli(capsys, "classify", "--batch", str(path))
    assert run.code == 1
    first = read_records(run.out)[0]
    assert first["error_code"] == "bad_json" and "one JSON document spread over" in first["error"]
    assert "jq -c '.jobs[]'" in run.err.splitlines()[0]


@pytest.mark.parametrize("batch", [False, True])
def test_stdin_read_from_the_file_stdout_appends_to_is_refused(tmp_path: Path, batch: bool) -> None:
    """`cxcs classify < posting.txt >> posting.txt` appended the report to the posting (the
    file named as FILE was refused, stdin was not); a batch said "-:" for stdin."""
    path = tmp_path / "posting.txt"
    path.write_text(POSTING if not batch else json.dumps({"text": POSTING}) + "\n")
    before = path.read_bytes()
    args = ("classify", "--batch", "-") if batch else ("classify",)
    with path.open("rb") as stdin, path.open("ab") as stdout:
        done = subprocess.run(
            cxcs_argv(*args), stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
            env=subprocess_env(), timeout=60, check=False,
        )  # fmt: skip
    error = done.stderr.decode()
    assert done.returncode == 2, error
    assert error == "cxcs: error: stdin: stdout is the input file itself; write the results " \
        "somewhere else\n"  # fmt: skip
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("codec", "bom"),
    [("UTF-16LE", b"\xff\xfe"), ("UTF-16BE", b"\xfe\xff"), ("UTF-16LE", b""), ("UTF-32LE", b"")],
)
def test_a_posting_in_utf16_or_utf32_is_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], codec: str, bom: bytes
) -> None:
    """A posting saved by Notepad as "Unicode" (UTF-16) was "binary data (NUL bytes); give
    plain text", as if it were no text at all; a batch named its encoding."""
    path = tmp_path / "posting.txt"
    path.write_bytes(bom + POSTING.encode(codec))
    run = run_cli(capsys, "classify", str(path))
    assert_failed(run, 1, f"{path}: looks like {codec}, not UTF-8; convert it first, e.g. ")
    assert f"iconv -f {codec} -t UTF-8" in run.err


@pytest.mark.parametrize(
    ("data", "codec"),
    [
        (b"\xff\xfe\x00\x00" + "text,id\nAnswer tickets,1\n".encode("utf-32-le"), "UTF-32LE"),
        ("text,id\nAnswer tickets,1\n".encode("utf-32-le"), "UTF-32LE"),
        ("text,id\nAnswer tickets,1\n".encode("utf-16-be"), "UTF-16BE"),
    ],
    ids=["utf-32 with a mark", "utf-32", "utf-16 big-endian"],
)
def test_a_batch_in_utf32_is_told_to_convert_from_utf32(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, codec: str
) -> None:
    """UTF-32 input was told to convert with 'iconv -f UTF-16', and one with a UTF-32
    byte-order mark was called UTF-16 (its mark starts as UTF-16's does); iconv reads
    UTF-16 without a mark as big-endian, so the byte order is named."""
    path = tmp_path / "rows.csv"
    path.write_bytes(data)
    run = run_cli(capsys, "classify", "--batch", str(path))
    said = f"looks like {codec}, not UTF-8; convert it first, e.g. 'iconv -f {codec} -t UTF-8"
    assert_failed(run, 1, said)


def test_an_id_field_no_row_has_gets_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A misspelt --id-field on JSON Lines left every id null without a word (a CSV header
    proves it misspelt; JSON Lines cannot), so the labels could not be joined back; --keep
    already got this note."""
    path = write_rows(tmp_path / "rows.jsonl", good_rows(3))
    run = run_cli(capsys, "classify", "--batch", str(path), "--id-field", "jobid")
    assert run.code == 0, run.err
    assert [r["id"] for r in read_records(run.out)] == [None, None, None]
    assert "cxcs: note: --id-field jobid: no row has a value for it; check the field name" in (
        run.err.splitlines()
    )
    named = run_cli(capsys, "classify", "--batch", str(path), "--id-field", "id")
    assert "--id-field" not in named.err


def test_a_title_field_no_row_has_gets_a_note_with_a_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A misspelt --title-field on JSON Lines quietly fell back to taking a short first
    line as the title; like --id-field it gets a note, with the close key of the rows."""
    samples = load_samples()
    rows = [
        json.dumps({"id": f"r{i}", "title": s["title"], "text": s["description"]}).encode() + b"\n"
        for i, s in enumerate(samples[:3])
    ]
    path = write_rows(tmp_path / "rows.jsonl", rows)
    run = run_cli(capsys, "classify", "--batch", str(path), "--title-field", "titel")
    assert run.code == 0, run.err
    assert (
        "cxcs: note: --title-field titel: no row has a value for it; did you mean 'title'?"
        in run.err.splitlines()
    )
    far = run_cli(capsys, "classify", "--batch", str(path), "--title-field", "heading")
    assert "cxcs: note: --title-field heading: no row has a value for it; check the field name" in (
        far.err.splitlines()
    )
    named = run_cli(capsys, "classify", "--batch", str(path), "--title-field", "title")
    assert "--title-field" not in named.err
    untitled = write_rows(tmp_path / "untitled.jsonl", good_rows(2))  # the default may be absent
    assert "--title-field" not in run_cli(capsys, "classify", "--batch", str(untitled)).err


def test_an_id_field_note_names_a_close_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The --id-field note names a key of the rows spelt close to the field."""
    path = write_rows(tmp_path / "rows.jsonl", good_rows(2))
    run = run_cli(capsys, "classify", "--batch", str(path), "--id-field", "ids")
    assert "cxcs: note: --id-field ids: no row has a value for it; did you mean 'id'?" in (
        run.err.splitlines()
    )
