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
    Format("png", (".png",), "document", "the map as a PNG picture (needs chromium)"),
    Format("parquet", (".parquet", ".pq"), "records", "Parquet (batch; needs pyarrow)"),
):
    register(_fmt)

INPUT_FORMATS = ("jsonl", "csv", "parquet")
"""What ``--input-format`` accepts: the kinds of file a batch (or a batch output) is read as."""

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

    Unknown formats, formats the command cannot produce and an ``--output`` extension that
    names no format are usage errors (without ``--format``, the extension is the choice).
    """
    if requested is not None:
        name = requested.strip().lower()
        name = ALIASES.get(name, name)
        if name not in offered:
            raise UsageError(
                f"unknown format '{requested}' here; choose one of: {', '.join(offered)}"
            )
        return name
    if output is not None and output != STDOUT:
        suffix = _extension(output)
        if suffix:
            fmt = by_extension(output)
            if fmt is None or fmt.name not in offered:
                known = sorted(e for f in offered for e in REGISTRY[f].extensions)
                raise UsageError(
                    f"--output {output}: '{suffix}' names no format this command writes "
                    f"({', '.join(known)}); give --format or another extension"
                )
            return fmt.name
    if default is not None:
        return default
    if terminal and "table" in offered:
        return "table"
    return "markdown" if "markdown" in offered else offered[0]
