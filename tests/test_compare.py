"""The compare engine: symmetry, self-similarity, the documented score, axis selection, matrix."""

from __future__ import annotations

import csv
import io
from itertools import combinations, product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxcs import api
from cxcs.engine.compare import compare_many, compare_pair, select_axes
from cxcs.errors import UsageError
from cxcs.knowledge.load import load_knowledge
from cxcs.models.compare import AxisComparison, PairComparison
from cxcs.models.knowledge import Axis, Cell, CellValue, Knowledge
from cxcs.models.matrix import MatrixComparison
from tests.support import assert_failed, run_cli

KB = load_knowledge()
FUNCTIONS = sorted(KB.functions)
AXES = list(KB.axis_ids)

function_ids = st.sampled_from(FUNCTIONS)
axis_choices = st.none() | st.lists(
    st.sampled_from(AXES), min_size=1, max_size=len(AXES), unique=True
)


def _winner(cell: Cell, reading: int) -> dict[str, frozenset[str]]:
    """Per disputed item, the articles whose claim holds under the reading (0: primary)."""
    won = {}
    for item_id, item in (cell.items or {}).items():
        if item.disputed:
            sides = [frozenset(s.article for s in item.sources)]
            sides.append(frozenset(s.article for s in item.disputed_by))
            won[item_id] = sides[(item.primary == "out") != (reading == 1)]
    return won


def _tie(axis: Axis, a: str, x: CellValue, b: str, y: CellValue) -> tuple[CellValue, CellValue]:
    """On a mutual axis, ``a`` naming ``b``'s team or ``b`` naming ``a``'s is one tie both
    hold (as SIMILARITY_FORMULA documents it)."""
    team_a, team_b = KB.functions[a].team, KB.functions[b].team
    if not axis.mutual or (team_b not in x and team_a not in y):
        return x, y
    return (
        tuple({*x} - {team_b} | {"tie"}),
        tuple({*y} - {team_a} | {"tie"}),
    )


def _readings(axis: Axis, a: Cell, b: Cell, ids: tuple[str, str]) -> list[float]:
    """Per-axis scores as SIMILARITY_FORMULA documents them, over every reading (primary
    first), computed independently of the engine: a dispute both cells carry (the same
    item) is won by the same articles in both; ``ids`` name the two functions."""
    pairs = []
    for (i, x), (j, y) in product(enumerate(a.claims), enumerate(b.claims)):
        won_a, won_b = _winner(a, i), _winner(b, j)
        if all(won_a[k] == won_b[k] for k in won_a.keys() & won_b.keys()) or (i, j) == (0, 0):
            pairs.append(_tie(axis, ids[0], x.value, ids[1], y.value))
    if axis.kind == "ordinal":
        assert axis.scale is not None
        span = len(axis.scale) - 1
        return [1 - abs(axis.scale.index(x) - axis.scale.index(y)) / span for x, y in pairs]  # type: ignore[arg-type]
    if axis.kind == "set":
        return [len(set(x) & set(y)) / len(set(x) | set(y)) for x, y in pairs]
    return []


def _mirrors(ab: AxisComparison, ba: AxisComparison) -> None:
    assert ab.axis == ba.axis
    assert ab.kind == ba.kind
    assert ab.verdict == ba.verdict
    assert ab.score == ba.score
    assert ab.a == ba.b
    assert ab.b == ba.a
    assert ab.shared == ba.shared
    assert ab.only_a == ba.only_b
    assert ab.only_b == ba.only_a
    assert ab.position_a == ba.position_b
    assert ab.position_b == ba.position_a
    if ab.distance is None:
        assert ba.distance is None
    else:
        assert ba.distance == -ab.distance


