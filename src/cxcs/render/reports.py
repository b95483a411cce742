"""Build the format-neutral :class:`Report` of each command from its result model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cxcs import __version__
from cxcs.models.compare import AxisComparison, MatrixComparison, PairComparison
from cxcs.models.knowledge import Cell, CellValue, Claim, Knowledge, Metric, Source
from cxcs.render.view import Column, Report, TableBlock, join_values

if TYPE_CHECKING:
    from cxcs.models.classify import Classification


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


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json")


def source_text(kb: Knowledge, source: Source) -> str:
    """'Article title § section'."""
    article = kb.articles.get(source.article)
    title = article.title if article else source.article
    return f"{title} § {source.section}"


def value_text(value: CellValue) -> str:
    return join_values(value, ", ")


def claim_text(claim: Claim) -> str:
    return value_text(claim.value)


def cell_text(cell: Cell) -> str:
    """A cell for people: its value, or every claim when disputed."""
    if not cell.disputed:
        return claim_text(cell.primary)
    values = tuple(c.value for c in cell.claims)
    common: list[str] = []
    texts = [claim_text(c) for c in cell.claims]
    if all(isinstance(v, tuple) for v in values):
        common, texts = _set_variants(values)
    claims = " ⟷ ".join(
        f"{text} [{', '.join(dict.fromkeys(s.article for s in c.sources))}]"
        for text, c in zip(texts, cell.claims, strict=True)
    )
    prefix = f"{', '.join(common)}\n" if common else ""
    return f"{prefix}⚠ disputed: {claims}"


def _values_text(values: tuple[CellValue, ...], disputed: bool) -> str:
    if not disputed:
        return value_text(values[0])
    if all(isinstance(v, tuple) for v in values):
        common, variants = _set_variants(values)
        return f"{', '.join(common)}\n⚠ disputed: {' ⟷ '.join(variants)}"
    return "⚠ disputed: " + " ⟷ ".join(value_text(v) for v in values)


def _set_variants(values: tuple[CellValue, ...]) -> tuple[list[str], list[str]]:
    """Items every claim shares, and what each claim says beyond them ("+x" or "nothing more")."""
    common = [x for x in values[0] if all(x in v for v in values[1:])]
    variants = []
    for value in values:
        extra = [x for x in value if x not in common]
        variants.append(", ".join(f"+{x}" for x in extra) if extra else "nothing more")
    return common, variants


def list_report(kb: Knowledge) -> Report:
    rows: list[list[str | float | None]] = [
        [fid, f.name, f.abbreviation, ", ".join(f.aliases), f.summary]
        for fid, f in kb.functions.items()
    ]
    table = TableBlock(
        None,
        [
            Column("id"),
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


def show_report(kb: Knowledge, function_id: str) -> Report:
    function = kb.functions[function_id]
    rows: list[list[str | float | None]] = []
    for axis in kb.axes:
        cell = function.cells[axis.id]
        sources = "\n".join(source_text(kb, s) for s in cell.sources)
        rows.append([axis.name, cell_text(cell), "yes" if cell.disputed else "", sources])
    table = TableBlock(
        f"{function.name} ({function.abbreviation or function_id})",
        [Column("axis"), Column("value"), Column("disputed"), Column("sources")],
        rows,
        caption=function.summary,
    )
    return Report("show", f"{function.name}", [table], {"function": _dump(function)}, meta(kb))


def _detail(row: AxisComparison) -> str:
    if row.kind == "set":
        return (
            f"shared: {', '.join(row.shared or ()) or '—'}\n"
            f"only {row.a.function}: {', '.join(row.only_a or ()) or '—'}\n"
            f"only {row.b.function}: {', '.join(row.only_b or ()) or '—'}"
        )
    if row.kind == "ordinal" and row.distance is not None:
        return f"distance {row.distance:+d}"
    return ""


def compare_report(kb: Knowledge, result: PairComparison | MatrixComparison) -> Report:
    if isinstance(result, PairComparison):
        return _pair_report(kb, result)
    return _matrix_report(kb, result)


def _pair_report(kb: Knowledge, result: PairComparison) -> Report:
    name_a, name_b = kb.functions[result.a].name, kb.functions[result.b].name
    rows: list[list[str | float | None]] = [
        [
            r.name,
            _values_text(r.a.values, r.a.disputed),
            _values_text(r.b.values, r.b.disputed),
            r.verdict,
            _detail(r),
        ]
        for r in result.axes
    ]
    table = TableBlock(
        None,
        [Column("axis"), Column(name_a), Column(name_b), Column("verdict"), Column("detail")],
        rows,
        caption=_similarity_caption(result.similarity),
    )
    title = f"{name_a} vs {name_b}"
    return Report(
        "compare",
        title,
        [table],
        {"comparison": _dump(result)},
        meta(kb),
        notes=[f"similarity = {result.similarity_formula}"],
    )


def _similarity_caption(similarity: float | None) -> str:
    if similarity is None:
        return "similarity: not scored (only text axes compared)"
    return f"similarity {similarity:.2f} (0 = nothing in common, 1 = identical)"


def _matrix_report(kb: Knowledge, result: MatrixComparison) -> Report:
    names = [kb.functions[f].name for f in result.functions]
    rows: list[list[str | float | None]] = []
    for row in result.rows:
        cells: list[str | float | None] = [
            _values_text(row.cells[f].values, row.cells[f].disputed) for f in result.functions
        ]
        rows.append([row.name, *cells])
    table = TableBlock(None, [Column("axis"), *(Column(n) for n in names)], rows)
    sims: list[list[str | float | None]] = [
        [
            kb.functions[s.a].name,
            kb.functions[s.b].name,
            s.similarity if s.similarity is not None else None,
        ]
        for s in result.similarities
    ]
    sim_table = TableBlock(
        "Pairwise similarity", [Column("a"), Column("b"), Column("similarity", "bar")], sims
    )
    return Report(
        "compare",
        " vs ".join(names),
        [table, sim_table],
        {"comparison": _dump(result)},
        meta(kb),
        notes=[f"similarity = {result.similarity_formula}"],
    )


def axes_report(kb: Knowledge) -> Report:
    rows: list[list[str | float | None]] = [
        [a.id, a.name, a.kind, " < ".join(a.scale or ()), a.question] for a in kb.axes
    ]
    table = TableBlock(
        None,
        [Column("id"), Column("name"), Column("kind"), Column("scale"), Column("question")],
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
            Column("id"),
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
    rows: list[list[str | float | None]] = [
        ["files", "\n".join(kb.origin.files)],
        ["version", kb.origin.version],
        ["sha256", kb.origin.sha256],
        ["functions", str(len(kb.functions))],
        ["axes", str(len(kb.axes))],
        ["metrics", str(len(kb.metrics))],
        ["disputed cells", str(disputed)],
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
    title_check = result.title
    summary_rows: list[list[str | float | None]] = [
        ["label", result.label or "—"],
        ["decision", result.decision],
        ["confidence", f"{result.confidence:.2f}"],
        ["runner-up", result.runner_up or "—"],
        ["margin", f"{result.margin:.2f}"],
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
        [Column("id"), Column("function"), Column("share", "bar"), Column("raw")],
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
            Column("adds"),
            Column("chars"),
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
