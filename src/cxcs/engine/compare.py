"""Compare functions axis by axis. Pure: models in, result models out, nothing printed."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations, product

from cxcs.errors import UsageError
from cxcs.models.compare import (
    AxisComparison,
    MatrixCell,
    MatrixComparison,
    MatrixRow,
    PairComparison,
    PairSimilarity,
    Side,
    Verdict,
)
from cxcs.models.knowledge import Axis, Cell, CellValue, Knowledge


def select_axes(kb: Knowledge, axis_ids: Sequence[str] | None) -> tuple[Axis, ...]:
    """The axes to compare, in the order asked (all axes when ``axis_ids`` is empty)."""
    if not axis_ids:
        return kb.axes
    known = {a.id: a for a in kb.axes}
    unknown = [a for a in axis_ids if a not in known]
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], list(known), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(known)}"
        raise UsageError(f"unknown axis '{unknown[0]}'{hint}")
    return tuple(known[a] for a in dict.fromkeys(axis_ids))


def compare_pair(
    kb: Knowledge, a: str, b: str, axis_ids: Sequence[str] | None = None
) -> PairComparison:
    """Compare function ``a`` with ``b`` on the selected axes."""
    axes = select_axes(kb, axis_ids)
    fa, fb = kb.functions[a], kb.functions[b]
    rows = tuple(_compare_axis(axis, a, fa.cells[axis.id], b, fb.cells[axis.id]) for axis in axes)
    return PairComparison(a=a, b=b, axes=rows, similarity=_overall(rows))


def compare_many(
    kb: Knowledge, function_ids: Sequence[str], axis_ids: Sequence[str] | None = None
) -> MatrixComparison:
    """Compare three or more functions: a matrix with one row per axis."""
    axes = select_axes(kb, axis_ids)
    rows = []
    for axis in axes:
        cells = {fid: _matrix_cell(kb.functions[fid].cells[axis.id]) for fid in function_ids}
        shared = None
        if axis.kind == "set":
            sets = [set(_items(kb.functions[f].cells[axis.id].primary.value)) for f in function_ids]
            shared = tuple(sorted(set.intersection(*sets)))
        rows.append(
            MatrixRow(axis=axis.id, name=axis.name, kind=axis.kind, cells=cells, shared=shared)
        )
    similarities = tuple(
        PairSimilarity(a=x, b=y, similarity=compare_pair(kb, x, y, axis_ids).similarity)
        for x, y in combinations(function_ids, 2)
    )
    return MatrixComparison(
        functions=tuple(function_ids), rows=tuple(rows), similarities=similarities
    )


def _matrix_cell(cell: Cell) -> MatrixCell:
    return MatrixCell(values=tuple(c.value for c in cell.claims), disputed=cell.disputed)


def _items(value: CellValue) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def _side(function_id: str, cell: Cell) -> Side:
    return Side(
        function=function_id,
        values=tuple(c.value for c in cell.claims),
        disputed=cell.disputed,
        sources=cell.sources,
    )


def _compare_axis(axis: Axis, a: str, cell_a: Cell, b: str, cell_b: Cell) -> AxisComparison:
    values_a = [c.value for c in cell_a.claims]
    values_b = [c.value for c in cell_b.claims]
    extra: dict[str, object] = {}
    score: float | None
    if axis.kind == "ordinal" and axis.scale:
        scale = axis.scale
        span = len(scale) - 1
        score = max(
            1 - abs(scale.index(str(x)) - scale.index(str(y))) / span
            for x, y in product(values_a, values_b)
        )
        pa, pb = scale.index(str(values_a[0])), scale.index(str(values_b[0]))
        extra = {"position_a": pa, "position_b": pb, "distance": pb - pa}
    elif axis.kind == "set":
        score = max(_jaccard(_items(x), _items(y)) for x, y in product(values_a, values_b))
        set_a, set_b = set(_items(values_a[0])), set(_items(values_b[0]))
        extra = {
            "shared": tuple(sorted(set_a & set_b)),
            "only_a": tuple(sorted(set_a - set_b)),
            "only_b": tuple(sorted(set_b - set_a)),
        }
    else:
        score = None
    verdict = _verdict(axis.kind, score, values_a, values_b, cell_a.disputed or cell_b.disputed)
    return AxisComparison(
        axis=axis.id,
        name=axis.name,
        kind=axis.kind,
        verdict=verdict,
        score=score,
        a=_side(a, cell_a),
        b=_side(b, cell_b),
        **extra,
    )


def _jaccard(x: tuple[str, ...], y: tuple[str, ...]) -> float:
    union = set(x) | set(y)
    return len(set(x) & set(y)) / len(union) if union else 1.0


def _verdict(
    kind: str, score: float | None, a: list[CellValue], b: list[CellValue], disputed: bool
) -> Verdict:
    if disputed:
        return "disputed"
    if score is None:
        return "same" if _norm(a[0]) == _norm(b[0]) else "differs"
    if score >= 1.0:
        return "same"
    return "differs" if score <= 0.0 else "overlap"


def _norm(value: CellValue) -> str:
    return " ".join(str(value).lower().split())


def _overall(rows: Sequence[AxisComparison]) -> float | None:
    scores = [r.score for r in rows if r.score is not None]
    return round(sum(scores) / len(scores), 4) if scores else None