@settings(max_examples=150, deadline=None)
@given(a=function_ids, b=function_ids, axes=axis_choices)
def test_compare_b_a_mirrors_compare_a_b(a: str, b: str, axes: list[str] | None) -> None:
    ab = compare_pair(KB, a, b, axes)
    ba = compare_pair(KB, b, a, axes)
    assert (ab.a, ab.b) == (ba.b, ba.a)
    assert ab.similarity == ba.similarity
    assert len(ab.axes) == len(ba.axes)
    for row_ab, row_ba in zip(ab.axes, ba.axes, strict=True):
        _mirrors(row_ab, row_ba)


@settings(deadline=None)
@given(function=function_ids, axes=axis_choices)
def test_a_function_is_identical_to_itself(function: str, axes: list[str] | None) -> None:
    result = compare_pair(KB, function, function, axes)
    scored = [r for r in result.axes if r.kind != "text"]
    if scored:
        assert result.similarity == 1.0
    else:
        assert result.similarity is None
    for row in result.axes:
        assert row.verdict == (None if row.kind == "text" else "same"), row.axis


@pytest.mark.parametrize("function", FUNCTIONS)
def test_self_similarity_is_one_for_every_function(function: str) -> None:
    assert compare_pair(KB, function, function).similarity == 1.0


@settings(max_examples=150, deadline=None)
@given(a=function_ids, b=function_ids, axes=axis_choices)
def test_similarity_is_the_documented_mean_on_primary_claims_with_a_range(
    a: str, b: str, axes: list[str] | None
) -> None:
    result = compare_pair(KB, a, b, axes)
    primary, low, high = [], [], []
    for row in result.axes:
        scores = _readings(
            KB.axis(row.axis),
            KB.functions[a].cells[row.axis],
            KB.functions[b].cells[row.axis],
            (a, b),
        )
        if scores:
            primary.append(scores[0])
            low.append(min(scores))
            high.append(max(scores))
            assert row.score == pytest.approx(scores[0], abs=1e-4)
    if primary:
        assert result.similarity == pytest.approx(sum(primary) / len(primary), abs=1e-4)
        assert result.similarity_min == pytest.approx(sum(low) / len(low), abs=1e-4)
        assert result.similarity_max == pytest.approx(sum(high) / len(high), abs=1e-4)
        assert result.similarity_min is not None and result.similarity_max is not None
        assert 0.0 <= result.similarity_min <= result.similarity <= result.similarity_max <= 1.0
    else:
        assert result.similarity is None


@pytest.mark.parametrize(("a", "b"), list(combinations(FUNCTIONS, 2)))
def test_verdicts_follow_the_kind_rules(a: str, b: str) -> None:
    for row in compare_pair(KB, a, b).axes:
        disputed = (
            KB.functions[a].cells[row.axis].disputed or KB.functions[b].cells[row.axis].disputed
        )
        assert row.disputed == disputed
        if row.kind == "text":
            assert row.verdict is None and row.score is None
        elif row.kind == "ordinal":
            assert row.position_a is not None and row.position_b is not None
            steps = abs(row.position_a - row.position_b)
            relative = steps / (len(KB.axis(row.axis).scale or ()) - 1)
            expected = "same" if steps == 0 else "near" if relative <= 0.5 else "far"
            assert row.verdict == expected, row.axis
        else:
            expected = (
                "same" if row.score == 1.0 else "different" if row.score == 0.0 else "overlap"
            )
            assert row.verdict == expected, row.axis
        if not disputed:
            assert row.alternatives == ()


@pytest.mark.parametrize(("a", "b"), list(product(FUNCTIONS, FUNCTIONS)))
def test_set_details_partition_the_union(a: str, b: str) -> None:
    for row in compare_pair(KB, a, b).axes:
        if row.kind != "set":
            continue
        raw_a = KB.functions[a].cells[row.axis].claim.value
        raw_b = KB.functions[b].cells[row.axis].claim.value
        values = _tie(KB.axis(row.axis), a, raw_a, b, raw_b)
        set_a, set_b = ({"each_other" if i == "tie" else i for i in v} for v in values)
        assert set(row.shared or ()) == set_a & set_b
        assert set(row.only_a or ()) == set_a - set_b
        assert set(row.only_b or ()) == set_b - set_a


