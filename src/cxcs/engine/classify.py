"""Classify a job posting into the customer-facing function its duties describe.

Pipeline: split off a title -> split the body into sections -> match lexicon phrases through
the n-gram index -> weight each match by its section (boilerplate counts little or nothing)
and by how often the phrase already fired -> shares per function (and "none") -> a decision
and a confidence that combines how much evidence there is with how clearly the top function
beats the runner-up. Pure: text in, :class:`Classification` out.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from cxcs.engine.lexicon import Entry, Lexicon, compile_lexicon
from cxcs.engine.sections import SectionMap, build_sections, is_heading
from cxcs.engine.text import lower_keep_offsets, stems_of, token_spans
from cxcs.models.classify import Classification, Decision, Evidence, FunctionScore, TitleCheck
from cxcs.models.knowledge import Knowledge
from cxcs.models.signals import NOT_CUSTOMER_FACING, Signals

MAX_CHARS = 200_000
"""Only this much of a posting is read; the rest is reported as truncated."""

TITLE_MAX_CHARS = 100
TITLE_MAX_WORDS = 12

_LEXICONS: dict[tuple[str, int], Lexicon] = {}


def signals_of(kb: Knowledge) -> Signals:
    """The knowledge base's classifier signals (a domain error when it has none)."""
    if kb.signals is None:
        from cxcs.errors import KnowledgeError

        raise KnowledgeError("signals.yaml", None, "no classifier signals in this knowledge base")
    return kb.signals


def lexicon_for(kb: Knowledge, scale: int = 1) -> Lexicon:
    """The compiled lexicon for ``kb`` (cached by knowledge hash)."""
    key = (kb.origin.sha256, scale)
    if key not in _LEXICONS:
        _LEXICONS[key] = compile_lexicon(kb, signals_of(kb), scale)
    return _LEXICONS[key]


@dataclass
class _Tally:
    raw: dict[str, float]
    evidence: list[Evidence]


def locate(
    text: str, lexicon: Lexicon, with_sections: bool
) -> tuple[list[tuple[int, int, Entry]], SectionMap | None]:
    """Phrase matches as (start, end, entry), and (for a body) the posting's sections."""
    lowered = lower_keep_offsets(text)
    stems = stems_of(lowered)
    lookup, anchors = lexicon.lookup, lexicon.anchors
    found: list[tuple[int, int, Entry | None, tuple[str, str] | None]] = []
    count = len(stems)
    resume = 0
    singles = lexicon.singles
    for i in [i for i, s in enumerate(stems) if s in anchors]:
        stem = stems[i]
        for offset, n in anchors[stem]:
            start = i - offset
            if start < resume or start < 0 or start + n > count:
                continue
            hit = singles.get(stem) if n == 1 else lookup.get(tuple(stems[start : start + n]))
            if hit is None:
                continue
            entry, marker = hit
            if not with_sections:
                if entry is None:
                    continue
                marker = None
            found.append((start, n, entry, marker))
            if entry is not None:
                resume = start + n
                break
    found.sort(key=itemgetter(0))
    spans = token_spans(lowered, [i for f in found for i in (f[0], f[0] + f[1] - 1)])
    located: list[tuple[int, int, Entry]] = []
    headings: list[tuple[int, str]] = []
    cues: list[tuple[int, int, str]] = []
    for index, n, entry, marker in found:
        start = spans[index][0]
        end = spans[index + n - 1][1]
        if marker is not None:
            kind, section = marker
            if kind == "cue":
                cues.append((start, end, section))
            elif is_heading(text, start, end):
                headings.append((start, section))
        if entry is not None:
            located.append((start, end, entry))
    return located, (build_sections(text, headings, cues) if with_sections else None)


def sections_of(kb: Knowledge, text: str) -> SectionMap:
    """The sections of a posting body (for inspection and tests)."""
    _, sections = locate(text, lexicon_for(kb), with_sections=True)
    assert sections is not None
    return sections


def _scan(
    text: str,
    offset: int,
    lexicon: Lexicon,
    signals: Signals,
    source: str,
    multiplier: float = 1.0,
) -> _Tally:
    """Match phrases (and, for a body, section words) and tally what they add per function."""
    located, sections = locate(text, lexicon, with_sections=source == "body")
    weights = signals.sections.weights
    decay = signals.thresholds.repeat_decay
    raw: dict[str, float] = defaultdict(float)
    fired: dict[str, int] = {}
    evidence: list[Evidence] = []
    # Matches come in text order, so walk the sections alongside them.
    starts, names = (sections.starts, sections.names) if sections else ([0], ["title"])
    section_weights = [weights.get(n, 1.0) if sections else 1.0 for n in names]
    current, last = 0, len(starts) - 1
    for start, end, entry in located:
        while current < last and start >= starts[current + 1]:
            current += 1
        section, section_weight = names[current], section_weights[current]
        if section_weight <= 0:
            continue
        repeat = fired.get(entry.phrase, 0)
        fired[entry.phrase] = repeat + 1
        factor = section_weight * multiplier * (decay**repeat)
        for function, weight in entry.weights:
            effective = weight * factor
            raw[function] += effective
            evidence.append(
                Evidence(
                    entry.phrase,
                    function,
                    section,
                    effective,
                    start + offset,
                    end + offset,
                    text[start:end],
                    source,
                )
            )
    return _Tally(dict(raw), evidence)


