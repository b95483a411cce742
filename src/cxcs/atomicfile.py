"""Write an output file all or nothing: into a temporary file beside it, renamed into place
only when every byte is written (compressed when the name ends in ``.gz``, ``.bz2`` or
``.xz``); a device or a pipe (``/dev/stdout``) is written as it is."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cxcs.errors import OutputError, UsageError


def check_output_path(output: Path | None) -> None:
    """Fail early (usage error) when ``--output`` cannot be written."""
    if output is None:
        return
    if output.is_dir():
        raise UsageError(f"--output {output}: is a directory")
    parent = output.parent if str(output.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"--output {output}: directory {parent} does not exist")


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it into place."""
    with atomic_text_file(path) as handle:
        handle.write(text)


def replaced_file(path: Path) -> Path | None:
    """The regular file an atomic write of ``path`` replaces: ``path`` itself, or the file a
    symbolic link names (the link stays a link); None when ``path`` is a stream to write
    into as it is (``/dev/stdout``, ``/dev/null``, a named pipe): replacing those would
    swap a device or a pipe for a file."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:  # not there yet (or a dangling link): created where it points
        return Path(os.path.realpath(path))
    return Path(os.path.realpath(path)) if stat.S_ISREG(mode) else None


@contextlib.contextmanager
def atomic_text_file(path: Path) -> Iterator[IO[str]]:
    """A text stream that becomes ``path`` only when the block finishes without error.

    On any failure, Ctrl-C included, the temporary file is removed and ``path`` is untouched.
    A ``path`` that is a stream (see :func:`replaced_file`) is written to directly.
    """
    with atomic_file(path, "w", encoding="utf-8", newline="") as handle:
        yield handle


@contextlib.contextmanager
def atomic_file(path: Path, mode: str, **text: Any) -> Iterator[IO[Any]]:
    """Like :func:`atomic_text_file`, for ``open``'s ``mode`` (``"w"`` with ``text``, or ``"wb"``).
    A name ending in ``.gz``, ``.bz2`` or ``.xz`` is written compressed."""
    import tempfile

    check_output_path(path)
    final = replaced_file(path)
    if final is None:
        with (
            _failing_as_output(path),
            open(path, "wb") as stream,
            _encoded(stream, path, mode, text) as handle,
        ):
            yield handle
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    except OSError as exc:  # e.g. a read-only directory: name the output, not the temp file
        raise cannot_write(path, exc) from None
    try:
        _give_default_mode(fd)
        with _failing_as_output(path):
            with os.fdopen(fd, "wb") as raw:
                with _encoded(raw, path, mode, text) as handle:
                    yield handle
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _encoded(raw: IO[bytes], path: Path, mode: str, text: dict[str, Any]) -> Iterator[IO[Any]]:
    """What the caller writes to: ``raw`` itself, or through a compressor (by ``path``'s
    suffix) and, for text, an encoder; all flushed into ``raw`` (left open) at the end."""
    import io

    from cxcs.compressed import compressing

    packed = compressing(raw, path.name)
    stream: IO[Any] = packed if "b" in mode else io.TextIOWrapper(packed, **text)
    yield stream
    stream.flush()
    if stream is not packed:
        stream.detach()  # type: ignore[attr-defined]
    if packed is not raw:
        packed.close()  # the compressor's end marks; ``raw`` stays open


@contextlib.contextmanager
def _failing_as_output(path: Path) -> Iterator[None]:
    """An OS error in the block (a full disk, say) becomes an :class:`OutputError` naming
    ``path``; a closed pipe stays what it is."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        raise cannot_write(path, exc) from None


def cannot_write(path: Path, exc: OSError) -> OutputError:
    """The output error for a failed write of ``path``."""
    return OutputError(f"cannot write {path}: {exc.strerror or exc}")


def _give_default_mode(fd: int) -> None:
    """mkstemp creates the file 0600; give it the mode ``open()`` would (0666 minus umask)."""
    mask = os.umask(0)
    os.umask(mask)
    with contextlib.suppress(AttributeError, OSError):
        os.fchmod(fd, 0o666 & ~mask)
