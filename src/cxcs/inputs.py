"""Read one posting from a file or stdin: bounded, UTF-8, never binary, never empty; and the
hazards of batch input (over-long lines, UTF-16, the output being the input)."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, NamedTuple

from cxcs.errors import DamagedData, InputError, UsageError

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


def read_posting(source: str | None, output: Path | None = None) -> PostingText:
    """Read ``source`` (a path, ``-`` or None for piped stdin) as posting text; refused when
    the result would be written over it (``output``, or stdout when ``output`` is None)."""
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
        refuse_output_is_input(sys.stdin.buffer, output, "stdin")
        with reading("stdin"):
            if sys.stdin.isatty():  # typed in: ends at the first Ctrl-D
                head, total = _read_interactive(sys.stdin.buffer)
                return decode(head, total, "stdin")
            return _decode_stream(sys.stdin.buffer, "stdin")
    with open_binary(source) as handle:
        refuse_output_is_input(handle, output, source)
        with reading(source):
            return _decode_stream(handle, source)


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
        raise cannot_read(path, exc) from None


def _decode_stream(stream: BinaryIO, name: str) -> PostingText:
    """The posting in ``stream``, decompressed first when it is gzip, bzip2 or xz data."""
    from cxcs.compressed import decompressed

    head, total, total_known = _read_bounded(decompressed(stream, name))
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


def _read_bounded(stream: IO[bytes]) -> tuple[bytes, int, bool]:
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
    wide = wide_encoding(data[:64])
    if wide is not None:
        raise InputError(
            f"{name}: looks like {wide}, not UTF-8; convert it first, e.g. with "
            f"'iconv -f {wide} -t UTF-8'"
        )
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


# --------------------------------------------------------------------------- batch input hazards

MAX_LINE_BYTES = 8 * 1024 * 1024
"""Longest batch line read; a longer JSONL line becomes an error record (``line_too_long``)."""

MAX_SKIP_BYTES = 256 * 1024 * 1024
"""How far past MAX_LINE_BYTES an over-long line is skipped looking for its end."""

_WIDE_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32LE",
    b"\x00\x00\xfe\xff": "UTF-32BE",
    b"\xff\xfe": "UTF-16LE",
    b"\xfe\xff": "UTF-16BE",
}
"""Byte-order marks of text wider than a byte, longest first (UTF-32LE's starts as
UTF-16LE's does), and the encoding each marks, as iconv names it."""

_PACKED = {
    b"PK\x03\x04": "a zip archive (an Excel .xlsx file is one): unzip it, or save the sheet as CSV",
    b"\x28\xb5\x2f\xfd": "zstd-compressed data: decompress it first, e.g. 'zstd -dc FILE | "
    "{command}'",
}
"""First bytes of packed data cxcs does not read, and what to do instead (``{command}``:
the command that reads it from stdin)."""


class Unreadable(NamedTuple):
    """Stands for the rest of an input that cannot be read: compressed data damaged (or cut
    short) from this line on."""

    reason: str


BatchLine = bytes | int | Unreadable
"""A line of batch input as read: its bytes, the length of a line too long to read, or
where the input stopped being readable."""


def bounded_lines(stream: IO[bytes], name: str, limit: int = MAX_LINE_BYTES) -> Iterator[BatchLine]:
    """The lines of ``stream``, each at most ``limit`` bytes. An over-long line is skipped
    (never held in memory) and yields its length in bytes instead; a line with no end in
    sight (``/dev/zero``) stops the run with an input error. Compressed data damaged from
    some point on ends the lines with an :class:`Unreadable`: every line before it counts."""
    try:
        yield from _bounded_lines(stream, name, limit)
    except DamagedData as exc:
        yield Unreadable(exc.message)


def unreadable_from(line: int, reason: str) -> str:
    """What an error row says where damaged compressed data stops the input."""
    return f"{reason}; the input cannot be read from line {line} on"


def _bounded_lines(stream: IO[bytes], name: str, limit: int) -> Iterator[bytes | int]:
    number = 0
    while True:
        line = _read_line(stream, limit + 1, name)
        if not line:
            return
        number += 1
        if len(line) <= limit or (len(line) == limit + 1 and line.endswith(b"\n")):
            yield line
            continue
        size = len(line)
        while not line.endswith(b"\n"):
            line = _read_line(stream, _CHUNK, name)
            if not line:
                break
            size += len(line)
            if size > limit + MAX_SKIP_BYTES:
                raise InputError(
                    f"{name}: line {number} has no end after {size:,} bytes; is this a JSONL file?"
                )
        yield size


@contextlib.contextmanager
def reading(name: str) -> Iterator[None]:
    """A failing read in the block (a disk error, say) becomes an input error naming the
    input, not an output error."""
    try:
        yield
    except OSError as exc:
        raise cannot_read(name, exc) from None


def cannot_read(name: str, exc: OSError) -> InputError:
    """The input error for a failed read of the input ``name``."""
    return InputError(f"{name}: cannot read ({exc.strerror or exc})")


IDLE_MS = 100
"""How long a live input may stay silent before the rows read so far are written."""


class LiveInput:
    """A pipe, terminal or socket, watched for silences: called, it tells whether the
    producer has had nothing more for :data:`IDLE_MS` (waiting that long at most), and
    :attr:`silent` keeps that last answer for whoever acts on it next."""

    def __init__(self, fd: int) -> None:
        import select

        self._poller = select.poll()
        self._poller.register(fd, select.POLLIN)
        self.silent = False

    def __call__(self) -> bool:
        # A producer that is only slower than cxcs for a moment (``cat`` waiting for its
        # turn on a busy machine) refills the pipe within IDLE_MS: only a longer silence
        # counts, so a fast pipe is read in full chunks. Data still in the reader's own
        # buffer is not seen here: a chunk may then be cut early, which only makes it
        # smaller.
        try:
            self.silent = not self._poller.poll(IDLE_MS)
        except OSError:
            self.silent = False
        return self.silent


def waiting_check(stream: IO[bytes]) -> LiveInput | None:
    """For input from a pipe, terminal or socket: a :class:`LiveInput`, so that a batch
    writes the rows it has before it waits (``tail -f jobs.jsonl | cxcs classify --batch -``
    answers each posting as it comes). None where reading never waits for a producer (a
    regular file) or where the wait cannot be seen (no ``poll``, no file descriptor)."""
    import select

    if not hasattr(select, "poll"):
        return None
    try:
        fd = stream.fileno()
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return None
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        return None
    return LiveInput(fd)


def _read_line(stream: IO[bytes], size: int, name: str) -> bytes:
    with reading(name):
        return stream.readline(size)


BOM = b"\xef\xbb\xbf"
"""The UTF-8 byte-order mark some editors write first."""


def head_of(stream: IO[bytes], size: int = 4096) -> bytes:
    """Up to ``size`` first bytes of a buffered stream, left unread (``b""`` when it cannot
    look ahead)."""
    peek = getattr(stream, "peek", None)
    return peek(size)[:size] if callable(peek) else b""


def text_starts_with(stream: IO[bytes], prefix: bytes, size: int = 4096) -> bool:
    """Whether the stream's text, past a byte-order mark and blanks, starts with ``prefix``
    (looking at its first ``size`` bytes)."""
    return head_of(stream, size).removeprefix(BOM).lstrip().startswith(prefix)


def check_batch_encoding(
    stream: IO[bytes], name: str, command: str = "cxcs classify --batch -"
) -> None:
    """Refuse UTF-16/UTF-32 input (e.g. 'Unicode text' saved by Excel), packed data cxcs does
    not read (zip, zstd) and binary data with a clear message, instead of a misleading one
    about missing columns or bad rows (``command``: what reads the file from stdin, for the
    example)."""
    head = head_of(stream, 64)
    packed = next((what for magic, what in _PACKED.items() if head.startswith(magic)), None)
    if packed is not None:
        what = packed.format(command=command)
        raise InputError(f"{name}: {what}; cxcs reads gzip, bzip2 or xz itself")
    encoding = wide_encoding(head)
    if encoding is not None:
        raise InputError(
            f"{name}: looks like {encoding}, not UTF-8; convert it first, e.g. "
            f"'iconv -f {encoding} -t UTF-8 in{_suffix_of(name)} > out{_suffix_of(name)}'"
        )
    if b"\x00" in head:
        raise InputError(f"{name}: binary data (NUL bytes); give JSONL or CSV text")


def _suffix_of(name: str) -> str:
    """The file's kind as its name ends (``.jsonl`` for ``p.jsonl.gz``), for an example
    command; ``.csv`` when the name gives none (stdin)."""
    suffixes = [s for s in Path(name).suffixes if s.lower() not in {".gz", ".bz2", ".xz"}]
    last = suffixes[-1] if suffixes else ""
    return last if last[1:].isascii() and last[1:].isalnum() and len(last) <= 8 else ".csv"


def wide_encoding(head: bytes) -> str | None:
    """The encoding, as iconv names it (``UTF-16LE``), of text whose characters are wider
    than a byte (UTF-16 or UTF-32), by its byte-order mark, else by where the NUL bytes of
    its ASCII fall; None for other data (UTF-8, binary data)."""
    marked = next((e for bom, e in _WIDE_BOMS.items() if head.startswith(bom)), None)
    if marked is not None or b"\x00" not in head:
        return marked
    for width, encoding in ((2, "UTF-16"), (4, "UTF-32")):
        size = len(head) - len(head) % width
        if size < 2 * width:
            continue
        for text_at in (0, width - 1):  # little-endian text sits first in each unit
            units = [head[i : i + width] for i in range(0, size, width)]
            text = [u[text_at] for u in units]
            pads = [u[:text_at] + u[text_at + 1 :] for u in units]
            if all(b and not p.strip(b"\x00") for b, p in zip(text, pads, strict=True)):
                return f"{encoding}{'LE' if text_at == 0 else 'BE'}"
    return None


def refuse_output_is_input(stream: IO[bytes], output: Path | None, name: str) -> None:
    """Refuse to write where the input is read from (same device and inode): ``-o`` naming
    the input would replace it, and ``>> input`` would read its own records back for ever.
    ``name``: what the error calls the input (``-`` is stdin)."""
    try:
        source = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return
    if not stat.S_ISREG(source.st_mode):
        return
    targets: list[tuple[str, os.stat_result]] = []
    if output is not None:
        with contextlib.suppress(OSError):
            targets.append((f"--output {output}", os.stat(output)))
    else:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            if sys.stdout is not None:
                targets.append(("stdout", os.fstat(sys.stdout.fileno())))
    for what, target in targets:
        if (target.st_dev, target.st_ino) == (source.st_dev, source.st_ino):
            raise UsageError(
                f"{'stdin' if name == '-' else name}: {what} is the input file itself; write "
                "the results somewhere else"
            )
