"""Build the format-neutral :class:`Report` of each command from its result model."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from cxcs import __version__
from cxcs.models.compare import (
    SIMILARITY_DECIMALS,
    AxisComparison,
    PairComparison,
    shown_similarity,
    similarity_band,
)
from cxcs.models.kinds import (
    DISPUTE_MARK,
    KINDS,
    PRACTICE_MARK,
    SetKind,
    articles_text,
    marked,
    practice_axes,
)
from cxcs.models.knowledge import Cell, Knowledge, Metric, Source
from cxcs.render.view import Column, Report, TableBlock

if TYPE_CHECKING:
    from cxcs.engine.compare import Dispute
    from cxcs.models.classify import Classification
    from cxcs.models.journey import JourneyPart
    from cxcs.models.matrix import MatrixComparison


def meta(kb: Knowledge) -> dict[str, Any]:
    """Tool and knowledge versions carried by every result."""
    return {
        "tool_version": __version__,
        "knowledge": {
            "version": kb.origin.version,
            "sha256": kb.origin.sha256,
            "files": list(kb.origin.files),
        },
    }


def footer(kb: Knowledge) -> str:
    """'cxcs 0.1.0 · knowledge 2026.11.2 · sha256 1234abcd5678'."""
    info = meta(kb)
    return (
        f"cxcs {info['tool_version']} · knowledge {info['knowledge']['version']} "
        f"· sha256 {info['knowledge']['sha256'][:12]}"
    )


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json")


PRACTICE_NOTE = "† practitioner knowledge: common practice, not stated in the five source articles."


def source_text(kb: Knowledge, source: Source) -> str:
    """'Article title § section'."""
    article = kb.articles.get(source.article)
    title = article.title if article else source.article
    return f"{title} § {source.section}"


def cell_text(kb: Knowledge, axis_id: str, cell: Cell) -> str:
    """A cell for people: its primary value, and for a dispute the minority claim too."""
    return KINDS[kb.axis(axis_id).kind].cell_text(kb, axis_id, cell)


def _cell_notes(cell: Cell) -> list[str]:
    notes = [cell.note] if cell.note else []
    for claim in (cell.primary, cell.minority):
        if claim is not None and claim.note:
            notes.append(claim.note)
    if cell.reason:
        notes.append(f"Why primary: {cell.reason}")
    for item_id, item in (cell.items or {}).items():
        if item.note:
            notes.append(f"{item_id}: {item.note}")
        if item.reason:
            notes.append(f"{item_id}, why primary: {item.reason}")
    return notes


def list_report(kb: Knowledge) -> Report:
    rows: list[list[str | float | None]] = [
        [fid, f.name, f.abbreviation, ", ".join(f.aliases), f.summary]
        for fid, f in kb.functions.items()
    ]
    table = TableBlock(
        None,
        [
            Column("id", "number"),
            Column("name"),
            Column("abbreviation"),
            Column("aliases"),
            Column("summary"),
        ],
        rows,
    )
    payload = {"functions": [_dump(f) | {"cells": None} for f in kb.functions.values()]}
    for item in payload["functions"]:
        item.pop("cells")
    return Report("list", "Customer-facing functions", [table], payload, meta(kb))


def umbrella_text(kb: Knowledge, function_id: str) -> str | None:
    """'Customer experience is the umbrella over ...' / 'sits under ...', with sources."""
    function = kb.functions[function_id]
    below = kb.umbrella(function_id)
    if below:
        names = ", ".join(kb.functions[f].name for f in below)
        return f"Umbrella over: {names} [{', '.join(umbrella_articles(kb, below))}]"
    if function.under is not None and function.under.function in kb.functions:
        parent = kb.functions[function.under.function].name
        return f"Sits under the {parent} umbrella [{articles_text(function.under.sources)}]"
    return None


def umbrella_articles(kb: Knowledge, below: Iterable[str]) -> list[str]:
    """The articles that put the functions ``below`` under their umbrella, sorted."""
    return sorted({s.article for f in below for s in kb.functions[f].under.sources})  # type: ignore[union-attr]


def show_report(kb: Knowledge, function_id: str) -> Report:
    function = kb.functions[function_id]
    rows: list[list[str | float | None]] = []
    practice = False
    for axis in kb.axes:
        cell = function.cells[axis.id]
        sources = "\n".join(source_text(kb, s) for s in cell.sources_all)
        practice = practice or PRACTICE_MARK in cell_text(kb, axis.id, cell)
        cell_notes = "\n".join(_cell_notes(cell))
        rows.append(
            [
                axis.name,
                cell_text(kb, axis.id, cell),
                "yes" if cell.disputed else "",
                cell_notes,
                sources,
            ]
        )
    caption = function.summary
    umbrella: str | None = umbrella_text(kb, function_id)
    if umbrella:
        caption = f"{caption}\n{umbrella}"
    table = TableBlock(
        f"{function.name} ({function.abbreviation or function_id})",
        [Column("axis"), Column("value"), Column("disputed"), Column("notes"), Column("sources")],
        rows,
        caption=caption,
    )
    payload: dict[str, Any] = {"function": _dump(function)}
    payload["umbrella_over"] = list(kb.umbrella(function_id))
    notes: list[str] = [umbrella] if umbrella else []
    if practice:
        notes.append(PRACTICE_NOTE)
    return Report("show", f"{function.name}", [table], payload, meta(kb), notes=notes)


def compare_report(kb: Knowledge, result: PairComparison | MatrixComparison) -> Report:
    """The comparison's report: a pair, or a matrix for three or more functions (each with
    only the axes that differ when the result was filtered by ``--differences``)."""
    if isinstance(result, PairComparison):
        return _pair_report(kb, result)
    return _matrix_report(kb, result)


def filter_text(kb: Knowledge, result: PairComparison | MatrixComparison) -> str | None:
    """For people: which axes ``--differences`` hid, and what still covers them (None when
    nothing was filtered)."""
    if not result.differences_only:
        return None
    shown = len(result.axes) if isinstance(result, PairComparison) else len(result.rows)
    total = shown + len(result.hidden_axes)
    hidden = ", ".join(kb.axis(a).name for a in result.hidden_axes) or "none"
    who = "the two are" if isinstance(result, PairComparison) else "every function is"
    scope = "the similarity" if isinstance(result, PairComparison) else "the similarities"
    over = "the 1 compared axis" if total == 1 else f"all {total} compared axes"
    return (
        f"--differences: hidden, as {who} the same there: {hidden}; {scope} and the "
        f"summary cover {over}"
    )


def similarity_text(value: float | None, low: float | None, high: float | None) -> str:
    """'0.5, partly alike', or '0.3 (0.3–0.4), mostly different to partly alike' when the
    disputes move it: one decimal (see :data:`SIMILARITY_DECIMALS`) and the band word of the
    number as shown, for the range the band words of its ends."""
    if value is None:
        return "not scored (only text axes compared)"
    shown, band = _decimal(value), similarity_band(value)
    if low is None or high is None or not similarity_range_shown(low, high):
        return f"{shown}, {band}"
    ends = (similarity_band(low), similarity_band(high))
    words = band if ends == (band, band) else f"{ends[0]} to {ends[1]}"
    return f"{shown} ({_decimal(low)}–{_decimal(high)}), {words}"


def similarity_range_shown(low: float | None, high: float | None) -> bool:
    """Whether the disputes move the similarity as shown (one decimal), so a range is
    printed beside it."""
    return low is not None and high is not None and _decimal(low) != _decimal(high)


def _decimal(value: float) -> str:
    """One decimal; a value that is not 0 (or 1) but rounds to it is '<0.1' ('>0.9'), as
    pairs sharing a few items have something in common."""
    shown = shown_similarity(value)
    step = 10**-SIMILARITY_DECIMALS
    if shown == 0.0 < value:
        return f"<{step:.{SIMILARITY_DECIMALS}f}"
    if shown == 1.0 > value:
        return f">{1 - step:.{SIMILARITY_DECIMALS}f}"
    return f"{shown:.{SIMILARITY_DECIMALS}f}"


PRACTICE_AXES = "scored axes resting partly on practitioner knowledge"
"""The matrix's pairwise column: how many scored axes compare † values or items."""