# --------------------------------------------------------------------------- textbook contrasts


def _row(a: str, b: str, axis: str) -> AxisComparison:
    return next(r for r in compare_pair(KB, a, b).axes if r.axis == axis)


@pytest.mark.parametrize(
    ("a", "b", "axis", "verdict"),
    [
        # customer-management-terms §2, §3, §4, §6: success vs support
        ("success", "support", "proactivity", "far"),
        ("success", "support", "relationship", "far"),
        ("success", "support", "level", "far"),
        ("success", "support", "timing", "near"),
        # customer-management-terms §1 Scope, §9 Approach: CX vs service
        ("cx", "service", "scope", "far"),
        ("cx", "service", "proactivity", "far"),
        ("cx", "service", "timing", "far"),
        # crucial-differences, cs-vs-cx-saas: CX's whole journey vs success's post-purchase
        ("cx", "success", "scope", "near"),
    ],
)
def test_textbook_contrasts_hold(a: str, b: str, axis: str, verdict: str) -> None:
    row = _row(a, b, axis)
    assert row.verdict == verdict
    assert row.verdict != "same"


def test_success_and_support_differ_without_dispute_on_the_textbook_axes() -> None:
    result = compare_pair(KB, "success", "support")
    for axis in ("proactivity", "relationship", "level", "timing"):
        assert axis not in result.disputes, axis
    assert set(result.differences) >= {"proactivity", "relationship", "level"}
    assert result.similarity is not None and result.similarity < 0.2


def test_a_disputed_row_gives_the_primary_verdict_and_shows_the_alternative() -> None:
    row = _row("cx", "success", "scope")
    assert row.disputed and row.verdict == "near"
    assert row.alternatives == ("same",)
    assert row.b.value == "post-purchase lifecycle" and row.b.alternative == "whole journey"
    result = compare_pair(KB, "cx", "success")
    assert result.similarity_min is not None and result.similarity_max is not None
    assert result.similarity_min < result.similarity_max


def test_one_dispute_is_read_the_same_way_in_both_cells_it_touches() -> None:
    """Who owns CES is one dispute (cx-versus-cs: CX; cs-vs-cx-saas: customer success), in
    two cells. Read either way, CX and success share CSAT only: no reading gives CES to both
    (the wider overlap the independent readings of the two cells used to offer) or to
    neither."""
    row = _row("cx", "success", "metrics")
    assert row.disputed and row.verdict == "overlap"
    assert row.shared == ("csat",)
    assert row.alternatives == ()
    assert row.score == row.score_min == row.score_max
    text = compare_report_text("cx", "success")
    assert (
        "CES kept for Customer experience and left out for Customer success [cx-versus-cs] "
        "vs the reverse [cs-vs-cx-saas]; verdict overlap, same verdict either way"
    ) in text
    assert "overlap under the other reading" not in text
    # a dispute on one side only still offers its other reading
    assert _row("cx", "ux", "timeframe").alternatives == ("same",)


def test_a_dispute_two_cells_carry_is_listed_once_naming_both() -> None:
    """Who owns CES sits in CX's and success's metrics: the summary of a pair, and of a
    matrix, lists it once, naming both cells; a pair that holds one of the cells names that
    one only."""
    from cxcs.engine.compare import disputes_among
    from cxcs.render.reports import matrix_summary, summary_lines

    lines = dict(summary_lines(KB, compare_pair(KB, "cx", "success")))["disputes"].splitlines()
    assert len(lines) == 3  # success's scope, CX's timeframe, who owns CES
    ces = [line for line in lines if "CES" in line]
    assert len(ces) == 1
    assert ces[0].startswith("Metrics of Customer experience and Customer success: CES kept")
    matrix = compare_many(KB, ["cx", "success", "support"])
    lines = dict(matrix_summary(KB, matrix))["disputes"].splitlines()
    assert [line for line in lines if "CES" in line] == [ces[0].rsplit("; verdict", 1)[0]]
    assert len(lines) == 3
    one = dict(summary_lines(KB, compare_pair(KB, "ux", "cx")))["disputes"].splitlines()
    assert one[1].startswith(
        "Metrics of Customer experience: CES kept [cx-versus-cs] vs left out [cs-vs-cx-saas];"
    )
    axes = [KB.axis("metrics"), KB.axis("scope")]
    found = disputes_among(KB, ["success", "cx"], axes)
    assert [(d.axis, d.item, d.functions) for d in found] == [
        ("metrics", "ces", ("success", "cx")),
        ("scope", None, ("success",)),
    ]


