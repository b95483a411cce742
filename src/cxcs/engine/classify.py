"""Classify a job posting into the customer-facing function its duties describe.

Pipeline: strip HTML -> split off a title -> match lexicon phrases and section words through
the n-gram index -> split the body into sections -> tally each match into a feature group
(phrase tier × section, the title, the serve-vs-build duty frame) -> the learned linear model
(:mod:`cxcs.engine.model`) turns the tallies into a probability per function and for "not
customer-facing" -> a calibrated confidence that the answer is right, and a decision. Pure:
text in, :class:`Classification` out.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any

from cxcs.engine.lexicon import (
    CONTRAST,
    DUTY,
    LOW,
    MEDIUM,
    REQUIREMENTS,
    STRONG,
    TITLE,
    Lexicon,
    compile_lexicon,
)
from cxcs.engine.matching import Located, Marker, find
from cxcs.engine.model import (
    DUTY_SECTIONS,
    LOW_GROUP_SECTIONS,
    Model,
    shipped_model,
    squash,
)
from cxcs.engine.repeats import blank_repeats
from cxcs.engine.sections import LINE_BLANKS, SectionMap, build_sections
from cxcs.engine.text import phrase_key, strip_html, tokens_of, unify_line_breaks
from cxcs.models.classify import (
    Classification,
    Decision,
    Evidence,
    FunctionScore,
    LazyEvidence,
    TitleCheck,
)
from cxcs.models.knowledge import Knowledge
from cxcs.models.signals import NOT_CUSTOMER_FACING, Signals

MAX_CHARS = 200_000
"""Only this much of a posting is read; the rest is reported as truncated."""

TITLE_MAX_CHARS = 100
TITLE_MAX_WORDS = 12

_LEXICONS: dict[str, Lexicon] = {}
_START = itemgetter(0)


def signals_of(kb: Knowledge) -> Signals:
    """The knowledge base's classifier signals (a domain error when it has none)."""
    if kb.signals is None:
        from cxcs.errors import KnowledgeError

        raise KnowledgeError("signals.yaml", None, "no classifier signals in this knowledge base")
    return kb.signals


def lexicon_for(kb: Knowledge) -> Lexicon:
    """The compiled lexicon for ``kb`` (cached by knowledge hash)."""
    key = kb.origin.sha256
    if key not in _LEXICONS:
        from cxcs.engine.compiled import compiled_matcher

        lexicon = compile_lexicon(kb, signals_of(kb))
        lexicon.compiled = compiled_matcher(lexicon)
        _LEXICONS[key] = lexicon
    return _LEXICONS[key]


Place = tuple[str, float, int]
"""A stretch of text as the tallies see it: section name, section weight, place."""

Run = tuple[int, int, int, tuple[float, ...]]
"""The matches counted in one stretch: ``(index of the stretch, index of its first match,
index after its last match, the stretch's factor per repeat)``: section weight × repeat
decay. A stretch whose section counts nothing has no run."""


@dataclass
class Analysis:
    """What the scan found: per ``(function, group)`` tallies, duty-frame counts, the
    matches with the runs of them that counted, the stretches they sit in, the sections and
    the token count."""

    tallies: dict[tuple[str, int], float]
    frames: dict[str, float]
    located: list[Located]
    runs: list[Run]
    places: list[Place]
    sections: SectionMap | None
    tokens: int
    offset: int
    """Where the scanned text starts in the posting (evidence offsets are the posting's)."""
    source: str
    posting: str
    shown: str
    """The text evidence snippets are cut from (the posting with HTML blanked)."""


def _places(sections: SectionMap, weights: dict[str, float]) -> list[Place]:
    places: list[Place] = []
    for name in sections.names:
        if name in DUTY_SECTIONS:
            place = DUTY
        elif name in LOW_GROUP_SECTIONS:
            place = LOW
        else:
            place = REQUIREMENTS
        places.append((name, weights.get(name, 1.0), place))
    return places