def practice_share_text(rows: Iterable[AxisComparison]) -> str:
    """'; 3 of 15 scored axes rest partly on practitioner knowledge †': how much of a
    similarity compares values or items no article states ('' when none does)."""
    return practice_share(*practice_axes(rows))


def practice_share(practice: int, scored: int) -> str:
    """'; 3 of 15 scored axes rest partly on practitioner knowledge †' ('' for none)."""
    if not practice:
        return ""
    share = f"{practice} of {scored} scored axes"
    return f"; {share} rest partly on practitioner knowledge {PRACTICE_MARK}"


def side_text(kb: Knowledge, row: AxisComparison, side: str) -> str:
    """One side's primary value (with † marks), and its minority claim when disputed."""
    return KINDS[row.kind].side_text(kb, row.axis, row.a if side == "a" else row.b)


def verdict_text(row: AxisComparison, *, mark: bool = True) -> str:
    """'far', 'overlap 2/9', '⚠ near (or same)'; marked † when it compares a value or item
    that rests on practitioner knowledge (the rows the similarity's † count counts), so a
    verdict drawn from a † position never reads as the articles' word: 'near †' (``mark``
    False: where the line marks the values themselves)."""
    if row.verdict is None:
        return "context"
    kind = KINDS[row.kind]
    practice = mark and kind.rests_on_practice(row)
    text = marked(row.verdict + kind.verdict_detail(row), practice)
    if row.disputed:
        text = f"{DISPUTE_MARK} {text}"
        if row.alternatives:
            text += f" (or {', '.join(row.alternatives)})"
    return text


