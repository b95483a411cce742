"""The ``cxcs`` command: the console script and ``python -m cxcs``."""

import gc
from typing import NoReturn


def main() -> NoReturn:
    """Run the command line with the garbage collector off while it starts.

    Start-up (importing Typer, pydantic and cxcs, parsing the command line) creates objects
    that live until exit, so a collection would find nothing to free; :func:`cxcs.entry.run`
    freezes them and switches the collector back on before the command runs."""
    gc.disable()
    from cxcs.cli import main as run

    run()


if __name__ == "__main__":
    main()
