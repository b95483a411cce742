"""compare, map and classify say the same thing in every format: --differences filters
every format and the Python result alike, a matrix has the pair's summary, ids head the CSV
columns, the map shows the † and the primary claim, and an option that cannot apply is
refused."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

import cxcs
from cxcs import commands
from cxcs.engine.compare import MAX_DIFFERENCES, compare_pair
from cxcs.models.compare import PairComparison
from cxcs.models.kinds import KINDS
from cxcs.models.knowledge import Knowledge
from cxcs.models.matrix import MatrixComparison
from tests.support import POSTING, markdown_tables, run_cli


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    run = run_cli(capsys, *args, "-f", "json")
    assert run.code == 0, run.err
    document: dict[str, object] = json.loads(run.out)
    return document


# ------------------------------------------------------------------ --differences


def test_differences_filters_the_json_like_every_other_format(
    kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    full = _json(capsys, "compare", "service", "support")["result"]
    short = _json(capsys, "compare", "service", "support", "--differences")["result"]
    assert short != full
    every = [a["axis"] for a in full["comparison"]["axes"]]  # type: ignore[index]
    kept = [a["axis"] for a in short["comparison"]["axes"]]  # type: ignore[index]
    hidden = short["comparison"]["hidden_axes"]  # type: ignore[index]
    assert kept and hidden and "proactivity" in hidden  # reactive on both sides
    assert sorted([*kept, *hidden]) == sorted(every)
    assert short["comparison"]["differences_only"] is True  # type: ignore[index]
    assert full["comparison"]["differences_only"] is False  # type: ignore[index]
    note = short["comparison"]["filter_note"]  # type: ignore[index]
    assert f"all {len(every)} compared axes" in note
    for key in ("similarity", "similarity_min", "similarity_max", "differences", "disputes"):
        assert short["comparison"][key] == full["comparison"][key], key  # type: ignore[index]
    assert short["summary"] == full["summary"]  # shared ground names the hidden axes too

    markdown = run_cli(capsys, "compare", "service", "support", "--differences", "-f", "markdown")
    rows = [r[0] for _, body in markdown_tables(markdown.out)[1:] for r in body]
    assert sorted(rows) == sorted(kb.axis(a).name for a in kept)
    assert "--differences: hidden" in markdown.out
    short_csv = run_cli(capsys, "compare", "service", "support", "--differences", "-f", "csv")
    assert [r["axis"] for r in _csv(short_csv.out)] == kept
    html = run_cli(capsys, "compare", "service", "support", "--differences", "-f", "html").out
    axes = html[html.index('id="axes"') :]
    shown = re.findall(r"<tr(?: class=\"disputed\")?><th>([^<]+)</th><td>", axes)
    assert sorted(shown) == sorted(kb.axis(a).name for a in kept)
    assert 'id="filter"' in html


def test_differences_filters_the_python_result(kb: Knowledge) -> None:
    outcome = commands.compare(kb, "service", "support", differences=True)
    result = outcome.result
    assert isinstance(result, PairComparison)
    full = compare_pair(kb, "service", "support")
    assert result.differences_only
    assert result.similarity == full.similarity
    same = [r.axis for r in full.axes if r.verdict == "same" and not r.disputed]
    assert set(same) <= set(result.hidden_axes)
    assert not set(result.hidden_axes) & {r.axis for r in result.axes}
    top = cxcs.compare(kb, "service", "support", differences=True)
    assert top == result
    assert cxcs.compare(kb, "service", "support") == full


def test_differences_filters_a_matrix_in_every_format(
    kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("compare", "cx", "success", "support", "--axes", "proactivity,scope,level")
    full = _json(capsys, *args)["result"]
    short = _json(capsys, *args, "--differences")["result"]
    comparison = short["comparison"]  # type: ignore[index]
    assert [r["axis"] for r in comparison["rows"]] == ["proactivity", "scope", "level"]
    assert comparison["hidden_axes"] == []  # support is reactive, the others proactive
    assert comparison["similarities"] == full["comparison"]["similarities"]  # type: ignore[index]
    same = ("compare", "cx", "success", "ux", "--axes", "proactivity,scope")
    filtered = _json(capsys, *same, "--differences")["result"]["comparison"]  # type: ignore[index]
    assert [r["axis"] for r in filtered["rows"]] == ["scope"]
    assert filtered["hidden_axes"] == ["proactivity"]  # proactive for all three
    assert [r["axis"] for r in _csv(run_cli(capsys, *same, "--differences", "-f", "csv").out)] == [
        "scope"
    ]
    result = commands.compare(
        kb, "cx", "success", "ux", axes=["proactivity", "scope"], differences=True
    ).result
    assert isinstance(result, MatrixComparison)
    assert [r.axis for r in result.rows] == ["scope"]


# ------------------------------------------------------------------ three or more


def test_the_matrix_json_has_a_summary_like_the_pair(capsys: pytest.CaptureFixture[str]) -> None:
    result = _json(capsys, "compare", "cx", "success", "support")["result"]
    summary = result["summary"]  # type: ignore[index]
    assert list(summary) == ["most alike", "least alike", "umbrella", "disputes"]
    assert summary["umbrella"][:2] == [  # success and support sit under CX
        "Customer success sits under the Customer experience umbrella [cs-vs-cx-saas]",
        "Customer support sits under the Customer experience umbrella [cs-vs-cx-saas]",
    ]
    comparison = result["comparison"]  # type: ignore[index]
    sims = {(s["a"], s["b"]): s["similarity"] for s in comparison["similarities"]}
    most, least = comparison["most_alike"], comparison["least_alike"]
    assert most["similarity"] == max(sims.values())
    assert least["similarity"] == min(sims.values())
    names = {
        "cx": "Customer experience",
        "success": "Customer success",
        "support": "Customer support",
    }
    line = summary["most alike"][0]
    assert line.startswith(f"{names[most['a']]} & {names[most['b']]}: {most['similarity']:.1f}")
    line = summary["least alike"][0]
    shown = f"{least['similarity']:.1f}"
    shown = "<0.1" if shown == "0.0" else shown  # not nothing in common: a small share
    assert line.startswith(f"{names[least['a']]} & {names[least['b']]}: {shown}")
    pair = _json(capsys, "compare", "cx", "success")["result"]
    assert all(isinstance(v, list) for v in pair["summary"].values())  # type: ignore[index]
    assert all(isinstance(v, list) for v in summary.values())


def test_the_matrix_csv_is_headed_by_ids_like_the_pair_csv(
    kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_cli(capsys, "compare", "cx", "success", "ux", "-f", "csv").out
    header = next(csv.reader(io.StringIO(out)))
    assert header[:5] == ["axis", "kind", "cx", "success", "ux"]
    assert "Customer experience" not in header
    rows = _csv(out)
    assert [r["axis"] for r in rows] == [a.id for a in kb.axes]
    scope = next(r for r in rows if r["axis"] == "scope")
    assert scope["disputed"] == "yes" and scope["ux"].startswith("product use")
    pair = next(csv.reader(io.StringIO(run_cli(capsys, "compare", "cx", "ux", "-f", "csv").out)))
    assert pair[:4] == ["axis", "kind", "cx", "ux"]


def test_the_matrix_html_cites_its_sources(
    kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    html = run_cli(capsys, "compare", "cx", "success", "ux", "-f", "html").out
    assert '<ol class="footnotes">' in html and "<sup>" in html
    article = kb.articles["cx-versus-cs"].title
    assert article in html
    assert 'id="summary"' in html and "most alike" in html
    cited = {int(n) for group in re.findall(r"<sup>([\d,]+)</sup>", html) for n in group.split(",")}
    listed = len(re.findall(r'<li id="fn\d+">', html))
    assert cited == set(range(1, listed + 1))


@pytest.mark.parametrize("pair", [("cx", "success"), ("service", "support"), ("cx", "ux")])
def test_the_html_speaks_of_a_similarity_range_only_when_it_shows_one(
    pair: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The note under the similarity explains the range in brackets only when the disputes
    move the number as shown (one decimal): beside a bare '0.7' it explained nothing."""
    html = run_cli(capsys, "compare", *pair, "-f", "html").out
    shown = re.search(r'id="similarity">Similarity ([^<]*)</p>', html)
    note = re.search(r'<p class="note">(0 = nothing in common[^<]*)</p>', html)
    assert shown and note
    has_range = re.match(r"\S+ \(", shown.group(1)) is not None
    assert ("the range spans every reading" in note.group(1)) == has_range


