"""Compile signals and knowledge-base phrases into token n-gram indexes.

A posting is looked up with two C-level passes (one dict probe per token for one-word
phrases, one per adjacent token pair for longer ones); only the tokens that hit anything
are looked at in Python, so the cost per posting stays flat as the lexicon grows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cxcs.engine.model import GROUPS
from cxcs.engine.text import phrase_key
from cxcs.models.knowledge import Knowledge
from cxcs.models.signals import NOT_CUSTOMER_FACING, Signals

if TYPE_CHECKING:
    from cxcs.engine.compiled import CompiledMatcher

STRONG, MEDIUM, WEAK, CONTRAST, FRAME = range(5)
"""Feature group of a phrase's weight: its tier, a contrast rule, or a duty-frame word."""

TIER_GROUPS = {"strong": STRONG, "medium": MEDIUM, "weak": WEAK}


DUTY = -1
"""Where a match counts: in the duty sections, each weight in its own tier's group …"""
REQUIREMENTS, LOW, TITLE = GROUPS.index("requirements"), GROUPS.index("low"), GROUPS.index("title")
"""… or elsewhere, all of a function's weights in one group: the requirements, the company
and benefits text, the title."""
PLACES = (DUTY, REQUIREMENTS, LOW, TITLE)

Part = tuple[tuple[str, int], float]
"""A ``((function, feature group), weight)`` a match adds to the tallies."""


@dataclass(frozen=True, slots=True)
class Entry:
    """What one phrase adds: ``(function, weight, group)`` triples, with the phrase as written.

    An entry without weights is a blocker: it only stops its words from counting in
    another sense ("use cases" is not support "cases").
    """

    phrase: str
    weights: tuple[tuple[str, float, int], ...]
    frames: tuple[tuple[str, float], ...] = ()
    """Duty-frame words: ``(frame, weight)``."""
    parts: dict[int, tuple[Part, ...]] = field(default_factory=dict)
    """Per place (:data:`PLACES`), the tally parts one match adds: precomputed, so a scan
    only multiplies and adds."""
    by_function: dict[int, tuple[tuple[str, tuple[Part, ...]], ...]] = field(default_factory=dict)
    """The same parts per function (evidence is one item per function)."""
    telling: bool = False
    """Whether the phrase is a strong or medium phrase of some function or of ``none``
    (not only a weak context word, a contrast or a duty-frame word)."""


def make_entry(phrase: str, weights: tuple[tuple[str, float, int], ...]) -> Entry:
    """An :class:`Entry` with its tally parts precomputed for every place."""
    tiers: dict[str, list[tuple[int, float]]] = {}
    frames: list[tuple[str, float]] = []
    for function, weight, group in weights:
        if group == FRAME:
            frames.append((function.removeprefix("_"), weight))
        else:
            tiers.setdefault(function, []).append((group, weight))
    by_function = {DUTY: tuple((f, tuple(((f, g), w) for g, w in ws)) for f, ws in tiers.items())}
    for place in PLACES[1:]:
        by_function[place] = tuple(
            (f, (((f, place), sum(w for _, w in ws)),)) for f, ws in tiers.items()
        )
    parts = {place: tuple(p for _, ps in found for p in ps) for place, found in by_function.items()}
    telling = any(group in (STRONG, MEDIUM) and weight > 0 for _, weight, group in weights)
    return Entry(phrase, weights, tuple(frames), parts, by_function, telling)


Hit = tuple[Entry | None, tuple[str, str] | None]
"""What a key matches: a phrase entry and/or a section marker ``(kind, section)``."""


@dataclass
class Lexicon:
    """Phrase index built from entries (phrases) and markers (section words).

    ``lookup`` maps every key to its hit; ``singles`` maps a one-word key to its hit;
    ``heads`` maps the first two words of every longer key to the lengths of the keys that
    start with them, longest first — so a token pair costs one probe per length, however
    many phrases there are.
    """

    entries: dict[tuple[str, ...], Entry] = field(default_factory=dict)
    markers: dict[tuple[str, ...], tuple[str, str]] = field(default_factory=dict)
    lookup: dict[tuple[str, ...], Hit] = field(default_factory=dict)
    singles: dict[str, Hit] = field(default_factory=dict)
    heads: dict[tuple[str, str], tuple[int, ...]] = field(default_factory=dict)
    attributive: frozenset[str] = frozenset()
    """Stems of the nouns that turn the phrase before them into the employer's field."""
    compiled: CompiledMatcher | None = None
    """The same index as a compiled automaton, when the ``fast`` extra is installed (see
    :func:`cxcs.engine.compiled.compiled_matcher`)."""

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def longest(self) -> int:
        return max((len(key) for key in self.lookup), default=1)

    def index(self) -> None:
        """Rebuild ``lookup``, ``singles`` and ``heads`` from the entries and markers."""
        self.lookup = {
            key: (self.entries.get(key), self.markers.get(key))
            for key in (*self.entries, *self.markers)
        }
        self.singles = {key[0]: hit for key, hit in self.lookup.items() if len(key) == 1}
        lengths: dict[tuple[str, str], set[int]] = defaultdict(set)
        for key in self.lookup:
            if len(key) >= 2:
                lengths[(key[0], key[1])].add(len(key))
        self.heads = {head: tuple(sorted(ns, reverse=True)) for head, ns in lengths.items()}


