"""Tokenizing: lowercase word tokens, a light stemmer, character offsets, HTML blanking.

The same tokenizer and stemmer are applied to lexicon phrases and to postings, so
"Troubleshooting tickets" matches the phrase "troubleshoot ticket". The token regex
(:func:`tokenize`) defines the tokens; :func:`tokens_of` finds the same ones in a few C
passes (a byte translate, one split, a cache of word stems), which is what postings go
through. Offsets are sums of piece lengths (:class:`Offsets`), so they point into the text.
"""

from __future__ import annotations

import re
from itertools import accumulate, compress, count
from typing import Any, NamedTuple

INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff\x7f"
"""Characters that show nothing and part no words: the soft hyphen (a hyphenation hint), the
zero-width space, non-joiner and joiner, the word joiner, the byte-order mark (a zero-width
no-break space) and DEL. Between letters they hold a word together
("trouble\u00adshooting" is one word, read without them; its offsets still cover them)."""
JOIN = "\x7f"
"""What :func:`words_of` makes of every :data:`INVISIBLE` character (one ASCII byte)."""
JOIN_BYTE = JOIN.encode("ascii")
_DROP_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))

# Possessive quantifiers (``++``) match exactly the same tokens; they only spare the regex
# engine the backtracking points it would never use. Invisible characters between letters or
# digits are part of the token; at its edges they are not.
_I = "[\u00ad\u200b-\u200d\u2060\ufeff\x7f]"
_TOKEN = f"[a-z0-9]++(?:{_I}++[a-z0-9]++)*+(?:[+#]++|['’][a-z]++)?"
TOKEN = re.compile(_TOKEN)
SPLIT = re.compile(f"({_TOKEN})")
"""The same tokens, captured by ``split``: one C pass gives the gaps between the tokens too,
so offsets are sums of lengths instead of a match object per token."""


NOUNS_IN_ING = frozenset(
    [
        "accounting",
        "marketing",
        "engineering",
        "nursing",
        "pricing",
        "staffing",
        "banking",
        "housing",
        "clothing",
        "morning",
        "evening",
        "evenings",
        "meeting",
        "meetings",
        "building",
        "buildings",
        "training",
        "ticketing",
        "onboarding",
        "offboarding",
        "listening",
        "scheduling",
        "shipping",
        "billing",
        "booking",
        "bookings",
    ]
)
"""Words whose -ing is part of a noun we need to tell apart (accounting is not accounts)."""

STEM_EXCEPTIONS = {
    # A plural noun whose singular is also a common adjective or verb keeps its own stem:
    # "be patient" is not "patients", "log a bug" is not "logs".
    "patients": "patients",
    "logs": "logs",
    # "moderated" (a moderated usability session) is not "moderate" (moderate experience).
    "moderated": "moderated",
    # British "programme" is a program, not programming.
    "programme": "program",
    "programmes": "program",
}
"""Words the light stemmer would fold into a different sense; each has a test."""


CACHE_ENTRIES = 200_000
CACHE_WORD_CHARS = 64
"""The word caches keep at most ``CACHE_ENTRIES`` words of at most ``CACHE_WORD_CHARS``
characters each, so their memory stays bounded whatever a batch holds."""


def worth_caching(cache: dict[Any, str], word: str | bytes) -> bool:
    """Whether ``word`` may be added to ``cache`` (see :data:`CACHE_WORD_CHARS`)."""
    return len(word) <= CACHE_WORD_CHARS and len(cache) < CACHE_ENTRIES


class _StemCache(dict[str, str]):
    """word -> stem, computed on first sight (``__missing__``), so lookups stay in C."""

    def __missing__(self, word: str) -> str:
        value = _stem(word)
        if worth_caching(self, word):
            self[word] = value
        return value


_STEMS = _StemCache()


def _stem(word: str) -> str:
    if not word.isascii() or JOIN in word:
        word = word.translate(_DROP_INVISIBLE)
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if word in STEM_EXCEPTIONS:
        return STEM_EXCEPTIONS[word]
    if word in NOUNS_IN_ING:
        return word.removesuffix("s")
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def stem(word: str) -> str:
    """Strip common English inflections (plural, -ing, -ed, final -e); crude but consistent."""
    return _STEMS[word]


def stems_of(lowered: str) -> list[str]:
    """Stems of every token of already-lowercased text."""
    return list(map(_STEMS.__getitem__, TOKEN.findall(lowered)))


def tokenize(lowered: str) -> tuple[list[str], list[str]]:
    """``(pieces, stems)`` by the token regex: pieces alternate gap, token, gap, …, gap
    (token ``i`` is ``pieces[2 * i + 1]``); stems are the tokens' stems. The reference for
    :func:`tokens_of`, which finds the same tokens faster."""
    pieces = SPLIT.split(lowered)
    return pieces, list(map(_STEMS.__getitem__, pieces[1::2]))


