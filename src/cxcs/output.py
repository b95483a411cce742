"""Pick a format, render a report, and write it to stdout or atomically to a file."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from cxcs.errors import OutputError, UsageError
from cxcs.safe_text import visible

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cxcs.render.view import Report

FORMATS = ("table", "markdown", "json", "csv", "html")
EXTENSIONS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
    ".txt": "table",
    ".jsonl": "jsonl",
    ".svg": "svg",
}


def resolve_format(
    requested: str | None, output: Path | None, allowed: Sequence[str] = FORMATS
) -> str:
    """The format to use: as asked, else from ``--output``'s extension, else by terminal."""
    if requested is not None:
        fmt = requested.strip().lower()
        if fmt == "md":
            fmt = "markdown"
        if fmt not in allowed:
            raise UsageError(f"unknown format '{requested}'; choose one of: {', '.join(allowed)}")
        return fmt
    if output is not None:
        guessed = EXTENSIONS.get(output.suffix.lower())
        if guessed is not None and guessed in allowed:
            return guessed
    if "table" in allowed and sys.stdout.isatty():
        return "table"
    return "markdown" if "markdown" in allowed else allowed[0]


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
    """Render ``report`` as text in ``fmt``."""
    if fmt == "json":
        from cxcs.render import json as renderer
    elif fmt == "csv":
        from cxcs.render import csv as renderer  # type: ignore[no-redef]
    elif fmt == "html":
        from cxcs.render import html as renderer  # type: ignore[no-redef]
    elif fmt == "table":
        from cxcs.render import table as renderer  # type: ignore[no-redef]
    else:
        from cxcs.render import markdown as renderer  # type: ignore[no-redef]
    return renderer.render(report)


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

    ``svg`` and ``html`` come from a recording console's ``export_svg``/``export_html``
    (colours kept whatever ``NO_COLOR`` says: they are files, not terminal output);
    ``table`` sent to a file or pipe is the plain text. Written to ``output`` atomically,
    or to stdout when there is no ``output``.
    """
    import io

    from rich.console import Console

    if fmt == "table" and output is None and sys.stdout.isatty():
        from cxcs.termconsole import stdout_console

        stdout_console().print(picture)
        return
    styled = fmt in {"svg", "html"}
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
    elif fmt == "html":
        text = console.export_html(inline_styles=True)
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


@contextlib.contextmanager
def atomic_text_file(path: Path) -> Iterator[IO[str]]:
    """A text stream that becomes ``path`` only when the block finishes without error.

    On any failure, Ctrl-C included, the temporary file is removed and ``path`` is untouched.
    """
    check_output_path(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        _give_default_mode(fd)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def _give_default_mode(fd: int) -> None:
    """mkstemp creates the file 0600; give it the mode ``open()`` would (0666 minus umask)."""
    mask = os.umask(0)
    os.umask(mask)
    with contextlib.suppress(AttributeError, OSError):
        os.fchmod(fd, 0o666 & ~mask)
