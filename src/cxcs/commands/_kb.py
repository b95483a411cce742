"""The knowledge a command runs on: the one given, else the shipped one."""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from cxcs.errors import UsageError

if TYPE_CHECKING:
    from cxcs.models.knowledge import Knowledge


def open_knowledge(
    overlays: Iterable[str | PathLike[str]] = (), *, signals: bool = True
) -> Knowledge:
    """The shipped knowledge with ``overlays`` on top; an overlay that is not a directory is
    a usage error (exit 2), a broken knowledge file a ``KnowledgeError`` (exit 1)."""
    from cxcs.knowledge.load import load_knowledge

    given = list(overlays)
    if any(isinstance(o, str) and not o.strip() for o in given):  # Path("") would be "."
        raise UsageError("--kb is empty; give an overlay directory")
    dirs = [Path(o) for o in given]
    for directory in dirs:
        if not directory.exists():
            raise UsageError(f"--kb {directory}: no such directory")
        if not directory.is_dir():
            raise UsageError(f"--kb {directory}: not a directory")
    return load_knowledge(dirs, signals=signals)


def knowledge(kb: Knowledge | None, *, signals: bool = False) -> Knowledge:
    """``kb``, or the shipped knowledge when None."""
    if kb is not None:
        return kb
    return open_knowledge((), signals=signals)
