"""A JSON array of postings (``[{...}, {...}]``) read as batch lines: each element in turn,
as its own JSON text, so a batch treats an array as it treats JSON Lines. The array is read
piece by piece, never held whole in memory. In an array, a row's ``line`` is the element's
number (1 = the first).

An element that is not an object, or over the size limit of a line, becomes an error row
like such a JSONL line; where the array itself breaks off (bad JSON, no closing ``]``, an
element still growing past the size limit), one error row says where, and every element
before it counts.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Iterator
from typing import IO, Any

from cxcs.errors import DamagedData
from cxcs.inputs import (
    MAX_LINE_BYTES,
    BatchLine,
    Unreadable,
    bounded_lines,
    reading,
    text_starts_with,
)

READ_SIZE = 1024 * 1024
_BLANK = " \t\r\n"
_DECODER = json.JSONDecoder()


def starts_an_array(stream: IO[bytes]) -> bool:
    """Whether the input's first character (past a byte-order mark and blanks) is ``[``."""
    return text_starts_with(stream, b"[")


def json_lines(stream: IO[bytes], name: str) -> Iterator[BatchLine]:
    """The batch lines of a JSON input: the elements of an array, else its lines."""
    if starts_an_array(stream):
        return _array_or_lines(stream, name)
    return bounded_lines(stream, name)


def _array_or_lines(stream: IO[bytes], name: str) -> Iterator[BatchLine]:
    """An input that starts with ``[``: JSON Lines when its first line is a whole JSON value
    and more follows on later lines (a header line, or every line an array), else one
    array. Only the first line and the blank lines after it are read to tell."""
    read: list[bytes] = []
    try:
        with reading(name):
            first = stream.readline(MAX_LINE_BYTES + 1)
            read.append(first)
            if first.endswith(b"\n") and _is_json(first):
                while (line := stream.readline(MAX_LINE_BYTES + 1)) and not line.strip():
                    read.append(line)
                if line:  # more data: JSON Lines
                    yield from read
                    yield line
                    yield from bounded_lines(stream, name)
                    return
    except DamagedData as exc:
        yield Unreadable(exc.message)
        return
    yield from array_elements(_Prefixed.of(b"".join(read), stream), name)


def _is_json(line: bytes) -> bool:
    """Whether ``line`` holds one whole JSON value."""
    try:
        json.loads(line)
    except (ValueError, RecursionError):
        return False
    return True


class _Prefixed(io.RawIOBase):
    """``head`` (bytes already read from ``stream``), then the rest of ``stream``."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        super().__init__()
        self._head, self._stream = memoryview(head), stream

    @classmethod
    def of(cls, head: bytes, stream: IO[bytes]) -> IO[bytes]:
        """``stream`` with ``head`` put back in front of it, as a buffered stream."""
        return io.BufferedReader(cls(head, stream))

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = getattr(self._stream, "read1", self._stream.read)(len(buffer))  # never waits
        buffer[: len(data)] = data  # for more than a live input has
        return len(data)


class _Reader:
    """The input decoded so far and the position reached in it (invalid UTF-8 is kept as
    surrogate escapes, so that the element holding it fails as a bad JSONL line would).
    Reading on forgets the text before the position, so memory holds about one piece."""

    def __init__(self, stream: IO[bytes], name: str) -> None:
        self.stream, self.name = stream, name
        self.text, self.at, self.ended = "", 0, False
        self.lines_before = self.line_so_far = 0  # of the text already dropped
        self._decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")

    def more(self) -> bool:
        """Read the next piece (False at the end of the input)."""
        if self.ended:
            return False
        with reading(self.name):
            data = self.stream.read(READ_SIZE)
        self._forget_read()
        self.ended = not data
        self.text += self._decoder.decode(data, final=self.ended)  # a piece may cut a character
        return not self.ended

    def _forget_read(self) -> None:
        """Drop the text before the position, keeping count of its lines and columns."""
        dropped = self.text[: self.at]
        self.lines_before += dropped.count("\n")
        last_break = dropped.rfind("\n")
        if last_break >= 0:
            self.line_so_far = len(dropped) - last_break - 1
        else:
            self.line_so_far += len(dropped)
        self.text, self.at = self.text[self.at :], 0

    def skip_blanks(self) -> str:
        """Move past blanks (reading on as needed); the character reached ("" at the end)."""
        while True:
            text, at = self.text, self.at
            while at < len(text) and text[at] in _BLANK:
                at += 1
            self.at = at
            if at < len(text) or not self.more():
                return self.text[self.at : self.at + 1]

    def where(self, at: int) -> str:
        """``line L, column C`` of position ``at`` in the input."""
        line = self.lines_before + self.text.count("\n", 0, at) + 1
        last_break = self.text.rfind("\n", 0, at)
        column = at - last_break if last_break >= 0 else self.line_so_far + at + 1
        return f"line {line}, column {column}"


def array_elements(
    stream: IO[bytes], name: str, limit: int = MAX_LINE_BYTES
) -> Iterator[BatchLine]:
    """Each element of the JSON array in ``stream`` as UTF-8 bytes; where the array cannot
    be read further, an :class:`~cxcs.inputs.Unreadable` saying why, and nothing after it."""
    try:
        yield from _elements(_Reader(stream, name), limit)
    except DamagedData as exc:
        yield Unreadable(exc.message)


def _elements(reader: _Reader, limit: int) -> Iterator[BatchLine]:
    reader.skip_blanks()
    if reader.text.startswith("\ufeff"):  # a UTF-8 byte-order mark
        reader.at += 1
    if reader.skip_blanks() != "[":
        yield Unreadable(_broken(reader, "expected '['"))
        return
    reader.at += 1
    if reader.skip_blanks() == "]":
        yield from _after_the_end(reader)
        return
    while True:
        end = _element_end(reader, limit)
        if isinstance(end, Unreadable):
            yield end
            return
        element = reader.text[reader.at : end].encode("utf-8", "surrogateescape")
        # over the limit, its size stands for it: skipped, as a JSONL line that long is
        yield element if len(element) <= limit else len(element)
        reader.at = end
        following = reader.skip_blanks()
        if following == "]":
            yield from _after_the_end(reader)
            return
        if following != ",":
            yield Unreadable(_broken(reader, "expected ',' or ']'"))
            return
        reader.at += 1
        reader.skip_blanks()


def _after_the_end(reader: _Reader) -> Iterator[BatchLine]:
    """Past the closing ``]``, only blanks may follow."""
    reader.at += 1
    if reader.skip_blanks():
        yield Unreadable(f"data after the JSON array's end at {reader.where(reader.at)}")


def _element_end(reader: _Reader, limit: int) -> int | Unreadable:
    """Where the element at the reader's position ends, reading on until it is whole."""
    while True:
        try:
            _, end = _DECODER.raw_decode(reader.text, reader.at)
        except json.JSONDecodeError as exc:
            if reader.ended:
                return Unreadable(_broken(reader, exc.msg, exc.pos))
        else:  # a number that ends where the text read so far ends might go on
            if end < len(reader.text) or reader.ended:
                return end
        if len(reader.text) - reader.at > limit:
            return Unreadable(f"a JSON array element over the {limit:,}-byte limit")
        reader.more()


def _broken(reader: _Reader, what: str, at: int | None = None) -> str:
    """Why the array cannot be read on from ``at`` (default: the reader's position)."""
    at = reader.at if at is None else at
    if at >= len(reader.text):
        return "the JSON array ends without ']'"
    return f"the JSON array breaks off at {reader.where(at)} ({what})"
