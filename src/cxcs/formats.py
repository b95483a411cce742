"""The output formats, by name, with the file extensions that select them.

One registry serves every command: ``--format`` names an entry, ``--output``'s extension
picks one when ``--format`` is not given. Each format says what it renders: a ``report``
(the tables of a :class:`~cxcs.render.view.Report`), ``records`` (one flat row per
classification) or a ``picture`` (the map's grid). A command offers the formats whose kind
it can produce (see :mod:`cxcs.views`). Renderer modules are imported only when used.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal, NamedTuple

from cxcs.errors import UsageError

Kind = Literal["report", "records", "picture", "document"]
"""``document``: a finished file built by the command's view (an SVG chart, an HTML report,
a PNG), written as is."""


class Format(NamedTuple):
    """One output format: its name, the extensions that select it, what it renders."""

    name: str
    extensions: tuple[str, ...]
    kind: Kind
    summary: str
    binary: bool = False
    """Bytes no terminal can show: never written to stdout when it is a terminal (Parquet
    needs a real file wherever stdout goes: :mod:`cxcs.batchrun` refuses it first)."""


REGISTRY: dict[str, Format] = {}
ALIASES = {"md": "markdown", "ndjson": "jsonl", "txt": "table"}


def register(fmt: Format) -> Format:
    """Add a format (built-ins register exactly like any later addition)."""
    REGISTRY[fmt.name] = fmt
    return fmt


for _fmt in (
    Format("table", (".txt",), "report", "rich tables (plain text in a file)"),
    Format("markdown", (".md", ".markdown"), "report", "GitHub-flavoured markdown"),
    Format("json", (".json",), "report", "one JSON document with versions"),
    Format("csv", (".csv",), "report", "the main table as CSV"),
    Format("html", (".html", ".htm"), "report", "one standalone HTML page"),
    Format("jsonl", (".jsonl", ".ndjson"), "records", "one JSON object per posting"),
    Format("svg", (".svg",), "picture", "the map as an SVG picture"),
    Format("png", (".png",), "document", "the map as a PNG picture (needs chromium)", True),
    Format("parquet", (".parquet", ".pq"), "records", "Parquet (batch; needs pyarrow)"),
):
    register(_fmt)

INPUT_FORMATS = ("jsonl", "csv", "parquet")
"""What ``--input-format`` accepts: the kinds of file a batch (or a batch output) is read as."""

INPUT_ALIASES = {"json": "jsonl", "ndjson": "jsonl", "tsv": "csv"}
"""Other names ``--input-format`` takes: JSON Lines (read as a JSON array too) by its other
names, and ``tsv``, CSV with a tab as the delimiter."""

STDOUT = "-"
"""``--output -`` means stdout."""


def by_extension(path: str) -> Format | None:
    """The format a file name's extension selects, if any (``labels.csv.gz``: CSV, written
    compressed)."""
    suffix = _extension(path).lower()
    return next((f for f in REGISTRY.values() if suffix in f.extensions), None)


def _extension(path: str) -> str:
    """The extension that names the format: the one before a compression suffix."""
    from cxcs.compressed import uncompressed_name

    return Path(uncompressed_name(path)).suffix


def choose(
    requested: str | None,
    output: str | None,
    offered: Sequence[str],
    *,
    terminal: bool,
    default: str | None = None,
) -> str:
    """The format to write: ``--format``, else ``--output``'s extension, else the default
    (``default``, or table on a terminal and markdown in a pipe).

    Unknown formats and formats the command cannot produce are usage errors. So is an
    ``--output`` extension that names no format this command writes, whatever ``--format``
    says, and one that names another format than ``--format`` (``-f json -o out.csv``). A
    name without an extension, or an existing named pipe or device, takes ``--format`` as
    it is.
    """
    chosen = _requested(requested, offered) if requested is not None else None
    if output is not None and output != STDOUT and _extension(output):
        if chosen is not None and _is_stream(output):
            return chosen  # an existing pipe or device: its name says nothing of its content
        named = _named_by_extension(output, offered, chosen)
        if chosen is not None and named != chosen:
            suffix = _extension(output)
            raise UsageError(
                f"--output {output}: '{suffix}' names the {named} format, not {chosen}; "
                f"give {_extensions_of(chosen)}, or no extension"
            )
        return named
    if chosen is not None:
        return chosen
    if default is not None:
        return default
    if terminal and "table" in offered:
        return "table"
    return "markdown" if "markdown" in offered else offered[0]


def refuse_binary_on_terminal(name: str, output: str | None, terminal: bool) -> None:
    """A binary format (PNG) bound for a terminal (stdout on one, or ``--output`` naming
    one: ``/dev/stdout``, ``/dev/tty``) is a usage error: it would pour bytes onto the
    screen; a file or a pipe is asked for instead."""
    fmt = REGISTRY[name]
    if not fmt.binary:
        return
    to_stdout = output in (None, STDOUT)
    if (to_stdout and terminal) or (not to_stdout and _is_terminal(str(output))):
        where = "stdout" if to_stdout else f"--output {output}"
        raise UsageError(
            f"{name} is binary and {where} is a terminal; give --output FILE"
            f"{fmt.extensions[0]}, or pipe it"
        )


def _is_terminal(path: str) -> bool:
    """Whether ``path`` names a terminal (a character device that is a tty)."""
    import os
    import stat

    try:
        if not stat.S_ISCHR(os.stat(path).st_mode):
            return False
        descriptor = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        return os.isatty(descriptor)
    finally:
        os.close(descriptor)


def _is_stream(path: str) -> bool:
    """Whether ``path`` is an existing named pipe, device or socket (not a regular file,
    not a directory)."""
    import os
    import stat

    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _requested(requested: str, offered: Sequence[str]) -> str:
    """The format ``--format`` names (aliases resolved), if the command writes it."""
    name = requested.strip().lower()
    name = ALIASES.get(name, name)
    if name not in offered:
        known = name in REGISTRY  # a format another command writes (svg): no look-alike
        raise UsageError(unknown(f"format '{requested}' here", "" if known else name, offered))
    return name


def unknown(what: str, name: str, offered: Sequence[str]) -> str:
    """``unknown WHAT; did you mean 'x'? choose one of: ...`` (the hint only for a name
    close to one offered, e.g. ``jsn``)."""
    from cxcs.suggest import suggestions

    close = suggestions(name, offered, limit=1) if name else []
    hint = f"; did you mean '{close[0]}'?" if close else ";"
    return f"unknown {what}{hint} choose one of: {', '.join(offered)}"


def _named_by_extension(output: str, offered: Sequence[str], chosen: str | None) -> str:
    """The format ``output``'s extension names; a usage error when it names none the
    command writes."""
    fmt = by_extension(output)
    if fmt is not None and fmt.name in offered:
        return fmt.name
    suffix = _extension(output)
    if chosen is not None:
        what = f"names the {fmt.name} format, not {chosen}" if fmt else "names no format"
        raise UsageError(
            f"--output {output}: '{suffix}' {what}; give {_extensions_of(chosen)}, or no extension"
        )
    known = sorted(e for f in offered for e in REGISTRY[f].extensions)
    raise UsageError(
        f"--output {output}: '{suffix}' names no format this command writes "
        f"({', '.join(known)}); give --format or another extension"
    )


def _extensions_of(name: str) -> str:
    """'.md or .markdown': the extensions that name format ``name``."""
    return " or ".join(REGISTRY[name].extensions)