def summary_lines(kb: Knowledge, result: PairComparison) -> list[tuple[str, str]]:
    """What a reader needs first: similarity, biggest differences, shared ground, disputes."""
    from cxcs.engine.compare import disputes_among, pair_rows

    rows = pair_rows(kb, result)
    lines = [
        (
            "similarity",
            similarity_text(result.similarity, result.similarity_min, result.similarity_max)
            + "; 0 = nothing in common, 1 = identical"
            + practice_share_text(rows.values()),
        )
    ]
    umbrella = pair_umbrella_text(kb, result.a, result.b)
    if umbrella:
        lines.append(("umbrella", umbrella))
    differences = [
        KINDS[rows[a].kind].difference_text(rows[a], verdict_text(rows[a], mark=False))
        for a in result.differences
    ]
    if result.more_differences:
        differences.append(f"and {result.more_differences} more (see the axis table)")
    lines.append(("biggest differences", "\n".join(differences) or "none"))
    shared = [KINDS[rows[a].kind].common_ground_text(kb, rows[a]) for a in result.shared_ground]
    lines.append(("shared ground", "\n".join(s for s in shared if s) or "none"))
    disputes = [
        f"{dispute_text(kb, d)}; {_outcome(rows[d.axis])}"
        for d in disputes_among(
            kb, (result.a, result.b), [kb.axis(axis_id) for axis_id in result.disputes]
        )
    ]
    lines.append(("disputes", "\n".join(disputes) or "none"))
    return lines


def umbrella_lines(kb: Knowledge, function_ids: Sequence[str]) -> list[str]:
    """'Customer service sits under the Customer experience umbrella [a, b]', with its
    articles, for each compared function under another compared one."""
    lines = []
    for child in function_ids:
        under = kb.functions[child].under
        if under is not None and under.function in function_ids and under.function != child:
            lines.append(
                f"{kb.functions[child].name} sits under the {kb.functions[under.function].name}"
                f" umbrella [{articles_text(under.sources)}]"
            )
    return lines


