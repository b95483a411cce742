"""Outputs: closed, full and piped stdout, --output targets, tables at any width, markdown shape."""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxcs.cli import main
from cxcs.knowledge.resolve import resolve_function
from cxcs.models.knowledge import Knowledge
from cxcs.termconsole import stdout_console
from tests.support import (
    ANSI,
    POSTING,
    assert_failed,
    colour_codes,
    completed,
    cxcs_argv,
    drain_terminal,
    good_rows,
    markdown_tables,
    need,
    on_a_terminal,
    require,
    run_cli,
    run_shell,
    run_subprocess,
    run_with_stdin,
    subprocess_env,
    write_rows,
)


def test_a_closed_stdout_is_an_output_error(tmp_path: Path) -> None:
    run = run_shell('exec "$@" >&-', "list")
    assert_failed(run, 1, "cannot write output: stdout is closed")
    target = tmp_path / "out.md"  # --output does not need stdout
    written = run_shell('exec "$@" >&-', "list", "-o", str(target))
    assert written.code == 0, written.err
    assert target.read_text(encoding="utf-8").startswith("# ")


@pytest.mark.parametrize(
    "args",
    [("list",), ("list", "-f", "json"), ("compare", "cx", "ux", "-f", "table")],
    ids=" ".join,
)
def test_a_full_disk_on_stdout_is_an_output_error(args: tuple[str, ...]) -> None:
    require(Path("/dev/full").exists(), "/dev/full is missing")
    run = run_shell('exec "$@" >/dev/full', *args)
    assert_failed(run, 1, "cannot write output: No space left on device")


def test_a_closed_stderr_does_not_fail_the_command() -> None:
    run = run_shell('exec "$@" 2>&-', "compare", "cx", "cs")  # 'cs' prints a note on stderr
    assert run.code == 0
    assert run.out.startswith("# ")


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
        ("classify", "--batch", str(rows), "-o", str(tmp_path / "taken.json"), "-f", "json"),
        ("map", "-o", str(tmp_path)),
    ):
        assert_failed(run_cli(capsys, *args), 2, "is a directory")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert list((tmp_path / "taken.json").iterdir()) == []


def test_output_ending_in_a_slash_names_a_directory_and_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``-o newdir/`` (a directory, by its slash) wrote a file named ``newdir``, exit 0;
    as ``cp`` does, a name ending in '/' is taken as a directory, and cxcs writes files."""
    rows = write_rows(tmp_path / "rows.jsonl", good_rows(2))
    for args in (
        ("list", "-o", f"{tmp_path / 'newdir'}/"),
        ("classify", "--batch", str(rows), "-o", f"{tmp_path / 'new'}/", "-f", "csv"),
        ("map", "-o", f"{tmp_path}/", "-f", "svg"),
    ):
        run = run_cli(capsys, *args)
        assert_failed(run, 2, f"--output {args[-3] if args[-2] == '-f' else args[-1]}: ")
        assert "ends in '/': a directory; give a file name" in run.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.jsonl"]


def test_a_failing_command_leaves_no_output_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error after --output was checked (bad input, unknown function) writes nothing."""
    target = tmp_path / "out.json"
    run = run_with_stdin(capsys, monkeypatch, b"", "classify", "-o", str(target))
    assert_failed(run, 1, "stdin: input is empty")
    assert_failed(run_cli(capsys, "compare", "cx", "zzz", "-o", str(target)), 2, "zzz")
    assert list(tmp_path.iterdir()) == []


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
def test_a_closed_pipe_exits_quietly(tmp_path: Path, args: tuple[str, ...]) -> None:
    require(shutil.which("bash") is not None, "bash is not installed (set -o pipefail)")
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
    out = on_a_terminal(*(a.replace("{posting}", str(posting)) for a in args), env=env)
    assert out.strip()  # and it exited 0 (_on_a_terminal checks)
    assert "Traceback" not in out
    if "NO_COLOR" in env or env.get("TERM") == "dumb":
        assert not colour_codes(out)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_binary_format_is_not_written_to_a_terminal(tmp_path: Path) -> None:
    """``cxcs map -f png`` on a terminal poured PNG bytes onto the screen (and exit 0):
    as httpie and curl do, a binary format asks for a file or a pipe instead, before any
    work (so this needs no Chromium)."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        cxcs_argv("map", "-f", "png"), stdout=follower, stderr=subprocess.PIPE,
        env=subprocess_env({"CXCS_BROWSER": str(tmp_path / "no-browser")}),
    )  # fmt: skip
    os.close(follower)
    _, err = process.communicate(timeout=60)
    shown = drain_terminal(leader)
    assert process.returncode == 2, err
    assert shown == ""
    assert err.decode() == (
        "cxcs: error: png is binary and stdout is a terminal; give --output FILE.png, or pipe it\n"
    )
    piped = run_subprocess("map", "-f", "png", env={"CXCS_BROWSER": str(tmp_path / "none")})
    assert "binary" not in piped.stderr  # a pipe gets it (here: no browser, a domain error)


@pytest.mark.parametrize("columns", ["0", "00"])
@pytest.mark.parametrize(
    "args", [("compare", "cx", "ux", "-a", "scope"), ("map",), ("list",)], ids=" ".join
)
def test_columns_zero_still_prints_the_table(columns: str, args: tuple[str, ...]) -> None:
    """Some CI runners export COLUMNS=0: rich then drew every table 0 columns wide, so
    ``-f table`` printed nothing at all and exit 0. Zero means unknown, as for Python's
    shutil: the terminal's width, else 80."""
    done = run_subprocess(*args, "-f", "table", "-q", env={"COLUMNS": columns})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) > 3
    assert args == ("map",) or max(map(len, lines)) <= 80  # (a piped map: its own width)
    assert "Customer experience" in done.stdout or "CX" in done.stdout


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
    shown = picked or axes
    scored = [a for a in shown if kb.axis(a).kind != "text"]
    summary_first = {"similarity", "most alike", "umbrella", "disputes"}  # umbrella: no scores
    assert next(r[0] for r in tables[0][1]) in summary_first  # summary
    if count == 2:
        rows = (len(tables[1][1]) if scored else 0) + (
            len(tables[-1][1]) if len(scored) < len(shown) else 0
        )
        assert rows == len(shown)
    else:
        assert len(tables) == 3
        assert len(tables[1][1]) == math.comb(count, 2)
        assert len(tables[2][1]) == len(shown)


