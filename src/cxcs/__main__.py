"""The ``cxcs`` command: the console script and ``python -m cxcs``."""

import gc
import sys
from typing import NoReturn

INTERRUPTED = 130
"""Exit status after Ctrl-C (:class:`cxcs.status.ExitStatus`, not imported here: a Ctrl-C
may land while cxcs itself is being imported)."""


def main() -> NoReturn:
    """Run the command line with the garbage collector off while it starts.

    Start-up (importing Typer, pydantic and cxcs, parsing the command line) creates objects
    that live until exit, so a collection would find nothing to free; :func:`cxcs.entry.run`
    freezes them and switches the collector back on before the command runs.

    A Ctrl-C (or SIGTERM/SIGHUP) before :func:`cxcs.entry.run` handles it, while Typer,
    pydantic and cxcs are still being imported, ends the run the same way: one line on
    stderr, exit 130 (128 + the signal's number for the others), no traceback."""
    gc.disable()
    try:
        from cxcs.cli import main as run

        run()
    except KeyboardInterrupt as exc:  # run() itself ends in SystemExit, never here
        stopped_while_starting(exc)


def stopped_while_starting(exc: KeyboardInterrupt) -> NoReturn:
    """End a run stopped before its own handlers were in place."""
    code = getattr(exc, "exit_code", None)  # cxcs.interrupts.Terminated: end quietly
    if not isinstance(code, int):
        try:
            sys.stderr.write("cxcs: interrupted\n")
            sys.stderr.flush()
        except (OSError, ValueError, AttributeError):  # stderr closed or gone
            pass
        code = INTERRUPTED
    raise SystemExit(code)


if __name__ == "__main__":
    main()
