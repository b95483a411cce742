"""Hardening: cxcs as an attacker and a careless user would drive it.

Whatever the input, cxcs answers with one ``cxcs: error: ...`` line on stderr (and, under
``--format json``, exactly one JSON error document on stdout) and the documented exit status
(0 ok, 1 domain error, 2 usage error, 130 interrupted). It never shows a traceback for a user
mistake, never hangs (every subprocess here has a timeout), never leaves a half-written file
and never drops a record. Cases already covered elsewhere are referenced, not repeated:

- tests/test_cli.py: unknown function (``show suport``), unknown axis (``--axes levl``),
  unknown format (``list --format xml``), a function given twice (``compare cx
  customer-experience``), ``--output`` into a missing directory or over a directory (for
  ``list``), JSON error documents for those, a failed write keeping the old file.
- tests/test_knowledge.py: ``validate DIR`` on a complete copy with a YAML syntax error, wrong
  types, an unknown field, a duplicate key, an alias bomb, a ``!!python`` tag, an unknown
  metric id and an empty file, each located as ``file:line``.
- tests/test_map.py: unknown and non-ordinal ``map`` axes.
- tests/test_classify.py / tests/test_compare.py: classify never raises; compare symmetry.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cxcs
from cxcs.cli import main
from cxcs.errors import KnowledgeError
from cxcs.knowledge.load import MAX_PROBLEMS, data_dir, load_knowledge, validate_dir
from cxcs.knowledge.resolve import resolve_function
from cxcs.knowledge.yamlio import MAX_BYTES
from cxcs.models.knowledge import Knowledge
from cxcs.termconsole import stdout_console
from tests.conftest import load_samples
from tests.support import (
    Run,
    clean_env,
    copy_kb,
    cxcs_argv,
    run_cli,
    run_subprocess,
    subprocess_env,
)
from tests.test_cli import _colour_codes, _on_a_terminal
from tests.test_render import markdown_tables

__all__ = ["clean_env"]

REPO = Path(__file__).resolve().parents[1]
OVERLAY = REPO / "examples" / "overlay"
POSTING = (
    "Customer Support Specialist\n"
    "Answer customer tickets by email, chat and phone; troubleshoot product issues, "
    "reproduce bugs and escalate them to engineering; keep our help-centre articles current "
    "and meet our first-response SLAs.\n"
)
ANSI = re.compile(r"\x1b\[")
HOLDOUT = str(REPO / "tests" / "holdout" / "postings.jsonl")


# --------------------------------------------------------------------------- helpers


def assert_failed(run: Run, code: int, message: str, error_code: str | None = None) -> None:
    """One ``cxcs: error:`` line holding ``message``, exit ``code``, no traceback; with
    ``error_code``, stdout is exactly one JSON error document carrying the same message."""
    assert run.code == code, (run.code, run.out[:500], run.err[-2000:])
    assert "Traceback" not in run.err
    assert all(line.startswith("cxcs: ") for line in run.err.splitlines()), run.err
    errors = [line for line in run.err.splitlines() if line.startswith("cxcs: error: ")]
    assert len(errors) == 1, run.err
    assert message in errors[0], (message, errors[0])
    if error_code is None:
        return
    document = json.loads(run.out)  # one document and nothing else, or this raises
    assert set(document) == {"schema_version", "tool", "error"}
    assert document["schema_version"] == 1
    assert document["tool"] == {"name": "cxcs", "version": cxcs.__version__}
    assert document["error"]["code"] == error_code
    one_line = document["error"]["message"].replace("\n", "\\n")  # as stderr shows it
    assert errors[0] == f"cxcs: error: {one_line}"


def run_with_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: bytes, *args: str
) -> Run:
    """``run_cli`` with ``data`` as piped (not terminal) stdin."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    return run_cli(capsys, *args)


def completed(done: subprocess.CompletedProcess[str]) -> Run:
    return Run(done.returncode, done.stdout, done.stderr)


def run_shell(script: str, *args: str, shell: str = "sh", timeout: float = 60) -> Run:
    """Run ``sh -c SCRIPT sh ARGS`` (``"$@"`` is the cxcs command line), e.g. to close a fd."""
    done = subprocess.run(
        [shell, "-c", script, shell, *cxcs_argv(*args)],
        capture_output=True, text=True, encoding="utf-8", errors="replace",
        env=subprocess_env(), timeout=timeout, check=False,
    )  # fmt: skip
    return completed(done)


