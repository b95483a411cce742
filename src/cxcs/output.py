"""The one output path: choose a format, build the command's view, write it.

``present(outcome, format, output)`` is what every CLI command ends with: it prints the
outcome's notes and warnings on stderr, renders the result in the chosen format (see
:mod:`cxcs.formats` and :mod:`cxcs.views`) and writes it to stdout, or atomically to a file.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple, TextIO

from cxcs.errors import OutputError, UsageError
from cxcs.formats import STDOUT, choose, refuse_binary_on_terminal
from cxcs.safe_text import visible
from cxcs.status import ExitStatus

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cxcs.commands.outcome import Outcome
    from cxcs.render.view import Report


_JSON_ON_STDOUT: ContextVar[bool] = ContextVar("cxcs_json_on_stdout", default=False)


def json_stream_started(started: bool | None = None) -> bool:
    """Whether a streamed JSON document (a batch's array) has begun on stdout in this run;
    ``started`` sets it. A failure then closes that document instead of printing a second
    one after it: stdout stays one valid JSON document."""
    if started is not None:
        _JSON_ON_STDOUT.set(started)
    return _JSON_ON_STDOUT.get()


class Environment(NamedTuple):
    """The streams a run talks to, and whether each is a terminal (injectable in tests)."""

    stdin: TextIO | None
    stdout: TextIO
    stderr: TextIO | None
    stdin_isatty: bool
    stdout_isatty: bool
    quiet: bool = False

    @classmethod
    def current(cls, *, quiet: bool = False) -> Environment:
        """The process's streams as they are now."""
        return cls(
            sys.stdin,
            sys.stdout,
            sys.stderr,
            _isatty(sys.stdin),
            _isatty(sys.stdout),
            quiet,
        )

    def say(self, message: str) -> None:
        """One line on stderr, prefixed ``cxcs:``; line breaks in it are escaped. A message
        must never fail, so a closed or broken stderr drops it."""
        from cxcs.safe_text import one_line

        if self.stderr is None:
            return
        try:
            self.stderr.write(f"cxcs: {one_line(message)}\n")
            self.stderr.flush()
        except (OSError, ValueError):
            pass


def _isatty(stream: IO[Any] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False


def target(output: str | os.PathLike[str] | None) -> Path | None:
    """The file ``--output`` names (None for stdout: no option, or ``-``)."""
    if output is None:
        return None
    name = os.fspath(output)
    if name == STDOUT:
        return None
    if not name.strip():
        raise UsageError("--output is empty; give a file name, or '-' for stdout")
    if name.endswith(tuple(filter(None, (os.sep, os.altsep)))):  # Path() would drop it
        raise UsageError(f"--output {name}: ends in '/': a directory; give a file name")
    return Path(name)


def check(command: str, fmt: str | None, output: str | None, env: Environment) -> str:
    """Validate ``--format``/``--output`` for ``command`` before any work; the format."""
    from cxcs.views import VIEWS

    view = VIEWS[command]
    chosen = choose(
        fmt, output, list(view.formats), terminal=env.stdout_isatty, default=view.default
    )
    refuse_binary_on_terminal(chosen, output, env.stdout_isatty)
    check_output_path(target(output))
    return chosen


def present(
    outcome: Outcome[Any],
    fmt: str | None = None,
    output: str | None = None,
    env: Environment | None = None,
) -> None:
    """Messages to stderr, then the result in its format to stdout or ``output``.

    A streamed outcome (a batch, which wrote its records as it went) has only its messages
    left to show; a ``failed`` one ends the run with exit status 1.
    """
    from cxcs.views import VIEWS

    env = env or Environment.current()
    for note in outcome.notes:
        if not env.quiet:
            env.say(note)
    for warning in outcome.warnings:
        env.say(warning)
    view = VIEWS[outcome.command]
    chosen = check(outcome.command, fmt, output, env)
    path = target(output)
    kind = view.formats[chosen]
    if view.streamed:
        pass
    elif kind == "records" and view.records is not None:
        _emit_records(view.records(outcome), path)
    elif kind == "document" and view.document is not None:
        _emit_document(view.document(outcome, chosen), path)
    elif kind == "picture" and view.picture is not None:
        picture, title = view.picture(outcome)
        emit_picture(picture, chosen, path, title)
    elif view.report is not None:
        emit(view.report(outcome), chosen, path)
    if path is not None and not env.quiet:
        env.say(f"wrote {path} ({chosen})")
    if outcome.failed:
        raise SystemExit(ExitStatus.DOMAIN)


def _emit_document(data: str | bytes, output: Path | None) -> None:
    """A finished file, to stdout or atomically to ``output`` (bytes as they are)."""
    if isinstance(data, str):
        if output is not None:
            write_atomic(output, data)
        else:
            sys.stdout.write(data)
        return
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    with _atomic_file(output, "wb") as handle:
        handle.write(data)


def _emit_records(rows: list[dict[str, object]], output: Path | None) -> None:
    """Rows as JSON lines, to stdout or atomically to ``output``."""
    from cxcs.encoder import json_line

    text = "".join(json_line(row) + "\n" for row in rows)
    if output is not None:
        write_atomic(output, text)
    else:
        sys.stdout.write(text)


def check_output_path(output: Path | None) -> None:
    """Fail early (usage error) when ``--output`` cannot be written."""
    if output is None:
        return
    if output.is_dir():
        raise UsageError(f"--output {output}: is a directory")
    parent = output.parent if str(output.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"--output {output}: directory {parent} does not exist")


def render(report: Report, fmt: str) -> str:
    """Render ``report`` as text in ``fmt`` (a report format of the registry)."""
    import importlib

    renderer = importlib.import_module(f"cxcs.render.{fmt}")
    text: str = renderer.render(report)
    return text


def emit(report: Report, fmt: str, output: Path | None) -> None:
    """Print the report, or write it atomically to ``output``."""
    if output is not None:
        write_atomic(output, render(report, fmt))
        return
    if fmt == "table":
        from cxcs.render.table import print_report
        from cxcs.termconsole import stdout_console

        print_report(report, stdout_console())
        return
    sys.stdout.write(render(report, fmt))


def emit_picture(picture: RenderableType, fmt: str, output: Path | None, title: str) -> None:
    """Show a rich renderable: on the terminal (``table``), else exported by rich.

    ``svg`` comes from a recording console's ``export_svg`` (colours kept whatever
    ``NO_COLOR`` says: it is a file, not terminal output; HTML is never a rich export but
    the one page of :mod:`cxcs.render.page`);
    ``table`` sent to a file or pipe is the plain text. Written to ``output`` atomically,
    or to stdout when there is no ``output``.
    """
    import io

    from rich.console import Console

    if fmt == "table" and output is None and sys.stdout.isatty():
        from cxcs.termconsole import stdout_console

        stdout_console().print(picture)
        return
    styled = fmt == "svg"
    console = Console(
        record=True,
        file=io.StringIO(),
        width=200,
        highlight=False,
        no_color=not styled,
        color_system="truecolor" if styled else None,
        force_terminal=styled,
    )
    console.width = max(20, min(200, console.measure(picture).maximum))
    console.print(picture)
    if fmt == "svg":
        text = console.export_svg(title=visible(title), code_format=offline_svg_format())
    else:
        text = "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"
    if output is not None:
        write_atomic(output, text)
    else:
        sys.stdout.write(text)


def offline_svg_format() -> str:
    """rich's SVG template without its ``@font-face`` rules, which load fonts from a CDN
    (no output may fetch anything; the monospace fallback font is used instead)."""
    import inspect
    import re

    from rich.console import Console

    default = inspect.signature(Console.export_svg).parameters["code_format"].default
    return re.sub(r"@font-face \{\{.*?\}\}\s*", "", str(default), flags=re.DOTALL)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it into place."""
    with atomic_text_file(path) as handle:
        handle.write(text)


def replaced_file(path: Path) -> Path | None:
    """The regular file an atomic write of ``path`` replaces: ``path`` itself, or the file a
    symbolic link names (the link stays a link); None when ``path`` is a stream to write
    into as it is (``/dev/stdout``, ``/dev/null``, a named pipe): replacing those would
    swap a device or a pipe for a file."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:  # not there yet (or a dangling link): created where it points
        return Path(os.path.realpath(path))
    return Path(os.path.realpath(path)) if stat.S_ISREG(mode) else None


@contextlib.contextmanager
def atomic_text_file(path: Path) -> Iterator[IO[str]]:
    """A text stream that becomes ``path`` only when the block finishes without error.

    On any failure, Ctrl-C included, the temporary file is removed and ``path`` is untouched.
    A ``path`` that is a stream (see :func:`replaced_file`) is written to directly.
    """
    with _atomic_file(path, "w", encoding="utf-8", newline="") as handle:
        yield handle


@contextlib.contextmanager
def _atomic_file(path: Path, mode: str, **text: Any) -> Iterator[IO[Any]]:
    """:func:`atomic_text_file` for ``open``'s ``mode`` (``"w"`` with ``text``, or ``"wb"``).
    A name ending in ``.gz``, ``.bz2`` or ``.xz`` is written compressed."""
    import tempfile

    check_output_path(path)
    final = replaced_file(path)
    if final is None:
        with (
            _failing_as_output(path),
            open(path, "wb") as stream,
            _encoded(stream, path, mode, text) as handle,
        ):
            yield handle
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    except OSError as exc:  # e.g. a read-only directory: name the output, not the temp file
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        _give_default_mode(fd)
        with _failing_as_output(path):
            with os.fdopen(fd, "wb") as raw:
                with _encoded(raw, path, mode, text) as handle:
                    yield handle
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _encoded(raw: IO[bytes], path: Path, mode: str, text: dict[str, Any]) -> Iterator[IO[Any]]:
    """What the caller writes to: ``raw`` itself, or through a compressor (by ``path``'s
    suffix) and, for text, an encoder; all flushed into ``raw`` (left open) at the end."""
    import io

    from cxcs.compressed import compressing

    packed = compressing(raw, path.name)
    stream: IO[Any] = packed if "b" in mode else io.TextIOWrapper(packed, **text)
    yield stream
    stream.flush()
    if stream is not packed:
        stream.detach()  # type: ignore[attr-defined]
    if packed is not raw:
        packed.close()  # the compressor's end marks; ``raw`` stays open


@contextlib.contextmanager
def _failing_as_output(path: Path) -> Iterator[None]:
    """An OS error in the block (a full disk, say) becomes an :class:`OutputError` naming
    ``path``; a closed pipe stays what it is."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _give_default_mode(fd: int) -> None:
    """mkstemp creates the file 0600; give it the mode ``open()`` would (0666 minus umask)."""
    mask = os.umask(0)
    os.umask(mask)
    with contextlib.suppress(AttributeError, OSError):
        os.fchmod(fd, 0o666 & ~mask)
