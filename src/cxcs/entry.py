"""Process concerns of the ``cxcs`` command: exit statuses, Ctrl-C, broken pipes, closed
streams and the JSON error document. :mod:`cxcs.cli` only declares the commands.

Every run ends in :class:`~cxcs.status.ExitStatus`: 0 ok, 1 domain error, 2 usage error,
130 interrupted. A failure is one line on stderr; under ``--format json`` stdout also gets
one JSON error document.
"""

from __future__ import annotations

import errno
import gc
import io
import os
import sys
from collections.abc import MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from cxcs import __version__
from cxcs.errors import CxcsError
from cxcs.output import Environment, json_stream_started
from cxcs.status import ExitStatus

if TYPE_CHECKING:
    from cxcs.models.knowledge import Knowledge

ERROR_FORMAT = "cxcs.error_format"
"""Key in the Click context's ``meta``: reads the ``--format`` the failing command was given
(a function of no arguments: the line is read only when an error needs it)."""
COMPLETE_VAR = "_CXCS_COMPLETE"
"""Set by the shell completion scripts (``cxcs --install-completion``)."""
_collector: dict[str, bool] = {"tuned": False}
"""Whether this run is the real process, whose garbage collector cxcs tunes (see :func:`run`;
a caller's collector is left as it is)."""


class Settings(NamedTuple):
    """What the options before the command name set for the whole run (``cxcs --kb DIR -q
    compare ...``); commands combine it with their own options."""

    overlays: tuple[Path, ...]
    quiet: bool
    env: Environment
    format: str | None = None
    """``--format`` as given (None: from ``--output``'s extension or the terminal)."""
    output: str | None = None
    """``--output`` as given (None or ``-``: stdout)."""

    @classmethod
    def of(cls, overlays: tuple[Path, ...] = (), quiet: bool = False) -> Settings:
        """Settings for the process's streams as they are now."""
        return cls(overlays, quiet, Environment.current(quiet=quiet))

    def narrowed(self, overlays: list[Path] | None, quiet: bool) -> Settings:
        """These settings with a command's own ``--kb`` and ``-q`` applied."""
        quiet = quiet or self.quiet
        return Settings.of(tuple(overlays) if overlays else self.overlays, quiet)

    def knowledge(self, *, signals: bool = False) -> Knowledge:
        """The knowledge base: shipped, plus ``--kb`` overlays (else ``$CXCS_KB``)."""
        from cxcs.commands import open_knowledge
        from cxcs.knowledge.load import KB_ENV, kb_dirs_from_env

        dirs = kb_dirs_from_env(self.overlays)
        given_as = "--kb" if self.overlays else KB_ENV  # an error names what set them
        if not _collector["tuned"]:
            return open_knowledge(dirs, signals=signals, given_as=given_as)
        # The knowledge base lives until exit, as the start-up objects do: built with the
        # collector off (a collection would find nothing to free) and frozen once built, so
        # that no collection the command's own allocations trigger rescans it.
        gc.disable()
        try:
            return open_knowledge(dirs, signals=signals, given_as=given_as)
        finally:
            gc.freeze()
            gc.enable()


class _ClosedStdout(io.TextIOBase):
    """Stands in for a closed stdout (``cxcs list >&-``): writing to it fails like EBADF."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "stdout is closed")


def run(group: Any, argv: list[str] | None = None) -> NoReturn:
    """Run the Click command ``group`` on ``argv`` and exit with the right status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    from cxcs.safe_text import fit_stream_encoding

    fit_stream_encoding(sys.stdout)  # e.g. PYTHONIOENCODING=ascii: ASCII glyphs, no crash
    fit_stream_encoding(sys.stderr)
    if argv is None:  # the real process (not a caller's, e.g. a test's): SIGTERM and SIGHUP
        from cxcs.interrupts import install  # end the run like Ctrl-C

        install()
    env = Environment.current()
    json_stream_started(False)  # a new run: nothing streamed yet
    _collector["tuned"] = False
    if COMPLETE_VAR in os.environ:  # shell completion: Click answers and exits
        group.main(args=args, prog_name="cxcs")
    meta: MutableMapping[str, Any] = {}
    try:
        with group.make_context("cxcs", args) as ctx:
            meta = ctx.meta
            if argv is None:  # the real process (a caller's objects are not ours to freeze)
                # Typer, pydantic and cxcs's command line are imported and live until exit:
                # frozen, the collector no longer rescans them at every collection the
                # command's own allocations trigger, nor at exit; it was off while they
                # were made (cxcs.__main__), and is on for the command.
                gc.freeze()
                gc.enable()
                _collector["tuned"] = True
            group.invoke(ctx)
        sys.stdout.flush()
    except CxcsError as exc:
        for line in exc.lines:
            env.say(line)
        _fail(env, _failed_in(exc, meta), exc.to_dict(), exc.message, exc.exit_code)
    except KeyboardInterrupt as exc:
        from cxcs.interrupts import terminated_by

        stopped = terminated_by(exc)
        if stopped is not None:  # SIGTERM/SIGHUP: cleaned up like Ctrl-C, then a quiet exit
            _discard_stdout()
            raise SystemExit(stopped.exit_code) from None
        _interrupted(env, meta)
    except BrokenPipeError:
        _discard_stdout()  # the reader went away (e.g. '| head'): end quietly
        raise SystemExit(ExitStatus.OK) from None
    except OSError as exc:
        _os_error(env, meta, exc)
    except Exception as exc:
        _other(env, meta, exc)
    raise SystemExit(ExitStatus.OK)


