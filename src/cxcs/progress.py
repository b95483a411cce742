"""A byte-based progress bar for batch work: on stderr, only when stderr is a terminal.

The bar never touches stdout: rich's ``Progress`` by default redirects ``sys.stdout`` through
its live display, which sends every output row to the terminal even when stdout is a file
(``cxcs classify --batch x.jsonl > out.jsonl`` lost every row). Both redirections are off.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager


def stderr_is_terminal() -> bool:
    """Whether stderr is an interactive terminal (a closed or odd stderr is not)."""
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (OSError, ValueError):
        return False


def byte_progress(path: str) -> AbstractContextManager[Callable[[int], None] | None]:
    """A context giving a callback that advances the bar by N bytes (None: no bar).

    Shown only when stderr is a terminal and the input is a regular file of known size;
    stdout is never involved, whatever it is.
    """
    if not stderr_is_terminal() or path == "-":
        return contextlib.nullcontext(None)
    try:
        total = os.stat(path).st_size
    except OSError:
        return contextlib.nullcontext(None)
    return _rich_progress(total)


@contextlib.contextmanager
def _rich_progress(total: int) -> Iterator[Callable[[int], None] | None]:
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeRemainingColumn

    from cxcs.termconsole import stderr_console

    with Progress(
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=stderr_console(),
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as bar:
        task = bar.add_task("classify", total=total or None)
        yield lambda n: bar.advance(task, n)