def write_rows(path: Path, rows: list[bytes]) -> Path:
    path.write_bytes(b"".join(rows))
    return path


def good_rows(count: int) -> list[bytes]:
    """``count`` JSONL rows of real postings (the labelled samples, repeated)."""
    samples = load_samples()
    return [
        json.dumps({"id": f"r{i}", "text": samples[i % len(samples)]["description"]}).encode()
        + b"\n"
        for i in range(count)
    ]


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


def test_a_5_mb_line_is_classified_from_its_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "line.txt"
    path.write_text(("answer customer tickets by chat within our SLAs " * 110_000)[:5_000_000])
    run = run_cli(capsys, "classify", str(path), "-f", "json")
    assert run.code == 0, run.err
    assert "input is 5,000,000 bytes; classified the first 1,000,000 bytes" in run.err
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
    assert f"input is {size:,} bytes; classified the first 1,000,000 bytes" in report["err"]
    assert report["out"].startswith("{")
    assert report["seconds"] < 60
    assert report["max_rss_mb"] < 400, report


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_binary_file_is_refused_not_read_forever() -> None:
    """``/dev/zero`` used to be drained for ever (NUL bytes are now refused first)."""
    run = completed(run_subprocess("classify", "/dev/zero", "-f", "json", timeout=60))
    assert_failed(run, 1, "/dev/zero: binary data (NUL bytes)", "input")


@pytest.mark.skipif(shutil.which("yes") is None, reason="needs yes(1)")
def test_an_endless_text_stream_is_counted_only_so_far() -> None:
    """``yes | cxcs classify`` stops counting after a bound instead of hanging."""
    run = run_shell('yes "answer customer tickets by chat" | "$@"', "classify", "-f", "json")
    assert run.code == 0, run.err
    assert re.search(r"input is more than [\d,]+ bytes; classified the first 1,000,000", run.err)
    assert json.loads(run.out)["result"]["classification"]["label"] == "support"


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
    assert_failed(batch, 2, "no input: stdin is closed")


def test_a_closed_stdout_is_an_output_error(tmp_path: Path) -> None:
    run = run_shell('exec "$@" >&-', "list")
    assert_failed(run, 1, "cannot write output: stdout is closed")
    target = tmp_path / "out.md"  # --output does not need stdout
    written = run_shell('exec "$@" >&-', "list", "-o", str(target))
    assert written.code == 0, written.err
    assert target.read_text(encoding="utf-8").startswith("# ")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [("list",), ("list", "-f", "json"), ("compare", "cx", "ux", "-f", "table")],
    ids=" ".join,
)
def test_a_full_disk_on_stdout_is_an_output_error(args: tuple[str, ...]) -> None:
    run = run_shell('exec "$@" >/dev/full', *args)
    assert_failed(run, 1, "cannot write output: No space left on device")


def test_a_closed_stderr_does_not_fail_the_command() -> None:
    run = run_shell('exec "$@" 2>&-', "compare", "cx", "cs")  # 'cs' prints a note on stderr
    assert run.code == 0
    assert run.out.startswith("# ")


# --------------------------------------------------------------------------- arguments
# Unknown function / axis / format and a function twice: tests/test_cli.py
# (test_usage_errors_exit_2, test_json_error_document). Below: what those miss.


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("compare", "cx", "qqq", "ux"), "unknown function 'qqq'"),
        (("compare", "ux", "cx", "ux"), "'ux' and 'ux' name the same function (ux)"),
        (("compare", "cx", "ux", "--axes", "level,,nope"), "unknown axis 'nope'"),
        (("metrics", "nope"), "unknown function 'nope'"),
        (("map", "cx", "nope"), "unknown function 'nope'"),
        (("classify", "-", "--batch", "x.jsonl"), "give either FILE or --batch FILE, not both"),
        (("classify", "--batch", HOLDOUT, "--input-format", "xml"), "unknown input format 'xml'"),
        (("classify", "--batch", "x.jsonl", "--jobs", "0"), "Invalid value for '--jobs'"),
        (("classify", "--batch", "x.jsonl", "--jobs", "65"), "Invalid value for '--jobs'"),
        (("show", "a\nb"), "unknown function 'a\\nb'"),  # still one line
    ],
    ids=lambda v: " ".join(v).replace("\n", "\\n") if isinstance(v, tuple) else "",
)
def test_more_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    assert_failed(run_cli(capsys, *args), 2, message)
    if "--batch" not in args:  # batch output is jsonl or csv: no JSON document there
        assert_failed(run_cli(capsys, *args, "-f", "json"), 2, message, "usage")