FEW_DUTY_MATCHES = 3
"""Under this many strong or medium phrase matches in the duty sections, the requirements
count as duties."""
REQUIREMENTS_RATIO = 4
"""Nor when the requirements hold this many times as many as the duty sections."""


def _requirements_as_duties(
    located: list[Located], starts: list[int], places: list[Place]
) -> list[Place]:
    """The stretches, the requirements read as duties (still at their section's weight) when
    the duty sections hold under :data:`FEW_DUTY_MATCHES` strong or medium matches, or under
    1/:data:`REQUIREMENTS_RATIO` of the requirements' own: a posting cut to its
    requirements, or one that lists what the job does under "What you'll bring" (after a
    company blurb with a few telling words of its own), is read by them, not taken for *not
    customer-facing* for want of duties. Weak phrases ("platform", "growth", "users") do not
    count: a company blurb is full of them and holds no duty."""
    if not any(place == REQUIREMENTS for _, _, place in places):
        return places
    in_duties = in_requirements = 0
    left = len(located)
    for start, _, entry, _ in located:
        left -= 1
        if not entry.telling:
            continue
        place = places[bisect_right(starts, start) - 1][2]
        if place == DUTY:
            in_duties += 1
        elif place == REQUIREMENTS:
            in_requirements += 1
        if (
            in_duties >= FEW_DUTY_MATCHES
            and in_requirements + left < REQUIREMENTS_RATIO * in_duties
        ):
            return places  # the requirements can no longer outnumber the duties enough
    if in_duties >= FEW_DUTY_MATCHES and in_requirements < REQUIREMENTS_RATIO * in_duties:
        return places
    return [(n, w, DUTY if p == REQUIREMENTS else p) for n, w, p in places]


def matches_in(
    text: str, lexicon: Lexicon, most: int, body: bool
) -> tuple[list[Located], list[Marker], list[Marker], int]:
    """Phrases, section words (for a body), cues and the token count of ``text``: through
    the compiled matcher when there is one, else (or for a text it leaves) in Python."""
    compiled = lexicon.compiled
    found = compiled.find(text, most, body) if compiled else None
    if found is not None:
        return found
    tokens = tokens_of(text)
    located, markers, cues = find(tokens, lexicon, most, body)
    return located, markers, cues, len(tokens.stems)


@lru_cache(maxsize=64)
def _factors(section_weight: float, decay: float, most: int) -> tuple[float, ...]:
    """A stretch's factor per repeat: its section weight × the repeat decay (remembered:
    the same few section weights recur in every posting)."""
    return tuple(section_weight * decay**repeat for repeat in range(most))


def _runs(
    located: list[Located], starts: list[int], places: list[Place], decay: float, most: int
) -> list[Run]:
    """The runs of ``located`` (in text order) per stretch (``starts``: where each begins;
    ``decay`` and ``most``: see :func:`_factors`)."""
    runs: list[Run] = []
    low = 0
    for index, (_, section_weight, _) in enumerate(places):
        if index + 1 < len(starts):
            high = bisect_left(located, starts[index + 1], low, key=_START)
        else:
            high = len(located)
        if low < high and section_weight > 0:
            runs.append((index, low, high, _factors(section_weight, decay, most)))
        low = high
    return runs