# ------------------------------------------------------------------ minor


def test_the_summary_says_how_many_more_differences(
    kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    pair = compare_pair(kb, "success", "support")
    differing = [r for r in pair.axes if KINDS[r.kind].is_difference(r)]
    assert len(differing) > MAX_DIFFERENCES
    assert len(pair.differences) == MAX_DIFFERENCES
    assert pair.more_differences == len(differing) - MAX_DIFFERENCES
    summary = _json(capsys, "compare", "success", "support")["result"]["summary"]  # type: ignore[index]
    lines = summary["biggest differences"]
    assert lines[-1] == f"and {pair.more_differences} more (see the axis table)"
    assert len(lines) == MAX_DIFFERENCES + 1
    few = compare_pair(kb, "success", "support", ["proactivity", "scope"])
    assert few.differences == ("proactivity", "scope") and few.more_differences == 0
    short = _json(capsys, "compare", "success", "support", "--axes", "proactivity,scope")
    assert not any("more" in line for line in short["result"]["summary"]["biggest differences"])  # type: ignore[index]


def test_the_same_function_twice_is_named_in_the_order_given(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = run_cli(capsys, "compare", "cs", "success")
    assert run.code == 2
    assert "'cs' and 'success' name the same function" in run.err


def test_map_shows_the_practice_mark_and_the_primary_claim_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = {r["id"]: r for r in _csv(run_cli(capsys, "map", "--y", "timeframe", "-f", "csv").out)}
    assert rows["ux"]["Proactivity"] == "proactive †"
    assert rows["ux"]["Timeframe"] == "short-term †"
    # CX's timeframe: long-term is the primary claim, short-term the minority one
    assert rows["cx"]["Timeframe"] == "⚠ disputed: long-term (primary) ⟷ short-term"
    markdown = run_cli(capsys, "map", "--y", "timeframe", "-f", "markdown").out
    assert "long-term (primary) ⟷ short-term" in markdown and "proactive †" in markdown
    assert "† practitioner knowledge" in markdown
    placement = _json(capsys, "map", "--y", "timeframe")["result"]["placement"]  # type: ignore[index]
    cx = next(f for f in placement["functions"] if f["function"] == "cx")
    assert cx["y"] == ["long-term", "short-term"]
    assert [p["y"] for p in cx["positions"] if p["primary"]] == ["long-term"]
    ux = next(f for f in placement["functions"] if f["function"] == "ux")
    assert ux["x_practice"] and ux["y_practice"]
    table = run_cli(capsys, "map", "--y", "timeframe", "-f", "table").out
    assert "long-term (primary) ⟷ short-term" in table and "†" in table


def test_classify_refuses_explain_where_it_cannot_apply(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    posting = tmp_path / "posting.txt"
    posting.write_text(POSTING, encoding="utf-8")
    for fmt in ("csv", "jsonl"):
        run = run_cli(capsys, "classify", str(posting), "--explain", "-f", fmt)
        assert run.code == 2, fmt
        assert f"--explain does not apply with --format {fmt}" in run.err
        assert run.out == ""
    by_extension = run_cli(
        capsys, "classify", str(posting), "--explain", "-o", str(tmp_path / "a.csv")
    )
    assert by_extension.code == 2 and not (tmp_path / "a.csv").exists()
    assert run_cli(capsys, "classify", str(posting), "-f", "csv").code == 0
    explained = run_cli(capsys, "classify", str(posting), "--explain", "-f", "markdown")
    assert explained.code == 0 and "Contributions (--explain)" in explained.out


def test_report_csv_names_the_versions_as_the_batch_csv_does() -> None:
    from cxcs.records import TAIL_COLUMNS
    from cxcs.render.csv import VERSION_COLUMNS

    assert TAIL_COLUMNS[-3:] == VERSION_COLUMNS


# ------------------------------------------------------------------ † in the summary


def _summary(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[dict[str, str], str]:
    run = run_cli(capsys, "compare", *args, "-f", "markdown")
    assert run.code == 0, run.err
    (_, rows), *_ = markdown_tables(run.out)
    return {row[0]: row[1] for row in rows}, run.out


def test_the_summary_marks_what_rests_on_practitioner_knowledge(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """UX's positions are practitioner knowledge: the summary marks them as the axis table
    does, so shared ground never reads as the articles' word (CX's touchpoint 'website' and
    UX's both come from articles: no mark)."""
    summary, _ = _summary(capsys, "cx", "ux")
    shared = summary["shared ground"].split("\n")
    assert "Proactivity: proactive †" in shared
    assert "Touchpoints: website" in shared
    assert "Skills: communication †, empathy †" in shared
    assert "Scope: whole journey vs product use † (far)" in summary["biggest differences"]


def test_the_similarity_says_how_many_axes_rest_on_practitioner_knowledge(
    kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    summary, _ = _summary(capsys, "cx", "ux")
    pair = compare_pair(kb, "cx", "ux")
    scored = [r for r in pair.axes if r.score is not None]
    marked = [r for r in scored if KINDS[r.kind].rests_on_practice(r)]
    assert 0 < len(marked) < len(scored)
    share = f"{len(marked)} of {len(scored)} scored axes rest partly on practitioner knowledge †"
    assert summary["similarity"].endswith(share)
    summary, _ = _summary(capsys, "success", "support", "--axes", "proactivity,relationship")
    assert "practitioner" not in summary["similarity"]  # both from the articles


def test_a_mark_in_the_summary_of_a_hidden_axis_keeps_its_footnote(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--differences hides the same-verdict Proactivity row; the summary still names it,
    marked, so the † footnote stays although no row shown carries a †."""
    axes = "proactivity,touchpoints"
    summary, out = _summary(capsys, "cx", "ux", "--axes", axes, "--differences")
    assert "Proactivity: proactive †" in summary["shared ground"]
    assert "| Proactivity |" not in out
    assert "> † practitioner knowledge" in out
    html = run_cli(capsys, "compare", "cx", "ux", "--axes", axes, "--differences", "-f", "html")
    assert "practitioner knowledge: common practice" in html.out


def test_a_matrix_says_per_pair_how_many_axes_rest_on_practitioner_knowledge(
    kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each pairwise similarity carries its count, the same the pair's own summary gives."""
    ids = ["cx", "success", "ux"]
    document = _json(capsys, "compare", *ids)["result"]
    sims = document["comparison"]["similarities"]  # type: ignore[index]
    for sim in sims:
        pair = compare_pair(kb, sim["a"], sim["b"])
        scored = [r for r in pair.axes if r.score is not None]
        assert sim["scored_axes"] == len(scored)
        assert sim["practice_axes"] == sum(KINDS[r.kind].rests_on_practice(r) for r in scored)
    by_pair = {(s["a"], s["b"]): s for s in sims}
    assert by_pair[("success", "ux")]["practice_axes"] == by_pair[("success", "ux")]["scored_axes"]
    assert 0 < by_pair[("cx", "success")]["practice_axes"] < 15
    run = run_cli(capsys, "compare", *ids, "-f", "markdown")
    (_, summary), (header, rows), *_ = markdown_tables(run.out)
    assert header[-1] == "scored axes resting partly on practitioner knowledge"
    cx_ux = next(r for r in rows if r[:2] == ["Customer experience", "User experience"])
    expected = by_pair[("cx", "ux")]
    assert cx_ux[-1] == f"{expected['practice_axes']} of {expected['scored_axes']}"
    most = dict(summary)["most alike"]
    assert "scored axes rest partly on practitioner knowledge †" in most
    html = run_cli(capsys, "compare", *ids, "-f", "html").out
    assert "<th>scored axes resting partly on practitioner knowledge</th>" in html


# ------------------------------------------------------------------ how a similarity is shown

TWO_DECIMALS = re.compile(r"\b[01]\.\d{2}")


def test_a_similarity_is_shown_to_one_decimal_with_its_band_in_every_format(
    kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mean of fifteen hand-coded scores is shown as '0.5 (0.5–0.6), partly alike', never
    '0.51 (0.48–0.53)': in the table, markdown, HTML and the JSON summary; JSON's numbers
    keep four decimals and carry the band word; a matrix's pairs are shown the same way."""
    document = _json(capsys, "compare", "cx", "success")["result"]
    comparison = document["comparison"]  # type: ignore[index]
    similarity = comparison["similarity"]
    assert similarity != round(similarity, 1)  # full precision kept in JSON
    assert comparison["similarity_band"] == "partly alike"
    shown = document["summary"]["similarity"][0]  # type: ignore[index]
    assert shown.startswith(f"{similarity:.1f}") and "partly alike" in shown
    assert not TWO_DECIMALS.search(shown)
    summary, markdown = _summary(capsys, "cx", "success")
    assert summary["similarity"].split(";")[0] == shown.split(";")[0]
    html = run_cli(capsys, "compare", "cx", "success", "-f", "html").out
    paragraph = re.search(r'<p class="similarity" id="similarity">([^<]*)</p>', html)
    assert paragraph is not None and paragraph.group(1) == f"Similarity {shown.split(';')[0]}"
    table = run_cli(capsys, "compare", "cx", "success", "-f", "table").out
    assert "partly alike" in table
    for text in (markdown, table, html.split("</style>")[1]):
        summary_part = text.split("Axis by axis")[0]
        assert not TWO_DECIMALS.search(summary_part), TWO_DECIMALS.findall(summary_part)
    matrix = run_cli(capsys, "compare", "cx", "success", "ux", "-f", "markdown").out
    (_, _), (header, pairs), _ = markdown_tables(matrix)
    assert header[2] == "similarity (dispute range)"
    for row in pairs:
        assert not TWO_DECIMALS.search(row[2]) and row[2].split(", ")[-1] in {
            "very different",
            "mostly different",
            "partly alike",
            "mostly alike",
            "very alike",
        } | {f"{x} to {y}" for x in ("mostly different",) for y in ("partly alike",)}


def test_the_differences_note_counts_one_axis_as_one(capsys: pytest.CaptureFixture[str]) -> None:
    """'--differences -a proactivity' hides one axis and covers one: no '1 axes'."""
    args = ("compare", "service", "support", "--differences", "-a", "proactivity")
    note = _json(capsys, *args)["result"]["comparison"]["filter_note"]  # type: ignore[index]
    assert "the 1 axis where they are the same is named" in note
    assert note.endswith("computed over the 1 compared axis.")
    markdown = run_cli(capsys, *args, "-f", "markdown").out
    assert "cover the 1 compared axis" in markdown and "1 axes" not in markdown + note
    wide = _json(capsys, "compare", "service", "support", "--differences")["result"]
    total = len(wide["comparison"]["axes"]) + len(wide["comparison"]["hidden_axes"])  # type: ignore[index]
    assert f"over all {total} compared axes." in wide["comparison"]["filter_note"]  # type: ignore[index]