def compare_report_text(a: str, b: str) -> str:
    """The summary lines of ``compare A B`` as plain text."""
    from cxcs.render.reports import compare_report

    report = compare_report(KB, compare_pair(KB, a, b))
    return "\n".join(str(cell) for table in report.tables for row in table.rows for cell in row)


def test_a_set_difference_says_how_many_of_its_items_rest_on_practice() -> None:
    """Service and support titles share nothing, but 8 of the 13 come from practitioner
    knowledge, not the articles: the summary line says so."""
    from cxcs.models.kinds import KINDS

    row = _row("service", "support", "typical_titles")
    practice = {*row.a.practice_items, *row.b.practice_items}
    assert len(practice) == 8
    line = KINDS["set"].difference_text(row, "different")
    assert line == "Typical job titles: 0 of 13 items shared (8 of them †)"
    assert KINDS["set"].difference_text(_row("cx", "success", "teams_involved"), "overlap") == (
        "Teams involved: 1 of 7 items shared"
    )


def test_a_matrix_names_the_pairs_another_reading_of_the_disputes_makes_extreme() -> None:
    """CX & support are the least alike on the primary claims, but with CX's timeframe and
    success's scope read the minority's way, success & support are further apart (0.06
    against 0.08): the articles do not settle which pair is least alike, and the summary
    says so. CX & service, whose range also reaches that low, moves with CX & support (the
    same CX timeframe dispute), so no reading makes it the least alike."""
    from cxcs.render.reports import matrix_summary

    result = compare_many(KB, ["cx", "success", "support"])
    assert result.least_alike is not None and result.most_alike is not None
    assert (result.least_alike.a, result.least_alike.b) == ("cx", "support")
    assert [(p.a, p.b) for p in result.least_alike_too] == [("success", "support")]
    assert result.most_alike_too == ()
    summary = dict(matrix_summary(KB, result))
    assert summary["least alike"].splitlines()[1] == (
        "not settled: another reading of the disputes makes least alike "
        "Customer success & Customer support 0.1, very different"
    )
    assert "\n" not in summary["most alike"]
    five = compare_many(KB, FUNCTIONS)
    assert [(p.a, p.b) for p in five.least_alike_too] == [("service", "success")]
    assert five.most_alike_too == ()


def test_service_and_support_are_close_but_not_identical() -> None:
    result = compare_pair(KB, "service", "support")
    ordinal = [r for r in result.axes if r.kind == "ordinal"]
    assert all(r.verdict == "same" for r in ordinal)
    assert result.similarity is not None and result.similarity < 1.0


def test_the_same_team_has_one_id_in_every_function() -> None:
    """'customer success' and 'customer success team' are one vocabulary item."""
    row = _row("success", "cx", "teams_involved")
    assert "customer_success" in (row.shared or ())


def test_distinct_functions_are_not_identical() -> None:
    for a, b in combinations(FUNCTIONS, 2):
        result = compare_pair(KB, a, b)
        assert result.similarity is not None and result.similarity < 1.0, (a, b)


# --------------------------------------------------------------------------- axis selection


def test_axes_are_compared_in_the_order_asked_once_each() -> None:
    result = compare_pair(KB, "cx", "success", ["metrics", "level", "metrics", "definition"])
    assert [row.axis for row in result.axes] == ["metrics", "level", "definition"]


