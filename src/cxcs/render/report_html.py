"""``compare --format html``: a print-friendly report a person can hand out, in the one HTML
shell every command shares (:mod:`cxcs.render.page`).

Summary first (similarity with its dispute range, biggest differences, shared ground,
disputes; for three or more functions the most and least alike pair and the pairwise
similarities), then the axis table (a pair's with coloured verdicts, the text axes as
context), and every source as a numbered footnote. No scripts, no external assets, nothing fetched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxcs.models.compare import PairComparison
from cxcs.models.kinds import KINDS
from cxcs.models.knowledge import Knowledge, Source
from cxcs.render import page
from cxcs.render.marks import dispute_note
from cxcs.render.reports import (
    PRACTICE_AXES,
    PRACTICE_NOTE,
    filter_text,
    matrix_summary,
    meta,
    practice_share_text,
    practice_shown,
    side_text,
    similarity_range_shown,
    similarity_text,
    source_text,
    summary_lines,
    verdict_text,
)

if TYPE_CHECKING:
    from cxcs.models.matrix import MatrixComparison

_e, _lines = page.words, page.lines
DISPUTED_ROWS = " A row with a disputed cell has a bar at its left edge."


class _Notes:
    """Numbered footnotes: each source once, cited by number."""

    def __init__(self, kb: Knowledge) -> None:
        self.kb = kb
        self.order: list[str] = []

    def cite(self, sources: tuple[Source, ...]) -> str:
        marks = []
        for source in dict.fromkeys(sources):
            text = source_text(self.kb, source)
            if text not in self.order:
                self.order.append(text)
            number = self.order.index(text) + 1
            marks.append(str(number))
        return f"<sup>{','.join(marks)}</sup>" if marks else ""

    def html(self) -> str:
        items = "".join(f'<li id="fn{i}">{_e(t)}</li>' for i, t in enumerate(self.order, 1))
        return f'<h2>Sources</h2><ol class="footnotes">{items}</ol>'


def compare_html(kb: Knowledge, result: PairComparison | MatrixComparison) -> str:
    """The comparison as one standalone HTML document."""
    if not isinstance(result, PairComparison):
        return matrix_html(kb, result)
    from cxcs.engine.compare import pair_rows

    notes = _Notes(kb)
    name_a, name_b = kb.functions[result.a].name, kb.functions[result.b].name
    title = f"{name_a} vs {name_b}"
    summary = dict(summary_lines(kb, result))
    sim = similarity_text(result.similarity, result.similarity_min, result.similarity_max)
    spans = (
        "; the range spans every reading of the disputed cells"
        if similarity_range_shown(result.similarity_min, result.similarity_max)
        else ""
    )
    share = practice_share_text(pair_rows(kb, result).values())
    parts = [
        f'<p class="similarity" id="similarity">Similarity {_e(sim)}</p>',
        f'<p class="note">0 = nothing in common, 1 = identical{spans}{_e(share)}.</p>',
        '<section id="summary"><h2>Summary</h2><table>',
    ]
    for key in ("umbrella", "biggest differences", "shared ground", "disputes"):
        if key not in summary:
            continue
        parts.append(f"<tr><th>{_e(key)}</th><td>{_lines(summary[key], hang=True)}</td></tr>")
    parts.append("</table></section>")
    rows = []
    context = []
    practice = False
    for row in result.axes:
        cite_a, cite_b = notes.cite(row.a.sources), notes.cite(row.b.sources)
        practice = practice or row.a.practice or row.b.practice
        a = f"{_lines(side_text(kb, row, 'a'))}{cite_a}"
        b = f"{_lines(side_text(kb, row, 'b'))}{cite_b}"
        if row.verdict is None:
            context.append(f"<tr><th>{_e(row.name)}</th><td>{a}</td><td>{b}</td></tr>")
            continue
        css = f"verdict v-{row.verdict}"
        klass = ' class="disputed"' if row.disputed else ""
        rows.append(
            f"<tr{klass}><th>{_e(row.name)}</th><td>{a}</td><td>{b}</td>"
            f'<td class="{css}">{_e(verdict_text(row))}</td></tr>'
        )
    head = f"<tr><th>axis</th><th>{_e(name_a)}</th><th>{_e(name_b)}</th>"
    parts.append(
        f'<section id="axes"><h2>Axis by axis</h2><table>{head}<th>verdict</th></tr>'
        f"{''.join(rows)}</table></section>"
    )
    if context:
        parts.append(
            '<section id="context"><h2>Context (text axes: no verdict)</h2>'
            f"<table>{head}</tr>{''.join(context)}</table></section>"
        )
    disputed = any(row.disputed for row in result.axes)
    parts += _closing_notes(kb, result, practice or practice_shown(kb, result), disputed)
    parts.append(f'<p class="note">Verdicts: {_e(result.verdict_rules)}</p>')
    parts.append(notes.html())
    return page.document(title, "\n".join(parts), meta(kb))


def _closing_notes(
    kb: Knowledge, result: PairComparison | MatrixComparison, practice: bool, disputed: bool
) -> list[str]:
    """The notes under the axes: what --differences hid, the ⚠ and † marks, the
    similarity."""
    found = []
    filtered = filter_text(kb, result)
    if filtered:
        found.append(f'<p class="note" id="filter">{_e(filtered)}</p>')
    if disputed:
        verdicts = isinstance(result, PairComparison)
        note = dispute_note(minority=True, verdicts=verdicts) + DISPUTED_ROWS
        found.append(f'<p class="note">{_e(note)}</p>')
    if practice:
        found.append(f'<p class="note">{_e(PRACTICE_NOTE)}</p>')
    found.append(f'<p class="note">Similarity = {_e(result.similarity_formula)}</p>')
    return found


def matrix_html(kb: Knowledge, result: MatrixComparison) -> str:
    """Three or more functions: the summary, the pairwise similarities, the axis matrix with
    every value's sources cited, and the sources as numbered footnotes."""
    notes = _Notes(kb)
    names = [kb.functions[f].name for f in result.functions]
    parts = ['<section id="summary"><h2>Summary</h2><table>']
    for key, value in matrix_summary(kb, result):
        parts.append(f"<tr><th>{_e(key)}</th><td>{_lines(value, hang=True)}</td></tr>")
    parts.append("</table></section>")
    sims = "".join(
        f"<tr><td>{_e(kb.functions[s.a].name)}</td><td>{_e(kb.functions[s.b].name)}</td>"
        f"<td>{_e(similarity_text(s.similarity, s.similarity_min, s.similarity_max))}</td>"
        f"<td>{s.practice_axes} of {s.scored_axes}</td></tr>"
        for s in result.similarities
    )
    parts.append(
        '<section id="similarity"><h2>Pairwise similarity</h2><table><tr><th>a</th><th>b</th>'
        f"<th>similarity (dispute range)</th><th>{_e(PRACTICE_AXES)}</th></tr>{sims}"
        "</table></section>"
    )
    head = "<tr><th>axis</th>" + "".join(f"<th>{_e(n)}</th>" for n in names) + "</tr>"
    rows = []
    practice = False
    for row in result.rows:
        kind = KINDS[row.kind]
        cells = []
        for fid in result.functions:
            cell = row.cells[fid]
            practice = practice or cell.practice
            text = _lines(kind.matrix_text(kb, row.axis, cell))
            cells.append(f"<td>{text}{notes.cite(cell.sources)}</td>")
        klass = ' class="disputed"' if any(c.disputed for c in row.cells.values()) else ""
        rows.append(f"<tr{klass}><th>{_e(row.name)}</th>{''.join(cells)}</tr>")
    parts.append(
        f'<section id="axes"><h2>Axis by axis</h2><table>{head}{"".join(rows)}</table></section>'
    )
    disputed = any(cell.disputed for row in result.rows for cell in row.cells.values())
    parts += _closing_notes(kb, result, practice, disputed)
    parts.append(notes.html())
    return page.document(" vs ".join(names), "\n".join(parts), meta(kb))
