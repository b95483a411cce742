"""Errors a user can cause, each with a stable code and the exit status it maps to."""

from __future__ import annotations

from typing import Any

from cxcs.status import ExitStatus

EXIT_OK = ExitStatus.OK
EXIT_DOMAIN = ExitStatus.DOMAIN
EXIT_USAGE = ExitStatus.USAGE
EXIT_INTERRUPTED = ExitStatus.INTERRUPTED


class CxcsError(Exception):
    """A problem the user can fix; rendered as one line, never as a traceback."""

    code = "error"
    exit_code: ExitStatus = ExitStatus.DOMAIN
    lines: tuple[str, ...] = ()
    """Lines shown on stderr before the error line (``validate``: each problem)."""
    ctx: Any = None
    """The command-line context it was raised in, when no other holds the run's settings
    (the options before the command name failed their check: ``cxcs --kb '' ...``), as
    Click's own errors carry theirs; set by :class:`cxcs.clitools.Group`."""

    def __init__(self, message: str, **details: Any) -> None:
        from cxcs.safe_text import one_line

        message = one_line(message)  # one line, no control characters: it is shown as is
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        """The ``error`` member of a JSON error document."""
        return {"code": self.code, "message": self.message, **self.details}


class UsageError(CxcsError):
    """Bad arguments: unknown function, axis or format, missing input (exit 2)."""

    code = "usage"
    exit_code = ExitStatus.USAGE


class InputError(CxcsError):
    """Input that cannot be read or used: missing file, binary data, empty text (exit 1)."""

    code = "input"


class DamagedData(InputError):
    """Compressed input whose data is damaged (or cut short) from some point on: a batch
    keeps every row before that point and reports the rest as one error row."""


class KnowledgeError(CxcsError):
    """A knowledge file that is malformed or inconsistent, located as ``file:line``."""

    code = "knowledge"

    def __init__(self, file: str, line: int | None, problem: str) -> None:
        where = f"{file}:{line}" if line else file
        from cxcs.safe_text import one_line

        problem = one_line(problem)
        super().__init__(f"{where}: {problem}", file=file, line=line, problem=problem)
        self.file = file
        self.line = line
        self.problem = problem


class OutputError(CxcsError):
    """The result could not be written where asked."""

    code = "output"


class WorkerError(CxcsError):
    """A worker process of a ``--jobs`` batch died (killed, out of memory): the batch is
    incomplete (exit 1)."""

    code = "worker"