def scan(
    text: str,
    offset: int,
    lexicon: Lexicon,
    signals: Signals,
    source: str,
    posting: str,
    context: str | None = None,
) -> Analysis:
    """Match phrases (and, for a body, section words) and tally them by feature group."""
    body = source == "body"
    limits = signals.thresholds
    located, markers, cues, words = matches_in(text, lexicon, limits.max_repeats, body)
    if body:
        sections: SectionMap | None = build_sections(text, markers, cues)
        assert sections is not None
        starts, places = sections.starts, _places(sections, signals.sections.weights)
        places = _requirements_as_duties(located, starts, places)
    else:
        sections, starts, places = None, [0], [("title", 1.0, TITLE)]
    runs = _runs(located, starts, places, limits.repeat_decay, limits.max_repeats)
    # plain dicts: a defaultdict's item access is not specialised by the interpreter
    tallies: dict[tuple[str, int], float] = {}
    frames: dict[str, float] = {}
    for index, low, high, factors in runs:
        place = places[index][2]
        if place == DUTY:  # the duty frame counts here too
            for _, _, entry, repeat in located[low:high]:
                factor = factors[repeat]
                for frame, weight in entry.frames:
                    frames[frame] = frames.get(frame, 0.0) + weight * factor
                for key, weight in entry.parts[DUTY]:
                    tallies[key] = tallies.get(key, 0.0) + weight * factor
        else:
            for _, _, entry, repeat in located[low:high]:
                factor = factors[repeat]
                for key, weight in entry.parts[place]:
                    tallies[key] = tallies.get(key, 0.0) + weight * factor
    shown = posting if context is None else context
    return Analysis(
        tallies,
        frames,
        located,
        runs,
        places,
        sections,
        words,
        offset,
        source,
        posting,
        shown,
    )


def split_title(text: str) -> tuple[str | None, str, int]:
    """A short first line taken as the title: ``(title, body, body_offset)``; spaces and the
    characters that show nothing around it (a byte-order mark, a zero-width space) are not
    part of it."""
    stripped = text.lstrip(LINE_BLANKS)
    lead = len(text) - len(stripped)
    first, newline, rest = stripped.partition("\n")
    line = first.strip(LINE_BLANKS)
    if (
        newline
        and rest.strip()
        and 0 < len(line) <= TITLE_MAX_CHARS
        and len(line.split()) <= TITLE_MAX_WORDS
        and not line.endswith((".", ":", ";", ","))
        and ": " not in line  # "Salary: £28,000" is a field, not a title
    ):
        return line, rest, lead + len(first) + 1
    return None, text, 0


def features(
    kb: Knowledge,
    text: str,
    title: str | None = None,
    *,
    detect_title: bool = True,
    lexicon: Lexicon | None = None,
) -> tuple[dict[tuple[str, int], float], dict[str, float], int, str | None]:
    """The model's inputs for a posting: tallies, shared features, word count, title."""
    found = _analyse(kb, text, title, detect_title, lexicon)
    return found[0], found[1], found[2], found[3]


def _analyse(
    kb: Knowledge,
    text: str,
    title: str | None,
    detect_title: bool,
    lexicon: Lexicon | None,
) -> tuple[
    dict[tuple[str, int], float],
    dict[str, float],
    int,
    str | None,
    Analysis,
    Analysis | None,
    str,
    str,
]:
    """The tallies, shared features, word count and title of a posting; its body's and
    title's scans; the text read (cut at MAX_CHARS) and the text scanned (HTML blanked,
    line breaks unified, repeated blocks blanked: all keep the length, so offsets hold)."""
    signals = signals_of(kb)
    lexicon = lexicon or lexicon_for(kb)
    text = text[:MAX_CHARS]
    clean = unify_line_breaks(strip_html(text))  # offsets hold: both keep the length
    scanned = blank_repeats(clean)  # a description given twice counts once
    body, body_offset = scanned, 0
    title_offset, title_context = 0, title
    if title is not None:  # evidence offsets index the title as given, spaces and all
        title_offset = len(title) - len(title.lstrip())
        title = title.strip() or None
    if title is None and detect_title:
        title, body, body_offset = split_title(clean)
        body = scanned[body_offset:]
        marker = lexicon.markers.get(phrase_key(title)) if title else None
        if marker is not None and marker[0] == "heading":  # "About Us" opens a section
            title, body, body_offset = None, scanned, 0
        if title:  # a detected title: its evidence offsets index the posting itself
            title_offset = clean.find(title)  # the context ends with the title's line
            title_context = text[: title_offset + len(title)]
    body_found = scan(body, body_offset, lexicon, signals, "body", text, clean)
    title_found = (
        scan(title, title_offset, lexicon, signals, "title", title_context or title)
        if title
        else None
    )
    tallies = dict(body_found.tallies)
    if title_found:
        for key, value in title_found.tallies.items():
            tallies[key] = tallies.get(key, 0.0) + value * signals.thresholds.title_weight
    words = body_found.tokens
    shared = {
        "serve": body_found.frames.get("serve", 0.0),
        "build": body_found.frames.get("build", 0.0),
        "words": float(words),
    }
    return tallies, shared, words, title, body_found, title_found, text, scanned