def _os_error(env: Environment, meta: MutableMapping[str, Any], exc: OSError) -> NoReturn:
    if os.environ.get("CXCS_DEBUG"):
        raise exc
    if exc.filename:
        message = f"{exc.filename}: {exc.strerror or exc}"
        _fail(env, meta, {"code": "input", "message": message}, message, ExitStatus.DOMAIN)
    _discard_stdout()  # the output is what failed (e.g. a full disk): nothing more goes there
    message = f"cannot write output: {exc.strerror or exc}"
    _fail(env, meta, {"code": "output", "message": message}, message, ExitStatus.DOMAIN)


def _other(env: Environment, meta: MutableMapping[str, Any], exc: Exception) -> NoReturn:
    """Typer's own exits and parse errors (Click exceptions, which Typer does not export,
    known by their public ``exit_code`` and ``format_message``), else an internal error."""
    import typer

    if isinstance(exc, typer.Exit):
        raise SystemExit(exc.exit_code) from None
    if isinstance(exc, typer.Abort):
        _interrupted(env, meta)
    format_message = getattr(exc, "format_message", None)
    exit_code = getattr(exc, "exit_code", None)
    if callable(format_message) and isinstance(exit_code, int):
        message = str(format_message())
        status = ExitStatus.USAGE if exit_code in (0, 2) else exit_code
        _fail(env, _failed_in(exc, meta), {"code": "usage", "message": message}, message, status)
    if os.environ.get("CXCS_DEBUG"):
        raise exc
    _fail(
        env,
        meta,
        {"code": "internal", "message": f"{type(exc).__name__}: {exc}"},
        f"internal error ({type(exc).__name__}: {exc}); set CXCS_DEBUG=1 for a traceback "
        "and please report it",
        ExitStatus.DOMAIN,
    )


def _failed_in(exc: Exception, meta: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """The ``meta`` of the context ``exc`` carries (Click's parse errors, and a check of the
    group's own options that failed before the run's context existed), else ``meta``."""
    failed_ctx = getattr(exc, "ctx", None)
    return meta if failed_ctx is None else failed_ctx.meta


def _fail(
    env: Environment,
    meta: MutableMapping[str, Any],
    error: dict[str, Any],
    message: str,
    status: int,
    prefix: str = "error: ",
) -> NoReturn:
    """One line on stderr; under ``--format json`` the error document on stdout (its message
    one line too: Click's own messages quote what was typed)."""
    from cxcs.safe_text import one_line

    message = shortened(message)
    env.say(f"{prefix}{message}")
    error = {**error, "message": one_line(shortened(str(error.get("message", ""))))}
    reader = meta.get(ERROR_FORMAT)
    wanted = reader() if callable(reader) else None
    if isinstance(wanted, str) and wanted.strip().lower() == "json" and not json_stream_started():
        from cxcs.render.json import error_document

        try:
            sys.stdout.write(error_document(error, __version__))
            sys.stdout.flush()
        except (OSError, ValueError):
            _discard_stdout()
    raise SystemExit(status)


LONGEST_WORD = 200
"""An error line shows a word (a name, a path, a value as typed) up to this long whole."""


def shortened(message: str) -> str:
    """``message`` with every word longer than :data:`LONGEST_WORD` (a 100 KB argument),
    and every quoted name that long (a posting pasted as a name: many short words), cut to
    its start and end around ``…``, saying how long it was: the error stays one readable
    line, and its hint, after the word, stays in it."""
    import re

    def cut(match: re.Match[str]) -> str:
        before, word, quote, after = match.groups()
        return f"{before}{word[:100]}…{word[-40:]}{quote} ({len(word):,} characters){after}"

    message = re.sub(
        rf"(['\"(]?)(\S{{{LONGEST_WORD + 1},}}?)(['\")]?)([;:,.]?)(?!\S)", cut, message
    )
    return re.sub(rf"(')([^'\n]{{{LONGEST_WORD + 1},}})(')()", cut, message)


def _interrupted(env: Environment, meta: MutableMapping[str, Any]) -> NoReturn:
    """Ctrl-C: say so (and, under --format json, emit the error document); exit 130."""
    error = {"code": "interrupted", "message": "interrupted"}
    _fail(env, meta, error, "interrupted", ExitStatus.INTERRUPTED, prefix="")


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush cannot fail noisily."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
