"""Text safety: user text (postings, batch rows, overlays, names) is data in every output.

Every writer passes user-provided strings through one of these functions, so a posting or an
overlay can never clear a terminal, set the clipboard (OSC 52), plant a link (OSC 8), run
HTML in a markdown preview, start a spreadsheet formula, or crash an encoder:

- :func:`writable`: lone surrogates (possible from JSON ``\\ud800`` escapes or undecodable
  bytes) become U+FFFD, so every string can be encoded as UTF-8.
- :func:`visible`: C0 and C1 control characters (ESC, BEL, CSI, DEL, ...; not tab or line
  breaks) and the bidirectional overrides, embeddings and isolates (U+202A-U+202E,
  U+2066-U+2069) are shown as escapes such as ``\\x1b`` or ``\\u202e`` instead of being sent
  raw; CR and CRLF become LF (a bare CR would send a terminal's cursor back to the start of
  the line, to print over it). Used for the terminal, markdown, CSV, HTML and stderr.
- :func:`one_line`: :func:`visible`, plus tabs and line breaks escaped (``\\n``): messages
  on stderr and in JSON error documents stay one line. Invisible characters (zero-width
  space and joiners, the left-to-right and right-to-left marks, word joiner, byte-order
  mark, soft hyphen, tag characters) are escaped there too: a name that differs by one
  would otherwise read as the name it is not. :func:`visible` leaves them, as emoji and
  several scripts need the joiners.
- :func:`markdown_text`: :func:`visible`, plus ``&``, ``<`` and ``>`` as HTML entities, so no
  raw HTML reaches a CommonMark renderer, and the characters that make inline markup
  (``\\ ` * [ ] ~ |``, and ``_`` but between letters or digits, where it never marks
  emphasis) escaped with a backslash, so no link, image (which a preview would fetch),
  emphasis, code or strikethrough comes from user text.
- :func:`csv_cell`: :func:`visible`, plus OWASP's formula neutralisation: a cell starting with
  ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'`` so spreadsheets
  read it as text (a plain signed number such as ``-5`` stays as written: it is no
  formula, and an id must join back); line breaks are LF, as :func:`visible` makes them
  (the csv writer quotes them).
- :func:`rich_text`: a :class:`rich.text.Text` (never markup) of :func:`visible` text.
- :func:`json_text`: JSON as ``json.dumps(..., ensure_ascii=False)`` writes it, with what
  that leaves raw but a terminal acts on (DEL, the C1 controls such as the 8-bit CSI
  U+009B), the bidi controls and the line separators U+0085, U+2028 and U+2029 written as
  ``\\u`` escapes: the same JSON value, safe to print.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

_BIDI = "\u202a-\u202e\u2066-\u2069"
"""Bidirectional embeddings, overrides and isolates: they reorder what a terminal, editor or
browser shows ("Trojan Source"), so text could display other than it reads."""
_CONTROLS = re.compile(f"[\\x00-\\x08\\x0b-\\x0c\\x0e-\\x1f\\x7f-\\x9f{_BIDI}]")
"""C0 controls except tab, LF and CR; DEL; C1 controls (U+0080-U+009F); bidi controls."""
_INVISIBLE = "\u00ad\u061c\u180e\u200b-\u200f\u2060-\u2064\ufeff\U000e0000-\U000e007f"
"""Characters that show nothing: soft hyphen, the Arabic letter mark, the Mongolian vowel
separator, zero-width space, non-joiner and joiner, the left-to-right and right-to-left
marks, word joiner and invisible operators, the byte-order mark, tag characters."""
_LINE_CONTROLS = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029{_BIDI}{_INVISIBLE}]")
"""Every C0/C1 control and DEL, the Unicode line and paragraph separators, bidi controls,
invisible characters."""
_JSON_RAW = f"[\\x7f-\\x9f\\u2028\\u2029{_BIDI}]"
"""What ``json.dumps(ensure_ascii=False)`` leaves raw that :func:`json_text` escapes; compiled
on first use, like ``_SURROGATES``."""
_SURROGATES = r"[\ud800-\udfff]"
"""Compiled on first use (``re`` caches it): only text holding a lone surrogate needs it, and
compiling a range past U+00FF costs about as much as the rest of this module."""
_MARKDOWN_MARKS = re.compile(r"[\\`*\[\]~|]")
"""What starts or ends inline markup in CommonMark and GFM (with ``_``, escaped apart)."""
_UNDERSCORES = re.compile("_+")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Cell starts a spreadsheet reads as a formula (OWASP CSV injection guidance)."""
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
"""A signed decimal number: a spreadsheet reads it as that number, never as a formula."""


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code > 0xFFFF:
        return f"\\U{code:08x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (and so cannot be encoded as UTF-8)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # UTF-8 encodes every code point but the surrogates
        return True
    return False