def split_title(text: str) -> tuple[str | None, str, int]:
    """A short first line taken as the title: ``(title, body, body_offset)``."""
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    first, newline, rest = stripped.partition("\n")
    line = first.strip()
    if (
        newline
        and rest.strip()
        and 0 < len(line) <= TITLE_MAX_CHARS
        and len(line.split()) <= TITLE_MAX_WORDS
        and not line.endswith((".", ":", ";", ","))
    ):
        return line, rest, lead + len(first) + 1
    return None, text, 0


def classify(
    kb: Knowledge,
    text: str,
    title: str | None = None,
    *,
    detect_title: bool = True,
    lexicon: Lexicon | None = None,
) -> Classification:
    """Classify posting ``text`` (optionally with its ``title``). Never raises on any text."""
    signals = signals_of(kb)
    lexicon = lexicon or lexicon_for(kb)
    limits = signals.thresholds
    truncated = len(text) > MAX_CHARS
    text = text[:MAX_CHARS]
    body, body_offset, title_offset = text, 0, 0
    if title is None and detect_title:
        title, body, body_offset = split_title(text)
        title_offset = text.find(title) if title else 0  # offsets index the posting itself
    body_tally = _scan(body, body_offset, lexicon, signals, "body")
    title_tally = (
        _scan(title, title_offset, lexicon, signals, "title", limits.title_weight)
        if title
        else _Tally({}, [])
    )
    classes = [*kb.functions, NOT_CUSTOMER_FACING]
    combined = {
        c: max(0.0, body_tally.raw.get(c, 0.0) + title_tally.raw.get(c, 0.0)) for c in classes
    }
    body_label = _top_label(body_tally.raw, classes, limits.min_evidence)
    words = len(body.split())
    result = _decide(combined, classes, signals, words, has_title=bool(title))
    evidence = (*title_tally.evidence, *body_tally.evidence)  # each already in text order
    title_check = _title_check(title, title_tally.raw, body_label, classes) if title else None
    return Classification.model_construct(
        **result,
        evidence=evidence,
        title=title_check,
        words=words,
        chars_read=len(text),
        truncated=truncated,
    )


def _top_label(raw: dict[str, float], classes: list[str], minimum: float) -> str | None:
    best = max(classes, key=lambda c: raw.get(c, 0.0))
    return best if raw.get(best, 0.0) >= minimum else None


def _decide(
    combined: dict[str, float], classes: list[str], signals: Signals, words: int, has_title: bool
) -> dict[str, Any]:
    limits = signals.thresholds
    total = sum(combined.values())
    shares = {c: (combined[c] / total if total else 0.0) for c in classes}
    ranked = sorted(classes, key=lambda c: (-combined[c], c))
    functions = [c for c in ranked if c != NOT_CUSTOMER_FACING]
    top, second = ranked[0], ranked[1]
    p1, p2 = shares[top], shares[second]
    strength = 1 - math.exp(-total / limits.evidence_scale)
    separation = (p1 - p2) / p1 if p1 else 0.0
    confidence = strength * math.sqrt(p1 * separation)
    short = words < limits.min_words
    if short:
        confidence = min(confidence, limits.short_text_cap)
    scores = tuple(
        FunctionScore.model_construct(
            function=c, score=round(shares[c], 4), raw=round(combined[c], 4)
        )
        for c in functions
    )
    decision: Decision
    label: str | None = top
    runner_up: str | None = second
    if total < limits.min_evidence or (short and not has_title and total < 2 * limits.min_evidence):
        decision, label = "insufficient", None
        reason = (
            f"too little evidence ({total:.1f} < {limits.min_evidence} needed)"
            if total < limits.min_evidence
            else f"too short ({words} words)"
        )
        runner_up = functions[0] if combined[functions[0]] > 0 else None
    elif top == NOT_CUSTOMER_FACING:
        decision, label = "not_customer_facing", None
        runner_up = functions[0]
        reason = "the duties read as a role that is not customer-facing"
    elif p2 and p2 / p1 >= limits.ambiguous_ratio:
        decision = "ambiguous"
        reason = f"{top} and {second} are too close to call ({p1:.2f} vs {p2:.2f})"
    elif confidence >= limits.confident:
        decision = "confident"
        reason = f"{top} leads with {p1:.0%} of the evidence"
    elif combined[top] < limits.min_function_evidence:
        decision, label = "insufficient", None
        reason = (
            f"weak evidence: {top} has {combined[top]:.1f} points, "
            f"{limits.min_function_evidence} needed"
        )
    else:
        decision = "ambiguous"
        reason = f"confidence {confidence:.2f} is below {limits.confident}"
    return {
        "label": label,
        "decision": decision,
        "confidence": round(confidence, 4),
        "runner_up": runner_up,
        "margin": round(p1 - p2, 4),
        "scores": scores,
        "not_customer_facing": round(shares[NOT_CUSTOMER_FACING], 4),
        "reason": reason,
    }


def _title_check(
    title: str, raw: dict[str, float], body_label: str | None, classes: list[str]
) -> TitleCheck:
    title_label = _top_label(raw, classes, 0.5)
    mismatch = bool(title_label and body_label and title_label != body_label)
    message = None
    if mismatch:
        message = f"the title reads as {title_label} but the duties read as {body_label}"
    return TitleCheck(
        title=title,
        title_label=title_label,
        body_label=body_label,
        mismatch=mismatch,
        message=message,
    )
