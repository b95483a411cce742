"""Checks across the whole knowledge base that a per-field schema cannot express.

Each rule is stated once, in the header of data/functions.yaml (or metrics.yaml,
signals.yaml), and runs on every load, so user overlays are held to it too.
tests/test_rules.py tests each one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from cxcs.models.kinds import KINDS
from cxcs.models.knowledge import JOURNEY_AXIS, PRACTICE, Cell, Item, Knowledge, Source

if TYPE_CHECKING:
    from cxcs.models.signals import PhraseTiers

KeyPath = tuple[str | int, ...]
"""Where a value sits in a knowledge document: its keys and list indexes from the top."""
Problem = tuple[KeyPath, str]
Finding = tuple[KeyPath, str, tuple[KeyPath, ...]]
"""A problem, its place, and the other places it involves (a function lacking a cell
involves the axis declaration too). The loader reports it in the latest file among them:
the shipped files agree with themselves, so the fix belongs in the overlay that broke them."""

SORTED_MAPPINGS: tuple[tuple[str, ...], ...] = (("functions",), ("metrics",), ("articles",))
RESERVED_ALIASES = frozenset({"cs"})
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
LABEL_MAX = 60
TIERS = ("strong", "medium", "weak")


def normalize_name(name: str) -> str:
    """Lookup form of a function name: lowercase, runs of space/-/_ folded to one '-'."""
    return re.sub(r"[\s_\-]+", "-", name.strip().lower())


def sorted_key_problems(data: dict[str, Any]) -> Iterator[Problem]:
    """Mappings that must keep their keys in alphabetical order."""
    for path in SORTED_MAPPINGS:
        mapping = data.get(path[0])
        if isinstance(mapping, dict):
            yield from _unsorted(path, mapping)
    vocabularies = data.get("vocabularies")
    if isinstance(vocabularies, dict):
        yield from _unsorted(("vocabularies",), vocabularies)
        for vid, vocabulary in vocabularies.items():
            if isinstance(vocabulary, dict):
                yield from _unsorted(("vocabularies", vid), vocabulary)
    functions = data.get("functions")
    if isinstance(functions, dict):
        for fid, function in functions.items():
            if isinstance(function, dict) and isinstance(function.get("cells"), dict):
                cells = function["cells"]
                yield from _unsorted(("functions", fid, "cells"), cells)
                for axis_id, cell in cells.items():
                    if isinstance(cell, dict) and isinstance(cell.get("items"), dict):
                        path = ("functions", fid, "cells", axis_id, "items")
                        yield from _unsorted(path, cell["items"])


def _unsorted(path: KeyPath, mapping: dict[Any, Any]) -> Iterator[Problem]:
    keys = [str(k) for k in mapping]
    for before, after in itertools.pairwise(keys):
        if after < before:
            yield (*path, after), f"keys must be sorted: '{after}' comes before '{before}'"
            return


def cross_check(kb: Knowledge) -> Iterator[Problem]:
    """Every rule of the file headers that a single field cannot check on its own."""
    for path, problem, _ in findings(kb):
        yield path, problem


def findings(kb: Knowledge) -> Iterator[Finding]:
    """:func:`cross_check`'s problems, each with the other places it involves."""
    seen_axes: set[str] = set()
    for index, declared in enumerate(kb.axes):
        if declared.id in seen_axes:
            yield ("axes", index, "id"), f"duplicate axis id '{declared.id}'", ()
        seen_axes.add(declared.id)
        if declared.vocabulary not in (None, "metrics", *kb.vocabularies):
            yield (
                ("axes", index, "vocabulary"),
                f"axis '{declared.id}' names unknown vocabulary '{declared.vocabulary}'",
                (),
            )
    yield from _alone(_check_vocabularies(kb))
    yield from _check_names(kb)
    for fid in kb.functions:
        yield from _check_function(kb, fid)
    yield from _check_shared_disputes(kb)
    yield from _check_journey(kb)
    yield from _check_metrics(kb)
    yield from _alone(_check_signals(kb))


def _alone(problems: Iterable[Problem]) -> Iterator[Finding]:
    """Problems that involve their own place only."""
    for path, problem in problems:
        yield path, problem, ()


