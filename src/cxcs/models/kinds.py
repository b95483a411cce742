"""Axis kinds: one class per kind, each knowing how to validate, compare, score and show
its values, and what its rows mean in a comparison's summary. Adding a kind means adding a
class here and an entry in :data:`KINDS`: the loader, the engine and every renderer ask the
kind, never test its name."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, NamedTuple

if TYPE_CHECKING:
    from cxcs.models.compare import AxisComparison, Side
    from cxcs.models.knowledge import Axis, Cell, CellValue, Claim, Knowledge, Source
    from cxcs.models.matrix import MatrixCell

Problem = tuple[tuple[str | int, ...], str]
TEXT_MAX = 240
"""Longest text value (characters): a sentence or two, so a table cell stays readable."""
NEAR = 0.5
"""Ordinal positions at most this share of the scale apart are `near`; further is `far`."""
DIFFERENCE_SCORE = 0.5
"""Set rows scoring at most this count as differences (few items shared)."""
PRACTICE_MARK = "†"
"""Marks a value (or set item) that rests on practitioner knowledge only."""
DISPUTE_MARK = "⚠"
"""Marks the other reading of a disputed cell."""


def values_text(value: CellValue) -> str:
    """A value as written: a string, or the items of a tuple joined by ', '."""
    return value if isinstance(value, str) else ", ".join(value)


def marked(text: str, practice: bool) -> str:
    """``text`` with the practice mark when it rests on practitioner knowledge."""
    return f"{text} {PRACTICE_MARK}" if practice else text


def articles_text(sources: tuple[Source, ...]) -> str:
    """The article ids of ``sources``, each once: 'hbr, gartner'."""
    return ", ".join(dict.fromkeys(s.article for s in sources))


class Scored(NamedTuple):
    """How two values compare on one axis: a score in [0, 1] (None: not scored) and a verdict."""

    score: float | None
    verdict: str | None
    extra: Mapping[str, object] = MappingProxyType({})


class Kind:
    """Base of the axis kinds."""

    name: ClassVar[str]
    verdicts: ClassVar[tuple[str, ...]] = ()
    """Verdicts from most alike to least."""

    def axis_problem(self, axis: Axis) -> str | None:
        """What is wrong with the axis declaration itself (scale, vocabulary)."""
        if axis.mutual:
            return f"a {self.name} axis cannot be 'mutual' (set axes only)"
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

    # ------------------------------------------------------------- in a comparison
    scaled: ClassVar[bool] = False
    """Whether the values lie on an ordered scale (only such axes can be mapped)."""
    difference_rank: ClassVar[int] = 0
    """Where this kind's differences come in a summary (lower first)."""

    def is_difference(self, row: AxisComparison) -> bool:
        """Whether the row counts among a summary's differences."""
        return False

    def is_common_ground(self, row: AxisComparison) -> bool:
        """Whether the row counts as shared ground."""
        return row.verdict == "same"

    def rests_on_practice(self, row: AxisComparison) -> bool:
        """Whether the row's score compares a value shown with † (practitioner knowledge)."""
        return row.a.practice or row.b.practice

    def shared_items(self, values: list[CellValue]) -> tuple[str, ...] | None:
        """What several functions' values have in common (None: not a question for this
        kind)."""
        return None

    # ------------------------------------------------------------------ as text
    def cell_text(self, kb: Knowledge, axis_id: str, cell: Cell) -> str:
        """A knowledge cell for people: its primary value, and for a dispute the minority
        claim too, each with its articles."""
        if cell.primary is None or cell.minority is None:
            return marked(values_text(cell.claim.value), cell.claim.practice)
        return (
            f"{marked(values_text(cell.primary.value), cell.primary.practice)} "
            f"[{articles_text(cell.primary.sources)}]\n"
            f"{DISPUTE_MARK} disputed, minority: {values_text(cell.minority.value)} "
            f"[{articles_text(cell.minority.sources)}]"
        )

    def dispute_text(self, kb: Knowledge, axis_id: str, cell: Cell) -> str:
        """The opposing claims of a disputed cell, each with its articles."""
        if cell.primary is None or cell.minority is None:
            return ""
        return (
            f"{values_text(cell.primary.value)} [{articles_text(cell.primary.sources)}] vs "
            f"{values_text(cell.minority.value)} [{articles_text(cell.minority.sources)}]"
        )

    def side_text(self, kb: Knowledge, axis_id: str, side: Side) -> str:
        """One side of a comparison row: the primary value, then the other reading."""
        text = marked(values_text(side.value), side.practice)
        if side.alternative is not None:
            text += f"\n{DISPUTE_MARK} or: {values_text(side.alternative)}"
        return text

    def matrix_text(self, kb: Knowledge, axis_id: str, cell: MatrixCell) -> str:
        """One function's value in a matrix row, then the other reading."""
        text = marked(values_text(cell.value), cell.practice)
        if cell.alternative is not None:
            text += f"\n{DISPUTE_MARK} or: {values_text(cell.alternative)}"
        return text

    def verdict_detail(self, row: AxisComparison) -> str:
        """What follows the verdict word (e.g. how many items are shared)."""
        return ""

    def difference_text(self, row: AxisComparison, verdict: str) -> str:
        """A summary line for a row that is among the biggest differences (a value that
        rests on practitioner knowledge marked, as in the axis table)."""
        a = marked(values_text(row.a.value), row.a.practice)
        b = marked(values_text(row.b.value), row.b.practice)
        return f"{row.name}: {a} vs {b} ({verdict})"

    def common_ground_text(self, kb: Knowledge, row: AxisComparison) -> str | None:
        """A summary line for a row of shared ground (None: nothing to name), marked when
        either side's value rests on practitioner knowledge."""
        return f"{row.name}: {marked(values_text(row.a.value), row.a.practice or row.b.practice)}"


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
    scaled = True

    def axis_problem(self, axis: Axis) -> str | None:
        if axis.mutual:
            return "an ordinal axis cannot be 'mutual' (set axes only)"
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

    def is_difference(self, row: AxisComparison) -> bool:
        return row.verdict in {"near", "far"}