def test_no_axes_means_every_axis() -> None:
    assert [r.axis for r in compare_pair(KB, "cx", "ux").axes] == AXES
    assert [r.axis for r in compare_pair(KB, "cx", "ux", []).axes] == AXES
    assert select_axes(KB, None) == KB.axes


def test_only_text_axes_are_not_scored() -> None:
    result = compare_pair(KB, "cx", "ux", ["definition", "goal"])
    assert result.similarity is None
    assert all(row.score is None for row in result.axes)


def test_unknown_axis_is_a_usage_error_with_a_hint() -> None:
    with pytest.raises(UsageError, match=r"unknown axis 'levl'; did you mean 'level'\?"):
        compare_pair(KB, "cx", "ux", ["level", "levl"])
    with pytest.raises(UsageError, match="unknown axis 'zzzz'"):
        compare_many(KB, ["cx", "ux", "support"], ["zzzz"])


def test_cli_axes_option(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "compare", "cx", "ux", "--axes", "level, metrics", "-f", "csv")
    assert run.code == 0, run.err
    names = [row[0] for row in list(csv.reader(io.StringIO(run.out)))[1:]]
    assert names == ["level", "metrics"]
    bad = run_cli(capsys, "compare", "cx", "ux", "--axes", "level,nope")
    assert bad.code == 2
    assert "unknown axis 'nope'" in bad.err
    assert bad.out == ""


def test_axes_given_twice_add_up(capsys: pytest.CaptureFixture[str]) -> None:
    """``--axes scope --axes level`` kept only the last (level) and said nothing, so the
    comparison silently left out an axis the user asked for: repeated, they add up."""
    run = run_cli(
        capsys, "compare", "cx", "ux", "--axes", "scope", "-a", "level,metrics", "-f", "csv"
    )
    assert run.code == 0, run.err
    names = [row[0] for row in list(csv.reader(io.StringIO(run.out)))[1:]]
    assert names == ["scope", "level", "metrics"]
    twice = run_cli(capsys, "compare", "cx", "ux", "-a", "scope", "-a", "Scope")
    assert_failed(twice, 2, "'scope' and 'Scope' name the same axis (scope)")


# --------------------------------------------------------------------------- matrix


@settings(max_examples=60, deadline=None)
@given(
    functions=st.lists(function_ids, min_size=3, max_size=len(FUNCTIONS), unique=True),
    axes=axis_choices,
)
def test_matrix_has_a_row_per_axis_and_pairwise_similarities(
    functions: list[str], axes: list[str] | None
) -> None:
    matrix = compare_many(KB, functions, axes)
    chosen = [a.id for a in select_axes(KB, axes)]
    assert matrix.functions == tuple(functions)
    assert [row.axis for row in matrix.rows] == chosen
    for row in matrix.rows:
        assert list(row.cells) == functions
        for fid in functions:
            cell = KB.functions[fid].cells[row.axis]
            assert row.cells[fid].value == cell.claim.value
            alternative = cell.alternative
            assert row.cells[fid].alternative == (alternative.value if alternative else None)
            assert row.cells[fid].disputed == cell.disputed
        if row.kind == "set":
            common = set.intersection(
                *(set(KB.functions[f].cells[row.axis].claim.value) for f in functions)
            )
            assert set(row.shared or ()) == common
        else:
            assert row.shared is None
    pairs = [(s.a, s.b) for s in matrix.similarities]
    assert pairs == list(combinations(functions, 2))
    for pair in matrix.similarities:
        alone = compare_pair(KB, pair.a, pair.b, axes).similarity
        assert pair.similarity == alone
        assert pair.similarity is None or 0.0 <= pair.similarity <= 1.0