def _check_function(kb: Knowledge, fid: str) -> Iterator[Finding]:
    axes = {a.id: a for a in kb.axes}
    declared = {a.id: ("axes", index) for index, a in enumerate(kb.axes)}
    function = kb.functions[fid]
    if function.id != fid:
        yield ("functions", fid, "id"), f"id '{function.id}' differs from its key '{fid}'", ()
    if function.under is not None:
        under = function.under.function
        if under == fid or under not in kb.functions:
            yield (
                ("functions", fid, "under"),
                f"'under' names unknown or same function '{under}'",
                (),
            )
        yield from _alone(_check_sources(kb, function.under.sources, ("functions", fid, "under")))
    if function.team is not None:
        for mutual in kb.axes:
            if mutual.mutual and function.team not in kb.vocabulary(mutual):
                yield (
                    ("functions", fid, "team"),
                    f"team '{function.team}' is not an item of axis '{mutual.id}''s vocabulary",
                    (declared[mutual.id],),
                )
    for axis_id in axes:
        if axis_id not in function.cells:
            yield (
                ("functions", fid),
                f"function '{fid}' has no cell for axis '{axis_id}'",
                (declared[axis_id],),
            )
    for axis_id, cell in function.cells.items():
        path: KeyPath = ("functions", fid, "cells", axis_id)
        axis = axes.get(axis_id)
        if axis is None:
            yield path, f"unknown axis '{axis_id}' (declare it under 'axes')", ()
            continue
        for sub, problem in KINDS[axis.kind].cell_problems(kb, axis, cell):
            yield (*path, *sub), problem, (declared[axis_id],)
        yield from _alone(_check_cell_sources(kb, cell, path))
        yield from _alone(_check_dispute(cell, path))


def _check_cell_sources(kb: Knowledge, cell: Cell, path: KeyPath) -> Iterator[Problem]:
    if cell.items is not None:
        for item_id, item in cell.items.items():
            where = (*path, "items", item_id)
            yield from _check_sources(kb, item.sources, where)
            yield from _check_sources(kb, item.disputed_by, where)
        return
    for role, claim in (("primary", cell.primary), ("minority", cell.minority)):
        if claim is not None:
            yield from _check_sources(kb, claim.sources, (*path, role))
    yield from _check_sources(kb, cell.sources, path)


def _check_dispute(cell: Cell, path: KeyPath) -> Iterator[Problem]:
    """The dispute policy: opposite claims from different articles, a primary with a majority
    or a stated reason, and no practitioner knowledge taking a side."""
    if cell.items is not None:
        for item_id, item in cell.items.items():
            if item.disputed:
                yield from _sides(item, (*path, "items", item_id))
            elif item.primary != "in" or item.reason:
                yield (
                    (*path, "items", item_id),
                    "'primary'/'reason' only apply to an item with 'disputed_by'",
                )
        return
    if cell.primary is None or cell.minority is None:
        if cell.reason:
            yield (*path, "reason"), "'reason' only applies to a disputed cell"
        return
    if cell.primary.value == cell.minority.value:
        yield path, "the primary and minority claims have the same value: not a dispute"
    yield from _policy(cell.primary.sources, cell.minority.sources, cell.reason, path)


def _sides(item: Item, path: KeyPath) -> Iterator[Problem]:
    """An item's dispute: its sources say "in", its ``disputed_by`` "out"."""
    in_, out = item.sources, item.disputed_by
    primary, minority = (in_, out) if item.primary == "in" else (out, in_)
    yield from _policy(primary, minority, item.reason, path)


def _policy(
    primary: tuple[Source, ...],
    minority: tuple[Source, ...],
    reason: str | None,
    path: KeyPath,
) -> Iterator[Problem]:
    """The dispute policy on the sources of the primary and the minority claim."""
    ours, theirs = _articles(primary), _articles(minority)
    if PRACTICE in ours | theirs:
        yield path, "practitioner knowledge cannot take a side in a dispute (use a note)"
    both = sorted(ours & theirs)
    if both:
        yield (
            path,
            f"article '{both[0]}' is cited on both sides: one article's slip is a note, "
            "not a dispute",
        )
    if len(ours) <= len(theirs) and not reason:
        yield path, "the primary claim has no majority of articles: give a 'reason'"