class SetKind(Kind):
    """Items from one vocabulary, each with its own sources; compared by Jaccard overlap."""

    name = "set"
    verdicts = ("same", "overlap", "different")
    difference_rank = 1

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

    def is_difference(self, row: AxisComparison) -> bool:
        return (row.score or 0.0) <= DIFFERENCE_SCORE

    def rests_on_practice(self, row: AxisComparison) -> bool:
        return bool(row.a.practice_items or row.b.practice_items)

    def is_common_ground(self, row: AxisComparison) -> bool:
        return row.verdict == "same" or bool(row.shared)

    def shared_items(self, values: list[CellValue]) -> tuple[str, ...] | None:
        common = set.intersection(*(set(_items(v)) for v in values)) if values else set()
        return tuple(sorted(common))

    def cell_text(self, kb: Knowledge, axis_id: str, cell: Cell) -> str:
        if cell.items is None:
            return super().cell_text(kb, axis_id, cell)
        from cxcs.models.knowledge import PRACTICE

        practice = tuple(
            k for k, i in cell.items.items() if all(s.article == PRACTICE for s in i.sources)
        )
        lines = [items_text(kb, axis_id, cell.item_ids("primary"), practice)]
        for item_id, item in cell.items.items():
            if item.disputed:
                side = "in" if item.primary == "in" else "out"
                lines.append(
                    f"{DISPUTE_MARK} disputed: {kb.label(axis_id, item_id)} "
                    f"(primary: {side}) [{articles_text(item.sources)}] ⟷ "
                    f"[{articles_text(item.disputed_by)}]"
                )
        return "\n".join(lines)

    def item_dispute_text(
        self, kb: Knowledge, axis_id: str, item_id: str, cells: Sequence[tuple[str, Cell]]
    ) -> str:
        """One disputed item and the opposing claims, each with its articles, once for every
        cell it touches (``cells``: each function's name and cell): 'CES kept [a] vs left
        out [b]', or 'CES kept for X and left out for Y [a] vs the reverse [b]'."""
        first = (cells[0][1].items or {})[item_id]
        inside = first.primary == "in"
        believed = first.sources if inside else first.disputed_by
        overruled = first.disputed_by if inside else first.sources
        label = kb.label(axis_id, item_id)
        if len(cells) == 1:
            kept, left = ("kept", "left out") if inside else ("left out", "kept")
            return (
                f"{label} {kept} [{articles_text(believed)}] vs {left} [{articles_text(overruled)}]"
            )
        kept_for = [n for n, c in cells if (c.items or {})[item_id].primary == "in"]
        left_for = [n for n, c in cells if (c.items or {})[item_id].primary != "in"]
        where = " and ".join(
            f"{how} for {' and '.join(names)}"
            for how, names in (("kept", kept_for), ("left out", left_for))
            if names
        )
        return (
            f"{label} {where} [{articles_text(believed)}] vs the reverse "
            f"[{articles_text(overruled)}]"
        )

    def side_text(self, kb: Knowledge, axis_id: str, side: Side) -> str:
        return _set_text(kb, axis_id, side.value, side.alternative, side.practice_items)

    def matrix_text(self, kb: Knowledge, axis_id: str, cell: MatrixCell) -> str:
        """As a pair shows it: each † item marked, the disputed items named."""
        return _set_text(kb, axis_id, cell.value, cell.alternative, cell.practice_items)

    def verdict_detail(self, row: AxisComparison) -> str:
        if row.shared is None:
            return ""
        total = len(row.shared) + len(row.only_a or ()) + len(row.only_b or ())
        return f" {len(row.shared)}/{total}"

    def difference_text(self, row: AxisComparison, verdict: str) -> str:
        """How many items are shared, and how many of them all rest on practitioner
        knowledge only (an item no article names is no difference the articles make)."""
        union = {*(row.shared or ()), *(row.only_a or ()), *(row.only_b or ())}
        text = f"{row.name}: {len(row.shared or ())} of {len(union)} items shared"
        practice = len(union & {*row.a.practice_items, *row.b.practice_items})
        return f"{text} ({practice} of them {PRACTICE_MARK})" if practice else text

    def common_ground_text(self, kb: Knowledge, row: AxisComparison) -> str | None:
        if not row.shared:
            return None
        practice = set(row.a.practice_items) | set(row.b.practice_items)
        marks = tuple(i for i in row.shared if i in practice)
        return f"{row.name}: {items_text(kb, row.axis, row.shared, marks)}"


