"""Checks across the whole knowledge base that a per-field schema cannot express."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

from cxcs.models.knowledge import Knowledge, Source

Problem = tuple[tuple[str | int, ...], str]

SORTED_MAPPINGS: tuple[tuple[str, ...], ...] = (("functions",), ("metrics",), ("articles",))
RESERVED_ALIASES = frozenset({"cs"})


def normalize_name(name: str) -> str:
    """Lookup form of a function name: lowercase, runs of space/-/_ folded to one '-'."""
    return re.sub(r"[\s_\-]+", "-", name.strip().lower())


def sorted_key_problems(data: dict[str, Any]) -> Iterator[Problem]:
    """Mappings that must keep their keys in alphabetical order (functions, cells, metrics)."""
    for path in SORTED_MAPPINGS:
        mapping = data.get(path[0])
        if isinstance(mapping, dict):
            yield from _unsorted(path, mapping)
    functions = data.get("functions")
    if isinstance(functions, dict):
        for fid, function in functions.items():
            if isinstance(function, dict) and isinstance(function.get("cells"), dict):
                yield from _unsorted(("functions", fid, "cells"), function["cells"])


def _unsorted(path: tuple[str | int, ...], mapping: dict[Any, Any]) -> Iterator[Problem]:
    keys = [str(k) for k in mapping]
    for before, after in itertools.pairwise(keys):
        if after < before:
            yield (*path, after), f"keys must be sorted: '{after}' comes before '{before}'"
            return


def cross_check(kb: Knowledge) -> Iterator[Problem]:
    """Every function has every axis, values fit their axis, ids and sources resolve."""
    axes = {a.id: a for a in kb.axes}
    seen_axes: set[str] = set()
    for index, declared in enumerate(kb.axes):
        if declared.id in seen_axes:
            yield ("axes", index, "id"), f"duplicate axis id '{declared.id}'"
        seen_axes.add(declared.id)
    yield from _check_names(kb)
    for fid, function in kb.functions.items():
        if function.id != fid:
            yield ("functions", fid, "id"), f"id '{function.id}' differs from its key '{fid}'"
        for axis_id in axes:
            if axis_id not in function.cells:
                yield (
                    ("functions", fid, "cells"),
                    f"function '{fid}' has no cell for axis '{axis_id}'",
                )
        for axis_id, cell in function.cells.items():
            path: tuple[str | int, ...] = ("functions", fid, "cells", axis_id)
            axis = axes.get(axis_id)
            if axis is None:
                yield path, f"unknown axis '{axis_id}' (declare it under 'axes')"
                continue
            for ci, claim in enumerate(cell.claims):
                cpath = (*path, "claims", ci) if cell.disputed else path
                yield from _check_value(kb, axis.kind, axis.scale, axis_id, claim.value, cpath)
                yield from _check_sources(kb, claim.sources, (*cpath, "sources"))
    for mid, metric in kb.metrics.items():
        if metric.id != mid:
            yield ("metrics", mid, "id"), f"id '{metric.id}' differs from its key '{mid}'"
        for owner in metric.owners:
            if owner not in kb.functions:
                yield ("metrics", mid, "owners"), f"metric '{mid}' names unknown owner '{owner}'"
        yield from _check_sources(kb, metric.sources, ("metrics", mid, "sources"))
    yield from _check_signals(kb)


def _check_signals(kb: Knowledge) -> Iterator[Problem]:
    """Signals name known functions, tiers and axes."""
    signals = kb.signals
    if signals is None:
        return
    classes = {*kb.functions, "none"}
    for tier in ("strong", "medium", "weak"):
        if tier not in signals.tiers:
            yield ("signals", "tiers"), f"missing tier weight '{tier}'"
    for function in signals.phrases:
        if function not in classes:
            yield ("signals", "phrases", function), f"signals for unknown function '{function}'"
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


def _check_value(
    kb: Knowledge,
    kind: str,
    scale: tuple[str, ...] | None,
    axis_id: str,
    value: str | tuple[str, ...],
    path: tuple[str | int, ...],
) -> Iterator[Problem]:
    vpath = (*path, "value")
    if kind == "set":
        if not isinstance(value, tuple) or not value:
            yield vpath, f"axis '{axis_id}' is a set: give a non-empty list"
            return
        if len(set(value)) != len(value):
            yield vpath, f"repeated item in '{axis_id}'"
        if axis_id == "metrics":
            for item in value:
                if item not in kb.metrics:
                    yield vpath, f"unknown metric id '{item}' (not in metrics.yaml)"
    elif not isinstance(value, str):
        yield vpath, f"axis '{axis_id}' is {kind}: give a single value, not a list"
    elif kind == "ordinal" and scale is not None and value not in scale:
        yield vpath, f"'{value}' is not on the scale of '{axis_id}' ({' < '.join(scale)})"


def _check_sources(
    kb: Knowledge, sources: tuple[Source, ...], path: tuple[str | int, ...]
) -> Iterator[Problem]:
    for index, source in enumerate(sources):
        if source.article not in kb.articles:
            yield (*path, index, "article"), f"unknown article '{source.article}'"


def _check_names(kb: Knowledge) -> Iterator[Problem]:
    owner: dict[str, str] = {}
    for fid, function in kb.functions.items():
        names = [fid, function.name, *function.aliases, *function.hidden_aliases]
        if function.abbreviation:
            names.append(function.abbreviation)
        for name in dict.fromkeys(normalize_name(n) for n in names):
            if name in RESERVED_ALIASES:
                yield ("functions", fid, "aliases"), f"'{name}' is reserved (it is ambiguous)"
            elif name in owner and owner[name] != fid:
                yield (
                    ("functions", fid, "aliases"),
                    f"duplicate alias '{name}': already names '{owner[name]}'",
                )
            else:
                owner[name] = fid