def pair_umbrella_text(kb: Knowledge, a: str, b: str) -> str | None:
    """When one of two functions sits under the other's umbrella, that, with its articles,
    beside the similarity (a low one never reads as 'unrelated'); None otherwise."""
    lines = umbrella_lines(kb, (a, b))
    if not lines:
        return None
    return (
        f"{lines[0]}: the similarity compares what the two do, not whether one is part of the other"
    )


def practice_shown(kb: Knowledge, result: PairComparison) -> bool:
    """Whether a † shows anywhere in a pair's report: in the axes shown, or in the summary,
    which also names the axes --differences hid."""
    from cxcs.engine.compare import pair_rows

    return any(r.a.practice or r.b.practice for r in pair_rows(kb, result).values())


def dispute_text(kb: Knowledge, dispute: Dispute) -> str:
    """'Scope of Customer success: post-purchase lifecycle [a, b] vs whole journey [c]', or
    for a disputed set item, once for every compared cell it touches: 'Metrics of Customer
    experience and Customer success: CES kept for Customer experience and left out for
    Customer success [c] vs the reverse [d]'."""
    axis = kb.axis(dispute.axis)
    names = " and ".join(kb.functions[f].name for f in dispute.functions)
    cells = [(kb.functions[f].name, kb.functions[f].cells[axis.id]) for f in dispute.functions]
    kind = KINDS[axis.kind]
    if dispute.item is None:
        claims = kind.dispute_text(kb, axis.id, cells[0][1])
    else:
        assert isinstance(kind, SetKind)
        claims = kind.item_dispute_text(kb, axis.id, dispute.item, cells)
    return f"{axis.name} of {names}: {claims}"


def _outcome(row: AxisComparison) -> str:
    """What the dispute does to the row's verdict."""
    return f"verdict {row.verdict}" + (
        f", {', '.join(row.alternatives)} under the other reading"
        if row.alternatives
        else ", same verdict either way"
    )


def _pair_report(kb: Knowledge, result: PairComparison) -> Report:
    name_a, name_b = kb.functions[result.a].name, kb.functions[result.b].name
    summary = TableBlock(
        "Summary",
        [Column("summary"), Column("")],
        [[k, v] for k, v in summary_lines(kb, result)],
    )
    shown = result.axes
    rows: list[list[str | float | None]] = [
        [r.name, side_text(kb, r, "a"), side_text(kb, r, "b"), verdict_text(r)]
        for r in shown
        if r.verdict is not None
    ]
    columns = [Column("axis"), Column(name_a), Column(name_b), Column("verdict")]
    table = TableBlock("Axis by axis", columns, rows)
    blocks = [summary, table]
    context: list[list[str | float | None]] = [
        [r.name, f"{name_a}: {side_text(kb, r, 'a')}\n{name_b}: {side_text(kb, r, 'b')}"]
        for r in shown
        if r.verdict is None
    ]
    if context:
        blocks.append(
            TableBlock("Context (text axes: no verdict)", [Column("axis"), Column("")], context)
        )
    notes = [f"similarity = {result.similarity_formula}", f"verdicts: {result.verdict_rules}"]
    if practice_shown(kb, result):
        notes.insert(0, PRACTICE_NOTE)
    filtered = filter_text(kb, result)
    if filtered:
        notes.insert(0, filtered)
    csv_rows: list[list[str | float | None]] = [
        [
            r.axis,
            r.kind,
            side_text(kb, r, "a").replace("\n", " "),
            side_text(kb, r, "b").replace("\n", " "),
            r.verdict or "",
            "yes" if r.disputed else "",
            f"{r.score:.4f}" if r.score is not None else "",
            PRACTICE_MARK if KINDS[r.kind].rests_on_practice(r) else "",
        ]
        for r in shown
    ]
    csv_table = TableBlock(
        None,
        [
            Column(c)
            for c in (
                "axis",
                "kind",
                result.a,
                result.b,
                "verdict",
                "disputed",
                "score",
                "practice",
            )
        ],
        csv_rows,
    )

    def payload() -> dict[str, Any]:
        summary = {k: v.split("\n") for k, v in summary_lines(kb, result)}
        return {"comparison": _dump(result), "summary": summary}

    return Report(
        "compare",
        f"{name_a} vs {name_b}",
        blocks,
        payload,
        meta(kb),
        notes=notes,
        csv_table=csv_table,
    )