def shared_vector(shared: dict[str, float]) -> list[float]:
    """The shared features as the model reads them."""
    return [
        squash(shared["serve"]),
        squash(shared["build"]),
        math.log1p(shared["words"]) / 5.0,
    ]


Read = tuple[dict[str, list[tuple[int, float]]], dict[str, float]]
"""Tallies as the model and the decision read them (see :func:`read_tallies`)."""


def read_tallies(tallies: dict[tuple[str, int], float], onto: Read | None = None) -> Read:
    """Per function, its nonzero tallies squashed, as ``(group, squashed tally)``; and per
    function its raw evidence points (its positive tallies outside the contrast group,
    added in tally order). ``onto``: the reading of tallies that come before these (left
    as it is; they share no key with these, as a title's tallies and a body's never do):
    the answer is the reading of both."""
    counted: dict[str, list[tuple[int, float]]] = {}
    points: dict[str, float] = {}
    if onto is not None:
        counted = {function: list(found) for function, found in onto[0].items()}
        points = dict(onto[1])
    for (function, group), tally in tallies.items():
        if tally:
            counted.setdefault(function, []).append((group, squash(tally)))
            if tally > 0 and group != CONTRAST:
                points[function] = points.get(function, 0.0) + tally
    return counted, points


def class_logits(
    model: Model,
    classes: list[str],
    tallies: dict[tuple[str, int], float],
    shared: dict[str, float],
) -> dict[str, float]:
    """Each class's linear score from its own function's group tallies and shared features."""
    return _logits(model, classes, read_tallies(tallies)[0], shared_vector(shared))


def _logits(
    model: Model,
    classes: list[str],
    counted: dict[str, list[tuple[int, float]]],
    common: list[float],
) -> dict[str, float]:
    """:func:`class_logits` from squashed tallies: the bias, then the groups in group order,
    then the shared features."""
    serve, build, words = common
    logits: dict[str, float] = {}
    for c in classes:
        w = model.weights(c)
        value = w.bias
        found = counted.get(c)
        if found:
            found.sort()  # by group: a function has one tally per group
            groups = w.groups
            for g, squashed in found:
                value += groups[g] * squashed
        on_serve, on_build, on_words = w.shared
        value += on_serve * serve
        value += on_build * build
        value += on_words * words
        logits[c] = value
    return logits


def softmax(logits: dict[str, float]) -> dict[str, float]:
    top = max(logits.values())
    exps = {c: math.exp(v - top) for c, v in logits.items()}
    total = sum(exps.values())
    return {c: v / total for c, v in exps.items()}


@dataclass(slots=True)
class Assessment:
    """A posting's answer as plain values, before it becomes result models
    (:meth:`classification`) or a batch row (``cxcs.records.RowMaker``): batches never pay
    for models they do not show."""

    decided: dict[str, Any]
    """label, decision, confidence, runner_up, margin, not_customer_facing and reason."""
    scores: list[tuple[str, float, float]]
    """``(function, score, raw)`` in knowledge order."""
    all_evidence: Callable[[], tuple[Evidence, ...]]
    top_evidence: Callable[[int], list[Evidence]]
    """The ``limit`` heaviest evidence items, heaviest first (builds only those)."""
    title: dict[str, Any] | None
    """The title check's fields (see :class:`TitleCheck`)."""
    words: int
    chars_read: int
    truncated: bool

    def classification(self) -> Classification:
        """The result model."""
        return Classification.model_construct(
            **self.decided,
            scores=tuple(
                FunctionScore.model_construct(function=f, score=score, raw=raw)
                for f, score, raw in self.scores
            ),
            evidence=LazyEvidence(self.all_evidence, self.top_evidence),
            title=TitleCheck(**self.title) if self.title else None,
            words=self.words,
            chars_read=self.chars_read,
            truncated=self.truncated,
        )


