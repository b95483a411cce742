"""The ``--jobs`` worker pool (:mod:`cxcs.workerpool`): results in input order, memory bounded,
a worker that dies — between units or half-way through writing a result — ends the run with
a WorkerError instead of a hang, and a run stopped early leaves every worker ended and reaped.

The workers are forked (as on every POSIX system), so they inherit what a test patches before
the pool starts. Each test runs under a watchdog (SIGALRM), so a regression that hangs fails
instead of blocking CI.
"""

from __future__ import annotations

import functools
import os
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cxcs import workerpool
from cxcs.errors import WorkerError
from cxcs.interrupts import deferred, exit_with_parent, worker_defaults
from cxcs.workerpool import WorkerPool
from tests.support import REPO, cxcs_argv, good_rows, subprocess_env, write_rows

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="forks its workers")

WAIT = 60.0
"""Seconds before a test is taken to hang."""


class Hung(Exception):
    """The watchdog's alarm (not an OSError, which the pool takes for a dead worker)."""


def _hung(signum: int, frame: Any) -> None:
    raise Hung(f"no answer in {WAIT:.0f} s: the pool hangs")


@pytest.fixture(autouse=True)
def watchdog() -> Iterator[None]:
    """A test still running after WAIT seconds is interrupted (again every 5 s, should
    stopping the pool hang too), so it fails instead of blocking the suite."""
    previous = signal.signal(signal.SIGALRM, _hung)
    signal.setitimer(signal.ITIMER_REAL, WAIT, 5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _square(number: int) -> tuple[int, int]:
    """A unit's result: its square, and which worker did it."""
    if number % 3 == 0:
        time.sleep(0.02)  # these finish after the next ones
    return number * number, os.getpid()


def _start_worker() -> None:
    """A worker's start-up, as cxcs's: the main process's signals, and an end with it."""
    worker_defaults()
    exit_with_parent()


def _pool(work: Any, jobs: int = 2) -> WorkerPool[Any, Any]:
    return WorkerPool(jobs, work, _start_worker, (), in_flight_per_job=3)


def _reaped(pid: int) -> bool:
    """Whether ``pid`` is no child of ours left to reap (neither running nor a zombie)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _assert_all_ended_cleanly(pool: WorkerPool[Any, Any], killed: int | None = None) -> None:
    """Every worker ended by itself (exit 0, none killed mid-write) and was reaped; except
    ``killed``, which a test killed."""
    for process in pool.processes:
        assert process.pid is not None and _reaped(process.pid)
        if process.pid != killed:
            assert process.exitcode == 0, (process.pid, process.exitcode)
    assert [p.pid for p in pool.processes if p.pid == killed] == ([killed] if killed else [])


def test_results_come_back_in_input_order() -> None:
    emitted: list[tuple[int, int]] = []
    with _pool(_square) as pool:
        pool.run(range(200), emitted.append)
    assert [square for square, _ in emitted] == [n * n for n in range(200)]
    assert len({pid for _, pid in emitted}) == 2  # both workers did work
    _assert_all_ended_cleanly(pool)


def _out_when_each_unit_is_read(count: int, flush: bool) -> list[int]:
    """Run ``count`` units; for each, how many results were out (handed out, not yet
    emitted) when it was read."""
    emitted: list[Any] = []
    out_when_read: list[int] = []

    def units() -> Iterator[int]:
        for number in range(count):
            out_when_read.append(number - len(emitted))
            yield number

    with _pool(_square) as pool:
        pool.run(units(), emitted.append, flush=(lambda: True) if flush else None)
    assert len(emitted) == count
    return out_when_read


def test_at_most_jobs_times_in_flight_units_are_out_at_once() -> None:
    """Memory stays flat: a unit is read only when fewer than 6 (2 jobs x 3) are out."""
    assert max(_out_when_each_unit_is_read(100, flush=False)) == 6  # the unit read not counted


def test_flush_writes_every_result_out_before_the_next_unit_is_read() -> None:
    assert _out_when_each_unit_is_read(30, flush=True) == [0] * 30


def _die_with(signum: int, number: int) -> tuple[int, int]:
    """Unit 7 kills its worker while it works on it (between two results)."""
    if number == 7:
        os.kill(os.getpid(), signum)
    return _square(number)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_worker_killed_between_units_is_a_worker_error(signum: int) -> None:
    emitted: list[Any] = []
    pool = _pool(functools.partial(_die_with, signum))
    with pytest.raises(WorkerError, match="a worker process stopped unexpectedly"), pool:
        pool.run(range(100), emitted.append)
    assert [square for square, _ in emitted] == [n * n for n in range(len(emitted))]
    assert len(emitted) <= 7  # unit 7 never came back
    dead = [p for p in pool.processes if p.exitcode == -signum]
    assert len(dead) == 1
    _assert_all_ended_cleanly(pool, killed=dead[0].pid)


def _write_half_then_die(results: Any, answer: Any) -> None:
    """The answer to unit 0 is cut off: the header and half of the message are written,
    then the worker is SIGKILLed (as by the out-of-memory killer). Others go through."""
    if answer[0] != 0:
        results.send(answer)
        return
    from multiprocessing.reduction import ForkingPickler

    message = bytes(ForkingPickler.dumps(answer))
    part = struct.pack("!i", len(message)) + message[: len(message) // 2]
    while part:
        part = part[os.write(results.fileno(), part) :]
    os.kill(os.getpid(), signal.SIGKILL)


def _big(number: int) -> bytes:
    """A result larger than a pipe holds (at most 1 MiB, see ``workerpool.PIPE_BYTES``), so
    that it takes several writes, as a chunk of rows with long kept fields does."""
    return bytes([number % 256]) * (3 * workerpool.PIPE_BYTES)


@pytest.mark.parametrize("jobs", [2, 3])
def test_a_worker_killed_while_writing_a_result_is_a_worker_error_not_a_hang(
    monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """Unit 0 goes to the first worker started, whose pipes the workers forked after it must
    not hold: the main process then reads end-of-file in the middle of the message instead
    of waiting for its rest for ever."""
    monkeypatch.setattr(workerpool, "_send_answer", _write_half_then_die)
    emitted: list[Any] = []
    pool = _pool(_big, jobs)
    with pytest.raises(WorkerError, match="a worker process stopped unexpectedly"), pool:
        pool.run(range(50), emitted.append)
    assert emitted == []  # unit 0 never came back whole
    dead = [p for p in pool.processes if p.exitcode == -signal.SIGKILL]
    assert [p.name for p in dead] == ["cxcs-worker-1"]
    _assert_all_ended_cleanly(pool, killed=dead[0].pid)


def _log_start(log: Path, number: int) -> int:
    """Note that unit ``number`` was started, then take a while over it (unit 0 is quick)."""
    with log.open("a", encoding="utf-8") as notes:
        notes.write(f"{number}\n")
    if number:
        time.sleep(0.5)
    return number


@pytest.mark.parametrize("stop", [BrokenPipeError, KeyboardInterrupt])
def test_a_run_stopped_early_finishes_started_units_drops_the_rest_and_reaps_every_worker(
    tmp_path: Path, stop: type[BaseException]
) -> None:
    """A closed pipe or Ctrl-C while the first result is written: the units not started are
    dropped, those started finish (results discarded), every worker then ends by itself."""
    log = tmp_path / "started.txt"

    def emit(result: int) -> None:
        raise stop

    pool = _pool(functools.partial(_log_start, log))
    started = time.monotonic()
    with pytest.raises(stop), pool:
        pool.run(range(100), emit)
    elapsed = time.monotonic() - started
    numbers = sorted(int(n) for n in log.read_text(encoding="utf-8").split())
    # 6 were handed out (0, 2, 4 to one worker, 1, 3, 5 to the other); each worker had
    # started at most its second unit (1 or 2) when told to stop, and drops the rest
    assert numbers[0] == 0 and set(numbers) <= {0, 1, 2}
    assert elapsed < 1.5  # not 6 units' worth of work (2 workers x 3 units x 0.5 s)
    _assert_all_ended_cleanly(pool)


def test_ctrl_c_while_the_workers_start_stops_them_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C after the first fork waits until every worker is started, then stops the whole
    pool: no worker is left behind, each ends by itself and is reaped. It holds even when a
    thread the main one does not control takes the signal (pyarrow's, after a Parquet test):
    the handler then only takes note of it until the pool is started."""
    forks: list[int] = []
    real_fork = os.fork

    def fork_then_ctrl_c() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
            if len(forks) == 1:
                os.kill(os.getpid(), signal.SIGINT)
        return pid

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    monkeypatch.setattr(os, "fork", fork_then_ctrl_c)
    pool = _pool(_square, jobs=3)
    try:
        with pytest.raises(KeyboardInterrupt), pool:
            pytest.fail("the pool started although Ctrl-C was pressed")
    finally:
        signal.signal(signal.SIGINT, previous)
    assert len(forks) == len(pool.processes) == 3
    _assert_all_ended_cleanly(pool)


def test_a_signal_another_thread_takes_is_still_held_back_until_the_block_ends() -> None:
    """:func:`cxcs.interrupts.deferred`: a thread that does not block Ctrl-C may take it, and
    Python then runs the handler in the main thread; it must wait until the block ends."""
    other_ends = threading.Event()
    other = threading.Thread(target=other_ends.wait)  # started before: SIGINT not blocked
    other.start()
    assert other.ident is not None
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    reached: list[str] = []
    try:
        with pytest.raises(KeyboardInterrupt), deferred():
            signal.pthread_kill(other.ident, signal.SIGINT)
            time.sleep(0.1)  # the handler would run here, were it not held back
            reached.append("the end of the block")
    finally:
        signal.signal(signal.SIGINT, previous)
        other_ends.set()
        other.join()
    assert reached == ["the end of the block"]


def _fail_on_5(number: int) -> int:
    if number == 5:
        raise ValueError("unit 5 is bad")
    return number


def test_an_exception_in_a_worker_is_raised_in_the_main_process() -> None:
    emitted: list[int] = []
    pool = _pool(_fail_on_5)
    with pytest.raises(ValueError, match="unit 5 is bad"), pool:
        pool.run(range(40), emitted.append)
    assert emitted == list(range(len(emitted))) and len(emitted) <= 5
    _assert_all_ended_cleanly(pool)


KILL_MID_WRITE = f"""
import sys
sys.path.insert(0, {str(REPO)!r})
import cxcs.workerpool
from tests.test_workerpool import _write_half_then_die

cxcs.workerpool._send_answer = _write_half_then_die
sys.argv = ["cxcs", *sys.argv[1:]]
from cxcs.__main__ import main
main()
"""
"""``cxcs ARGS`` whose worker is SIGKILLed half-way through writing the first chunk's rows."""


def test_a_batch_whose_worker_is_killed_mid_write_exits_1_with_no_output_file(
    tmp_path: Path,
) -> None:
    """End to end: ``--keep text`` makes each chunk's rows larger than a pipe holds."""
    source = write_rows(tmp_path / "rows.jsonl", good_rows(400))
    work = tmp_path / "work"
    work.mkdir()
    args = ["classify", "--batch", str(source), "--keep", "text", "-j", "2"]
    argv = [*cxcs_argv()[:1], "-c", KILL_MID_WRITE, *args, "-o", str(work / "out.jsonl")]
    done = subprocess.run(
        argv, capture_output=True, text=True, env=subprocess_env(), timeout=WAIT
    )  # a hang fails here (TimeoutExpired)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[-1].startswith(
        "cxcs: error: a worker process stopped unexpectedly"
    )
    assert "Traceback" not in done.stderr
    assert list(work.iterdir()) == []


