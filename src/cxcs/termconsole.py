"""Rich consoles for stdout and stderr, created on first use (rich is not imported at start)."""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def _options() -> dict[str, object]:
    options: dict[str, object] = {}
    if os.environ.get("NO_COLOR"):
        options["no_color"] = True
    if os.environ.get("TERM") == "dumb":
        options["color_system"] = None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) == 0:  # some CI runners: rich drew 0 wide, nothing
        import shutil

        options["width"] = shutil.get_terminal_size().columns  # 0 is unknown: the terminal's
    return options


@cache
def stdout_console() -> Console:
    """Console for data on stdout; a closed pipe (``| head``) ends the command quietly."""
    from rich.console import Console

    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError  # main() turns this into a quiet exit 0

    return PipeConsole(highlight=False, **_options())  # type: ignore[arg-type]


@cache
def stderr_console() -> Console:
    """Console for messages and progress on stderr."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, **_options())  # type: ignore[arg-type]