def test_api_compare_resolves_names_and_picks_the_result_kind(kb: Knowledge) -> None:
    pair = api.compare(kb, "customer experience", "csm")
    assert isinstance(pair, PairComparison)
    assert pair == compare_pair(kb, "cx", "success")
    matrix = api.compare(kb, "cx", "customer-service", "user-experience", axes=["level"])
    assert isinstance(matrix, MatrixComparison)
    assert matrix.functions == ("cx", "service", "ux")
    assert [row.axis for row in matrix.rows] == ["level"]


@pytest.mark.parametrize(("a", "b"), list(combinations(FUNCTIONS, 2)))
def test_a_verdict_drawn_from_a_practice_value_is_marked_in_its_row(a: str, b: str) -> None:
    """UX's 'recurring' relationship (a middle step of the scale) rests on practitioner
    knowledge only: the row's verdict carries † as the value does, and the axis table marks
    exactly the rows the summary counts as resting partly on practitioner knowledge."""
    from cxcs.models.kinds import practice_axes
    from cxcs.render.reports import verdict_text

    result = compare_pair(KB, a, b)
    marked = [r.axis for r in result.axes if r.verdict and verdict_text(r).endswith("†")]
    marked += [r.axis for r in result.axes if "† (or" in (verdict_text(r) if r.verdict else "")]
    practice, _ = practice_axes(result.axes)
    assert len(marked) == practice
    if "ux" in (a, b) and "cx" in (a, b):
        assert verdict_text(_row(a, b, "relationship")) == "near †"
        assert verdict_text(_row(a, b, "responsibilities")).endswith("†")  # journey mapping †
    if {a, b} == {"cx", "success"}:
        assert verdict_text(_row(a, b, "proactivity")) == "same"


@pytest.mark.parametrize(
    ("value", "low", "high", "shown"),
    [
        (0.5123, 0.4812, 0.5301, "0.5, partly alike"),
        (0.3211, 0.3211, 0.3589, "0.3 (0.3–0.4), mostly different to partly alike"),
        (0.0476, 0.0476, 0.0812, "<0.1 (<0.1–0.1), very different"),
        (0.0, 0.0, 0.0, "0.0, very different"),
        (0.6612, None, None, "0.7, mostly alike"),
        (0.97, 0.97, 0.97, ">0.9, very alike"),
        (1.0, 1.0, 1.0, "1.0, very alike"),
    ],
)
def test_a_similarity_is_shown_to_one_decimal_with_a_band_word(
    value: float, low: float | None, high: float | None, shown: str
) -> None:
    from cxcs.render.reports import similarity_text

    assert similarity_text(value, low, high) == shown


def test_a_band_word_depends_only_on_the_number_shown() -> None:
    """Two similarities shown alike (0.35 and 0.44 are both 0.4) get the same word, and the
    words rise with the number."""
    from cxcs.models.compare import SIMILARITY_BANDS, shown_similarity, similarity_band

    words = [word for _, word in SIMILARITY_BANDS]
    seen: dict[float, str] = {}
    last = 0
    for step in range(1001):
        value = step / 1000
        word = similarity_band(value)
        assert word is not None
        assert seen.setdefault(shown_similarity(value), word) == word
        assert words.index(word) >= last
        last = words.index(word)
    assert set(seen.values()) == set(words)
    assert similarity_band(None) is None


def test_two_functions_that_work_together_share_that_tie() -> None:
    """CX names the customer service team among those it works with, and service names the
    CX team: one tie, shown as 'each other' on both sides, not two items only one side has
    (which made the row 'different'). A tie one side names holds for both (UX names CX)."""
    row = _row("cx", "service", "collaborates_with")
    assert row.verdict == "overlap" and row.shared == ("each_other",)
    assert row.a.value[0] == row.b.value[0] == "each_other"
    assert "customer_service" not in row.a.value and "cx_team" not in row.b.value
    assert _row("service", "cx", "collaborates_with").shared == ("each_other",)
    assert "each_other" in _row("cx", "ux", "collaborates_with").shared  # type: ignore[operator]
    untied = _row("service", "support", "collaborates_with")  # neither names the other
    assert "each_other" not in (untied.shared or ())
    from cxcs.render.reports import side_text

    assert side_text(KB, row, "b") == "each other"