class Offsets(NamedTuple):
    """Where tokens sit in a text held as consecutive pieces with ``separator`` characters
    between them: token ``i`` is piece ``at[i]``, and piece ``j`` starts at
    ``ends[j] + separator * j`` (``ends[j]``: the length of the pieces before it)."""

    at: list[int]
    ends: list[int]
    separator: int

    @classmethod
    def of(cls, pieces: list[Any], at: list[int], separator: int) -> Offsets:
        """The offsets of ``pieces`` (str or bytes), token ``i`` being piece ``at[i]``."""
        return cls(at, list(accumulate(map(len, pieces), initial=0)), separator)

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Where tokens ``first`` to ``last`` (inclusive) sit in the text."""
        j, k = self.at[first], self.at[last]
        return self.ends[j] + self.separator * j, self.ends[k + 1] + self.separator * k


class Tokens(NamedTuple):
    """A text's token stems, and where each token sits."""

    stems: list[str]
    offsets: Offsets


def regex_tokens(lowered: str) -> Tokens:
    """:class:`Tokens` by the token regex (the reference for :func:`tokens_of`)."""
    pieces, stems = tokenize(lowered)
    return Tokens(stems, Offsets.of(pieces, list(range(1, len(pieces), 2)), 0))


_WORD_BYTES = bytes(
    c + 32 if 65 <= c <= 90 else c if c in b"abcdefghijklmnopqrstuvwxyz0123456789'+#`\x7f" else 32
    for c in range(256)
)
"""Token characters and :data:`JOIN` kept, ASCII capitals lowercased, every other byte a
space (``’`` travels as a backtick)."""
KELVIN = "\u212a"
"""The one character outside ASCII whose lowercase is an ASCII letter (``k``)."""
_NEVER_IN_A_TOKEN = (
    (b"#", (b" #",)),
    (b"+", (b" +",)),
    (b"'", (b" '", b"' ")),
    (b"`", (b" `", b"` ")),
)
"""Marks no token can hold (a ``#``/``+`` suffix follows a letter or digit, an apostrophe
is followed by a letter): blanked, so that most words are exactly one token. Per mark, the
pairs to blank; a pair is looked for only when its mark is there at all (one ``memchr``)."""
IRREGULAR = "\x00"
_INVISIBLE_OUTSIDE_ASCII = INVISIBLE.replace(JOIN, "")


class _WordStems(dict[bytes, str]):
    """word -> the stem of the one token it is; ``""`` when it holds no token;
    :data:`IRREGULAR` when its tokens are not the whole word (``a+b``, ``#1``)."""

    def __missing__(self, word: bytes) -> str:
        text = word.decode("ascii").replace("`", "’")
        found = TOKEN.findall(text)  # _STEMS drops the invisible characters
        value = _STEMS[text] if found == [text] else IRREGULAR if found else ""
        if worth_caching(self, word):
            self[word] = value
        return value


WORD_STEMS = _WordStems({b"": ""})
"""word (bytes, from :func:`words_of`) -> stem, ``""`` or :data:`IRREGULAR`."""


def _blank_joins_at_edges(raw: bytes) -> bytes:
    """``raw`` with every :data:`JOIN` that does not sit inside a word (a space or either end
    of the text next to it) a space, as the token regex leaves it out of tokens."""
    while b" \x7f" in raw:
        raw = raw.replace(b" \x7f", b"  ")
    while b"\x7f " in raw:
        raw = raw.replace(b"\x7f ", b"  ")
    core = raw.strip(JOIN_BYTE)
    if len(core) < len(raw):
        lead = len(raw) - len(raw.lstrip(JOIN_BYTE))
        raw = b" " * lead + core + b" " * (len(raw) - lead - len(core))
    return raw


def words_of(text: str) -> tuple[list[bytes], bool]:
    """Text as lowercase words of token characters: ASCII capitals are lowercased in the
    same byte pass (no ``str.lower`` of the whole text: no other character lowercases into
    a token character but the Kelvin sign, which takes :func:`lower_keep_offsets`), an
    :data:`INVISIBLE` character between token characters becomes :data:`JOIN` (part of its
    word), every other
    character a space (same length, so offsets hold) and the text is split on single spaces
    (so word ``j`` starts after the ``j`` words and ``j`` spaces before it).
    Also whether any word may hold a mark the token regex treats specially (``'``, ``’``,
    ``+``, ``#``)."""
    if "`" in text:
        text = text.replace("`", " ")
    if text.isascii():
        raw = text.encode("ascii").translate(_WORD_BYTES)
    else:
        if KELVIN in text:
            text = lower_keep_offsets(text)
        for char in _INVISIBLE_OUTSIDE_ASCII:
            if char in text:
                text = text.replace(char, JOIN)
        raw = text.replace("’", "`").encode("ascii", "replace").translate(_WORD_BYTES)
    if JOIN_BYTE in raw:
        raw = _blank_joins_at_edges(raw)
    special = False
    for mark, pairs in _NEVER_IN_A_TOKEN:
        if mark in raw:
            special = True
            for pair in pairs:
                raw = raw.replace(pair, b"  ")
    return raw.split(b" "), special


