"""Signals: Ctrl-C (and the like) leaves no partial output, no traceback, and exits 130."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support import (
    cxcs_argv,
    good_rows,
    read_records,
    subprocess_env,
    write_rows,
)

WAIT = 120
"""Seconds a test waits for cxcs to get ready, or to end after a signal: generous, as a
machine running two test suites at once is several times slower than one at rest."""


def _signal_when(process: subprocess.Popen[bytes], ready: Any, signum: int) -> None:
    """Send ``signum`` to ``process`` as soon as ``ready()`` holds."""
    _wait_until(process, ready)
    process.send_signal(signum)


def _wait_until(process: subprocess.Popen[bytes], ready: Any) -> None:
    """Return once ``ready()`` holds while ``process`` runs. For a signal the process
    handles, ``ready`` is something it did (rows written, stdin read), never an amount of
    time: on a loaded machine a signal sent a fixed time after a start lands in start-up
    instead (and a Ctrl-C caught while Python builds a dataclass, in a lazy import, makes
    ``python -m`` end by SIGINT, -2, not 130: CPython 3.11)."""
    deadline = time.monotonic() + WAIT
    while not ready():
        assert process.poll() is None, "finished before it could be stopped"
        assert time.monotonic() < deadline, "never got ready"
        time.sleep(0.01)


def _has_rows(directory: Path) -> bool:
    """Whether a file in ``directory`` holds something: the batch writing into it has
    classified and written its first rows (so its workers run, and start-up is over)."""
    try:
        return any(f.stat().st_size > 0 for f in directory.iterdir())
    except FileNotFoundError:  # a temporary file renamed or removed meanwhile
        return False


def _interrupt_when(process: subprocess.Popen[bytes], ready: Any) -> None:
    _signal_when(process, ready, signal.SIGINT)


def _stop_batch_half_way(tmp_path: Path, jobs: str, signum: int) -> tuple[int, bytes, bytes, Path]:
    """Start a long batch into ``work/out.jsonl``, send ``signum`` once rows are being
    written into its temporary file; the exit status, stdout, stderr and the ``work``
    directory."""
    source = write_rows(tmp_path / "big.jsonl", good_rows(4000))
    work = tmp_path / "work"
    work.mkdir()
    target = work / "out.jsonl"
    process = subprocess.Popen(
        cxcs_argv("classify", "--batch", str(source), "--output", str(target), "-j", jobs),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env(),
    )  # fmt: skip
    try:
        _signal_when(process, lambda: _has_rows(work), signum)
        out, err = process.communicate(timeout=WAIT)
    finally:
        process.kill()
    return process.returncode, out, err, work


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_half_way_leaves_no_output_file(tmp_path: Path, jobs: str) -> None:
    code, out, err, work = _stop_batch_half_way(tmp_path, jobs, signal.SIGINT)
    assert code == 130, err
    assert err.decode().splitlines()[-1] == "cxcs: interrupted"
    assert b"Traceback" not in err
    assert out == b""
    assert list(work.iterdir()) == []  # neither out.jsonl nor a temporary file


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_ctrl_c_half_way_to_stdout_leaves_only_wholeread_records(tmp_path: Path) -> None:
    source = write_rows(tmp_path / "big.jsonl", good_rows(4000))
    target = tmp_path / "stdout.jsonl"
    with target.open("wb") as sink:
        process = subprocess.Popen(
            cxcs_argv("classify", "--batch", str(source)),
            stdout=sink, stderr=subprocess.PIPE, env=subprocess_env(),
        )  # fmt: skip
        try:
            _interrupt_when(process, lambda: target.stat().st_size > 0)
            _, err = process.communicate(timeout=WAIT)
        finally:
            process.kill()
    assert process.returncode == 130, err
    assert b"Traceback" not in err
    records = read_records(target.read_text(encoding="utf-8"))  # every line whole and valid
    assert 0 < len(records) < 4000
    assert [r["id"] for r in records] == [f"r{i}" for i in range(len(records))]


def _unread(read_end: int) -> int:
    """How many bytes the pipe whose read end is ``read_end`` holds, unread."""
    import fcntl
    import struct
    import termios

    return int(struct.unpack("i", fcntl.ioctl(read_end, termios.FIONREAD, b"\0" * 4))[0])


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT, FIONREAD")
def test_ctrl_c_under_json_prints_one_error_document() -> None:
    """Interrupted while waiting for piped input: exit 130, 'interrupted', a JSON document.
    The first line of the posting is piped in; once cxcs has read it (the pipe is empty
    again), it is reading stdin and waits for the rest."""
    read_end, write_end = os.pipe()
    try:
        process = subprocess.Popen(
            cxcs_argv("classify", "-f", "json"),
            stdin=read_end, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=subprocess_env(),
        )  # fmt: skip
        try:
            os.write(write_end, b"Customer Success Manager\n")
            _interrupt_when(process, lambda: _unread(read_end) == 0)
            out, err = process.communicate(timeout=WAIT)
        finally:
            process.kill()
    finally:
        os.close(write_end)
        os.close(read_end)
    assert process.returncode == 130, err
    assert err.decode().splitlines()[-1] == "cxcs: interrupted"
    document = json.loads(out)
    assert document["error"] == {"code": "interrupted", "message": "interrupted"}


# --------------------------------------------------------------------------- SIGTERM / SIGHUP

STOP_SIGNALS = [
    pytest.param(getattr(signal, name, None), 128 + int(getattr(signal, name, 0)), id=name)
    for name in ("SIGTERM", "SIGHUP")
]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(("signum", "status"), STOP_SIGNALS)
def test_sigterm_and_sighup_clean_up_and_exit_quietly(
    tmp_path: Path, jobs: str, signum: int, status: int
) -> None:
    """Like Ctrl-C: no partial ``.out.jsonl.*.tmp`` left, no worker traceback; 143 / 129."""
    code, out, err, work = _stop_batch_half_way(tmp_path, jobs, signum)
    assert code == status, err
    assert b"Traceback" not in err
    assert err == b""  # quiet
    assert out == b""
    assert list(work.iterdir()) == []  # neither out.jsonl nor a hidden temporary file


# --------------------------------------------------------------------------- a worker dies


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _worker_pids(parent: int) -> list[int]:
    """The child processes of ``parent`` (Linux /proc)."""
    children = Path(f"/proc/{parent}/task/{parent}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")
def test_a_worker_killed_mid_batch_ends_the_run_with_an_error_not_a_hang(tmp_path: Path) -> None:
    """The OOM killer's way: SIGKILL one worker. The batch stops with exit 1 and one line
    naming the problem, its output file is not left behind, and the other worker is gone."""
    source = write_rows(tmp_path / "big.jsonl", good_rows(6000))
    work = tmp_path / "work"
    work.mkdir()
    process = subprocess.Popen(
        cxcs_argv("classify", "--batch", str(source), "-o", str(work / "out.jsonl"), "-j", "2"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env(),
    )  # fmt: skip
    try:
        _wait_until(process, lambda: any(work.iterdir()) and len(_worker_pids(process.pid)) >= 2)
        time.sleep(0.2)  # as before: SIGKILL is not handled, so no moment is special
        workers = _worker_pids(process.pid)
        os.kill(workers[-1], signal.SIGKILL)
        _, err = process.communicate(timeout=WAIT)
    finally:
        process.kill()
    assert process.returncode == 1, err
    assert (
        err.decode()
        .splitlines()[-1]
        .startswith("cxcs: error: a worker process stopped unexpectedly")
    ), err
    assert b"Traceback" not in err
    assert list(work.iterdir()) == []
    assert not any(map(_running, workers))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")
def test_workers_end_with_their_parent_when_it_is_killed(tmp_path: Path) -> None:
    """``kill -9`` of the main process leaves no worker waiting for work for ever."""
    source = write_rows(tmp_path / "big.jsonl", good_rows(6000))
    process = subprocess.Popen(
        cxcs_argv("classify", "--batch", str(source), "-o", str(tmp_path / "out.jsonl"), "-j", "2"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env(),
    )  # fmt: skip
    try:
        _wait_until(process, lambda: len(_worker_pids(process.pid)) >= 2)
        time.sleep(0.2)
        workers = _worker_pids(process.pid)
        process.kill()
        process.wait(timeout=WAIT)
        deadline = time.monotonic() + WAIT
        while any(map(_running, workers)):
            assert time.monotonic() < deadline, "a worker outlived its parent"
            time.sleep(0.05)
    finally:
        process.kill()


STOP_IN_START_UP = (
    "import importlib.abc, os, signal, sys\n"
    "signum = getattr(signal, sys.argv[1])\n"
    "class StopOnTyper(importlib.abc.MetaPathFinder):\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name == 'typer':  # cxcs is importing its command line: send the signal\n"
    "            os.kill(os.getpid(), signum)\n"
    "        return None\n"
    "sys.meta_path.insert(0, StopOnTyper())\n"
    "sys.argv = ['cxcs', 'compare', 'cx', 'cs']\n"
    "from cxcs.__main__ import main\n"
    "main()\n"
)


@pytest.mark.parametrize(("signame", "status", "said"), [("SIGINT", 130, "cxcs: interrupted\n")])
def test_ctrl_c_while_starting_says_interrupted_without_a_traceback(
    signame: str, status: int, said: str
) -> None:
    """A Ctrl-C while cxcs is still importing Typer and pydantic (before the command's own
    handlers are in place) ends the run like one during the command: one line, exit 130."""
    done = subprocess.run(
        [sys.executable, "-c", STOP_IN_START_UP, signame],
        capture_output=True,
        text=True,
        timeout=WAIT,
        env=subprocess_env(),
    )
    assert done.stderr == said
    assert done.stdout == ""
    assert done.returncode == status
