"""The worker processes of ``--jobs``: units of work in, results out in input order, and a
worker that dies — at any moment — ends the run with a :class:`~cxcs.errors.WorkerError`,
never a hang.

Each worker has two pipes of its own (units in, results out) whose worker ends only that
worker holds: a worker that dies, even half-way through writing a result, leaves the main
process reading end-of-file, not waiting for the rest of the message. The main process waits
on the result pipes and the process sentinels together, so a worker that dies between units
is seen as well. A worker takes units from its pipe in a thread of its own, so handing it a
unit never waits for the unit it is working on, and a worker writing a result never waits
for a main process that is itself writing a unit to it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any, Generic, TypeVar

from cxcs.errors import WorkerError

_U = TypeVar("_U")
_R = TypeVar("_R")

DIED = "a worker process stopped unexpectedly (killed, or out of memory?); the batch is incomplete"

Task = tuple[int, Any]
"""A unit of work as sent to a worker: its sequence number and the unit."""

Answer = tuple[int, bool, Any]
"""A worker's reply: the unit's sequence number, whether it worked, its result or exception."""


@dataclass(eq=False)
class _Worker:
    """One worker process and the main process's ends of its two pipes."""

    process: BaseProcess
    units: Connection
    results: Connection
    queued: int = 0
    """Units handed to it whose results have not come back yet."""
    sound: bool = True
    """False once it died or a send or receive with it was cut short (its pipes may hold
    half a message): it is killed, not asked to stop."""


class WorkerPool(Generic[_U, _R]):
    """``jobs`` processes running ``work`` on units, ``initializer(*initargs)`` first in each
    (it lets through the signals held back while the workers were started: see
    :func:`cxcs.interrupts.worker_defaults`).

    Use as a context manager: entering starts the workers, leaving stops them (see
    :meth:`close`). :meth:`run` hands the units out and emits their results in input order.
    """

    def __init__(
        self,
        jobs: int,
        work: Callable[[_U], _R],
        initializer: Callable[..., None],
        initargs: tuple[Any, ...],
        in_flight_per_job: int,
    ) -> None:
        self.jobs = jobs
        self.work = work
        self.initializer = initializer
        self.initargs = initargs
        self.limit = jobs * in_flight_per_job
        """Units handed out but not yet emitted, at most (memory stays flat)."""
        self._workers: list[_Worker] = []
        self._processes: list[BaseProcess] = []
        self._by_handle: dict[Any, _Worker] = {}
        self._done: dict[int, _R] = {}
        self._sent = 0
        self._emitted = 0

    def __enter__(self) -> WorkerPool[_U, _R]:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # ----------------------------------------------------------------------- start and stop

    def start(self) -> None:
        """Start every worker (by fork on POSIX, so they inherit what the main process
        loaded; spawn on Windows). Ctrl-C, SIGTERM and SIGHUP wait until all are started, so
        no half-built pool is left; a fork that fails is a :class:`WorkerError`."""
        from cxcs.interrupts import deferred

        context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        try:
            with deferred():
                for _ in range(self.jobs):
                    self._start_one(context)
        except BaseException as exc:  # those started are stopped (a signal comes here too)
            self.close()
            if isinstance(exc, OSError):  # e.g. no memory left to fork
                raise WorkerError(
                    f"cannot start {self.jobs} worker processes: {exc.strerror or exc}"
                ) from None
            raise

    def _start_one(self, context: Any) -> None:
        unit_reader, unit_writer = context.Pipe(duplex=False)
        result_reader, result_writer = context.Pipe(duplex=False)
        _widen(unit_writer, result_writer)
        forked = context.get_start_method() == "fork"
        # A forked worker closes its copies of the main process's ends of its own pipes and
        # of the pipes of the workers started before it: only the main process holds those,
        # so a worker reads end-of-file, and writes to a broken pipe, once it is gone.
        inherited = [unit_writer, result_reader] + [
            c for w in self._workers for c in (w.units, w.results)
        ]
        process = context.Process(
            target=_serve,
            args=(
                unit_reader,
                result_writer,
                self.work,
                self.initializer,
                self.initargs,
                inherited if forked else [],
            ),
            name=f"cxcs-worker-{len(self._workers) + 1}",
            daemon=True,
        )
        try:
            process.start()
        except BaseException:
            unit_writer.close()
            result_reader.close()
            raise
        finally:  # the worker's ends: from now on only the worker holds them
            unit_reader.close()
            result_writer.close()
        worker = _Worker(process, unit_writer, result_reader)
        self._workers.append(worker)
        self._processes.append(process)
        self._by_handle[result_reader] = worker
        self._by_handle[process.sentinel] = worker

    def close(self) -> None:
        """Stop the workers: each drops the units it has not started, finishes the one it
        has (its result is read and dropped, so no worker is stopped in the middle of a
        write) and ends. A worker that is dead or whose pipes may hold half a message is
        killed; so is every one if this is interrupted. All are reaped."""
        try:
            self._stop_and_drain()
        except BaseException:
            for worker in self._workers:
                worker.sound = False
            raise
        finally:
            for worker in self._workers:
                if not worker.sound:
                    worker.process.kill()
            for worker in self._workers:
                worker.process.join()
                worker.units.close()
                worker.results.close()
            self._workers.clear()
            self._by_handle.clear()

    @property
    def processes(self) -> list[BaseProcess]:
        """The worker processes started (after :meth:`close`, ended and reaped)."""
        return list(self._processes)

    def _stop_and_drain(self) -> None:
        for worker in self._workers:
            if worker.sound:
                try:
                    worker.units.send(None)
                except OSError:  # it is gone
                    worker.sound = False
        draining = {w.results: w for w in self._workers if w.sound}
        while draining:
            for handle in wait(list(draining)):
                assert isinstance(handle, Connection)
                try:
                    handle.recv()
                except (EOFError, OSError):  # it has ended (or died)
                    del draining[handle]

    # ----------------------------------------------------------------------- the work

    def run(
        self,
        units: Iterable[_U],
        emit: Callable[[_R], None],
        flush: Callable[[], bool] | None = None,
    ) -> None:
        """Hand ``units`` out and pass each result to ``emit`` in input order, as soon as it
        and those before it are back. ``flush()`` true after a unit is handed out: every
        result still out is waited for and emitted before the next unit is read."""
        for unit in units:
            while self._sent - self._emitted >= self.limit:
                self._collect(emit, block=True)
            self._hand_out(unit)
            self._collect(emit, block=False)
            if flush is not None and flush():
                self._finish(emit)
        self._finish(emit)

    def _finish(self, emit: Callable[[_R], None]) -> None:
        while self._emitted < self._sent:
            self._collect(emit, block=True)

    def _hand_out(self, unit: _U) -> None:
        worker = min(self._workers, key=lambda w: w.queued)
        try:
            worker.units.send((self._sent, unit))
        except OSError:  # its end of the pipe is closed: it died
            worker.sound = False
            raise WorkerError(DIED) from None
        except BaseException:
            worker.sound = False
            raise
        worker.queued += 1
        self._sent += 1

    def _collect(self, emit: Callable[[_R], None], *, block: bool) -> None:
        """Read the results that are back (waiting for one when ``block``), then emit those
        next in order."""
        handles: list[Any] = [w.results for w in self._workers]
        handles += [w.process.sentinel for w in self._workers]
        for handle in wait(handles, timeout=None if block else 0):
            worker = self._by_handle[handle]
            if handle is not worker.results:  # its sentinel: the process ended
                worker.sound = False
                raise WorkerError(DIED)
            seq, worked, value = self._receive(worker)
            worker.queued -= 1
            if not worked:
                raise value
            self._done[seq] = value
        while self._emitted in self._done:
            value = self._done.pop(self._emitted)
            self._emitted += 1
            emit(value)

    def _receive(self, worker: _Worker) -> Answer:
        try:
            answer: Answer = worker.results.recv()
        except (EOFError, OSError):  # it died, possibly half-way through the message
            worker.sound = False
            raise WorkerError(DIED) from None
        except BaseException:
            worker.sound = False
            raise
        return answer


