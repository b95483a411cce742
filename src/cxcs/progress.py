"""A byte-based progress bar for batch work, on stderr, only when stderr is a terminal."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path


def byte_progress(path: str) -> AbstractContextManager[Callable[[int], None] | None]:
    """A context giving a callback that advances the bar by N bytes (None: no bar)."""
    if not sys.stderr.isatty() or path == "-":
        return contextlib.nullcontext(None)
    return _rich_progress(Path(path).stat().st_size)


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
    ) as bar:
        task = bar.add_task("classify", total=total)
        yield lambda n: bar.advance(task, n)
