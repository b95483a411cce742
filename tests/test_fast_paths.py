"""The fast paths answer exactly what the reference paths answer.

- :func:`cxcs.engine.text.tokens_of` (a byte translate, one split, a word cache) against the
  token regex (:func:`cxcs.engine.text.regex_tokens`);
- the compiled Aho-Corasick matcher (the ``fast`` extra) against the pure-Python matcher
  (:func:`cxcs.engine.matching.find`), match by match and answer by answer, on the real
  development postings (title withheld, title given, function names blanked) and on random
  text built from the characters the tokenizer treats specially;
- :func:`cxcs.engine.sections.heading_lines` (lines found with ``find``) against splitting
  the text into lines.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxcs.engine.classify import classify, signals_of
from cxcs.engine.compiled import CompiledMatcher, compiled_matcher
from cxcs.engine.lexicon import Lexicon, compile_lexicon
from cxcs.engine.matching import find
from cxcs.engine.text import lower_keep_offsets, regex_tokens, strip_html, tokens_of
from cxcs.models.knowledge import Knowledge
from tests.support import has_module, require, shared_path

TRICKY = "ab cde support customer’s' +#c++ ### \n\t.,:;-–•*İé`9x\u00ad\u200b\ufeff\x7f"
"""Letters, the marks the token regex treats specially, characters that lowercase longer or
are not ASCII, and invisible characters (part of a word between its letters)."""
NAMES = re.compile(
    r"customer (?:experience|success|service|support)|user experience|\bux\b|\bcx\b", re.I
)


def _dev_postings() -> list[tuple[str | None, str]]:
    postings = []
    for name in ("jobs-dev.jsonl", "jobs-negatives-dev.jsonl"):
        with shared_path("eval", name).open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    record = json.loads(line)
                    postings.append((record.get("title"), record["description"]))
    return postings


def _random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 80))) for _ in range(count)]


def _spans(lowered: str, fast: bool) -> tuple[list[str], list[tuple[int, int]]]:
    tokens = tokens_of(lowered) if fast else regex_tokens(lowered)
    n = len(tokens.stems)
    pairs = [(i, i) for i in range(n)] + [(i, min(i + 2, n - 1)) for i in range(n)]
    return tokens.stems, [tokens.offsets.span(first, last) for first, last in pairs]


@pytest.fixture(scope="module")
def lexicons(kb: Knowledge) -> tuple[Lexicon, Lexicon]:
    """The shipped lexicon without and with the compiled matcher."""
    require(has_module("ahocorasick_rs"), "ahocorasick-rs (the fast extra) is not installed")
    plain = compile_lexicon(kb, signals_of(kb))
    fast = compile_lexicon(kb, signals_of(kb))
    fast.compiled = compiled_matcher(fast)
    assert isinstance(fast.compiled, CompiledMatcher)
    return plain, fast


def _matches(
    lexicon: Lexicon, lowered: str, body: bool
) -> tuple[list[object], list[object], list[object], int]:
    if lexicon.compiled is not None:
        found = lexicon.compiled.find(lowered, 3, body)
        if found is not None:
            located, markers, cues, words = found
            return [(s, e, x.phrase, r) for s, e, x, r in located], list(markers), cues, words
    tokens = tokens_of(lowered)
    located, markers, cues = find(tokens, lexicon, 3, body)
    return (
        [(s, e, x.phrase, r) for s, e, x, r in located],
        list(markers),
        list(cues),
        len(tokens.stems),
    )


def test_the_fast_tokenizer_finds_the_regex_tokens_on_real_postings() -> None:
    for _, text in _dev_postings():
        lowered = lower_keep_offsets(strip_html(text))
        assert _spans(lowered, fast=True) == _spans(lowered, fast=False)


def test_the_fast_tokenizer_finds_the_regex_tokens_in_random_text() -> None:
    for text in _random_texts(5000, seed=11):
        lowered = lower_keep_offsets(text)
        assert _spans(lowered, fast=True) == _spans(lowered, fast=False), repr(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(TRICKY), max_size=60) | st.text(max_size=60))
def test_the_fast_tokenizer_finds_the_regex_tokens_in_any_text(text: str) -> None:
    lowered = lower_keep_offsets(text)
    assert _spans(lowered, fast=True) == _spans(lowered, fast=False)


CASED = TRICKY + "ABCSUPPORT CUSTOMER’S \u212a\u212aPI Σ"
"""Capitals, the Kelvin sign (the one character outside ASCII that lowercases into ASCII)
and other capitals outside ASCII."""


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(CASED), max_size=60) | st.text(max_size=60))
def test_text_is_tokenized_as_its_lowercase_is(text: str) -> None:
    """The tokenizer lowercases in its byte pass: the same tokens, at the same offsets, as
    the lowercase text gives."""
    lowered = lower_keep_offsets(text)
    assert tokens_of(text) == tokens_of(lowered)
    assert _spans(text, fast=True) == _spans(lowered, fast=False)


def test_the_compiled_matcher_reads_text_as_its_lowercase(
    lexicons: tuple[Lexicon, Lexicon],
) -> None:
    _, fast = lexicons
    assert fast.compiled is not None
    texts = ["".join(random.Random(seed).choice(CASED) for _ in range(70)) for seed in range(2000)]
    texts += [text.upper() for _, text in _dev_postings()[:60]]
    texts += ["TROUBLESHOOT \u212aPIs AND CUSTOMER TICKETS"]
    for text in texts:
        for body in (True, False):
            found = fast.compiled.find(text, 3, body)
            assert found == fast.compiled.find(lower_keep_offsets(text), 3, body), text[:80]


def test_the_compiled_matcher_finds_what_the_python_matcher_finds(
    lexicons: tuple[Lexicon, Lexicon],
) -> None:
    plain, fast = lexicons
    texts = [text for _, text in _dev_postings()] + _random_texts(3000, seed=5)
    texts += ["customer service team lead " * 3, "Responsibilities: support customers."]
    for text in texts:
        lowered = lower_keep_offsets(strip_html(text))
        for body in (True, False):
            assert _matches(fast, lowered, body) == _matches(plain, lowered, body), text[:80]


def test_the_compiled_matcher_gives_the_same_answers_on_the_dev_set(
    kb: Knowledge, lexicons: tuple[Lexicon, Lexicon]
) -> None:
    plain, fast = lexicons
    for title, text in _dev_postings():
        for given_title, body in ((None, text), (title, text), (None, NAMES.sub(" ", text))):
            detect = given_title is None
            one = classify(kb, body, given_title, detect_title=detect, lexicon=fast)
            other = classify(kb, body, given_title, detect_title=detect, lexicon=plain)
            assert one.model_dump(mode="json") == other.model_dump(mode="json")


def test_a_word_the_regex_cuts_unusually_is_left_to_the_python_matcher(
    lexicons: tuple[Lexicon, Lexicon],
) -> None:
    _, fast = lexicons
    assert fast.compiled is not None
    assert fast.compiled.find("troubleshoot a+b tickets", 3, True) is None
    assert fast.compiled.find("troubleshoot tickets", 3, True) is not None


def test_without_the_extra_the_python_matcher_is_used(
    monkeypatch: pytest.MonkeyPatch, kb: Knowledge
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ahocorasick_rs", None)  # import fails, as if absent
    lexicon = compile_lexicon(kb, signals_of(kb))
    assert compiled_matcher(lexicon) is None
    assert classify(kb, "Answer customer calls and resolve billing questions.", lexicon=lexicon)


def test_the_python_matcher_can_be_asked_for(
    monkeypatch: pytest.MonkeyPatch, kb: Knowledge
) -> None:
    monkeypatch.setenv("CXCS_MATCHER", "python")
    assert compiled_matcher(compile_lexicon(kb, signals_of(kb))) is None


def test_a_pickled_lexicon_keeps_its_compiled_matcher(
    kb: Knowledge, lexicons: tuple[Lexicon, Lexicon]
) -> None:
    """Process pools and clusters may ship a lexicon: the automaton is rebuilt on arrival."""
    import pickle

    _, fast = lexicons
    back = pickle.loads(pickle.dumps(fast))
    assert isinstance(back.compiled, CompiledMatcher)
    for _, text in _dev_postings()[:40]:
        lowered = lower_keep_offsets(strip_html(text))
        assert _matches(back, lowered, True) == _matches(fast, lowered, True)


def test_the_word_caches_stay_bounded_whatever_the_postings(
    kb: Knowledge, lexicons: tuple[Lexicon, Lexicon]
) -> None:
    """A batch of long unique words (hostile or just odd) must not grow memory without
    bound: long words are looked up but never kept."""
    from cxcs.engine import text

    _, fast = lexicons
    assert fast.compiled is not None
    long_words = [f"{'x' * 5000}{i}" for i in range(20)]
    for word in long_words:
        classify(kb, f"Answer customer calls. {word} {word.upper()}", None, lexicon=fast)
    caches: list[dict[Any, str]] = [text.WORD_STEMS, text._STEMS, fast.compiled._words]
    for cache in caches:
        assert all(len(key) <= text.CACHE_WORD_CHARS for key in cache)
        assert len(cache) <= text.CACHE_ENTRIES
    assert "answer" in text._STEMS  # short words are still kept


HEADING_MARKS = "Ab: #*_-•.\t"


def _heading_implies_quick_check(line: str) -> None:
    from cxcs.engine.sections import _heading_like, _may_be_heading

    assert not _heading_like(line) or _may_be_heading(line), repr(line)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(HEADING_MARKS), max_size=30) | st.text(max_size=30))
def test_the_quick_heading_check_passes_every_heading_like_line(line: str) -> None:
    _heading_implies_quick_check(line)


def test_the_quick_heading_check_passes_every_heading_like_line_of_real_postings() -> None:
    for _, text in _dev_postings():
        for line in text.split("\n"):
            _heading_implies_quick_check(line)


def _heading_lines_by_split(text: str) -> list[tuple[int, int]]:
    """:func:`cxcs.engine.sections.heading_lines` as first written: every line split off."""
    from cxcs.engine.sections import MAX_HEADING_CHARS, _heading_like, mostly_capitals

    found, position = [], 0
    capitals = not mostly_capitals(text)
    for line in text.split("\n"):
        if 2 < len(line) <= MAX_HEADING_CHARS and _heading_like(line, capitals):
            found.append((position, position + len(line)))
        position += len(line) + 1
    return found


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(HEADING_MARKS + "\n\nab"), max_size=120))
def test_heading_lines_are_found_as_splitting_the_text_finds_them(text: str) -> None:
    from cxcs.engine.sections import heading_lines

    assert heading_lines(text) == _heading_lines_by_split(text)


def test_heading_lines_of_real_postings_are_found_as_splitting_finds_them() -> None:
    from cxcs.engine.sections import heading_lines

    for _, text in _dev_postings():
        assert heading_lines(text) == _heading_lines_by_split(text)