def matrix_summary(kb: Knowledge, result: MatrixComparison) -> list[tuple[str, str]]:
    """What a reader needs first: the most and least alike pairs, and the disputes."""
    from cxcs.engine.compare import disputes_among

    lines = []
    for label, pair, too in (
        ("most alike", result.most_alike, result.most_alike_too),
        ("least alike", result.least_alike, result.least_alike_too),
    ):
        if pair is not None:
            text = (
                f"{kb.functions[pair.a].name} & {kb.functions[pair.b].name}: "
                + similarity_text(pair.similarity, pair.similarity_min, pair.similarity_max)
                + practice_share(pair.practice_axes, pair.scored_axes)
            )
            if too:
                others = " or ".join(
                    f"{kb.functions[p.a].name} & {kb.functions[p.b].name} "
                    + similarity_text(p.similarity, p.similarity_min, p.similarity_max)
                    for p in too
                )
                text += f"\nnot settled: another reading of the disputes makes {label} {others}"
            tied = [
                f"{kb.functions[p.a].name} & {kb.functions[p.b].name}"
                for p in result.similarities
                if p is not pair
                and p not in too
                and p.similarity is not None
                and pair.similarity is not None
                and _decimal(p.similarity) == _decimal(pair.similarity)
            ]
            if tied:
                level = "high" if label == "most alike" else "low"
                text += f"\njust as {level} to one decimal: {', '.join(tied)}"
            lines.append((label, text))
    umbrella = umbrella_lines(kb, result.functions)
    if umbrella:
        umbrella.append(
            "the similarities compare what the functions do, not whether one is part of another"
        )
        lines.append(("umbrella", "\n".join(umbrella)))
    disputes = [
        dispute_text(kb, d)
        for d in disputes_among(kb, result.functions, [kb.axis(r.axis) for r in result.rows])
    ]
    lines.append(("disputes", "\n".join(disputes) or "none"))
    return lines


def _matrix_report(kb: Knowledge, result: MatrixComparison) -> Report:
    names = [kb.functions[f].name for f in result.functions]
    summary_rows: list[list[str | float | None]] = [[k, v] for k, v in matrix_summary(kb, result)]
    summary = TableBlock("Summary", [Column("summary"), Column("")], summary_rows)
    rows: list[list[str | float | None]] = []
    csv_rows: list[list[str | float | None]] = []
    practice = False
    for row in result.rows:
        values = [row.cells[f] for f in result.functions]
        kind = KINDS[row.kind]
        texts = [kind.matrix_text(kb, row.axis, cell) for cell in values]
        practice = practice or any(cell.practice for cell in values)
        rows.append([row.name, *texts])
        csv_rows.append(
            [
                row.axis,
                row.kind,
                *(t.replace("\n", " ") for t in texts),
                "yes" if any(cell.disputed for cell in values) else "",
                PRACTICE_MARK if any(cell.practice for cell in values) else "",
            ]
        )
    table = TableBlock("Axis by axis", [Column("axis"), *(Column(n) for n in names)], rows)
    csv_columns = ["axis", "kind", *result.functions, "disputed", "practice"]
    csv_table = TableBlock(None, [Column(c) for c in csv_columns], csv_rows)
    sims: list[list[str | float | None]] = [
        [
            kb.functions[s.a].name,
            kb.functions[s.b].name,
            similarity_text(s.similarity, s.similarity_min, s.similarity_max),
            f"{s.practice_axes} of {s.scored_axes}",
        ]
        for s in result.similarities
    ]
    sim_table = TableBlock(
        "Pairwise similarity",
        [
            Column("a"),
            Column("b"),
            Column("similarity (dispute range)"),
            Column(PRACTICE_AXES),
        ],
        sims,
    )
    notes = [f"similarity = {result.similarity_formula}"]
    if practice:
        notes.insert(0, PRACTICE_NOTE)
    filtered = filter_text(kb, result)
    if filtered:
        notes.insert(0, filtered)

    def payload() -> dict[str, Any]:
        summary = {k: v.split("\n") for k, v in matrix_summary(kb, result)}
        return {"comparison": _dump(result), "summary": summary}

    return Report(
        "compare",
        " vs ".join(names),
        [summary, sim_table, table],
        payload,
        meta(kb),
        notes=notes,
        csv_table=csv_table,
    )