def writable(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD: always encodable as UTF-8."""
    return re.sub(_SURROGATES, "\ufffd", text) if has_surrogates(text) else text


def visible(text: str) -> str:
    """``text`` with control characters (but tab and line breaks) shown as escapes, and
    every line break LF."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub(_escape, writable(text))


def one_line(text: str) -> str:
    """``text`` on one line: every control character, tab, line break and invisible
    character escaped."""
    return _LINE_CONTROLS.sub(_escape, writable(text))


def _underscores(match: re.Match[str]) -> str:
    """A run of ``_`` escaped unless it joins two letters or digits (``first_response``)."""
    text, start, end = match.string, match.start(), match.end()
    if start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum():
        return match.group()
    return "\\_" * (end - start)


def markdown_text(text: str) -> str:
    """``text`` safe for markdown: controls escaped, markup characters backslash-escaped,
    ``& < >`` as HTML entities."""
    text = _MARKDOWN_MARKS.sub(r"\\\g<0>", visible(text))
    if "_" in text:
        text = _UNDERSCORES.sub(_underscores, text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def csv_cell(value: object) -> object:
    """A CSV cell: strings get controls escaped and a ``'`` before a formula start;
    numbers, booleans and None are returned unchanged."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        value = "'" + value
    # a bare CR would end the record for a reader, unquoted: visible makes it LF (quoted)
    return visible(value)


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(encoded: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with DEL, C1 controls, bidi
    controls and line separators as ``\\u`` escapes. They only occur inside strings, so the
    JSON value is unchanged."""
    if encoded.isascii() and "\x7f" not in encoded:
        return encoded  # the usual case, found at C speed
    return re.sub(_JSON_RAW, _json_escape, encoded)


def rich_text(text: str, style: str = "") -> Text:
    """``text`` as a rich Text (never parsed as markup), controls escaped."""
    from rich.text import Text

    return Text(visible(text), style=style)


GLYPHS = {
    "█": "#", "·": ".", "→": "->", "←": "<-", "↑": "^", "↓": "v", "⟷": "<->", "↔": "<->",
    "⚠": "!", "—": "--", "–": "-", "…": "...", "✓": "+", "✗": "x", "≥": ">=", "≤": "<=",
    "×": "x", "‘": "'", "’": "'", "“": '"', "”": '"', "•": "*", "±": "+/-",
}  # fmt: skip
"""ASCII stand-ins for the glyphs cxcs prints, used when stdout cannot encode them."""
ERROR_HANDLER = "cxcs-glyphs"


def _glyph_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a known glyph becomes its ASCII stand-in, anything else a
    backslash escape (``\\u00e9``), so output never fails on a narrow encoding."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    parts = []
    for char in error.object[error.start : error.end]:
        stand_in = GLYPHS.get(char)
        if stand_in is None:
            code = ord(char)
            stand_in = f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
            if code > 0xFFFF:
                stand_in = f"\\U{code:08x}"
        parts.append(stand_in)
    return "".join(parts), error.end


def fit_stream_encoding(stream: object) -> None:
    """Let ``stream`` (stdout or stderr) fall back to ASCII glyphs when its encoding (e.g.
    ``PYTHONIOENCODING=ascii``) cannot encode what cxcs prints, instead of failing."""
    import codecs

    encoding = getattr(stream, "encoding", None)
    reconfigure = getattr(stream, "reconfigure", None)
    if not encoding or reconfigure is None:
        return
    try:
        "".join(GLYPHS).encode(encoding)
        return  # UTF-8 and friends: nothing to do
    except (UnicodeEncodeError, LookupError):
        pass
    try:
        codecs.lookup_error(ERROR_HANDLER)
    except LookupError:
        codecs.register_error(ERROR_HANDLER, _glyph_fallback)
    try:
        reconfigure(errors=ERROR_HANDLER)
    except (ValueError, OSError, TypeError):
        return