def classify(
    kb: Knowledge,
    text: str,
    title: str | None = None,
    *,
    detect_title: bool = True,
    lexicon: Lexicon | None = None,
    model: Model | None = None,
) -> Classification:
    """Classify posting ``text`` (optionally with its ``title``). Never raises on any text."""
    return assess(
        kb, text, title, detect_title=detect_title, lexicon=lexicon, model=model
    ).classification()


def assess(
    kb: Knowledge,
    text: str,
    title: str | None = None,
    *,
    detect_title: bool = True,
    lexicon: Lexicon | None = None,
    model: Model | None = None,
) -> Assessment:
    """What :func:`classify` answers, as an :class:`Assessment`."""
    signals = signals_of(kb)
    model = model or shipped_model()
    truncated = len(text) > MAX_CHARS
    tallies, shared, words, title, body_found, title_found, text, scanned = _analyse(
        kb, text, title, detect_title, lexicon
    )
    classes = [*kb.functions, NOT_CUSTOMER_FACING]
    body_read = read_tallies(body_found.tallies)  # the title check reads the duties alone
    counted, points = (
        read_tallies({key: tallies[key] for key in title_found.tallies}, body_read)
        if title_found
        else body_read
    )
    common = shared_vector(shared)
    probabilities = softmax(_logits(model, classes, counted, common))
    foreign = _foreign(scanned, words, signals)
    decided, scores = _decide(
        probabilities, points, classes, signals, model, words, bool(title), foreign
    )
    found = [title_found, body_found] if title_found else [body_found]
    all_evidence, top_evidence = _evidence_builder(found, model, tallies, counted)
    title_check = None
    if title and title_found is not None:
        title_label = _title_label(title_found, classes)
        duties = (  # asked only when the title reads as something
            _duties_reading(model, classes, body_read, common, signals, words)
            if title_label and foreign is None
            else None
        )
        title_check = _title_check(title, title_label, duties, decided["label"])
    return Assessment(
        decided,
        scores,
        all_evidence,
        top_evidence,
        title_check,
        words,
        len(text),
        truncated,
    )


def _scales(
    model: Model,
    tallies: dict[tuple[str, int], float],
    counted: dict[str, list[tuple[int, float]]],
) -> dict[tuple[str, int], float]:
    """(function, group) -> the group's learned weight times the slope of its squashed
    tally: how much a unit of raw weight in that group adds to the function's score. Every
    group a counted match adds to is tallied (a plain dict: lookups stay fast). The tallies
    come squashed already (``counted``, see :func:`read_tallies`); a zero tally's slope
    is 1."""
    scales: dict[tuple[str, int], float] = {}
    weights = model.weights
    for function, found in counted.items():
        groups = weights(function).groups
        for group, squashed in found:
            key = (function, group)
            scales[key] = groups[group] * (squashed / tallies[key])
    for key, total in tallies.items():
        if not total:
            scales[key] = weights(key[0]).groups[key[1]]
    return scales


Weighed = tuple[Analysis, Located, int, str]
"""An evidence item before it is built: the scan it came from, the match, the index of its
stretch, the function."""


def _weigh(
    found: list[Analysis], scales: dict[tuple[str, int], float]
) -> tuple[list[float], list[Weighed]]:
    """Every counted match's weight per function it counts for (those that add nothing left
    out), in text order, the title's first (``scales``: see :func:`_scales`)."""
    weights: list[float] = []
    weighed: list[Weighed] = []
    for analysis in found:
        located, places = analysis.located, analysis.places
        for index, low, high, factors in analysis.runs:
            place = places[index][2]
            for match in located[low:high]:
                for function, parts in match[2].by_function[place]:
                    weight = 0.0
                    for key, raw in parts:
                        weight += scales[key] * raw
                    weight *= factors[match[3]]
                    if weight:
                        weights.append(weight)
                        weighed.append((analysis, match, index, function))
    return weights, weighed


