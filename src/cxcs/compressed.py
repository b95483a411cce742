"""Compressed batch input: ``postings.jsonl.gz`` (or ``.bz2``, ``.xz``) is read as it is.

The compression is recognised by the stream's first bytes, never by the name alone, so a
compressed file piped to ``--batch -`` works too. The decompressed stream is buffered
(``peek`` works, so the input kind and encoding checks look at the data, not at the
compressed bytes), reports damaged data as an input error naming the file, and tells how
much of the compressed file has been read (for the progress bar).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any

from cxcs.errors import InputError

MAGIC = {b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"\xfd7zXZ\x00": "xz"}
"""First bytes of each compression cxcs reads."""
SUFFIXES = (".gz", ".bz2", ".xz")
"""Name endings that say the file is compressed (the input kind is read before them)."""


def compression_of(stream: IO[bytes]) -> str | None:
    """The compression of a buffered binary stream, by its first bytes (None: none)."""
    peek = getattr(stream, "peek", None)
    head = peek(8) if callable(peek) else b""
    return next((name for magic, name in MAGIC.items() if head.startswith(magic)), None)


def decompressed(stream: IO[bytes], name: str) -> IO[bytes]:
    """``stream`` decompressed when it is compressed (see :data:`MAGIC`), else itself."""
    compression = compression_of(stream)
    if compression is None:
        return stream
    return io.BufferedReader(_Decompressing(stream, compression, name), buffer_size=1 << 16)


class _Decompressing(io.RawIOBase):
    """Raw reads of the decompressed data; damaged data is an :class:`InputError`."""

    def __init__(self, source: IO[bytes], compression: str, name: str) -> None:
        super().__init__()
        self._source = source
        self._name = name
        self.compression = compression
        self._reader, damaged = _reader(source, compression)
        self._damaged: tuple[type[Exception], ...] = (OSError, EOFError, *damaged)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._reader.read(len(buffer))
        except self._damaged as exc:
            raise InputError(f"{self._name}: damaged {self.compression} data ({exc})") from None
        buffer[: len(data)] = data
        return len(data)

    def fileno(self) -> int:
        """The compressed file's descriptor (to tell whether the output is the input)."""
        return self._source.fileno()

    def consumed(self) -> int:
        """How many bytes of the compressed file have been read so far."""
        return self._source.tell()

    def close(self) -> None:
        if not self.closed:
            self._reader.close()
            self._source.close()
        super().close()


def _reader(
    source: IO[bytes], compression: str
) -> tuple[io.BufferedIOBase, tuple[type[Exception], ...]]:
    """A decompressing reader of ``source``, and the errors it raises on damaged data
    (besides ``OSError`` and ``EOFError``: a stream that ends too soon)."""
    if compression == "gzip":
        import gzip
        import zlib

        return gzip.GzipFile(fileobj=source, mode="rb"), (zlib.error,)
    if compression == "bzip2":
        import bz2

        return bz2.BZ2File(source, mode="rb"), ()
    import lzma

    return lzma.LZMAFile(source, mode="rb"), (lzma.LZMAError,)


def is_decompressing(stream: IO[bytes]) -> bool:
    """Whether ``stream`` is compressed data being decompressed (see :func:`decompressed`)."""
    return isinstance(getattr(stream, "raw", None), _Decompressing)


def refuse_compressed_parquet(stream: IO[bytes], name: str) -> None:
    """Parquet is read from its file, which compresses inside itself: a compressed Parquet
    file is a usage error."""
    if is_decompressing(stream):
        from cxcs.errors import UsageError

        raise UsageError(f"{name}: a compressed Parquet file; give the .parquet file itself")


def consumed(stream: IO[bytes]) -> int | None:
    """How much of the compressed file under ``stream`` has been read; None when ``stream``
    is not decompressing."""
    raw = getattr(stream, "raw", None)
    return raw.consumed() if isinstance(raw, _Decompressing) else None


def compressed_progress(advance: Callable[[int], None], stream: IO[bytes]) -> Callable[[int], None]:
    """A progress callback for a decompressing ``stream``: the bar (sized by the file on
    disk) advances by the compressed bytes read, whatever size the decompressed lines are."""
    done = 0

    def step(_decompressed_bytes: int) -> None:
        nonlocal done
        now = consumed(stream) or done
        advance(now - done)
        done = now

    return step