TAKES_PART = "takes part"
"""How the journey view shows a function at a stage its sources place it at without naming
a role (leads or contributes) there."""


def part_text(part: JourneyPart) -> str:
    """A function's part at a stage: its role (or 'takes part'), marked † when the stage
    rests on practitioner knowledge, and ⚠ when articles disagree on it."""
    text = marked(part.role or TAKES_PART, part.practice)
    return f"{text} {DISPUTE_MARK} disputed" if part.disputed else text


def journey_report(kb: Knowledge, function_ids: Sequence[str]) -> Report:
    """Stage × function: who leads, who contributes, who takes part, with sources."""
    from cxcs.engine.journey import journey

    result = journey(kb, function_ids)
    names = [kb.functions[f].name for f in result.functions]
    rows: list[list[str | float | None]] = []
    for stage in result.stages:
        cells: list[str | float | None] = [stage.name]
        for fid in result.functions:
            part = stage.roles.get(fid)
            cells.append(part_text(part) if part else "—")
        rows.append(cells)
    table = TableBlock(
        "Who leads at each stage",
        [Column("stage"), *(Column(n) for n in names)],
        rows,
        caption=(
            "leads: owns the stage · contributes: helps · "
            f"{TAKES_PART}: active at the stage, no role named in the sources · "
            "—: no part in the sources"
        ),
    )
    source_rows: list[list[str | float | None]] = []
    practice = False
    for stage in result.stages:
        for fid, part in stage.roles.items():
            practice = practice or part.practice
            source_rows.append(
                [
                    stage.name,
                    kb.functions[fid].name,
                    part_text(part),
                    "\n".join(source_text(kb, s) for s in part.sources)
                    + (f"\n{part.note}" if part.note else ""),
                ]
            )
    sources = TableBlock(
        "Sources",
        [Column("stage"), Column("function"), Column("role"), Column("sources")],
        source_rows,
    )
    csv_rows: list[list[str | float | None]] = [
        _csv_part(stage.id, fid, stage.roles.get(fid))
        for stage in result.stages
        for fid in result.functions
    ]
    csv_columns = ["stage", "function", "role", "disputed", "practice"]
    csv_table = TableBlock(None, [Column(c) for c in csv_columns], csv_rows)
    notes = [PRACTICE_NOTE] if practice else []
    for fid in result.functions:
        umbrella = umbrella_text(kb, fid)
        if umbrella and kb.umbrella(fid):
            notes.append(f"{kb.functions[fid].name}: {umbrella}")
    return Report(
        "journey",
        "Customer journey: who leads, who contributes",
        [table, sources],
        {"journey": _dump(result)},
        meta(kb),
        notes=notes,
        csv_table=csv_table,
    )