def compile_lexicon(kb: Knowledge, signals: Signals, padding: Iterable[str] = ()) -> Lexicon:
    """Build the index from the signals file and the knowledge base's titles, duties, metrics.

    ``padding`` adds phrases that count for nothing (for benchmarking cost against lexicon
    size); a padding phrase never replaces a real one.
    """
    weights: dict[tuple[str, ...], dict[tuple[str, int], float]] = defaultdict(dict)
    shown: dict[tuple[str, ...], str] = {}

    def add(phrase: str, function: str, weight: float, group: int) -> None:
        key = phrase_key(phrase)
        if not key:
            return
        shown.setdefault(key, phrase)
        slot = (function, CONTRAST if weight < 0 or group == CONTRAST else group)
        current = weights[key].get(slot, 0.0)
        # The strongest statement of a phrase for a function wins; contrasts add on top.
        weights[key][slot] = max(current, weight) if slot[1] != CONTRAST else current + weight

    for function, tiers in signals.phrases.items():
        for tier_name, group in TIER_GROUPS.items():
            for phrase in getattr(tiers, tier_name):
                add(phrase, function, signals.tiers[tier_name], group)
    for axis_id, tier_name in signals.kb_feeds.items():
        group = TIER_GROUPS[tier_name]
        for fid, known in kb.functions.items():
            cell = known.cells.get(axis_id)
            if cell is None:
                continue
            for claim in cell.claims:
                items = claim.value if isinstance(claim.value, tuple) else (claim.value,)
                for item in items:
                    if axis_id == "metrics" and item in kb.metrics:
                        metric = kb.metrics[item]
                        add(metric.name, fid, signals.tiers[tier_name], group)
                        if len(metric.abbreviation) >= 3:
                            add(metric.abbreviation, fid, signals.tiers[tier_name], group)
                    elif len(phrase_key(kb.label(axis_id, item))) >= 2:
                        add(kb.label(axis_id, item), fid, signals.tiers[tier_name], group)
    for contrast in signals.contrasts:
        for phrase in contrast.phrases:
            add(phrase, contrast.favour, contrast.weight, CONTRAST)
            add(phrase, contrast.over, -contrast.weight, CONTRAST)
    for frame, phrases in signals.frames.items():
        for phrase in phrases:
            add(phrase, f"_{frame}", 1.0, FRAME)
    lexicon = Lexicon()
    for key, per_slot in weights.items():
        triples = tuple(
            (function, round(w, 4), group)
            for (function, group), w in sorted(per_slot.items())
            if w != 0
        )
        if triples:
            lexicon.entries[key] = make_entry(shown[key], triples)
    for phrase in signals.blockers:
        key = phrase_key(phrase)
        if key:
            lexicon.entries[key] = Entry(phrase, ())
    for phrase in padding:
        key = phrase_key(phrase)
        if key and key not in lexicon.entries:
            lexicon.entries[key] = Entry(phrase, ())
    lexicon.attributive = frozenset(phrase_key(" ".join(signals.attributive)))
    rules = signals.sections
    for kind, table in (("heading", rules.headings), ("cue", rules.boilerplate)):
        for section, phrases in table.items():
            for phrase in phrases:
                key = phrase_key(phrase)
                if key:
                    lexicon.markers.setdefault(key, (kind, section))
    lexicon.index()
    return lexicon


__all__ = [
    "CONTRAST",
    "DUTY",
    "FRAME",
    "LOW",
    "MEDIUM",
    "NOT_CUSTOMER_FACING",
    "PLACES",
    "REQUIREMENTS",
    "STRONG",
    "TITLE",
    "WEAK",
    "Entry",
    "Lexicon",
    "compile_lexicon",
]
