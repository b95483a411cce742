"""Read one posting from a file or stdin: bounded, UTF-8, never binary, never empty."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cxcs.errors import InputError, UsageError

MAX_INPUT_BYTES = 1_000_000
"""Only this much of one posting is read; longer input is classified from its start."""

MAX_COUNT_BYTES = 256 * 1024 * 1024
"""Past the first MAX_INPUT_BYTES, input is only counted (for the message), up to this much."""

_CHUNK = 1 << 20


@dataclass(frozen=True)
class PostingText:
    """Decoded posting text and how much of the input it covers."""

    text: str
    bytes_read: int
    bytes_total: int
    total_known: bool = True
    """False when the input went on past MAX_COUNT_BYTES: ``bytes_total`` is a lower bound."""

    @property
    def truncated(self) -> bool:
        return self.bytes_total > self.bytes_read


def read_posting(source: str | None) -> PostingText:
    """Read ``source`` (a path, ``-`` or None for piped stdin) as posting text."""
    if source is None or source == "-":
        if sys.stdin is None:
            raise UsageError(
                "no input: stdin is closed; give a FILE, e.g. 'cxcs classify posting.txt'"
            )
        if source is None and sys.stdin.isatty():
            raise UsageError(
                "no input: give a FILE, '-' for stdin, or pipe a posting in "
                "(e.g. 'cxcs classify posting.txt' or 'pbpaste | cxcs classify')"
            )
        try:
            if sys.stdin.isatty():  # typed in: ends at the first Ctrl-D
                head, total = _read_interactive(sys.stdin.buffer)
                return decode(head, total, "stdin")
            return _decode_stream(sys.stdin.buffer, "stdin")
        except OSError as exc:
            raise InputError(f"stdin: cannot read ({exc.strerror or exc})") from None
    with open_binary(source) as handle:
        try:
            return _decode_stream(handle, source)
        except OSError as exc:
            raise InputError(f"{source}: cannot read ({exc.strerror or exc})") from None


def open_binary(path: str) -> BinaryIO:
    """Open a file the user named; missing, unreadable or a directory is a usage error."""
    source = Path(path)
    if source.is_dir():
        raise UsageError(f"{path}: is a directory, not a file")
    try:
        return source.open("rb")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except PermissionError:
        raise UsageError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _decode_stream(stream: BinaryIO, name: str) -> PostingText:
    head, total, total_known = _read_bounded(stream)
    return decode(head, total, name, total_known)


def _read_interactive(stream: BinaryIO) -> tuple[bytes, int]:
    """What is typed on a terminal up to the first end-of-file (Ctrl-D): one raw read at a
    time (a line, as typed), so the first empty read ends the input; ``read(n)`` would wait
    for n bytes across Ctrl-Ds and need a second one."""
    read = getattr(stream, "read1", stream.read)
    chunks: list[bytes] = []
    size = 0
    while chunk := read(_CHUNK):
        chunks.append(chunk)
        size += len(chunk)
    data = b"".join(chunks)
    return data[:MAX_INPUT_BYTES], size


def _read_bounded(stream: BinaryIO) -> tuple[bytes, int, bool]:
    """The first MAX_INPUT_BYTES of ``stream``, its total size, and whether that is exact.

    The rest is drained only to count it, and only up to MAX_COUNT_BYTES, so an endless
    stream (``yes | cxcs classify``) cannot hang; binary data is refused before draining, so
    ``/dev/zero`` cannot either.
    """
    head = stream.read(MAX_INPUT_BYTES)
    if b"\x00" in head:
        return head, len(head), True  # refused by decode(); no point reading on
    total = len(head)
    while total < MAX_COUNT_BYTES:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return head, total, True
        total += len(chunk)
    return head, total, not stream.read(1)


def decode(data: bytes, total: int, name: str, total_known: bool = True) -> PostingText:
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
    return PostingText(text, len(data), total, total_known)
