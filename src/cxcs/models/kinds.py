"""Axis kinds: one class per kind, each knowing how to validate, compare, score and show
its values. Adding a kind means adding a class here and an entry in :data:`KINDS`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from cxcs.models.knowledge import Axis, Cell, CellValue, Claim, Knowledge

Problem = tuple[tuple[str | int, ...], str]
TEXT_MAX = 240
"""Longest text value (characters): a sentence or two, so a table cell stays readable."""
NEAR = 0.5
"""Ordinal positions at most this share of the scale apart are `near`; further is `far`."""


@dataclass(frozen=True)
class Scored:
    """How two values compare on one axis: a score in [0, 1] (None: not scored) and a verdict."""

    score: float | None
    verdict: str | None
    extra: dict[str, object] = field(default_factory=dict)


class Kind:
    """Base of the axis kinds."""

    name: ClassVar[str]
    verdicts: ClassVar[tuple[str, ...]] = ()
    """Verdicts from most alike to least."""

    def axis_problem(self, axis: Axis) -> str | None:
        """What is wrong with the axis declaration itself (scale, vocabulary)."""
        if axis.scale is not None:
            return f"a {self.name} axis takes no 'scale'"
        if axis.vocabulary is not None:
            return f"a {self.name} axis takes no 'vocabulary'"
        return None

    def cell_problems(self, kb: Knowledge, axis: Axis, cell: Cell) -> Iterator[Problem]:
        """Problems of one cell on this axis (paths relative to the cell)."""
        if cell.items is not None:
            yield ("items",), f"axis '{axis.id}' is {self.name}: give a 'value', not 'items'"
            return
        for path, claim in _claims(cell):
            yield from self.value_problems(axis, str(claim.value), (*path, "value"))

    def value_problems(
        self, axis: Axis, value: str, path: tuple[str | int, ...]
    ) -> Iterator[Problem]:
        return iter(())

    def compare(self, kb: Knowledge, axis: Axis, a: CellValue, b: CellValue) -> Scored:
        raise NotImplementedError

    def text(self, kb: Knowledge, axis: Axis, value: CellValue) -> str:
        """The value as people read it."""
        return value if isinstance(value, str) else ", ".join(value)


def _claims(cell: Cell) -> Iterator[tuple[tuple[str | int, ...], Claim]]:
    if cell.primary is not None and cell.minority is not None:
        yield ("primary",), cell.primary
        yield ("minority",), cell.minority
    else:
        yield (), cell.claim


class OrdinalKind(Kind):
    """One position on an ordered scale; compared by distance relative to the scale."""

    name = "ordinal"
    verdicts = ("same", "near", "far")

    def axis_problem(self, axis: Axis) -> str | None:
        if not axis.scale or len(axis.scale) < 2:
            return "an ordinal axis needs a 'scale' of at least two positions"
        if len(set(axis.scale)) != len(axis.scale):
            return "scale positions must be distinct"
        if axis.vocabulary is not None:
            return "an ordinal axis takes no 'vocabulary'"
        return None

    def value_problems(
        self, axis: Axis, value: str, path: tuple[str | int, ...]
    ) -> Iterator[Problem]:
        scale = axis.scale or ()
        if value not in scale:
            yield path, f"'{value}' is not on the scale of '{axis.id}' ({' < '.join(scale)})"

    def compare(self, kb: Knowledge, axis: Axis, a: CellValue, b: CellValue) -> Scored:
        scale = axis.scale or ()
        pa, pb = scale.index(str(a)), scale.index(str(b))
        relative = abs(pa - pb) / (len(scale) - 1)
        verdict = "same" if pa == pb else "near" if relative <= NEAR else "far"
        extra: dict[str, object] = {"position_a": pa, "position_b": pb, "distance": pb - pa}
        return Scored(round(1 - relative, 4), verdict, extra)


class SetKind(Kind):
    """Items from one vocabulary, each with its own sources; compared by Jaccard overlap."""

    name = "set"
    verdicts = ("same", "overlap", "different")

    def axis_problem(self, axis: Axis) -> str | None:
        if axis.scale is not None:
            return "a set axis takes no 'scale'"
        if not axis.vocabulary:
            return "a set axis needs a 'vocabulary' (a key of 'vocabularies', or 'metrics')"
        return None

    def cell_problems(self, kb: Knowledge, axis: Axis, cell: Cell) -> Iterator[Problem]:
        if cell.items is None:
            yield (), f"axis '{axis.id}' is a set: list its values under 'items'"
            return
        known = kb.vocabulary(axis)
        where = (
            "metrics.yaml" if axis.vocabulary == "metrics" else f"vocabulary '{axis.vocabulary}'"
        )
        for item_id in cell.items:
            if item_id not in known:
                what = "metric id" if axis.vocabulary == "metrics" else "item"
                yield ("items", item_id), f"unknown {what} '{item_id}' (not in {where})"

    def compare(self, kb: Knowledge, axis: Axis, a: CellValue, b: CellValue) -> Scored:
        set_a, set_b = set(a), set(b)
        union = set_a | set_b
        score = len(set_a & set_b) / len(union) if union else 1.0
        verdict = "same" if score >= 1.0 else "overlap" if score > 0 else "different"
        extra: dict[str, object] = {
            "shared": tuple(sorted(set_a & set_b)),
            "only_a": tuple(sorted(set_a - set_b)),
            "only_b": tuple(sorted(set_b - set_a)),
        }
        return Scored(round(score, 4), verdict, extra)

    def text(self, kb: Knowledge, axis: Axis, value: CellValue) -> str:
        items = (value,) if isinstance(value, str) else value
        return ", ".join(kb.label(axis.id, i) for i in items)


class TextKind(Kind):
    """A sentence or two; shown as context, never scored or given a verdict from wording."""

    name = "text"

    def value_problems(
        self, axis: Axis, value: str, path: tuple[str | int, ...]
    ) -> Iterator[Problem]:
        if len(value) > TEXT_MAX:
            yield path, f"text is {len(value)} characters; at most {TEXT_MAX}"

    def compare(self, kb: Knowledge, axis: Axis, a: CellValue, b: CellValue) -> Scored:
        return Scored(None, None)


KINDS: dict[str, Kind] = {k.name: k for k in (OrdinalKind(), SetKind(), TextKind())}
"""Every axis kind by name."""
