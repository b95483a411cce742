"""Compare functions axis by axis. Pure: models in, result models out, nothing printed.

Each axis kind (``models.kinds``) scores and judges its own values; this module adds the
readings of disputed cells (primary claims first, the range over every reading) and the
summary (biggest differences, shared ground, disputes).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations, product
from typing import TYPE_CHECKING, NamedTuple

from cxcs.errors import UsageError
from cxcs.models.compare import (
    AxisComparison,
    PairComparison,
    Side,
    filter_note,
    similarity_band,
)
from cxcs.models.kinds import EACH_OTHER, KINDS, Scored, practice_axes
from cxcs.models.knowledge import PRACTICE, Axis, Cell, CellValue, Knowledge, Source

if TYPE_CHECKING:
    from cxcs.models.matrix import MatrixCell, MatrixComparison, MatrixRow


class Dispute(NamedTuple):
    """One disagreement between articles, with every compared cell it touches: a disputed
    ordinal or text cell, or one disputed set item (who owns CES sits in both CX's and
    customer success's metrics, and is one dispute)."""

    axis: str
    item: str | None
    """The disputed set item (None: the cell's value itself is disputed)."""
    functions: tuple[str, ...]
    """The compared functions whose cell carries it, in the order compared."""


def disputes_among(
    kb: Knowledge, function_ids: Sequence[str], axes: Sequence[Axis]
) -> tuple[Dispute, ...]:
    """The disputes in the compared cells, each once: the same set item disputed between
    the same articles in several functions' cells is one dispute naming them all."""
    found: dict[tuple[object, ...], list[str]] = {}
    for axis in axes:
        for fid in function_ids:
            cell = kb.functions[fid].cells[axis.id]
            if not cell.disputed:
                continue
            if cell.items is None:
                found[(axis.id, None, fid)] = [fid]
                continue
            for item_id, item in cell.items.items():
                if item.disputed:
                    sides = frozenset({_articles(item.sources), _articles(item.disputed_by)})
                    found.setdefault((axis.id, item_id, sides), []).append(fid)
    return tuple(
        Dispute(str(key[0]), key[1] if isinstance(key[1], str) else None, tuple(fids))
        for key, fids in found.items()
    )


def _articles(sources: Sequence[Source]) -> frozenset[str]:
    return frozenset(s.article for s in sources)


MAX_DIFFERENCES = 4
"""How many of the biggest differences a summary names (what counts as one: the kinds)."""


def select_axes(kb: Knowledge, axis_ids: Sequence[str] | None) -> tuple[Axis, ...]:
    """The axes to compare, in the order asked (all axes when ``axis_ids`` is empty)."""
    if not axis_ids:
        return kb.axes
    known = {a.id: a for a in kb.axes}
    unknown = [a for a in axis_ids if a not in known]
    if unknown:
        from cxcs.suggest import suggestions

        close = suggestions(unknown[0], list(known), limit=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(known)}"
        raise UsageError(f"unknown axis '{unknown[0]}'{hint}")
    return tuple(known[a] for a in dict.fromkeys(axis_ids))


def compare_pair(
    kb: Knowledge, a: str, b: str, axis_ids: Sequence[str] | None = None
) -> PairComparison:
    """Compare function ``a`` with ``b`` on the selected axes."""
    axes = select_axes(kb, axis_ids)
    fa, fb = kb.functions[a], kb.functions[b]
    rows = tuple(
        compare_axis(kb, axis, a, fa.cells[axis.id], b, fb.cells[axis.id]) for axis in axes
    )
    similarity, low, high = _overall(rows)
    differences = _differences(rows)
    return PairComparison(
        a=a,
        b=b,
        axes=rows,
        similarity=similarity,
        similarity_min=low,
        similarity_max=high,
        similarity_band=similarity_band(similarity),
        differences=differences[:MAX_DIFFERENCES],
        more_differences=max(0, len(differences) - MAX_DIFFERENCES),
        shared_ground=tuple(r.axis for r in rows if KINDS[r.kind].is_common_ground(r)),
        disputes=tuple(r.axis for r in rows if r.disputed),
    )


def compare_many(
    kb: Knowledge, function_ids: Sequence[str], axis_ids: Sequence[str] | None = None
) -> MatrixComparison:
    """Compare three or more functions: a matrix with one row per axis."""
    from cxcs.models.matrix import MatrixComparison, MatrixRow, PairSimilarity

    axes = select_axes(kb, axis_ids)
    rows = []
    disputes = []
    for axis in axes:
        cells = {}
        for fid in function_ids:
            cell = kb.functions[fid].cells[axis.id]
            cells[fid] = _matrix_cell(cell)
            if cell.disputed:
                disputes.append((fid, axis.id))
        shared = KINDS[axis.kind].shared_items([cells[f].value for f in function_ids])
        rows.append(
            MatrixRow(axis=axis.id, name=axis.name, kind=axis.kind, cells=cells, shared=shared)
        )
    similarities = []
    for x, y in combinations(function_ids, 2):
        pair = compare_pair(kb, x, y, axis_ids)
        practice, scored = practice_axes(pair.axes)
        similarities.append(
            PairSimilarity(
                a=x,
                b=y,
                similarity=pair.similarity,
                similarity_min=pair.similarity_min,
                similarity_max=pair.similarity_max,
                similarity_band=pair.similarity_band,
                scored_axes=scored,
                practice_axes=practice,
            )
        )
    ranked = sorted(
        (s for s in similarities if s.similarity is not None), key=lambda s: s.similarity or 0.0
    )
    most = ranked[-1] if ranked else None
    least = ranked[0] if ranked else None
    extremes = _extremes_by_reading(kb, function_ids, axes)
    return MatrixComparison(
        functions=tuple(function_ids),
        rows=tuple(rows),
        similarities=tuple(similarities),
        most_alike=most,
        least_alike=least,
        most_alike_too=tuple(
            s for s in reversed(ranked) if s is not most and (s.a, s.b) in extremes[1]
        ),
        least_alike_too=tuple(s for s in ranked if s is not least and (s.a, s.b) in extremes[0]),
        disputes=tuple(disputes),
    )


MAX_READINGS = 256
"""Most combinations of dispute readings a matrix weighs to find which pairs could be the
most or least alike (beyond it, only the primary reading's extremes are named)."""


def _extremes_by_reading(
    kb: Knowledge, function_ids: Sequence[str], axes: Sequence[Axis]
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The pairs that are the least alike, and those that are the most alike, under some
    coherent reading of every disputed cell at once (one dispute is read one way in every
    cell it touches, as in :func:`compare_axis`)."""
    scored = [a for a in axes if KINDS[a.kind].verdicts]  # text axes are not scored
    disputed = [
        (fid, a.id)
        for fid in function_ids
        for a in scored
        if kb.functions[fid].cells[a.id].disputed
    ]
    least: set[tuple[str, str]] = set()
    most: set[tuple[str, str]] = set()
    if 2 ** len(disputed) > MAX_READINGS or not scored:
        return least, most
    pairs = list(combinations(function_ids, 2))
    for choice in product((0, 1), repeat=len(disputed)):
        reading = dict(zip(disputed, choice, strict=True))
        cells = [(key, kb.functions[key[0]].cells[key[1]]) for key in disputed]
        if not all(
            _coherent(_beliefs(c, reading[k]), _beliefs(d, reading[j]))
            for (k, c), (j, d) in combinations(cells, 2)
            if k[1] == j[1]
        ):
            continue
        means = {}
        for x, y in pairs:
            total = 0.0
            for axis in scored:
                cx = kb.functions[x].cells[axis.id].claims[reading.get((x, axis.id), 0)]
                cy = kb.functions[y].cells[axis.id].claims[reading.get((y, axis.id), 0)]
                values = pair_values(kb, axis, x, cx.value, y, cy.value)
                total += KINDS[axis.kind].compare(kb, axis, *values).score or 0.0
            means[(x, y)] = round(total / len(scored), 4)
        low, high = min(means.values()), max(means.values())
        least |= {p for p, m in means.items() if m == low}
        most |= {p for p, m in means.items() if m == high}
    return least, most


def is_same(values: Sequence[CellValue], disputed: bool) -> bool:
    """Whether an axis row is the same for every function: no cell disputed and one primary
    value (sets compared as sets). What ``--differences`` hides."""
    if disputed:
        return False
    distinct = {v if isinstance(v, str) else frozenset(v) for v in values}
    return len(distinct) == 1


def only_differences(
    result: PairComparison | MatrixComparison,
) -> PairComparison | MatrixComparison:
    """``result`` with only the axes where the functions differ (``--differences``); the
    similarities and the summary stay as computed over every axis, and the result says so."""
    rows: Sequence[AxisComparison | MatrixRow]
    if isinstance(result, PairComparison):
        field, rows = "axes", result.axes
        hidden = [r.axis for r in result.axes if is_same((r.a.value, r.b.value), r.disputed)]
    else:
        field, rows = "rows", result.rows
        hidden = [
            r.axis
            for r in result.rows
            if is_same(
                [c.value for c in r.cells.values()], any(c.disputed for c in r.cells.values())
            )
        ]
    return result.model_copy(
        update={
            field: tuple(r for r in rows if r.axis not in hidden),
            "differences_only": True,
            "hidden_axes": tuple(hidden),
            "filter_note": filter_note(field, len(hidden), len(rows)),
        }
    )


def pair_rows(kb: Knowledge, result: PairComparison) -> dict[str, AxisComparison]:
    """Every compared axis's row by id: those ``result`` shows, and those ``--differences``
    hid (rebuilt: the summary names them as shared ground)."""
    rows = {r.axis: r for r in result.axes}
    fa, fb = kb.functions[result.a], kb.functions[result.b]
    for axis_id in result.hidden_axes:
        axis = kb.axis(axis_id)
        rows[axis_id] = compare_axis(
            kb, axis, result.a, fa.cells[axis_id], result.b, fb.cells[axis_id]
        )
    return rows


def _matrix_cell(cell: Cell) -> MatrixCell:
    from cxcs.models.matrix import MatrixCell

    alternative = cell.alternative
    return MatrixCell(
        value=cell.claim.value,
        alternative=alternative.value if alternative else None,
        disputed=cell.disputed,
        practice=cell.practice,
        practice_items=_practice_items(cell),
        sources=cell.sources_all,
    )


def _practice_items(cell: Cell) -> tuple[str, ...]:
    """A set cell's items whose only sources are practitioner knowledge."""
    return tuple(
        k for k, i in (cell.items or {}).items() if all(s.article == PRACTICE for s in i.sources)
    )


def _side(
    kb: Knowledge, axis: Axis, function_id: str, cell: Cell, other: str, other_cell: Cell
) -> Side:
    """One function's cell in a pair, its values as the pair compares them."""
    alternative = cell.alternative

    def seen(value: CellValue, other_value: CellValue) -> CellValue:
        return pair_values(kb, axis, function_id, value, other, other_value)[0]

    return Side(
        function=function_id,
        value=seen(cell.claim.value, other_cell.claim.value),
        alternative=seen(alternative.value, other_cell.claim.value) if alternative else None,
        disputed=cell.disputed,
        practice=cell.practice,
        practice_items=_practice_items(cell),
        sources=cell.sources_all,
    )


def pair_values(
    kb: Knowledge, axis: Axis, a: str, value_a: CellValue, b: str, value_b: CellValue
) -> tuple[CellValue, CellValue]:
    """Two functions' values as a pair compares them: on a ``mutual`` axis, ``a`` naming
    ``b``'s team and ``b`` naming ``a``'s are one tie, :data:`EACH_OTHER`, that both share
    (a tie either side names holds for both: working together goes both ways)."""
    if not axis.mutual or isinstance(value_a, str) or isinstance(value_b, str):
        return value_a, value_b
    team_a, team_b = kb.functions[a].team, kb.functions[b].team
    if team_a is None or team_b is None or (team_b not in value_a and team_a not in value_b):
        return value_a, value_b

    def tied(value: tuple[str, ...], other: str) -> tuple[str, ...]:
        return (EACH_OTHER, *(i for i in value if i != other))

    return tied(value_a, team_b), tied(value_b, team_a)


def compare_axis(
    kb: Knowledge, axis: Axis, a: str, cell_a: Cell, b: str, cell_b: Cell
) -> AxisComparison:
    """One axis: the kind's verdict on the primary claims, and the range over all readings."""
    kind = KINDS[axis.kind]

    def judge(x: CellValue, y: CellValue) -> Scored:
        return kind.compare(kb, axis, *pair_values(kb, axis, a, x, b, y))

    primary = judge(cell_a.claim.value, cell_b.claim.value)
    readings = [
        judge(x.value, y.value)
        for (i, x), (j, y) in product(enumerate(cell_a.claims), enumerate(cell_b.claims))
        if (i, j) == (0, 0) or _coherent(_beliefs(cell_a, i), _beliefs(cell_b, j))
    ]
    scores = [r.score for r in readings if r.score is not None]
    alternatives = tuple(
        dict.fromkeys(
            r.verdict for r in readings if r.verdict is not None and r.verdict != primary.verdict
        )
    )
    disputed = cell_a.disputed or cell_b.disputed
    return AxisComparison(
        axis=axis.id,
        name=axis.name,
        kind=axis.kind,
        verdict=primary.verdict,
        score=primary.score,
        score_min=min(scores) if scores else None,
        score_max=max(scores) if scores else None,
        disputed=disputed,
        alternatives=alternatives,
        a=_side(kb, axis, a, cell_a, b, cell_b),
        b=_side(kb, axis, b, cell_b, a, cell_a),
        **primary.extra,
    )


Beliefs = dict[str, tuple[frozenset[str], frozenset[str]]]
"""Per disputed set item: the articles a reading believes, and those it overrules."""


def _beliefs(cell: Cell, reading: int) -> Beliefs:
    """Which side of each disputed item reading ``reading`` (0: primary, 1: minority) of
    ``cell`` takes, as (articles believed, articles overruled)."""
    found: Beliefs = {}
    for item_id, item in (cell.items or {}).items():
        if not item.disputed:
            continue
        kept = frozenset(s.article for s in item.sources)
        dropped = frozenset(s.article for s in item.disputed_by)
        inside = (item.primary == "in") == (reading == 0)
        found[item_id] = (kept, dropped) if inside else (dropped, kept)
    return found


def _coherent(a: Beliefs, b: Beliefs) -> bool:
    """Whether two cells' readings can hold together: one dispute between articles (the
    same item on the same axis, e.g. who owns CES) is settled one way in both cells, never
    for one article in one cell and against it in the other ("both own it", "neither
    does": readings no article makes)."""
    for item_id in a.keys() & b.keys():
        believed_a, overruled_a = a[item_id]
        believed_b, overruled_b = b[item_id]
        if believed_a & overruled_b or believed_b & overruled_a:
            return False
    return True


def _differences(rows: Sequence[AxisComparison]) -> tuple[str, ...]:
    """Axes where the two differ, biggest first: by kind (ordinal contrasts before sets, see
    ``Kind.difference_rank``), then by score (far before near, sets by how little they
    share). All of them: a summary names the first ``MAX_DIFFERENCES``."""
    differ = [r for r in rows if KINDS[r.kind].is_difference(r)]
    differ.sort(key=lambda r: (KINDS[r.kind].difference_rank, r.score or 0.0))
    return tuple(r.axis for r in differ)


def _overall(rows: Sequence[AxisComparison]) -> tuple[float | None, float | None, float | None]:
    """Similarity on the primary claims, and its lowest and highest over every reading."""
    scored = [r for r in rows if r.score is not None]
    if not scored:
        return None, None, None
    n = len(scored)
    main = sum(r.score or 0.0 for r in scored) / n
    low = sum(r.score_min if r.score_min is not None else 0.0 for r in scored) / n
    high = sum(r.score_max if r.score_max is not None else 0.0 for r in scored) / n
    return round(main, 4), round(low, 4), round(high, 4)