def tokens_of(text: str) -> Tokens:
    """The tokens :func:`tokenize` finds in the lowercase of ``text``, in a few C passes over
    the :func:`words_of` of the text, each word's stem from a cache. A text with a word the
    token regex cuts differently (``a+b``, ``rock’n’roll``) takes the regex."""
    words, special = words_of(text)
    stems = list(map(WORD_STEMS.__getitem__, words))
    if special and IRREGULAR in stems:
        return regex_tokens(lower_keep_offsets(text))
    return Tokens(list(filter(None, stems)), Offsets.of(words, list(compress(count(), stems)), 1))


def phrase_key(phrase: str) -> tuple[str, ...]:
    """The stem sequence a lexicon phrase matches."""
    return tuple(stems_of(phrase.lower()))


def lower_keep_offsets(text: str) -> str:
    """``text.lower()``, except characters whose lowercase is longer stay as they are, so
    offsets into the result are offsets into ``text``."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


_OTHER_BREAKS = ("\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c")
"""Line breaks other than ``\\n``: a carriage return (alone, as old Mac files end lines),
the Unicode line and paragraph separators (text from JSON APIs), next-line, vertical tab and
form feed (a page break in text taken from a PDF)."""


def unify_line_breaks(text: str) -> str:
    """``text`` with every line break a ``\\n``, same length, so offsets still point into
    it: CRLF becomes a space and ``\\n``, any other line break ``\\n``. Headings, sections and
    the title are found by line, so a Windows file reads as the same posting."""
    if "\r\n" in text:
        text = text.replace("\r\n", " \n")
    for mark in _OTHER_BREAKS:
        if mark in text:
            text = text.replace(mark, "\n")
    return text


_TAG = re.compile(r"<[a-zA-Z/!]")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
BLOCK_TAGS = frozenset(
    {"p", "br", "li", "ul", "ol", "div", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th"}
    | {"table", "section", "article", "header", "footer", "blockquote", "pre", "hr", "dt", "dd"}
)
"""Tags that end a line: they become a line break, so sentences and headings stay apart."""
CODE_TAGS = frozenset({"script", "style"})
"""Tags whose contents are code, not text anyone reads: blanked with the tags."""


def strip_html(text: str) -> str:
    """``text`` with HTML tags blanked out, same length, so offsets still point into it.

    Block tags (``<p>``, ``<li>``, ``<br>``, headings, ...) become a line break padded with
    spaces; inline tags, and the code inside ``<script>`` and ``<style>``, become spaces; an
    entity becomes its character padded with spaces.
    Text without markup is returned as it is (one regex search).
    """
    if ("<" not in text or _TAG.search(text) is None) and (
        "&" not in text or _ENTITY.search(text) is None
    ):
        return text
    from html.parser import HTMLParser

    chars = list(text)
    line_starts = [0]
    line_starts += [i + 1 for i, c in enumerate(text) if c == "\n"]

    class _Blanker(HTMLParser):
        code = False
        """Inside a script or style element."""

        def _blank(self, length: int, first: str) -> None:
            line, column = self.getpos()
            start = line_starts[line - 1] + column
            end = min(start + length, len(chars))
            for i in range(start, end):
                chars[i] = " "
            if start < end:
                chars[start] = first

        def _tag(self, tag: str) -> None:
            raw = self.get_starttag_text() or ""
            self._blank(len(raw), "\n" if tag in BLOCK_TAGS else " ")

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self._tag(tag)
            if tag in CODE_TAGS:
                self.code = True  # the parser reads what follows as raw data to its end tag

        def handle_data(self, data: str) -> None:
            if self.code:
                self._blank(len(data), " ")

        def handle_startendtag(self, tag: str, attrs: object) -> None:
            self._tag(tag)

        def handle_endtag(self, tag: str) -> None:
            self.code = False
            line, column = self.getpos()
            start = line_starts[line - 1] + column
            end = text.find(">", start)
            end = len(text) if end < 0 else end + 1
            self._blank(end - start, "\n" if tag in BLOCK_TAGS else " ")

        def handle_comment(self, data: str) -> None:
            self._blank(len(data) + 7, " ")

        def handle_decl(self, decl: str) -> None:
            self._blank(len(decl) + 3, " ")

        def handle_entityref(self, name: str) -> None:
            import html

            value = html.unescape(f"&{name};")
            self._blank(len(name) + 2, value if len(value) == 1 else " ")

        def handle_charref(self, name: str) -> None:
            import html

            value = html.unescape(f"&#{name};")
            self._blank(len(name) + 3, value if len(value) == 1 else " ")

    parser = _Blanker(convert_charrefs=False)
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # malformed markup: keep whatever was blanked so far
        pass
    return "".join(chars)