@pytest.mark.parametrize(
    ("flags", "json_document"),
    [
        (("-f", "table", "-f", "json"), True),  # the last --format wins, as when parsing
        (("-f", "json", "-f", "table"), False),
        (("-fjson",), True),
        (("--format", " JSON "), True),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else "",
)
def test_the_error_document_follows_the_format_actually_chosen(
    capsys: pytest.CaptureFixture[str], flags: tuple[str, ...], json_document: bool
) -> None:
    run = run_cli(capsys, "show", "nope", *flags)
    assert_failed(run, 2, "unknown function 'nope'", "usage" if json_document else None)
    if not json_document:
        assert run.out == ""


def test_cxcs_alone_prints_the_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys)
    assert run.code == 2
    assert run.out == ""
    assert run.err.startswith("Usage: cxcs")
    assert "error" not in run.err
    assert "classify" in run.err


def _missing_dir_cases(tmp_path: Path, posting: Path, rows: Path) -> list[tuple[str, ...]]:
    nowhere = str(tmp_path / "missing" / "out")
    return [
        ("classify", str(posting), "-o", nowhere + ".json"),
        ("classify", "--batch", str(rows), "-o", nowhere + ".jsonl"),
        ("map", "-o", nowhere + ".svg"),
        ("compare", "cx", "ux", "-o", nowhere + ".md"),
    ]


def test_output_into_a_missing_directory_or_a_directory_fails_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """For ``list`` this is in tests/test_cli.py; here every other kind of command."""
    posting = tmp_path / "posting.txt"
    posting.write_text(POSTING)
    rows = write_rows(tmp_path / "rows.jsonl", good_rows(2))
    (tmp_path / "taken.json").mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    for args in _missing_dir_cases(tmp_path, posting, rows):
        assert_failed(run_cli(capsys, *args), 2, "does not exist")
    for args in (
        ("classify", str(posting), "-o", str(tmp_path / "taken.json")),
        ("classify", "--batch", str(rows), "-o", str(tmp_path / "taken.json"), "-f", "jsonl"),
        ("map", "-o", str(tmp_path)),
    ):
        assert_failed(run_cli(capsys, *args), 2, "is a directory")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert list((tmp_path / "taken.json").iterdir()) == []


def test_a_failing_command_leaves_no_output_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error after --output was checked (bad input, unknown function) writes nothing."""
    target = tmp_path / "out.json"
    run = run_with_stdin(capsys, monkeypatch, b"", "classify", "-o", str(target))
    assert_failed(run, 1, "stdin: input is empty")
    assert_failed(run_cli(capsys, "compare", "cx", "zzz", "-o", str(target)), 2, "zzz")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- knowledge files
# `validate` on a broken complete copy: tests/test_knowledge.py (BREAKAGES). Here the same
# mistakes in an overlay given with --kb (and validated), plus what those do not try.

METRIC = """\
metrics:
  team_nps:
    name: Team NPS
    abbreviation: TNPS
    definition: The NPS of one team's customers.
    formula: "% promoters minus % detractors"
    unit: score
    direction: higher
    owners: [cx]
    disputed: false
    sources:
      - {article: practice, section: "Standard metric formulas"}
"""
CELL = """\
functions:
  ux:
    cells:
      metrics:
        value: [task_success_rate, no_such_metric]
        sources:
          - {article: practice, section: "Standard metric formulas"}