def _evidence_builder(
    found: list[Analysis],
    model: Model,
    tallies: dict[tuple[str, int], float],
    counted: dict[str, list[tuple[int, float]]],
) -> tuple[Callable[[], tuple[Evidence, ...]], Callable[[int], list[Evidence]]]:
    """Functions that build all the evidence (in text order, the title's first), or only
    the heaviest items.

    Each match's weight is its share of its function's score: per feature group, the group's
    learned weight times the group's squashed tally, split over the group's matches by raw
    weight. Matches that add nothing are left out.
    """

    def item(weight: float, weighed: Weighed) -> Evidence:
        analysis, (start, end, entry, _), index, function = weighed
        begin, finish = start + analysis.offset, end + analysis.offset
        return Evidence(
            entry.phrase,
            function,
            analysis.places[index][0],
            weight,
            begin,
            finish,
            analysis.posting[begin:finish],
            analysis.source,
            analysis.shown,
        )

    def build() -> tuple[Evidence, ...]:
        return tuple(map(item, *_weigh(found, _scales(model, tallies, counted))))

    def top(limit: int) -> list[Evidence]:
        weights, weighed = _weigh(found, _scales(model, tallies, counted))
        # the heaviest first; of equal weights, the earliest (as heapq.nlargest picks them)
        best = sorted(range(len(weights)), key=weights.__getitem__, reverse=True)[:limit]
        best.sort(key=lambda i: (-weights[i], weighed[i][1][0] + weighed[i][0].offset))
        return [item(weights[i], weighed[i]) for i in best]

    return build, top


def probability_text(value: float, under: float | None = None) -> str:
    """A probability for a reason string: two decimals, or three when two would round it to
    0.00 or 1.00 (or up to ``under``, a threshold it is below); past three, "above 0.999",
    "below 0.001" or "just below" the threshold. 0.9978 reads "0.998", never "1.00"."""
    for digits in (2, 3):
        text = f"{value:.{digits}f}"
        shown = float(text)
        if not (
            (shown >= 1 > value)
            or (shown <= 0 < value)
            or (under is not None and value < under <= shown)
        ):
            return text
    if under is not None and value < under and value >= 0.0005:
        return f"just below {threshold_text(under)}"
    return "above 0.999" if value >= 0.5 else "below 0.001"


def threshold_text(value: float) -> str:
    """A configured threshold as written: two decimals when that is exact (0.50), else all
    the digits it has (0.975)."""
    return f"{value:.2f}" if round(value, 2) == value else f"{value:g}"


def _decide(
    probabilities: dict[str, float],
    points: dict[str, float],
    classes: list[str],
    signals: Signals,
    model: Model,
    words: int,
    has_title: bool,
    foreign: str | None = None,
) -> tuple[dict[str, Any], list[tuple[str, float, float]]]:
    """The decision and the scores (``foreign``: see :func:`_foreign`)."""
    limits = signals.thresholds
    ranked = _ranked(probabilities, classes)
    functions = [c for c in ranked if c != NOT_CUSTOMER_FACING]
    top, second = ranked[0], ranked[1]
    p1, p2 = probabilities[top], probabilities[second]
    confidence = model.calibrate(p1)
    total = sum(points.values())
    short = words < limits.min_words
    if short:
        confidence = min(confidence, limits.short_text_cap)
    scores = [
        (c, round(probabilities[c], 4), round(points.get(c, 0.0), 4))
        for c in classes
        if c != NOT_CUSTOMER_FACING
    ]
    decision: Decision
    label: str | None = top
    runner_up: str | None = second
    if foreign is not None:
        decision, label, runner_up = "insufficient", None, None
        reason = f"the text does not read as English: {foreign}"
    elif _too_little(total, words, has_title, signals):
        decision, label = "insufficient", None
        reason = (
            f"too little evidence ({total:.1f} points, {limits.min_evidence:g} needed)"
            if total < limits.min_evidence
            else f"too short ({words} words)"
        )
    elif top == NOT_CUSTOMER_FACING:
        decision, label = "not_customer_facing", None
        runner_up = functions[0]
        reason = (
            "the duties read as a role that is not customer-facing "
            f"(probability {probability_text(p1)})"
        )
    elif short:
        decision = "ambiguous"
        reason = (
            f"{top} ({probability_text(p1)}) over {second} ({probability_text(p2)}), but "
            f"{words} words are too few to be confident (calibrated confidence capped at "
            f"{threshold_text(limits.short_text_cap)})"
        )
    elif confidence >= model.confident:
        decision = "confident"
        reason = (
            f"{top} is right with probability {probability_text(confidence)} (runner-up {second})"
        )
    else:
        decision = "ambiguous"
        reason = (
            f"{top} ({probability_text(p1)}) over {second} ({probability_text(p2)}); "
            f"calibrated confidence {probability_text(confidence, model.confident)} is below "
            f"{threshold_text(model.confident)}"
        )
    answered = decision != "insufficient"  # no answer: nothing to be confident about
    decided = {
        "label": label,
        "decision": decision,
        "confidence": round(confidence, 4) if answered else None,
        "runner_up": runner_up if answered else None,
        "margin": round(p1 - p2, 4) if answered else None,
        "not_customer_facing": round(probabilities[NOT_CUSTOMER_FACING], 4),
        "reason": reason,
    }
    return decided, scores