def test_a_pair_summary_says_when_one_sits_under_the_others_umbrella() -> None:
    """Customer service scores low against CX, but cs-vs-cx-saas and customer-management-
    terms put service under CX: the summary says so beside the similarity, with its
    articles, in either order; two functions side by side under CX get no such line."""
    from cxcs.render.reports import summary_lines

    for a, b in (("cx", "service"), ("service", "cx")):
        lines = dict(summary_lines(KB, compare_pair(KB, a, b)))
        assert lines["umbrella"].startswith(
            "Customer service sits under the Customer experience umbrella "
            "[cs-vs-cx-saas, customer-management-terms]"
        )
        assert list(lines)[:2] == ["similarity", "umbrella"]
    assert "umbrella" not in dict(summary_lines(KB, compare_pair(KB, "success", "support")))
    assert "umbrella" not in dict(summary_lines(KB, compare_pair(KB, "cx", "ux")))


def test_a_matrix_summary_says_which_compared_functions_sit_under_another() -> None:
    """In 'compare cx service ux' CX & service are the least alike, yet service sits under
    CX's umbrella: the matrix summary says so too."""
    from cxcs.render.reports import matrix_summary

    summary = dict(matrix_summary(KB, compare_many(KB, ["cx", "service", "ux"])))
    assert summary["umbrella"].splitlines() == [
        "Customer service sits under the Customer experience umbrella "
        "[cs-vs-cx-saas, customer-management-terms]",
        "the similarities compare what the functions do, not whether one is part of another",
    ]
    assert "umbrella" not in dict(
        matrix_summary(KB, compare_many(KB, ["service", "support", "ux"]))
    )


def test_a_matrix_names_the_pairs_as_alike_as_the_extreme_to_one_decimal() -> None:
    """Shown to one decimal, several pairs can tie with the least (or most) alike: the
    summary names each of them, so no pair reads as singled out by a difference the number
    shown does not make."""
    from cxcs.render.reports import matrix_summary

    result = compare_many(KB, FUNCTIONS)
    summary = dict(matrix_summary(KB, result))
    for label, extreme, too in (
        ("least alike", result.least_alike, result.least_alike_too),
        ("most alike", result.most_alike, result.most_alike_too),
    ):
        assert extreme is not None and extreme.similarity is not None
        tied = {
            f"{KB.functions[p.a].name} & {KB.functions[p.b].name}"
            for p in result.similarities
            if p is not extreme
            and p not in too
            and round(p.similarity or 0.0, 1) == round(extreme.similarity, 1)
        }
        lines = summary[label].splitlines()
        named = [line for line in lines if line.startswith("just as ")]
        if tied:
            assert len(named) == 1
            assert set(named[0].split(": ", 1)[1].split(", ")) == tied
        else:
            assert named == []
    assert "just as low to one decimal: " in summary["least alike"]


def test_map_takes_an_axis_by_its_display_name_as_compare_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--axes 'Journey Stages'` resolves a display name; so do the map's --x and --y, and a
    function given as an axis is told so there too (not 'unknown axis')."""
    import json

    run = run_cli(capsys, "map", "--x", "Proactivity", "--y", "personalization", "-f", "json")
    assert run.code == 0, run.err
    placement = json.loads(run.out)["result"]["placement"]
    assert (placement["x"]["id"], placement["y"]["id"]) == ("proactivity", "personalization")
    stages = run_cli(capsys, "map", "--y", "Journey stages")
    assert stages.code == 2
    assert "axis 'journey_stages' is a set axis" in stages.err
    function = run_cli(capsys, "map", "--y", "success")
    assert function.code == 2
    assert "--y: 'success' is a function, not an axis" in function.err
    unknown = run_cli(capsys, "map", "--x", "nowhere")
    assert unknown.code == 2 and "ordinal axes: proactivity" in unknown.err
