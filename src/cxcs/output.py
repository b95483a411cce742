"""The one output path: choose a format, build the command's view, write it.

``present(outcome, format, output)`` is what every CLI command ends with: it prints the
outcome's notes and warnings on stderr, renders the result in the chosen format (see
:mod:`cxcs.formats` and :mod:`cxcs.views`) and writes it to stdout, or atomically to a file.
"""

from __future__ import annotations

import os
import sys
from contextvars import ContextVar
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple, TextIO

from cxcs.errors import UsageError
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
    path = target(output)
    if path is not None:
        from cxcs.atomicfile import check_output_path

        check_output_path(path)
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
        _write_text(data, output)
        return
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from cxcs.atomicfile import atomic_file

    with atomic_file(output, "wb") as handle:
        handle.write(data)


def _emit_records(rows: list[dict[str, object]], output: Path | None) -> None:
    """Rows as JSON lines, to stdout or atomically to ``output``."""
    from cxcs.encoder import json_line

    _write_text("".join(json_line(row) + "\n" for row in rows), output)


def _write_text(text: str, output: Path | None) -> None:
    """``text`` to stdout, or atomically to ``output``."""
    if output is None:
        sys.stdout.write(text)
        return
    from cxcs.atomicfile import write_atomic

    write_atomic(output, text)


def render(report: Report, fmt: str) -> str:
    """Render ``report`` as text in ``fmt`` (a report format of the registry)."""
    import importlib

    renderer = importlib.import_module(f"cxcs.render.{fmt}")
    text: str = renderer.render(report)
    return text


def emit(report: Report, fmt: str, output: Path | None) -> None:
    """Print the report, or write it atomically to ``output``."""
    if output is not None:
        _write_text(render(report, fmt), output)
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
    _write_text(text, output)


def offline_svg_format() -> str:
    """rich's SVG template without its ``@font-face`` rules, which load fonts from a CDN
    (no output may fetch anything; the monospace fallback font is used instead)."""
    import inspect
    import re

    from rich.console import Console

    default = inspect.signature(Console.export_svg).parameters["code_format"].default
    return re.sub(r"@font-face \{\{.*?\}\}\s*", "", str(default), flags=re.DOTALL)