def _duties_reading(
    model: Model,
    classes: list[str],
    body_read: Read,
    common: list[float],
    signals: Signals,
    words: int,
) -> str | None:
    """What the duties alone read as (``body_read``: the body's tallies as
    :func:`read_tallies` reads them): the model's own answer for the body without its
    title — a function, ``none`` (not customer-facing), or None (too little to tell).

    The label :func:`_decide` gives a posting without a title, or ``none`` for its "not
    customer-facing" decision; worked out without the reason (and without the model when
    there is too little to tell).
    """
    counted, points = body_read
    if _too_little(sum(points.values()), words, False, signals):
        return None  # "insufficient", however the model reads it
    return _ranked(softmax(_logits(model, classes, counted, common)), classes)[0]


ENGLISH_MARKERS = (" the ", " and ", " to ", " of ")
"""The commonest English words, between spaces. English postings hold several in every 100
words (4 at the fewest among the development postings); text in another language next to
none. cxcs's phrases are English: it cannot read other text, so it abstains."""
OTHER_MARKERS = (
    *(" der ", " die ", " und ", " das ", " het ", " een ", " en ", " de "),
    *(" le ", " la ", " les ", " des ", " et ", " el ", " los ", " las ", " y ", " que "),
    *(" il ", " di ", " e ", " os ", " do "),
)
"""The commonest words of German, Dutch, French, Spanish, Italian and Portuguese: a terse
English posting may hold few English markers, but then it holds fewer of these."""


_OTHER_SCRIPT_LEADS = bytes([*range(0xCE, 0xE2), *range(0xE3, 0xEE)])
"""The UTF-8 lead bytes of other scripts' letters: U+0380–U+1FFF (Greek, Cyrillic, Armenian,
Hebrew, Arabic, the Indic scripts, Thai, Tibetan, Georgian, Hangul jamo, Ethiopic…) and
U+3000–U+DFFF (kana, CJK ideographs, Hangul syllables) — not U+2000–U+2FFF, the
punctuation, symbols and bullets English postings use. Each character has one lead byte."""
_ALL_BUT_LEADS = bytes(b for b in range(256) if b not in _OTHER_SCRIPT_LEADS)


def other_script_characters(text: str) -> int:
    """How many of ``text``'s characters are letters of another script (see
    :data:`_OTHER_SCRIPT_LEADS`): counted in C, by what deleting every other byte of the text's
    UTF-8 leaves (a few microseconds for a posting; an ASCII text costs nothing)."""
    if text.isascii():
        return 0
    return len(text.encode("utf-8", "surrogatepass").translate(None, _ALL_BUT_LEADS))


