"""Compressed files: batch input such as ``postings.jsonl.gz`` (or ``.bz2``, ``.xz``) is
read as it is, and an ``--output`` named so is written compressed.

Input compression is recognised by the stream's first bytes, never by the name alone, so a
compressed file piped to ``--batch -`` works too. The decompressed stream is buffered
(``peek`` works, so the input kind and encoding checks look at the data, not at the
compressed bytes), reports damaged data as an input error naming the file, and tells how
much of the compressed file has been read (for the progress bar). Output compression
follows the name's ending; the format is named by the extension before it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any, cast

from cxcs.errors import DamagedData, UsageError

MAGIC = {b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"\xfd7zXZ\x00": "xz"}
"""First bytes of each compression cxcs reads."""
BY_SUFFIX = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz"}
"""Name endings that say a file is compressed: output is written so, and the input or
output kind is read from the extension before them (``labels.csv.gz``: CSV)."""
SUFFIXES = tuple(BY_SUFFIX)


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
    """Raw reads of the decompressed data; damaged data is a :class:`DamagedData` error."""

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
            # read1: what one step decodes, so data decoded before damage is never dropped
            data = self._reader.read1(len(buffer))
        except self._damaged as exc:
            raise DamagedData(f"{self._name}: damaged {self.compression} data ({exc})") from None
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
        raise UsageError(f"{name}: a compressed Parquet file; give the .parquet file itself")


def consumed(stream: IO[bytes]) -> int | None:
    """How much of the compressed file under ``stream`` has been read; None when ``stream``
    is not decompressing."""
    raw = getattr(stream, "raw", None)
    return raw.consumed() if isinstance(raw, _Decompressing) else None


def compression_by_name(name: str) -> str | None:
    """The compression a file name asks for by its ending (None: none)."""
    return BY_SUFFIX.get(_suffix_of(name) or "")


def uncompressed_name(name: str) -> str:
    """``name`` without the ending that asks for compression (``labels.csv.gz``: ``labels.csv``)."""
    suffix = _suffix_of(name)
    return name[: -len(suffix)] if suffix else name


def _suffix_of(name: str) -> str | None:
    lowered = name.lower()
    return next((suffix for suffix in SUFFIXES if lowered.endswith(suffix)), None)


def compressing(raw: IO[bytes], name: str) -> IO[bytes]:
    """A writer that compresses into ``raw`` as ``name``'s ending asks (else ``raw``);
    closing it ends the compressed data and leaves ``raw`` open. Gzip output carries no
    timestamp, so the same rows give the same bytes."""
    compression = compression_by_name(name)
    writer: io.BufferedIOBase
    if compression == "gzip":
        import gzip

        writer = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0)
    elif compression == "bzip2":
        import bz2

        writer = bz2.BZ2File(raw, mode="wb")
    elif compression == "xz":
        import lzma

        writer = lzma.LZMAFile(raw, mode="wb")  # noqa: SIM115 (the caller closes it)
    else:
        return raw
    return cast(IO[bytes], writer)


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