def _csv_part(stage: str, function: str, part: JourneyPart | None) -> list[str | float | None]:
    """A journey CSV row: the role ('takes part', or empty for no part), then ``yes`` when
    disputed and ``†`` when it rests on practitioner knowledge, as in compare's CSV."""
    if part is None:
        return [stage, function, "", "", ""]
    practice = PRACTICE_MARK if part.practice else ""
    return [stage, function, part.role or TAKES_PART, "yes" if part.disputed else "", practice]


def axes_report(kb: Knowledge) -> Report:
    rows: list[list[str | float | None]] = [
        [a.id, a.name, a.kind, " < ".join(a.scale or ()), a.question] for a in kb.axes
    ]
    table = TableBlock(
        None,
        [
            Column("id", "number"),
            Column("name"),
            Column("kind"),
            Column("scale"),
            Column("question"),
        ],
        rows,
    )
    return Report(
        "axes", "Comparison axes", [table], {"axes": [_dump(a) for a in kb.axes]}, meta(kb)
    )


def metrics_report(kb: Knowledge, function_id: str | None) -> Report:
    chosen = [m for m in kb.metrics.values() if function_id is None or function_id in m.owners]
    rows: list[list[str | float | None]] = [
        [
            m.id,
            m.name,
            m.abbreviation,
            ", ".join(m.owners) + (" ⚠ disputed" if m.disputed else ""),
            m.direction,
            m.unit,
        ]
        for m in chosen
    ]
    table = TableBlock(
        None,
        [
            Column("id", "number"),
            Column("name"),
            Column("abbr."),
            Column("owners"),
            Column("better when"),
            Column("unit"),
        ],
        rows,
    )
    title = "Metrics" + (f" owned by {kb.functions[function_id].name}" if function_id else "")
    return Report("metrics", title, [table], {"metrics": [_dump(m) for m in chosen]}, meta(kb))


def metric_report(kb: Knowledge, metric: Metric) -> Report:
    rows: list[list[str | float | None]] = [
        ["name", metric.name],
        ["abbreviation", metric.abbreviation],
        ["definition", metric.definition],
        ["formula", metric.formula],
        ["unit", metric.unit],
        ["better when", metric.direction],
        [
            "owners",
            ", ".join(kb.functions[o].name if o in kb.functions else o for o in metric.owners),
        ],
        ["disputed", "yes" if metric.disputed else "no"],
        ["note", metric.note or ""],
        ["sources", "\n".join(source_text(kb, s) for s in metric.sources)],
    ]
    table = TableBlock(None, [Column("field"), Column("value")], rows)
    return Report(
        "metric", f"{metric.name} ({metric.id})", [table], {"metric": _dump(metric)}, meta(kb)
    )


def validate_report(kb: Knowledge) -> Report:
    disputed = sum(c.disputed for f in kb.functions.values() for c in f.cells.values())
    practice = sum(c.practice for f in kb.functions.values() for c in f.cells.values())
    rows: list[list[str | float | None]] = [
        ["files", "\n".join(kb.origin.files)],
        ["version", kb.origin.version],
        ["sha256", kb.origin.sha256],
        ["functions", str(len(kb.functions))],
        ["axes", str(len(kb.axes))],
        ["metrics", str(len(kb.metrics))],
        ["disputed cells", str(disputed)],
        ["cells from practice †", str(practice)],
    ]
    table = TableBlock(None, [Column("check"), Column("result")], rows, caption="valid")
    payload = {
        "valid": True,
        "functions": len(kb.functions),
        "axes": len(kb.axes),
        "metrics": len(kb.metrics),
        "disputed_cells": disputed,
    }
    return Report("validate", "Knowledge base is valid", [table], payload, meta(kb))


EVIDENCE_PER_FUNCTION = 3
"""Evidence rows shown per function unless --explain asks for all."""


