"""The one HTML document every ``--format html`` output is.

Every command's HTML (the report tables of ``list``, ``classify``, ``summarize``..., the
compare report, the map page) is a body inside :func:`document`: the same ``<head>`` and
stylesheet, a header with the title, a footer with the tool and knowledge versions. Inline
CSS, no scripts, nothing fetched. All text reaches HTML through :func:`text`, which shows
control characters as escapes (:func:`cxcs.safe_text.visible`) and escapes markup; text in the
page's body goes through :func:`words`, which also lets a very long word (a 300-character
name, a URL) break. On a narrow screen nothing runs off the page: every table sits in a box
that scrolls sideways (:func:`wide`), and the map's chart is swapped for one drawn for a
narrow screen (below 62rem, where the slide chart would shrink its text below 12 pixels).
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from cxcs.render.view import footer
from cxcs.safe_text import visible

STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;
color:#1f2328;background:#fff;max-width:72rem;margin:2rem auto;padding:0 1rem;line-height:1.45;
overflow-wrap:break-word}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:1.6rem}
.wide{overflow-x:auto;margin:.4rem 0 1rem}table{border-collapse:collapse;width:100%}
table.pairs{width:auto;min-width:min(100%,24rem)}
svg{max-width:100%;height:auto}
.chart-narrow{display:none}.chart-narrow svg{width:100%;max-width:36rem}
@media (max-width:62rem){.chart-wide{display:none}.chart-narrow{display:block}}
th,td{border:1px solid #d0d7de;padding:.35rem .55rem;vertical-align:top;text-align:left}
th{background:#f6f8fa}
.bar{display:inline-block;height:.7rem;background:#0969da;border-radius:2px}
.score,.number{white-space:nowrap}
.item{display:inline-block;padding-left:1.2em;text-indent:-1.2em}
.similarity{font-size:1.3rem;font-weight:600}
.verdict{font-weight:600;white-space:nowrap}
.v-same{background:#dafbe1;color:#116329}.v-near,.v-overlap{background:#fff8c5;color:#7d4e00}
.v-far,.v-different{background:#ffebe9;color:#a40e26}.v-context{color:#57606a}
.disputed{border-left:4px solid #bf8700}
sup{color:#0969da}.footnotes{font-size:.85rem;color:#57606a}
.note{color:#57606a;font-size:.9rem}
footer{color:#656d76;font-size:.8rem;margin-top:2rem;overflow-wrap:anywhere}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}
tr{break-inside:avoid}.wide{overflow:visible}th,td{padding:.25rem .35rem}td{overflow-wrap:anywhere}
.verdict{white-space:normal}.chart-wide{display:block}.chart-narrow{display:none}}
"""


def text(value: str) -> str:
    """``value`` as HTML text: controls (ESC, C1, DEL, bidi overrides) shown as escapes such
    as ``\\x1b``, lone surrogates replaced, ``& < > " '`` escaped."""
    return escape(visible(value), quote=True)


LONG_WORD = 30
"""A run of more characters than this without a space gets break opportunities (``<wbr>``)."""
WORD_PIECE = 20
"""How many characters of a long word go between two break opportunities."""
_LONG_RUN = re.compile(rf"\S{{{LONG_WORD + 1},}}")
_JOINERS = "\u200c\u200d\ufe0e\ufe0f"
"""Characters that bind to their neighbours (zero-width joiners, variation selectors)."""


def _pieces(word: str) -> list[str]:
    """``word`` cut into pieces of about :data:`WORD_PIECE` characters, never before a
    combining mark or a joiner, nor after a joiner (an emoji sequence stays whole)."""
    import unicodedata

    pieces, start = [], 0
    for at in range(WORD_PIECE, len(word)):
        if at - start < WORD_PIECE:
            continue
        before, after = word[at - 1], word[at]
        if after in _JOINERS or before in _JOINERS or unicodedata.combining(after):
            continue
        pieces.append(word[start:at])
        start = at
    pieces.append(word[start:])
    return pieces


def words(value: str) -> str:
    """:func:`text` for the page's body: a word longer than :data:`LONG_WORD` characters also
    gets a ``<wbr>`` every :data:`WORD_PIECE` characters, so it wraps in a heading or a table
    cell instead of running off the page (and making a table as wide as the word); a † is
    joined to the word before it by a no-break space, so it never starts a line alone. Not
    for ``<title>``, attributes or SVG, where ``<wbr>`` is not markup."""
    shown = visible(value).replace(" †", "\u00a0†")  # a mark stays with its word
    if len(shown) <= LONG_WORD:
        return escape(shown, quote=True)
    parts, at = [], 0
    for match in _LONG_RUN.finditer(shown):
        parts.append(escape(shown[at : match.start()], quote=True))
        parts.append("<wbr>".join(escape(p, quote=True) for p in _pieces(match.group())))
        at = match.end()
    parts.append(escape(shown[at:], quote=True))
    return "".join(parts)


def lines(value: str, *, hang: bool = False) -> str:
    """:func:`words`, with line breaks as ``<br>``; with ``hang``, the lines of a list
    (several lines) each an ``item`` whose wrapped part hangs in, so it does not read as
    the next one."""
    parts = value.split("\n")
    if len(parts) == 1 or not hang:
        return "<br>".join(words(line) for line in parts)
    return "<br>".join(f'<span class="item">{words(line)}</span>' for line in parts)


def wide(body: str) -> str:
    """``body`` (HTML) with every table put in a ``.wide`` box that scrolls sideways when the
    table is wider than the screen. User text is escaped, so every ``<table`` is ours."""
    return body.replace("<table", '<div class="wide"><table').replace("</table>", "</table></div>")


def document(title: str, body: str, meta: dict[str, Any], *, heading: bool = True) -> str:
    """The standalone page: ``title`` (text, escaped here) in ``<title>`` and, with
    ``heading`` (not for a picture that draws its own title), as the header's ``<h1>``;
    ``body`` (HTML, already escaped) in ``<main>``; the versions in the footer."""
    header = f"<header><h1>{words(title)}</h1></header>\n" if heading else ""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta name="generator" content="cxcs {text(str(meta["tool_version"]))}">'
        f"<title>{text(title)}</title><style>{STYLE}</style></head>\n"
        f"<body>{header}<main>\n{wide(body)}\n</main>\n"
        f"<footer>{text(footer(meta, full_hash=True))}</footer></body></html>\n"
    )
