"""SIGTERM and SIGHUP end a run like Ctrl-C: temporary files removed, workers stopped, no
traceback, exit status 128 + the signal number (143 for SIGTERM, 129 for SIGHUP).

:func:`install` (called once by the command-line entry point, never on import) turns both
signals into :class:`Terminated`, a :class:`KeyboardInterrupt`, so every clean-up path that
handles Ctrl-C (the atomic ``--output`` file, the worker pool) runs for them too. Worker
processes call :func:`worker_defaults` so that they never print a traceback of their own.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from types import FrameType
from typing import Any

HANDLED = ("SIGTERM", "SIGHUP")
EXIT_ORPHANED = 1
"""A worker's exit status when its parent died before it."""


class Terminated(KeyboardInterrupt):
    """The process was asked to stop by a signal other than SIGINT."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.exit_code = 128 + signum


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


def install() -> None:
    """Make SIGTERM and SIGHUP raise :class:`Terminated` in this (main) thread."""
    for name in HANDLED:
        number = getattr(signal, name, None)
        if number is None:  # e.g. no SIGHUP on Windows
            continue
        try:
            signal.signal(number, _raise)
        except (ValueError, OSError):  # not the main thread: leave the defaults
            return


def _stop_signals() -> set[signal.Signals]:
    names = ("SIGINT", *HANDLED)
    return {getattr(signal, n) for n in names if hasattr(signal, n)}


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP back while the block runs (e.g. while a worker pool
    is forked, so that no half-built pool is left behind); they are delivered after it.

    The signals are blocked in this thread (a child forked meanwhile starts with them
    blocked), and in the main thread their handlers only take note of them meanwhile: a
    signal sent to the process may be taken by another thread, a library's say, that does
    not block it, and Python then runs the handler in the main thread at once."""
    held: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        held.append(signum)

    handlers: dict[signal.Signals, Any] = {}
    with contextlib.suppress(ValueError):  # not the main thread: nothing to swap
        for number in _stop_signals():
            if signal.getsignal(number) is not None:  # None: set outside Python, left alone
                handlers[number] = signal.signal(number, hold)
    blocking = hasattr(signal, "pthread_sigmask")
    if blocking:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _stop_signals())
    try:
        yield
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        if blocking:  # a signal blocked meanwhile is delivered now, to the handler restored
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        for signum in dict.fromkeys(held):  # one taken note of: sent again, the same way
            signal.raise_signal(signum)


def worker_defaults() -> None:
    """In a worker process: Ctrl-C and SIGHUP are the parent's business (it stops the pool),
    SIGTERM (how the pool stops workers) ends the worker quietly. Signals the parent held
    back while forking (see :func:`deferred`) are let through again."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _stop_signals())


def exit_with_parent() -> None:
    """In a worker process: end as soon as the parent process is gone (killed with
    ``kill -9``, say) instead of waiting for work that will never come: a daemon thread
    waits for the parent (:func:`multiprocessing.parent_process`) to end."""
    import multiprocessing
    import threading

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(EXIT_ORPHANED)

    threading.Thread(target=watch, name="cxcs-parent-watch", daemon=True).start()


def terminated_by(exc: BaseException) -> Terminated | None:
    """The :class:`Terminated` behind ``exc`` (itself or its cause), if any."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, Terminated):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None