"""
BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)

OVERLAY_CASES: dict[str, tuple[str, str, str, int | None]] = {
    # case: (file, text, problem fragment, line of the problem or None for file-level)
    "YAML syntax error": (
        "metrics.yaml", METRIC.replace("unit: score", "unit: [score"), "expected ',' or ']'", 8
    ),
    "wrong type (number for a choice)": (
        "metrics.yaml", METRIC.replace("direction: higher", "direction: 5"),
        "metrics.team_nps.direction: Input should be 'higher' or 'lower'", 8,
    ),
    "wrong type (string for a list)": (
        "metrics.yaml", METRIC.replace("owners: [cx]", "owners: cx"),
        "metrics.team_nps.owners", 9,
    ),
    "unknown field": (
        "metrics.yaml", METRIC.replace("    unit: score\n", "    unit: score\n    colour: red\n"),
        "unknown field 'colour' in metrics.team_nps", 8,
    ),
    "duplicate key": (
        "metrics.yaml", METRIC.replace("    unit: score\n", "    unit: score\n    unit: points\n"),
        "duplicate key 'unit'", 8,
    ),
    "alias bomb": ("metrics.yaml", BOMB + METRIC, "aliases", 1),
    "python object tag": (
        "metrics.yaml",
        METRIC.replace("name: Team NPS", "name: !!python/object/apply:os.system ['exit 3']"),
        "tags that build objects", 3,
    ),
    "unknown metric id": ("functions.yaml", CELL, "unknown metric id 'no_such_metric'", 5),
    "empty file": ("metrics.yaml", "", "file is empty", None),
    "comments only": ("metrics.yaml", "# nothing yet\n", "top level must be a mapping", 1),
    "metrics is a list": (
        "metrics.yaml", "metrics: [nps, csat]\n", "metrics: Input should be a valid dictionary", 1
    ),
    "a number too long to convert": (
        "metrics.yaml", METRIC.replace("unit: score", "unit: " + "9" * 5000),
        "invalid value: Exceeds the limit", None,
    ),
    "a control character": (
        "metrics.yaml", METRIC.replace("unit: score", 'unit: "sc\x07ore"'),
        "character U+0007 is not allowed", 7,
    ),
    "a key that is not a string": (
        "metrics.yaml", METRIC.replace("  team_nps:", "  ~:"), "Input should be a valid string", 2
    ),
    "a top-level key that is not a string": (
        "metrics.yaml", "1.5: x\n" + METRIC, "Keys should be strings", 1
    ),
}  # fmt: skip


def _overlay(tmp_path: Path, file: str, text: str) -> Path:
    directory = tmp_path / "overlay"
    directory.mkdir(parents=True)
    (directory / file).write_text(text, encoding="utf-8")
    return directory


def _assert_located(message: str, path: Path, line: int | None) -> None:
    where = f"{path}:{line}: " if line else f"{path}: "
    assert message.startswith(where), (where, message)


def test_the_overlay_template_is_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Control: the cases below break a valid overlay."""
    for file, text in (
        ("metrics.yaml", METRIC),
        ("functions.yaml", CELL.replace(", no_such_metric", "")),
    ):
        directory = _overlay(tmp_path / file, file, text)
        assert run_cli(capsys, "validate", str(directory)).code == 0
        assert run_cli(capsys, "list", "--kb", str(directory)).code == 0


@pytest.mark.parametrize("case", sorted(OVERLAY_CASES))
def test_broken_overlay_with_kb_and_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    file, text, problem, line = OVERLAY_CASES[case]
    directory = _overlay(tmp_path, file, text)
    path = directory / file
    started = time.perf_counter()
    for args in (("list", "--kb", str(directory)), ("--kb", str(directory), "compare", "cx", "ux")):
        run = run_cli(capsys, *args, "-f", "json")
        assert_failed(run, 1, problem, "knowledge")
        error = json.loads(run.out)["error"]
        assert error["file"] == str(path)
        assert error["line"] == line
        _assert_located(error["message"], path, line)
    run = run_cli(capsys, "validate", str(directory), "-f", "json")
    assert_failed(run, 1, problem, "knowledge")
    _assert_located(json.loads(run.out)["error"]["message"], path, line)
    assert time.perf_counter() - started < 10


def test_a_python_tag_in_an_overlay_never_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "pwned"
    text = METRIC.replace(
        "name: Team NPS", f"name: !!python/object/apply:os.system ['touch {marker}']"
    )
    directory = _overlay(tmp_path, "metrics.yaml", text)
    assert run_cli(capsys, "list", "--kb", str(directory)).code == 1
    assert run_cli(capsys, "validate", str(directory)).code == 1
    assert not marker.exists()


def test_an_alias_bomb_in_an_overlay_fails_fast_in_bounded_memory(tmp_path: Path) -> None:
    directory = _overlay(tmp_path, "metrics.yaml", BOMB + METRIC)
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from cxcs.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, "list", "--kb", str(directory), "-f", "json"],
        capture_output=True, text=True, env=subprocess_env(), timeout=60, check=False,
    )  # fmt: skip
    assert time.perf_counter() - started < 15
    assert_failed(completed(done), 1, "aliases", "knowledge")
    assert "MemoryError" not in done.stderr


