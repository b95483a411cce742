"""Read one posting from a file or stdin: bounded, UTF-8, never binary, never empty."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cxcs.errors import InputError, UsageError

MAX_INPUT_BYTES = 1_000_000
"""Only this much of one posting is read; longer input is classified from its start."""

_CHUNK = 1 << 20


@dataclass(frozen=True)
class PostingText:
    """Decoded posting text and how much of the input it covers."""

    text: str
    bytes_read: int
    bytes_total: int

    @property
    def truncated(self) -> bool:
        return self.bytes_total > self.bytes_read


def read_posting(source: str | None) -> PostingText:
    """Read ``source`` (a path, ``-`` or None for piped stdin) as posting text."""
    if source is None or source == "-":
        if source is None and sys.stdin.isatty():
            raise UsageError(
                "no input: give a FILE, '-' for stdin, or pipe a posting in "
                "(e.g. 'cxcs classify posting.txt' or 'pbpaste | cxcs classify')"
            )
        return decode(*_read_bounded(sys.stdin.buffer), name="stdin")
    path = Path(source)
    if path.is_dir():
        raise UsageError(f"{source}: is a directory, not a file")
    try:
        with path.open("rb") as handle:
            return decode(*_read_bounded(handle), name=source)
    except FileNotFoundError:
        raise UsageError(f"{source}: no such file") from None
    except PermissionError:
        raise UsageError(f"{source}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{source}: cannot read ({exc.strerror or exc})") from None


def _read_bounded(stream: BinaryIO) -> tuple[bytes, int]:
    """The first MAX_INPUT_BYTES of ``stream`` and its total size (the rest is drained)."""
    head = stream.read(MAX_INPUT_BYTES)
    total = len(head)
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        total += len(chunk)
    return head, total


def decode(data: bytes, total: int, name: str) -> PostingText:
    """UTF-8 text of ``data``; a clear error for binary, non-UTF-8 or empty input."""
    if b"\x00" in data:
        raise InputError(f"{name}: binary data (NUL bytes); give plain text")
    truncated = total > len(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if truncated and exc.start >= len(data) - 4:
            text = data[: exc.start].decode("utf-8")
        else:
            raise InputError(
                f"{name}: not valid UTF-8 (byte {exc.start}); convert it first, "
                "e.g. with 'iconv -t utf-8'"
            ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise InputError(f"{name}: input is empty")
    return PostingText(text, len(data), total)
