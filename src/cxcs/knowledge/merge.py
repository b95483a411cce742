"""Layer knowledge documents in order (the shipped files, then each overlay) into one raw
document, remembering where each merged value came from, so that a problem found after
merging is reported at its ``file:line``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from cxcs.knowledge.checks import KeyPath


class Document(NamedTuple):
    """One parsed knowledge file: its label, its text (to find lines in) and its data."""

    name: str
    text: str
    data: dict[str, Any]


class Merged:
    """The merged raw document and, for each merged path prefix, where it came from."""

    def __init__(self, documents: Sequence[Document] = ()) -> None:
        self.data: dict[str, Any] = {}
        self.origin: dict[KeyPath, tuple[Document, KeyPath]] = {}
        self.documents = documents
        self._by_text: dict[tuple[str, ...], tuple[Document, KeyPath]] | None = None

    def remember(self, doc: Document, path: KeyPath, at: KeyPath | None = None) -> None:
        """The merged value at ``path`` came from ``doc``, at ``at`` in it (else ``path``)."""
        self.origin[path] = (doc, path if at is None else at)

    def locate(self, path: Sequence[str | int], *, key: bool = False) -> tuple[str, int | None]:
        """File name and line for a path in the merged document (``key``: the line of the
        key that names it, rather than of its value)."""
        doc, full = self.source(path)
        if doc is None:
            return "knowledge", None
        from cxcs.knowledge import yamlio

        find = yamlio.key_line if key else yamlio.line_of
        return doc.name, find(doc.text, full)

    def source(self, path: Sequence[str | int]) -> tuple[Document | None, KeyPath]:
        """The document a path in the merged document comes from, and the path in it."""
        if self._by_text is None:
            # pydantic names a key that is not a string or an int by its text ('None', '1.5')
            self._by_text = {tuple(map(str, k)): v for k, v in self.origin.items()}
        for cut in range(len(path), 0, -1):
            hit = self.origin.get(tuple(path[:cut])) or self._by_text.get(
                tuple(map(str, path[:cut]))
            )
            if hit is not None:
                doc, prefix = hit
                return doc, (*prefix, *path[cut:])
        if not self.documents:
            return None, ()
        # a missing top-level field: report it in the file named after it, else the first
        wanted = f"{path[0]}.yaml" if path else ""
        doc = next((d for d in self.documents if Path(d.name).name == wanted), self.documents[0])
        return doc, ()

    def site(
        self, path: Sequence[str | int], also: Sequence[Sequence[str | int]]
    ) -> tuple[str, int | None]:
        """Where to report a problem at ``path`` that also involves the places ``also``: the
        one in the latest file, its own place on a tie. The shipped files agree with
        themselves, so the fault lies with the overlay layered on top (e.g. a function an
        overlay adds lacks a cell for a shipped axis: the overlay's function is at fault; a
        shipped function lacks one for an axis an overlay adds: the overlay's axis is). A
        whole entry (``functions.<id>``) is reported at the line of its key."""
        order = {id(doc): index for index, doc in enumerate(self.documents)}
        chosen, rank = path, order.get(id(self.source(path)[0]), -1)
        for other in also:
            other_rank = order.get(id(self.source(other)[0]), -1)
            if other_rank > rank:
                chosen, rank = other, other_rank
        return self.locate(chosen, key=len(chosen) == 2)


def merge(documents: Sequence[Document]) -> Merged:
    """``documents`` layered in order: each later file adds to or replaces what the earlier
    ones hold (see each section's ``_merge_*``), remembering where every value came from."""
    merged = Merged(documents=documents)
    for doc in documents:
        for key, value in doc.data.items():
            if key == "axes" and isinstance(value, list):
                _merge_axes(merged, doc, value)
            elif key == "functions" and isinstance(value, dict):
                _merge_functions(merged, doc, value)
            elif key in {"articles", "metrics"} and isinstance(value, dict):
                target = _mapping_section(merged, doc, key)
                for item_id, item in value.items():
                    target[item_id] = item
                    merged.remember(doc, (key, item_id))
            elif key == "signals" and isinstance(value, dict):
                _merge_signals(merged, doc, value)
            elif key == "vocabularies" and isinstance(value, dict):
                _merge_nested(merged, doc, key, value)
            elif key == "journey" and isinstance(value, dict):
                _merge_journey(merged, doc, value)
            else:
                merged.data[key] = value
                merged.remember(doc, (key,))
    for key in ("functions", "metrics"):
        items = merged.data.get(key)
        if isinstance(items, dict):  # anything else is reported by validation
            for item_id, item in items.items():
                if isinstance(item, dict):
                    item.setdefault("id", item_id)
    return merged


def _mapping_section(merged: Merged, doc: Document, key: str) -> dict[str, Any]:
    """The merged mapping under ``key`` (started afresh if an earlier file's was not a
    mapping), with ``doc`` as its origin when no earlier file provided it."""
    target = merged.data.get(key)
    if not isinstance(target, dict):
        target = merged.data[key] = {}
    merged.origin.setdefault((key,), (doc, (key,)))
    return target


def _merge_axes(merged: Merged, doc: Document, axes: list[Any]) -> None:
    target = merged.data.get("axes")
    if not isinstance(target, list):  # an earlier file's axes were not a list
        target = merged.data["axes"] = []
    merged.origin.setdefault(("axes",), (doc, ("axes",)))
    for index, axis in enumerate(axes):
        axis_id = axis.get("id") if isinstance(axis, dict) else None
        slot = next(
            (i for i, a in enumerate(target) if isinstance(a, dict) and a.get("id") == axis_id),
            None,
        )
        if slot is None or axis_id is None:
            slot = len(target)
            target.append(axis)
        else:
            target[slot] = axis
        merged.remember(doc, ("axes", slot), ("axes", index))


def _merge_functions(merged: Merged, doc: Document, functions: dict[str, Any]) -> None:
    target = _mapping_section(merged, doc, "functions")
    for fid, function in functions.items():
        existing = target.get(fid)
        if not isinstance(existing, dict) or not isinstance(function, dict):
            target[fid] = function
            merged.remember(doc, ("functions", fid))
            continue
        combined = dict(existing)
        for field_name, value in function.items():
            if field_name == "cells" and isinstance(value, dict):
                earlier = existing.get("cells")
                cells = dict(earlier) if isinstance(earlier, dict) else {}
                for axis_id, cell in value.items():
                    cells[axis_id] = cell
                    merged.remember(doc, ("functions", fid, "cells", axis_id))
                combined["cells"] = cells
            else:
                combined[field_name] = value
                merged.remember(doc, ("functions", fid, field_name))
        target[fid] = combined


def _merge_nested(merged: Merged, doc: Document, key: str, value: dict[str, Any]) -> None:
    """Two-level mappings (vocabularies): an overlay adds or replaces entries one by one."""
    target = _mapping_section(merged, doc, key)
    for name, entries in value.items():
        current = target.get(name)
        if isinstance(current, dict) and isinstance(entries, dict):
            target[name] = {**current, **entries}
            for entry in entries:
                merged.remember(doc, (key, name, entry))
        else:
            target[name] = entries
            merged.remember(doc, (key, name))


def _merge_journey(merged: Merged, doc: Document, journey: dict[str, Any]) -> None:
    """Journey: ``stages`` replaced when given, ``roles`` merged stage by stage."""
    target = _mapping_section(merged, doc, "journey")
    for section, value in journey.items():
        current = target.get(section)
        if section == "roles" and isinstance(current, dict) and isinstance(value, dict):
            roles = dict(current)
            for stage, by_function in value.items():
                earlier = roles.get(stage)
                if isinstance(earlier, dict) and isinstance(by_function, dict):
                    roles[stage] = {**earlier, **by_function}
                else:
                    roles[stage] = by_function
                for fid in by_function if isinstance(by_function, dict) else ():
                    merged.remember(doc, ("journey", "roles", stage, fid))
            target[section] = roles
        else:
            target[section] = value
            merged.remember(doc, ("journey", section))


def _merge_signals(merged: Merged, doc: Document, signals: dict[str, Any]) -> None:
    """Signals merge by section: lists are appended, mappings are updated."""
    target = _mapping_section(merged, doc, "signals")
    for section, value in signals.items():
        here: KeyPath = ("signals", section)
        current = target.get(section)
        if isinstance(current, list) and isinstance(value, list):
            for index in range(len(value)):
                merged.remember(doc, (*here, len(current) + index), (*here, index))
            target[section] = current + value
        elif isinstance(current, dict) and isinstance(value, dict):
            for key in value:
                merged.remember(doc, (*here, key))
            target[section] = {**current, **value}
        else:
            target[section] = value
            merged.remember(doc, here)