def _check_shared_disputes(kb: Knowledge) -> Iterator[Finding]:
    """One dispute, one primary side: a disputed item that two functions carry (the same item
    on the same axis, e.g. who owns CES) takes the same articles' side in both primary
    readings, as compare reads a dispute one way or the other everywhere."""
    seen: dict[tuple[str, str], list[tuple[str, set[str], set[str]]]] = {}
    for fid, function in kb.functions.items():
        for axis_id, cell in function.cells.items():
            for item_id, item in (cell.items or {}).items():
                if not item.disputed:
                    continue
                in_, out = _articles(item.sources), _articles(item.disputed_by)
                believed, overruled = (in_, out) if item.primary == "in" else (out, in_)
                path: tuple[str | int, ...] = ("functions", fid, "cells", axis_id, "items")
                for other, other_believed, other_overruled in seen.get((axis_id, item_id), []):
                    split = sorted(believed & other_overruled or other_believed & overruled)
                    if split:
                        yield (
                            (*path, item_id),
                            f"the dispute over '{item_id}' is read two ways: one primary "
                            f"takes the side of '{split[0]}', '{other}''s overrules it (give "
                            "both the same primary side)",
                            (("functions", other, "cells", axis_id, "items", item_id),),
                        )
                seen.setdefault((axis_id, item_id), []).append((fid, believed, overruled))


def _articles(sources: tuple[Source, ...]) -> set[str]:
    return {s.article for s in sources}


def _check_vocabularies(kb: Knowledge) -> Iterator[Problem]:
    for vid, vocabulary in kb.vocabularies.items():
        if not ID_PATTERN.match(vid):
            yield ("vocabularies", vid), f"vocabulary id '{vid}' must be lowercase snake_case"
        for item_id, label in vocabulary.items():
            where = ("vocabularies", vid, item_id)
            if not ID_PATTERN.match(item_id):
                yield where, f"item id '{item_id}' must be lowercase snake_case"
            if label != label.lower() or not label.strip():
                yield where, f"label '{label}' must be lowercase and not empty"
            if len(label) > LABEL_MAX:
                yield where, f"label is {len(label)} characters; at most {LABEL_MAX}"


def _check_journey(kb: Knowledge) -> Iterator[Finding]:
    """Journey stages come from the vocabulary; a role sits at a stage its function's
    journey_stages cell lists, and every stage such a cell lists is a journey stage (so the
    journey view shows each function at the stages compare and show list)."""
    stages = kb.vocabularies.get("stages", {})
    journey = kb.journey
    order: KeyPath = ("journey", "stages")
    for index, stage in enumerate(journey.stages):
        if stage not in stages:
            yield (*order, index), f"unknown stage '{stage}' (not in vocabulary 'stages')", ()
    if len(set(journey.stages)) != len(journey.stages):
        yield order, "a stage is listed twice", ()
    has_cells = JOURNEY_AXIS in kb.axis_ids
    for stage, roles in journey.roles.items():
        if stage not in journey.stages:
            where: KeyPath = ("journey", "roles", stage)
            yield where, f"stage '{stage}' is not in 'journey.stages'", (order,)
        for fid, role in roles.items():
            where = ("journey", "roles", stage, fid)
            if fid not in kb.functions:
                yield where, f"unknown function '{fid}'", ()
                continue
            yield from _alone(_check_sources(kb, role.sources, where))
            cell = kb.functions[fid].cells.get(JOURNEY_AXIS)
            if has_cells and cell is not None and stage not in cell.item_ids("any"):
                yield (
                    where,
                    f"'{fid}' has a role at '{stage}' but its {JOURNEY_AXIS} cell lacks it",
                    (("functions", fid, "cells", JOURNEY_AXIS),),
                )
    if not has_cells:
        return
    for fid, function in kb.functions.items():
        cell = function.cells.get(JOURNEY_AXIS)
        for stage in cell.item_ids("any") if cell is not None else ():
            if stage not in journey.stages:
                yield (
                    ("functions", fid, "cells", JOURNEY_AXIS, "items", stage),
                    f"'{fid}' lists stage '{stage}' in its {JOURNEY_AXIS} cell, "
                    "but 'journey.stages' does not (the journey view would leave it out)",
                    (order,),
                )


def _check_metrics(kb: Knowledge) -> Iterator[Finding]:
    metric_axes = [a.id for a in kb.axes if a.vocabulary == "metrics"]
    for mid, metric in kb.metrics.items():
        where = ("metrics", mid)
        if metric.id != mid:
            yield (*where, "id"), f"id '{metric.id}' differs from its key '{mid}'", ()
        named_by: list[KeyPath] = []
        disputed = False
        for fid, function in kb.functions.items():
            for axis_id in metric_axes:
                cell = function.cells.get(axis_id)
                if cell is not None and cell.items and mid in cell.items:
                    named_by.append(("functions", fid, "cells", axis_id, "items", mid))
                    disputed = disputed or cell.items[mid].disputed
        for owner in metric.owners:
            if owner not in kb.functions:
                yield (*where, "owners"), f"metric '{mid}' names unknown owner '{owner}'", ()
        if metric_axes and disputed != metric.disputed:
            state = "disputes" if disputed else "does not dispute"
            yield (
                (*where, "disputed"),
                f"'disputed' must be {str(disputed).lower()}: functions.yaml {state} who owns it",
                tuple(named_by),
            )
        yield from _alone(_check_sources(kb, metric.sources, (*where, "sources")))