PIPE_BYTES = 1 << 20
"""What a pipe is asked to hold (Linux): a chunk of rows, not 64 KiB of it."""


def _widen(*pipes: Connection) -> None:
    """Let each pipe hold a whole unit or result where the system allows it (Linux), so that
    handing a unit out or writing a result back seldom waits for the other side."""
    try:
        import fcntl
    except ImportError:  # Windows
        return
    resize = getattr(fcntl, "F_SETPIPE_SZ", None)
    if resize is None:  # not Linux
        return
    for pipe in pipes:
        with contextlib.suppress(OSError):  # over the per-user limit: keep the default
            fcntl.fcntl(pipe.fileno(), resize, PIPE_BYTES)


# --------------------------------------------------------------------------- in the worker


def _serve(
    units: Connection,
    results: Connection,
    work: Callable[[Any], Any],
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
    inherited: list[Connection],
) -> None:
    """A worker's life: take units in order, send back each one's result (or exception),
    until told to stop or the main process is gone."""
    for connection in inherited:
        connection.close()
    try:
        initializer(*initargs)
    except Exception:  # the main process sees the worker end and reports it
        raise SystemExit(1) from None
    inbox: queue.SimpleQueue[Task | None] = queue.SimpleQueue()
    stopping = threading.Event()
    taker = threading.Thread(
        target=_take_units, args=(units, inbox, stopping), name="cxcs-units", daemon=True
    )
    taker.start()
    try:
        while (task := inbox.get()) is not None and not stopping.is_set():
            _answer(results, work, *task)
    except OSError:  # the main process is gone
        pass
    finally:
        results.close()


def _take_units(
    units: Connection, inbox: queue.SimpleQueue[Task | None], stopping: threading.Event
) -> None:
    """Move units from the pipe to ``inbox`` as they come; at the stop message (or when the
    main process is gone) set ``stopping``, so the units not started yet are dropped."""
    while True:
        try:
            task: Task | None = units.recv()
        except (EOFError, OSError):
            task = None
        if task is None:
            stopping.set()
            inbox.put(None)
            return
        inbox.put(task)


def _answer(results: Connection, work: Callable[[Any], Any], seq: int, unit: Any) -> None:
    """Do one unit and send back its result, or the exception it raised."""
    answer: Answer
    try:
        answer = (seq, True, work(unit))
    except Exception as exc:
        answer = (seq, False, exc)
    try:
        _send_answer(results, answer)
    except OSError:
        raise
    except Exception as exc:  # the result or exception cannot be pickled (nothing was sent)
        _send_answer(results, (seq, False, RuntimeError(f"{type(exc).__name__}: {exc}")))


def _send_answer(results: Connection, answer: Answer) -> None:
    """Write one answer to the main process (tests replace this to die mid-write)."""
    results.send(answer)
