"""A cache of the validated knowledge base as JSON, keyed by the exact bytes of its files.

Parsing the YAML is most of the cost of loading; re-validating the cached JSON with pydantic
is ~10x cheaper. The cache is plain JSON (never a pickle), is validated again on every read,
and is only written after a full, successful validation. Set ``CXCS_NO_CACHE=1`` to bypass it;
``CXCS_CACHE_DIR`` moves it (default: ``$XDG_CACHE_HOME/cxcs`` or ``~/.cache/cxcs``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from cxcs import __version__
from cxcs.knowledge.checks import cross_check
from cxcs.models.knowledge import Knowledge


def cache_dir() -> Path | None:
    """Where cached knowledge lives, or None when caching is switched off."""
    if os.environ.get("CXCS_NO_CACHE"):
        return None
    if os.environ.get("CXCS_CACHE_DIR"):
        return Path(os.environ["CXCS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cxcs"


def cache_key(files: Sequence[tuple[str, str]], signals: bool) -> str:
    """A key over the tool version, the flag, and every file's name and text."""
    digest = hashlib.sha256(f"{__version__}\0{signals}\0".encode())
    for name, text in files:
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    return digest.hexdigest()


def read(key: str) -> Knowledge | None:
    """The cached knowledge for ``key``, or None (missing, unreadable or no longer valid)."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        data = (directory / f"{key}.json").read_bytes()
        knowledge = Knowledge.model_validate_json(data)
    except (OSError, ValidationError, ValueError):
        return None
    if next(iter(cross_check(knowledge)), None) is not None:
        return None
    return knowledge


def write(key: str, knowledge: Knowledge) -> None:
    """Store ``knowledge`` under ``key``; failures (read-only home, full disk) are ignored."""
    directory = cache_dir()
    if directory is None:
        return
    with contextlib.suppress(OSError):
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".kb.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(knowledge.model_dump_json())
            os.replace(tmp, directory / f"{key}.json")
        finally:
            Path(tmp).unlink(missing_ok=True)