def _set_text(
    kb: Knowledge,
    axis_id: str,
    value: CellValue,
    alternative: CellValue | None,
    practice: tuple[str, ...],
) -> str:
    """A set's primary items (those in ``practice`` marked †), then the items the other
    reading of a dispute keeps or leaves out."""
    text = items_text(kb, axis_id, value, practice)
    if alternative is not None:
        kept = [i for i in _items(value) if i not in alternative]
        left = [i for i in _items(alternative) if i not in value]
        for items, how in ((kept, "kept"), (left, "left out")):
            if items:
                listed = items_text(kb, axis_id, tuple(items))
                text += f"\n{DISPUTE_MARK} disputed, {how}: {listed}"
    return text


def _items(value: CellValue) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value


EACH_OTHER = "each_other"
"""On a ``mutual`` axis of a pair comparison: the tie between the two functions compared
(one names the other's team), shown as 'each other'."""


def _label(vocabulary: Mapping[str, str], item: str) -> str:
    if item == EACH_OTHER:
        return "each other"
    return vocabulary.get(item, item)


def items_text(
    kb: Knowledge, axis_id: str, value: CellValue, practice: tuple[str, ...] = ()
) -> str:
    """A set's items by label, those in ``practice`` marked; '—' for no items."""
    vocabulary = kb.vocabulary(kb.axis(axis_id))
    labels = (marked(_label(vocabulary, i), i in practice) for i in _items(value))
    return ", ".join(labels) or "—"


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


def practice_axes(rows: Iterable[AxisComparison]) -> tuple[int, int]:
    """``(practice, scored)``: how many of the scored ``rows`` compare a value or item that
    rests on practitioner knowledge (†), and how many rows are scored."""
    scored = [r for r in rows if r.score is not None]
    return sum(KINDS[r.kind].rests_on_practice(r) for r in scored), len(scored)


"""Every axis kind by name."""