def _check_signals(kb: Knowledge) -> Iterator[Problem]:
    """Signals name known functions, tiers and axes; a phrase sits in one tier of a
    function."""
    signals = kb.signals
    if signals is None:
        return
    classes = {*kb.functions, "none"}
    for tier in TIERS:
        if tier not in signals.tiers:
            yield ("signals", "tiers"), f"missing tier weight '{tier}'"
    for function, tiers in signals.phrases.items():
        if function not in classes:
            yield ("signals", "phrases", function), f"signals for unknown function '{function}'"
        yield from _one_tier_each(function, tiers)
    for axis_id, tier in signals.kb_feeds.items():
        if axis_id not in {a.id for a in kb.axes}:
            yield ("signals", "kb_feeds", axis_id), f"kb_feeds names unknown axis '{axis_id}'"
        if tier not in signals.tiers:
            yield ("signals", "kb_feeds", axis_id), f"kb_feeds uses unknown tier '{tier}'"
    for index, contrast in enumerate(signals.contrasts):
        for role in ("favour", "over"):
            name = getattr(contrast, role)
            if name not in classes:
                yield (
                    ("signals", "contrasts", index, role),
                    f"contrast names unknown function '{name}'",
                )


def _one_tier_each(function: str, tiers: PhraseTiers) -> Iterator[Problem]:
    """A phrase listed in two tiers of one function counts in both (the lexicon keeps a
    weight per tier), so each phrase may sit in one tier only. Phrases are compared as the
    lexicon matches them (lowercased, stemmed): "invoices" and "invoicing" are one phrase."""
    from cxcs.engine.text import phrase_key

    first: dict[tuple[str, ...], tuple[str, str]] = {}
    for tier in TIERS:
        for index, phrase in enumerate(getattr(tiers, tier)):
            key = phrase_key(phrase)
            if not key:
                continue
            earlier_tier, earlier = first.setdefault(key, (tier, phrase))
            if earlier_tier == tier:
                continue
            if earlier == phrase:
                listed = f"'{phrase}' in both '{earlier_tier}' and '{tier}'"
            else:
                listed = (
                    f"'{earlier}' in '{earlier_tier}' and '{phrase}' in '{tier}' "
                    "(the same words once stemmed)"
                )
            yield (
                ("signals", "phrases", function, tier, index),
                f"function '{function}' lists {listed}: a phrase belongs to one tier of a function",
            )


def _check_sources(kb: Knowledge, sources: tuple[Source, ...], path: KeyPath) -> Iterator[Problem]:
    for source in sources:
        if source.article not in kb.articles:
            yield (*path, "sources"), f"unknown article '{source.article}'"


def _check_names(kb: Knowledge) -> Iterator[Finding]:
    owner: dict[str, str] = {}
    for fid, function in kb.functions.items():
        for field_name in ("aliases", "hidden_aliases"):
            for alias in getattr(function, field_name):
                if alias != alias.lower() or alias != alias.strip() or not alias:
                    yield (
                        ("functions", fid, field_name),
                        f"alias '{alias}' must be lowercase with no outer spaces",
                        (),
                    )
        # each name with the field that gives it, so a problem points at that field (an
        # overlay's `name:` line, not the shipped aliases it clashes with)
        given: dict[str, KeyPath] = {normalize_name(fid): ("functions", fid)}
        for given_name, field_name in (
            (function.name, "name"),
            *((a, "aliases") for a in function.aliases),
            *((a, "hidden_aliases") for a in function.hidden_aliases),
            (function.abbreviation, "abbreviation"),
        ):
            if given_name:
                given.setdefault(normalize_name(given_name), ("functions", fid, field_name))
        for name, where in given.items():
            if name in RESERVED_ALIASES:
                yield where, f"'{name}' is reserved (it is ambiguous)", ()
            elif name in owner and owner[name] != fid:
                yield (
                    where,
                    f"duplicate alias '{name}': it names both '{owner[name]}' and '{fid}'",
                    (("functions", owner[name], "aliases"),),
                )
            else:
                owner[name] = fid
