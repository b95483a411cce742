"""The knowledge a command runs on: the one given, else the shipped one."""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from cxcs.errors import KnowledgeError, UsageError

if TYPE_CHECKING:
    from cxcs.models.knowledge import Knowledge


def open_knowledge(
    overlays: Iterable[str | PathLike[str]] = (), *, signals: bool = True, given_as: str = "--kb"
) -> Knowledge:
    """The shipped knowledge with ``overlays`` on top; an overlay that is not a directory is
    a usage error (exit 2) that names it as ``given_as`` (``--kb``, or ``CXCS_KB`` when the
    environment set it), a broken knowledge file a ``KnowledgeError`` (exit 1) naming its
    first problem (see :func:`in_short`).

    ``signals=False`` (a command that does not classify) skips the classifier signals,
    unless an overlay holds a ``signals.yaml``: then they are read and checked anyway, so
    that every command refuses an overlay ``cxcs validate`` refuses (the shipped signals
    are checked by the tests, so a run without such an overlay pays nothing for them)."""
    from cxcs.knowledge.load import load_knowledge

    given = list(overlays)
    if any(isinstance(o, str) and not o.strip() for o in given):  # Path("") would be "."
        raise UsageError("--kb is empty; give an overlay directory")
    dirs = [Path(o) for o in given]
    for directory in dirs:
        require_directory(directory, f"{given_as} {directory}")
    signals = signals or any((d / "signals.yaml").exists() for d in dirs)
    try:
        return load_knowledge(dirs, signals=signals)
    except KnowledgeError as exc:
        raise in_short(exc, dirs) from None


def require_directory(path: Path, named: str) -> None:
    """A ``path`` that is no directory is a usage error, ``named`` as the user gave it
    (``--kb x: no such directory``, ``x: not a directory``)."""
    if not path.exists():
        raise UsageError(f"{named}: no such directory")
    if not path.is_dir():
        from cxcs.knowledge.load import FILES

        # "cxcs validate my-kb/functions.yaml": the directory that holds it is meant
        held = f"; give the directory that holds it: '{path.parent}'" if path.name in FILES else ""
        raise UsageError(f"{named}: not a directory{held}")


def in_short(error: KnowledgeError, overlays: list[Path]) -> KnowledgeError:
    """``error`` (the first problem in file order) saying how many more there are and how
    to see them: ``F:3: ... (and 2 more; run cxcs validate DIR)``, DIR being the overlay
    that holds the first problem (else the first overlay)."""
    import shlex

    more = int(error.details.get("count", 1)) - 1
    if more < 1:
        return error
    holder = Path(error.file).parent
    directory = next((d for d in overlays if d == holder), overlays[0] if overlays else None)
    command = "cxcs validate" + (f" {shlex.quote(str(directory))}" if directory else "")
    error.message = f"{error.message} (and {more:,} more; run {command})"
    error.args = (error.message,)
    return error


def listed(error: KnowledgeError, directory: str) -> KnowledgeError:
    """``validate``'s error for several problems: each on its own line (``lines``, in file
    order), then one error line counting them (``DIR: 2 problems``); its JSON error
    document has them all under ``problems``. One problem stays as it is."""
    count = int(error.details.get("count", 1))
    if count < 2:
        return error
    problems = [error.message, *map(str, error.details.get("more", []))]
    summary = KnowledgeError(directory, None, f"{count:,} problems")
    summary.details.update(count=count, problems=problems)
    summary.lines = tuple(problems)
    return summary


def knowledge(kb: Knowledge | None, *, signals: bool = False) -> Knowledge:
    """``kb``, or the shipped knowledge when None."""
    if kb is not None:
        return kb
    return open_knowledge((), signals=signals)