@pytest.mark.parametrize("where", ["overlay", "complete copy"])
def test_a_20_mb_knowledge_file_is_rejected_by_size_fast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    directory = copy_kb(tmp_path / "kb") if where == "complete copy" else tmp_path / "kb"
    directory.mkdir(exist_ok=True)
    path = directory / "metrics.yaml"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("metrics:\n")
        entry = "  m{:07d}: {{name: x, abbreviation: M, definition: d, formula: f, unit: u}}\n"
        for index in range(20_000_000 // len(entry.format(0))):
            handle.write(entry.format(index))
    assert path.stat().st_size > 19_000_000 > MAX_BYTES
    started = time.perf_counter()
    run = run_cli(capsys, "validate", str(directory), "-f", "json")
    assert_failed(run, 1, f"{path}: file is", "knowledge")
    assert "knowledge files are limited to 4 MiB" in run.err
    kb_run = run_cli(capsys, "list", "--kb", str(directory), "-f", "json")
    assert_failed(kb_run, 1, f"{path}: file is", "knowledge")
    assert time.perf_counter() - started < 5


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero"])
def test_a_knowledge_file_that_is_not_a_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    """A FIFO blocked for ever; /dev/zero was read until memory ran out."""
    directory = tmp_path / "kb"
    directory.mkdir()
    path = directory / "metrics.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif Path("/dev/zero").exists():
        path.symlink_to("/dev/zero")
    else:
        pytest.skip("needs /dev/zero")
    run = completed(run_subprocess("list", "--kb", str(directory), "-f", "json", timeout=60))
    assert_failed(run, 1, f"{path}: not a regular file", "knowledge")
    run = completed(run_subprocess("validate", str(directory), timeout=60))
    assert_failed(run, 1, f"{path}: not a regular file")


def test_thousands_of_problems_are_reported_quickly(tmp_path: Path) -> None:
    """20,000 empty metrics (140,000 problems) took hours: each was located by re-reading
    the file. Now the first MAX_PROBLEMS are located and the rest counted."""
    text = "metrics:\n" + "".join(f"  m{i:06d}: {{}}\n" for i in range(20_000))
    directory = _overlay(tmp_path, "metrics.yaml", text)
    path = directory / "metrics.yaml"
    started = time.perf_counter()
    run = completed(run_subprocess("validate", str(directory), "-f", "json", timeout=60))
    assert time.perf_counter() - started < 30
    assert_failed(run, 1, f"{path}:2: missing field 'metrics.m000000.name'", "knowledge")
    error = json.loads(run.out)["error"]
    assert error["count"] == 140_000
    assert len(error["more"]) == MAX_PROBLEMS
    assert error["more"][-1] == f"... and {140_000 - MAX_PROBLEMS:,} more problems"


def test_a_missing_top_level_field_is_reported_in_the_file_it_belongs_to(
    tmp_path: Path,
) -> None:
    """It used to be located nowhere ('knowledge: missing field ...')."""
    directory = copy_kb(tmp_path / "kb")
    (directory / "metrics.yaml").write_text("version: 2026.1\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(base=directory)
    assert caught.value.message == f"{directory / 'metrics.yaml'}:1: missing field 'metrics'"


# --------------------------------------------------------------------------- batch

LATIN1 = b'{"id": "latin", "text": "Caf\xe9 support agent answering tickets"}\n'
BAD_JSONL = {
    # line content: the error it gets
    b'{"id": "trunc", "text": "Answer tickets"\n': "bad JSON: Expecting ',' delimiter",
    b"not json at all\n": "bad JSON: Expecting value",
    b"[1, 2, 3]\n": "each line must be a JSON object",
    LATIN1: "not valid UTF-8 (byte 28 of the line)",
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


def _records(text: str) -> list[dict[str, Any]]:
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


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
    records = _records(run.out)
    _check_batch(run, records, expected)
    ids = [r["id"] for r in records if r["error"] is None]
    assert ids == [f"r{i}" for i in range(len(BAD_JSONL) + 1)]


def test_batch_with_output_writes_every_record_even_when_rows_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, expected = _mixed_jsonl(tmp_path)
    target = tmp_path / "out.jsonl"
    run = run_cli(capsys, "classify", "--batch", str(path), "-o", str(target))
    _check_batch(run, _records(target.read_text(encoding="utf-8")), expected)
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
    records = _records(run.out)
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
    """Over a window boundary (512 rows), bad rows included."""
    path, _ = _mixed_jsonl(tmp_path)
    rows = path.read_bytes() + b"".join(good_rows(560))
    path.write_bytes(rows)
    outputs = []
    for jobs in ("1", "2"):
        done = subprocess.run(
            cxcs_argv("classify", "--batch", str(path), "-f", fmt, "--jobs", jobs),
            capture_output=True, env=subprocess_env(), timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 1, done.stderr
        outputs.append((done.stdout, done.stderr))
    assert outputs[0] == outputs[1]
    assert outputs[0][0].count(b"\n") == 560 + len(BAD_JSONL) * 2 + 1 + (fmt == "csv")


def _interrupt_when(process: subprocess.Popen[bytes], ready: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "finished before it could be interrupted"
        assert time.monotonic() < deadline, "never started"
        time.sleep(0.01)
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_half_way_leaves_no_output_file(tmp_path: Path, jobs: str) -> None:
    source = write_rows(tmp_path / "big.jsonl", good_rows(4000))
    work = tmp_path / "work"
    work.mkdir()
    target = work / "out.jsonl"
    process = subprocess.Popen(
        cxcs_argv("classify", "--batch", str(source), "--output", str(target), "-j", jobs),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env(),
    )  # fmt: skip
    try:
        _interrupt_when(process, lambda: any(work.iterdir()))  # the temporary file is there
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert err.decode().splitlines()[-1] == "cxcs: interrupted"
    assert b"Traceback" not in err
    assert out == b""
    assert list(work.iterdir()) == []  # neither out.jsonl nor a temporary file


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_ctrl_c_half_way_to_stdout_leaves_only_whole_records(tmp_path: Path) -> None:
    source = write_rows(tmp_path / "big.jsonl", good_rows(4000))
    target = tmp_path / "stdout.jsonl"
    with target.open("wb") as sink:
        process = subprocess.Popen(
            cxcs_argv("classify", "--batch", str(source)),
            stdout=sink, stderr=subprocess.PIPE, env=subprocess_env(),
        )  # fmt: skip
        try:
            _interrupt_when(process, lambda: target.stat().st_size > 0)
            _, err = process.communicate(timeout=60)
        finally:
            process.kill()
    assert process.returncode == 130, err
    assert b"Traceback" not in err
    records = _records(target.read_text(encoding="utf-8"))  # every line whole and valid
    assert 0 < len(records) < 4000
    assert [r["id"] for r in records] == [f"r{i}" for i in range(len(records))]


# --------------------------------------------------------------------------- output


@pytest.mark.parametrize(
    "args",
    [
        ("compare", "cx", "cs"),
        ("compare", "cx", "cs", "-f", "json"),
        ("map", "-f", "svg"),
        ("metrics", "-f", "csv"),
        ("classify", "--batch", "{rows}"),
        ("classify", "--batch", "{rows}", "-j", "2"),
    ],
    ids=" ".join,
)
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash (set -o pipefail)")
def test_a_closed_pipe_exits_quietly(tmp_path: Path, args: tuple[str, ...]) -> None:
    rows = write_rows(tmp_path / "rows.jsonl", good_rows(300))
    argv = [a.replace("{rows}", str(rows)) for a in args]
    run = run_shell('set -o pipefail; "$@" | head -1 >/dev/null', *argv, shell="bash")
    assert run.code == 0, run.err
    assert "Traceback" not in run.err
    assert "Error" not in run.err
    assert all(line.startswith("cxcs: ") for line in run.err.splitlines()), run.err


def test_a_closed_pipe_under_a_rich_table_is_quiet() -> None:
    """No traceback; the exit status is rich's own (1), see the report."""
    run = run_shell('"$@" | head -1 >/dev/null', "compare", "cx", "cs", "ux", "-f", "table")
    assert run.err.splitlines() == [line for line in run.err.splitlines() if "'cs'" in line]


@pytest.fixture
def fresh_console() -> Iterator[None]:
    """The stdout console is cached; let it see this test's environment, then forget it."""
    stdout_console.cache_clear()
    yield
    stdout_console.cache_clear()


TERMINALS = {
    "NO_COLOR": {"NO_COLOR": "1"},
    "TERM=dumb": {"TERM": "dumb"},
    "20 columns": {"COLUMNS": "20"},
    "300 columns": {"COLUMNS": "300"},
    "1 column": {"COLUMNS": "1"},
    "nonsense columns": {"COLUMNS": "wide"},
}


@pytest.mark.usefixtures("fresh_console")
@pytest.mark.parametrize("terminal", sorted(TERMINALS))
def test_table_renders_at_any_width_and_colour_setting(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    terminal: str,
) -> None:
    for name, value in TERMINALS[terminal].items():
        monkeypatch.setenv(name, value)
    posting = tmp_path / "posting.txt"
    posting.write_text(POSTING)
    for args in (
        ("compare", "cx", "cs"),
        ("compare", "cx", "success", "ux", "service"),
        ("classify", str(posting), "--explain"),
        ("map",),
        ("show", "ux"),
    ):
        stdout_console.cache_clear()
        run = run_cli(capsys, *args, "--format", "table")
        assert run.code == 0, (args, run.err)
        assert "Traceback" not in run.err
        assert run.out.strip()
        assert not ANSI.search(run.out)
        if args[0] == "compare" and terminal == "20 columns":
            assert max(len(line) for line in run.out.splitlines()) <= 20


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("compare", "cx", "success", "ux"), {"COLUMNS": "20"}),
        (("map",), {"TERM": "dumb", "COLUMNS": "300"}),
        (("classify", "{posting}", "--explain"), {"NO_COLOR": "1", "COLUMNS": "20"}),
    ],
    ids=lambda v: (
        " ".join(v) if isinstance(v, tuple) else " ".join(f"{k}={x}" for k, x in v.items())
    ),
)
def test_table_on_a_real_terminal(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str]
) -> None:
    posting = tmp_path / "posting.txt"
    posting.write_text(POSTING)
    out = _on_a_terminal(*(a.replace("{posting}", str(posting)) for a in args), env=env)
    assert out.strip()  # and it exited 0 (_on_a_terminal checks)
    assert "Traceback" not in out
    if "NO_COLOR" in env or env.get("TERM") == "dumb":
        assert not _colour_codes(out)


# --------------------------------------------------------------------------- properties


def _names(kb: Knowledge) -> list[str]:
    """Every way to name a function: ids, names, aliases, abbreviations, in odd cases."""
    names = set()
    for fid, function in kb.functions.items():
        for name in (fid, function.name, *function.aliases, function.abbreviation or fid):
            names |= {name, name.upper(), f"  {name.title()} "}
    return sorted(names)


def _markdown(*args: str) -> str:
    """stdout of ``cxcs ARGS -f markdown``, run in-process (no pytest fixture needed)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([*args, "-f", "markdown"])
        except SystemExit as exc:
            assert exc.code in (0, None), err.getvalue()
    assert "Traceback" not in err.getvalue()
    return out.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_markdown_is_always_a_table_with_one_row_per_item(kb: Knowledge, data: Any) -> None:
    names = _names(kb)
    ids = sorted(kb.functions)
    axes = list(kb.axis_ids)
    command = data.draw(st.sampled_from(["list", "axes", "metrics", "compare"]))
    if command in {"list", "axes"}:
        [(_, rows)] = markdown_tables(_markdown(command))
        assert len(rows) == (len(kb.functions) if command == "list" else len(axes))
        return
    if command == "metrics":
        owner = data.draw(st.none() | st.sampled_from(ids))
        args = ["metrics", *([owner] if owner else [])]
        [(_, rows)] = markdown_tables(_markdown(*args))
        assert len(rows) == sum(1 for m in kb.metrics.values() if owner in (None, *m.owners))
        return
    count = data.draw(st.integers(min_value=2, max_value=len(ids)))
    chosen = data.draw(
        st.lists(st.sampled_from(names), min_size=count, max_size=count,
                 unique_by=lambda n: resolve_function(kb, n).function_id)
    )  # fmt: skip
    picked = data.draw(st.none() | st.lists(st.sampled_from(axes), min_size=1, unique=True))
    args = ["compare", *chosen]
    if picked is not None:
        args += ["--axes", data.draw(st.sampled_from([",", ", ", " ,"])).join(picked)]
    tables = markdown_tables(_markdown(*args))
    assert len(tables[0][1]) == len(picked or axes)
    if count == 2:
        assert len(tables) == 1
    else:
        assert len(tables) == 2
        assert len(tables[1][1]) == math.comb(count, 2)


SHIPPED = {name: (data_dir() / name).read_text(encoding="utf-8") for name in
           ("functions.yaml", "metrics.yaml", "signals.yaml")}  # fmt: skip
OVERLAY_FILES = {name: (OVERLAY / name).read_text(encoding="utf-8") for name in
                 ("functions.yaml", "metrics.yaml", "signals.yaml")}  # fmt: skip
SNIPPETS = [
    ":", "-", "- ", ": ", "[", "]", "{", "}", ",", "#", "&", "*", "!", "|", ">", "'", '"', "?",
    "%", "@", "`", "\t", "\n", "  ", "\n  ", "~", "null", "true", "1e999", "0x1F", ".nan",
    "!!binary aGk=", "!!set {a}", "2020-13-45", "*a", "&a", "<<: {}", "\\u0000", "\x07",
    "ü", "\ufeff", "- id: x", "cells:", "value:", "sources: []", "999" * 2000,
]  # fmt: skip
VALUES = [
    "", "[]", "{}", "null", "42", "-1", "1.5", "[a, b]", "{a: 1}", "true", "'x'", "~",
    "!!float nan", "!!int x", "&a x", "*a", "nps", "cx", "galactic", "[nps, nps]",
]  # fmt: skip

mutation = st.one_of(
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 40)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from(SNIPPETS)),
    st.tuples(st.just("drop line"), st.floats(0, 1), st.integers(1, 5)),
    st.tuples(st.just("copy line"), st.floats(0, 1), st.floats(0, 1)),
    st.tuples(st.just("value"), st.floats(0, 1), st.sampled_from(VALUES)),
)


def _mutate(text: str, mutations: list[tuple[str, float, Any]]) -> str:
    for kind, where, arg in mutations:
        lines = text.split("\n")
        at = min(int(where * len(lines)), len(lines) - 1)
        if kind == "delete":
            start = min(int(where * len(text)), len(text))
            text = text[:start] + text[start + arg :]
        elif kind == "insert":
            start = min(int(where * len(text)), len(text))
            text = text[:start] + arg + text[start:]
        elif kind == "drop line":
            text = "\n".join(lines[:at] + lines[at + arg :])
        elif kind == "copy line":
            lines.insert(min(int(arg * len(lines)), len(lines)), lines[at])
            text = "\n".join(lines)
        else:  # replace the value of the first "key: value" line at or after ``at``
            for index in range(at, len(lines)):
                key, sep, _ = lines[index].partition(": ")
                if sep:
                    lines[index] = f"{key}: {arg}"
                    break
            text = "\n".join(lines)
    return text


@settings(
    max_examples=80, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip
@given(
    mode=st.sampled_from(["base", "overlay", "validate"]),
    file=st.sampled_from(["functions.yaml", "metrics.yaml", "signals.yaml"]),
    mutations=st.lists(mutation, min_size=1, max_size=4),
)
def test_any_mutated_knowledge_file_loads_or_fails_as_file_line(
    mode: str, file: str, mutations: list[tuple[str, float, Any]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        sources = OVERLAY_FILES if mode == "overlay" else SHIPPED
        for name, text in sources.items():
            mutated = _mutate(text, mutations) if name == file else text
            (directory / name).write_text(mutated, encoding="utf-8", errors="surrogatepass")
        try:
            if mode == "base":
                load_knowledge(base=directory)
            elif mode == "overlay":
                load_knowledge([directory])
            else:
                validate_dir(directory)
        except KnowledgeError as exc:
            files = [str(directory / name) for name in sources]
            if mode == "overlay":
                files += [str(data_dir() / name) for name in SHIPPED]
            assert exc.file in files, exc.message
            assert exc.message.startswith(f"{exc.file}:"), exc.message
            for message in (exc.message, *exc.details.get("more", [])):
                assert "\n" not in message, message
                assert "pydantic" not in message.lower()


# --------------------------------------------------------------------------- sanity


def test_the_names_used_above_resolve(kb: Knowledge) -> None:
    """Control for the markdown property: every sampled name names a function."""
    for name in _names(kb):
        assert resolve_function(kb, name).function_id in kb.functions


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
        outs.append([{k: v for k, v in r.items() if k != "line"} for r in _records(done.stdout)])
    assert outs[0] == outs[1]


def test_ctrl_c_under_json_prints_one_error_document() -> None:
    """Interrupted while waiting for piped input: exit 130, 'interrupted', a JSON document."""
    import signal as signals
    import time as clock

    process = subprocess.Popen(
        [sys.executable, "-m", "cxcs", "classify", "-f", "json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    clock.sleep(2.0)  # let it start and block on stdin
    process.send_signal(signals.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err.decode().splitlines()[-1] == "cxcs: interrupted"
    document = json.loads(out)
    assert document["error"] == {"code": "interrupted", "message": "interrupted"}