OTHER_SCRIPT_SHARE = 0.1
"""A text this much written in another script (a share of its characters) does not read as
English, whatever English boilerplate surrounds it: a Japanese posting's duties under an
English company blurb and equal-opportunity notice. Among the development postings, the
English ones hold next to none (3 characters at most)."""


def _foreign(text: str, words: int, signals: Signals) -> str | None:
    """Why ``text`` does not read as English, or None when it does (or is too short to tell
    by its words). It does not when :data:`OTHER_SCRIPT_SHARE` of its characters are letters
    of another script (:func:`other_script_characters`); or when :data:`ENGLISH_MARKERS`
    stand under ``min_english`` times per 100 of its ``words`` and less often than the
    :data:`OTHER_MARKERS` (counted only then)."""
    other = other_script_characters(text)
    if other and other >= OTHER_SCRIPT_SHARE * len(text):
        return f"{other} of its {len(text)} characters are in a script other than Latin"
    limits = signals.thresholds
    if words < limits.min_words:
        return None
    found = sum(map(text.count, ENGLISH_MARKERS))
    if found * 100 >= limits.min_english * words:
        return None
    if sum(map(text.count, OTHER_MARKERS)) <= found:
        return None
    return (
        f"the, and, to and of stand {found} time(s) in {words} words, under "
        f"{limits.min_english:g} in 100"
    )


def _too_little(points: float, words: int, has_title: bool, signals: Signals) -> bool:
    """Whether a posting is ``insufficient``: too few evidence points, or too few words
    with no title to go on."""
    limits = signals.thresholds
    return points < limits.min_evidence or (words < limits.min_words and not has_title)


def _ranked(probabilities: dict[str, float], classes: list[str]) -> list[str]:
    """The classes from the most probable (ties: by name)."""
    return sorted(classes, key=lambda c: (-probabilities[c], c))


NAMING_TIERS = frozenset({STRONG, MEDIUM})
"""The phrase tiers that can make a title read as a function: a weak phrase is a context
word ("engineers", "data", "software") that names no role on its own."""


def _title_label(title_found: Analysis, classes: list[str]) -> str | None:
    """What the title alone reads as (None: nothing clear): its points per function, counting
    only the functions it names with a strong or medium phrase (a "Civil Engineer" does not
    read as UX for the weak UX word "engineers"); weak phrases still add to those."""
    named = {
        function
        for _, _, entry, _ in title_found.located
        for function, weight, tier in entry.weights
        if tier in NAMING_TIERS and weight > 0
    }
    title_points: dict[str, float] = defaultdict(float)
    for (function, group), value in title_found.tallies.items():
        if group != CONTRAST and function in named:
            title_points[function] += value
    return _top_label(title_points, classes, 0.5)


def _title_check(
    title: str, title_label: str | None, duties: str | None, label: str | None
) -> dict[str, Any]:
    """The title's reading against what the duties read as (the model's answer without
    the title, so the warning never contradicts how the posting is labelled)."""
    mismatch = bool(title_label and duties and title_label != duties)
    message = None
    if mismatch:
        message = (
            f"the title reads as {_described(title_label)} but the duties read as "
            f"{_described(duties)}"
        )
        if label is not None and label == title_label:
            message += f"; labelled {label} with the title's weight"
    return {
        "title": title,
        "title_label": title_label,
        "body_label": duties,
        "mismatch": mismatch,
        "message": message,
    }


def _described(reading: str | None) -> str:
    return "not customer-facing" if reading == NOT_CUSTOMER_FACING else str(reading)


def _top_label(raw: dict[str, float], classes: list[str], minimum: float) -> str | None:
    best = max(classes, key=lambda c: raw.get(c, 0.0))
    return best if raw.get(best, 0.0) >= minimum else None


def sections_of(kb: Knowledge, text: str) -> SectionMap:
    """The sections of a posting body (for inspection and tests)."""
    clean = unify_line_breaks(strip_html(text))
    found = scan(clean, 0, lexicon_for(kb), signals_of(kb), "body", text)
    assert found.sections is not None
    return found.sections
