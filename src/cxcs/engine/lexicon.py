"""Compile signals and knowledge-base phrases into a token n-gram index.

Looking a posting up costs one dict probe per token and n-gram length that starts with a
known first token, so the cost per posting stays flat as the lexicon grows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from cxcs.engine.text import phrase_key
from cxcs.models.knowledge import Knowledge
from cxcs.models.signals import NOT_CUSTOMER_FACING, Signals


@dataclass(frozen=True)
class Entry:
    """What one phrase adds: ``(function, weight)`` pairs, with the phrase as written."""

    phrase: str
    weights: tuple[tuple[str, float], ...]


STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "in",
        "on",
        "at",
        "of",
        "to",
        "for",
        "our",
        "we",
        "you",
        "you'll",
        "your",
        "we're",
        "is",
        "are",
        "what",
        "who",
        "this",
        "and",
        "with",
        "be",
        "it",
        "how",
        "why",
        "by",
        "as",
        "or",
        "all",
        "will",
        "about",
        "look",
        "when",
        "where",
    ]
)
"""Words a phrase is never anchored on: they occur everywhere and would make every token a
candidate."""


@dataclass
class Lexicon:
    """Phrase index: stem tuple -> entry, and stem tuple -> section marker.

    ``anchors`` maps a stem to the phrases anchored on it as ``(offset, length)`` pairs,
    longest first: a phrase is anchored on its first word that is not a stopword, so a token
    is probed only for phrases that can match around it.
    """

    entries: dict[tuple[str, ...], Entry] = field(default_factory=dict)
    markers: dict[tuple[str, ...], tuple[str, str]] = field(default_factory=dict)
    anchors: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    lookup: dict[tuple[str, ...], tuple[Entry | None, tuple[str, str] | None]] = field(
        default_factory=dict
    )
    singles: dict[str, tuple[Entry | None, tuple[str, str] | None]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def longest(self) -> int:
        return max((n for pairs in self.anchors.values() for _, n in pairs), default=1)

    def index(self) -> None:
        """Rebuild ``anchors`` and ``lookup`` from the entries and markers."""
        self.lookup = {
            key: (self.entries.get(key), self.markers.get(key))
            for key in (*self.entries, *self.markers)
        }
        self.singles = {key[0]: hit for key, hit in self.lookup.items() if len(key) == 1}
        found: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for key in (*self.entries, *self.markers):
            offset = next((i for i, word in enumerate(key) if word not in STOPWORDS), 0)
            found[key[offset]].add((offset, len(key)))
        self.anchors = {
            word: tuple(sorted(pairs, key=lambda p: (-p[1], p[0]))) for word, pairs in found.items()
        }


def compile_lexicon(kb: Knowledge, signals: Signals, scale: int = 1) -> Lexicon:
    """Build the index from the signals file and the knowledge base's titles, duties, metrics.

    ``scale`` > 1 adds inert synthetic phrases (for benchmarking cost against lexicon size).
    """
    weights: dict[tuple[str, ...], dict[str, float]] = defaultdict(dict)
    shown: dict[tuple[str, ...], str] = {}

    def add(phrase: str, function: str, weight: float) -> None:
        key = phrase_key(phrase)
        if not key:
            return
        shown.setdefault(key, phrase)
        current = weights[key].get(function, 0.0)
        # The strongest statement of a phrase for a function wins; contrasts add on top.
        weights[key][function] = max(current, weight) if weight > 0 else current + weight

    for function, tiers in signals.phrases.items():
        for tier_name in ("strong", "medium", "weak"):
            for phrase in getattr(tiers, tier_name):
                add(phrase, function, signals.tiers[tier_name])
    for axis_id, tier_name in signals.kb_feeds.items():
        for fid, known in kb.functions.items():
            cell = known.cells.get(axis_id)
            if cell is None:
                continue
            for claim in cell.claims:
                items = claim.value if isinstance(claim.value, tuple) else (claim.value,)
                for item in items:
                    if axis_id == "metrics" and item in kb.metrics:
                        metric = kb.metrics[item]
                        add(metric.name, fid, signals.tiers[tier_name])
                        if len(metric.abbreviation) >= 3:
                            add(metric.abbreviation, fid, signals.tiers[tier_name])
                    elif len(phrase_key(kb.label(axis_id, item))) >= 2:
                        add(kb.label(axis_id, item), fid, signals.tiers[tier_name])
    for contrast in signals.contrasts:
        for phrase in contrast.phrases:
            add(phrase, contrast.favour, contrast.weight)
            add(phrase, contrast.over, -contrast.weight)
    base_size = len(shown)
    for n in range(scale - 1):
        for i in range(base_size):
            add(f"zzsynthetic{n} filler{i} phrase", NOT_CUSTOMER_FACING, 0.1)
    lexicon = Lexicon()
    for key, per_function in weights.items():
        pairs = tuple((f, round(w, 4)) for f, w in sorted(per_function.items()) if w != 0)
        if pairs:
            lexicon.entries[key] = Entry(shown[key], pairs)
    rules = signals.sections
    for kind, table in (("heading", rules.headings), ("cue", rules.boilerplate)):
        for section, phrases in table.items():
            for phrase in phrases:
                key = phrase_key(phrase)
                if key:
                    lexicon.markers.setdefault(key, (kind, section))
    lexicon.index()
    return lexicon