ORPHANED = """
import os, sys, time
from cxcs.interrupts import worker_defaults
from cxcs.workerpool import WorkerPool

def slow(number):
    time.sleep(0.1)
    return number

pool = WorkerPool(2, slow, worker_defaults, (), 3)
pool.start()
pool.run(range(4), lambda result: None)
with open(sys.argv[1], "w") as pids:
    print(*[process.pid for process in pool.processes], file=pids)
os._exit(0)  # gone without a word to its workers
"""
"""A main process that dies with its workers idle; they do not watch for its death."""


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie counts: only its reaping is left)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state == "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")
def test_workers_read_end_of_file_when_the_main_process_is_gone(tmp_path: Path) -> None:
    """Only the main process holds its ends of a worker's pipes (no worker holds a copy, not
    even of its own), so even without :func:`cxcs.interrupts.exit_with_parent` an idle
    worker sees its main process die and ends."""
    written, errors = tmp_path / "pids.txt", tmp_path / "stderr.txt"
    with errors.open("wb") as stderr:  # files, not pipes a worker left behind would hold open
        subprocess.run(
            [*cxcs_argv()[:1], "-c", ORPHANED, str(written)],
            stdout=subprocess.DEVNULL, stderr=stderr, env=subprocess_env(), timeout=WAIT,
        )  # fmt: skip
    pids = [int(pid) for pid in written.read_text().split()]
    assert len(pids) == 2, errors.read_text()
    deadline = time.monotonic() + 10
    try:
        while not all(map(_gone, pids)):
            assert time.monotonic() < deadline, "a worker outlived its main process"
            time.sleep(0.05)
    finally:
        for pid in pids:
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)