def test_the_names_used_above_resolve(kb: Knowledge) -> None:
    """Control for the markdown property: every sampled name names a function."""
    for name in _names(kb):
        assert resolve_function(kb, name).function_id in kb.functions


# --------------------------------------------------------------------------- narrow encodings


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize(
    "args",
    [
        ("compare", "cx", "success", "-f", "markdown"),
        ("compare", "cx", "success", "ux", "-f", "table"),
        ("compare", "cx", "success", "-f", "csv"),
        ("map",),
        ("show", "cx", "-f", "json"),
    ],
    ids=" ".join,
)
def test_a_narrow_stdout_encoding_falls_back_to_ascii_glyphs(
    encoding: str, args: tuple[str, ...]
) -> None:
    done = subprocess.run(
        cxcs_argv(*args), capture_output=True, timeout=60, check=False,
        env=subprocess_env({"PYTHONIOENCODING": encoding}),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert b"internal error" not in done.stderr
    done.stdout.decode(encoding)  # every byte is in the encoding asked for
    assert done.stdout.strip()


# --------------------------------------------------------------------------- output errors


def test_output_into_an_unwritable_directory_is_an_output_error_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not 'input', and not the random temporary file's name (simulated, so root sees it)."""
    import tempfile

    target = tmp_path / "out.json"

    def refuse(*args: Any, **kwargs: Any) -> Any:
        name = str(tmp_path / ".out.json.abc123.tmp")
        raise PermissionError(13, "Permission denied", name)

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    for args in (("list",), ("compare", "cx", "ux"), ("map", "-f", "svg")):
        run = run_cli(capsys, *args, "-o", str(target), "-f", "json")
        assert_failed(run, 1, f"cannot write {target}: Permission denied", "output")
        assert ".tmp" not in run.err and "abc123" not in run.err


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root writes anywhere (simulated above)"
)
def test_output_into_a_read_only_directory_is_an_output_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        run = completed(run_subprocess("list", "-o", str(locked / "x.json"), "-f", "json"))
    finally:
        locked.chmod(0o755)
    assert_failed(run, 1, f"cannot write {locked / 'x.json'}", "output")
    assert ".tmp" not in run.err


# --------------------------------------------------------------------------- --output targets


def _read_fifo(path: Path, into: list[bytes]) -> Any:
    """Start a thread that reads the named pipe ``path`` to its end into ``into``."""
    import threading

    def read() -> None:
        with path.open("rb") as stream:
            into.append(stream.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize(
    "args",
    [
        ("compare", "cx", "ux", "-f", "json"),
        ("map", "-f", "svg"),
        ("classify", "--batch", "{rows}", "-f", "csv"),
    ],
    ids=" ".join,
)
def test_output_into_a_named_pipe_streams_into_it_and_leaves_it_a_pipe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    """A FIFO (or /dev/stdout, a device) is written into, never swapped for a file."""
    import stat

    rows = write_rows(tmp_path / "rows.jsonl", good_rows(5))
    fifo = tmp_path / "out.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = _read_fifo(fifo, received)
    argv = [a.replace("{rows}", str(rows)) for a in args]
    run = run_cli(capsys, *argv, "-o", str(fifo))
    reader.join(timeout=60)
    assert run.code == 0, run.err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received and received[0].strip()
    assert {p.name for p in tmp_path.iterdir()} == {"rows.jsonl", "out.pipe"}  # no temporary


def test_output_through_a_symlink_replaces_the_file_and_keeps_the_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    real = data / "report.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    run = run_cli(capsys, "compare", "cx", "ux", "-o", str(link))
    assert run.code == 0, run.err
    assert link.is_symlink()
    assert json.loads(real.read_text(encoding="utf-8"))["command"] == "compare"
    assert sorted(p.name for p in data.iterdir()) == ["report.json"]  # no temporary file left


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_parquet_into_a_named_pipe_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    need("pyarrow")
    rows = write_rows(tmp_path / "rows.jsonl", good_rows(5))
    fifo = tmp_path / "out.parquet"
    os.mkfifo(fifo)
    run = run_cli(capsys, "classify", "--batch", str(rows), "-o", str(fifo))
    assert_failed(run, 2, "not a device or pipe")