def classify_report(kb: Knowledge, result: Classification, explain: bool = False) -> Report:
    """Decision, scores with bars, evidence with offsets, title check, and (--explain) the
    per-function contribution of each phrase."""
    from cxcs.engine.classify import probability_text  # as the reason says it: never 1.00

    title_check = result.title
    summary_rows: list[list[str | float | None]] = [
        ["label", result.label or "—"],
        ["decision", result.decision],
        ["confidence", "—" if result.confidence is None else probability_text(result.confidence)],
        ["runner-up", result.runner_up or "—"],
        ["margin", "—" if result.margin is None else f"{result.margin:.2f}"],
        ["why", result.reason],
        ["words read", f"{result.words}" + (" (input truncated)" if result.truncated else "")],
    ]
    if title_check is not None:
        summary_rows.append(["title", title_check.title])
        summary_rows.append(["title reads as", title_check.title_label or "—"])
        summary_rows.append(["duties read as", title_check.body_label or "—"])
        if title_check.mismatch and title_check.message:
            summary_rows.append(["⚠ mismatch", title_check.message])
    summary = TableBlock("Result", [Column("field"), Column("value")], summary_rows)
    score_rows: list[list[str | float | None]] = [
        [
            s.function,
            kb.functions[s.function].name if s.function in kb.functions else s.function,
            s.score,
            f"{s.raw:.2f}",
        ]
        for s in sorted(result.scores, key=lambda s: -s.score)
    ]
    score_rows.append(["none", "not customer-facing", result.not_customer_facing, ""])
    scores = TableBlock(
        "Scores",
        [
            Column("id", "number"),
            Column("function"),
            Column("share", "bar"),
            Column("raw", "number"),
        ],
        score_rows,
    )
    # The posting's own words, grouped by function (the label first), largest contribution
    # first: the top few per function, every match under --explain.
    grouped = result.evidence_by_function(None if explain else EVIDENCE_PER_FUNCTION)
    evidence_rows: list[list[str | float | None]] = [
        [
            function,
            e.text,
            e.snippet,
            e.section if e.source == "body" else "title",
            f"{e.weight:+.2f}",
            f"{e.start}-{e.end}",
        ]
        for function, items in grouped.items()
        for e in items
    ]
    evidence = TableBlock(
        "Evidence",
        [
            Column("function"),
            Column("words"),
            Column("in context"),
            Column("section"),
            Column("adds", "number"),
            Column("chars", "number"),
        ],
        evidence_rows,
    )
    tables = [summary, scores, evidence]
    if explain:
        tables.append(_contributions(result))
    title = f"Classification: {result.label or result.decision}"
    return Report(
        "classify",
        title,
        tables,
        {"classification": _dump(result)},
        meta(kb),
        notes=[title_check.message] if title_check and title_check.message else [],
        csv_table=_classification_row(kb, result),
    )


def _contributions(result: Classification) -> TableBlock:
    totals: dict[tuple[str, str], list[float]] = {}
    for e in result.evidence:
        entry = totals.setdefault((e.function, e.phrase), [0, 0.0])
        entry[0] += 1
        entry[1] += e.weight
    rows: list[list[str | float | None]] = [
        [function, phrase, str(int(count)), f"{weight:+.2f}"]
        for (function, phrase), (count, weight) in sorted(
            totals.items(), key=lambda item: (item[0][0], -abs(item[1][1]))
        )
    ]
    return TableBlock(
        "Contributions (--explain)",
        [Column("function"), Column("phrase"), Column("matches"), Column("total")],
        rows,
    )


def _classification_row(kb: Knowledge, result: Classification) -> TableBlock:
    """The one classification row schema (:func:`cxcs.records.output_columns`), as CSV has it."""
    from cxcs.records import RowMaker, csv_cell

    maker = RowMaker(kb)
    row = maker.result_row(result)
    cells: list[str | float | None] = [str(csv_cell(row[c])) for c in maker.columns]
    return TableBlock(None, [Column(c) for c in maker.columns], [cells])
