"""Reading knowledge files as text: bounded, regular files only, UTF-8, never binary or empty.

Kept apart from YAML parsing so that loading from the cache never imports yaml.
"""

from __future__ import annotations

import stat
from pathlib import Path

from cxcs.errors import KnowledgeError

MIB = 1024 * 1024
MAX_BYTES = 4 * MIB
"""Largest knowledge file accepted; the shipped ones are well under 200 KB."""


def read_text(path: Path, label: str | None = None) -> str:
    """Read a knowledge file as UTF-8 text, refusing huge, binary or empty files."""
    name = label or str(path)
    limit = f"knowledge files are limited to {MAX_BYTES // MIB} MiB"
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise KnowledgeError(name, None, "is a directory, not a YAML file")
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            raise KnowledgeError(name, None, "not a regular file")
        if info.st_size > MAX_BYTES:
            raise KnowledgeError(name, None, f"file is {info.st_size / MIB:.1f} MiB; {limit}")
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)  # the file may have grown since stat()
    except IsADirectoryError:
        raise KnowledgeError(name, None, "is a directory, not a YAML file") from None
    except OSError as exc:
        raise KnowledgeError(name, None, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise KnowledgeError(name, None, f"file is over {MAX_BYTES / MIB:.0f} MiB; {limit}")
    if b"\x00" in data:
        raise KnowledgeError(name, None, "binary data (NUL bytes), not YAML")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise KnowledgeError(name, line, "not valid UTF-8") from None
    if not text.strip():
        raise KnowledgeError(name, None, "file is empty")
    return text
