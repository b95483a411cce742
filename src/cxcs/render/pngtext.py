"""Text chunks in a PNG: the map's picture carries the versions it was drawn from.

A PNG's pixels show a short digest in the footer; :func:`with_text` adds UTF-8 ``iTXt``
chunks (PNG specification, 11.3.4.5) after the header, so the tool version and the knowledge
version and full sha256 can be read back by a program (``exiftool``, Pillow's ``.text``).
"""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def with_text(png: bytes, entries: dict[str, str]) -> bytes:
    """``png`` with one uncompressed ``iTXt`` chunk per entry (keyword: 1-79 Latin-1
    characters; text: any) right after its ``IHDR`` chunk."""
    if not png.startswith(SIGNATURE) or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    (length,) = struct.unpack(">I", png[8:12])
    after_header = 8 + 12 + length
    chunks = b"".join(
        _chunk(b"iTXt", key.encode("latin-1") + b"\0\0\0\0\0" + text.encode("utf-8"))
        for key, text in entries.items()
    )
    return png[:after_header] + chunks + png[after_header:]


def read_text(png: bytes) -> dict[str, str]:
    """The ``iTXt`` entries of ``png`` (uncompressed ones, as :func:`with_text` writes)."""
    found, at = {}, len(SIGNATURE)
    while at + 8 <= len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        if kind == b"iTXt":
            key, _, rest = data.partition(b"\0")
            if rest[:1] == b"\0":  # not compressed
                _, _, rest = rest[2:].partition(b"\0")  # language tag
                _, _, text = rest.partition(b"\0")  # translated keyword
                found[key.decode("latin-1")] = text.decode("utf-8", "replace")
        at += 12 + length
    return found
