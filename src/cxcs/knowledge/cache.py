"""A cache of the validated knowledge base as JSON, keyed by the exact bytes of its files.

Parsing the YAML is most of the cost of loading; re-validating the cached JSON with pydantic
is ~10x cheaper. The cache is plain JSON (never a pickle), is validated again on every read,
and is only written after a full, successful validation.

What the cache trusts, and what it checks (see the README, "Guarantees"):

- only a directory that no other user can write: a directory writable by group or others,
  or owned by another user, is not used (cxcs runs without the cache and says so once);
- only a regular file of at most MAX_ENTRY_BYTES, opened without following a symlink and
  without blocking (a FIFO, a device or a link to one is ignored);
- only an entry whose header carries the key asked for (an entry copied from another
  knowledge base is ignored) and the sha256 of the JSON that follows it (an edited or
  truncated entry is ignored), and that still validates and cross-checks.

``CXCS_NO_CACHE=1`` (any value but ``0``, ``false``, ``no``, ``off`` or empty) bypasses it;
``CXCS_CACHE_DIR`` moves it (default: ``$XDG_CACHE_HOME/cxcs`` or ``~/.cache/cxcs``). Without
a home directory (no ``$HOME`` and a uid with no passwd entry) cxcs runs without the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from cxcs import __version__
from cxcs.knowledge.checks import cross_check
from cxcs.models.knowledge import Knowledge

MAX_ENTRY_BYTES = 16 * 1024 * 1024
"""A cache entry larger than this is not read (the shipped knowledge is ~100 KB)."""

FORMAT = "cxcs-kb-cache/1"
OFF_VALUES = ("", "0", "false", "no", "off")

_noted: set[str] = set()


def note_once(message: str) -> None:
    """Say ``message`` on stderr once per process (why the cache is not used)."""
    if message in _noted:
        return
    _noted.add(message)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(f"cxcs: note: {message}\n")
        sys.stderr.flush()


def disabled() -> bool:
    """Whether ``CXCS_NO_CACHE`` switches the cache off (``0``/``false``/``no``/``off`` don't)."""
    return os.environ.get("CXCS_NO_CACHE", "").strip().lower() not in OFF_VALUES


def cache_dir() -> Path | None:
    """Where cached knowledge lives, or None when caching is switched off or impossible."""
    if disabled():
        return None
    if os.environ.get("CXCS_CACHE_DIR"):
        return Path(os.environ["CXCS_CACHE_DIR"])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "cxcs"
    try:
        home = Path.home()
    except (RuntimeError, KeyError, OSError):
        note_once("no home directory; running without the knowledge cache")
        return None
    return home / ".cache" / "cxcs"


def _safe_dir(directory: Path) -> bool:
    """Whether ``directory`` is a real directory only this user can write (not a symlink)."""
    try:
        info = directory.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        reason = "is not a directory"
    elif info.st_mode & 0o022:
        reason = "is writable by other users"
    elif hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        reason = "belongs to another user"
    else:
        return True
    note_once(f"knowledge cache {directory} {reason}; running without the cache")
    return False


def cache_key(files: Sequence[tuple[str, str]], signals: bool) -> str:
    """A key over the tool version, the flag, and every file's name and text."""
    digest = hashlib.sha256(f"{__version__}\0{signals}\0".encode())
    for name, text in files:
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    return digest.hexdigest()


def _read_entry(path: Path) -> bytes | None:
    """The bytes of a regular file of bounded size at ``path`` (no symlink, no FIFO)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
            return None
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            data = handle.read(MAX_ENTRY_BYTES + 1)
    except OSError:
        return None
    finally:
        if fd >= 0:
            os.close(fd)
    return data if len(data) <= MAX_ENTRY_BYTES else None


def read(key: str) -> Knowledge | None:
    """The cached knowledge for ``key``, or None (missing, untrusted, or no longer valid)."""
    directory = cache_dir()
    if directory is None or not directory.exists() or not _safe_dir(directory):
        return None
    data = _read_entry(directory / f"{key}.json")
    if data is None:
        return None
    header, _, body = data.partition(b"\n")
    try:
        meta = json.loads(header)
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("key") != key:
            return None
        if meta.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        knowledge = Knowledge.model_validate_json(body)
    except (ValidationError, ValueError):
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
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _safe_dir(directory):
            return
        body = knowledge.model_dump_json().encode("utf-8")
        header = {"format": FORMAT, "key": key, "sha256": hashlib.sha256(body).hexdigest()}
        fd, tmp = tempfile.mkstemp(prefix=".kb.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(json.dumps(header).encode() + b"\n" + body)
            os.replace(tmp, directory / f"{key}.json")
        finally:
            Path(tmp).unlink(missing_ok=True)
