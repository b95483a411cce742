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
from cxcs.models.compare import AxisComparison, MatrixComparison, PairComparison
from cxcs.models.knowledge import Axis, Cell, Knowledge
from tests.support import clean_env, run_cli

__all__ = ["clean_env"]

KB = load_knowledge()
FUNCTIONS = sorted(KB.functions)
AXES = list(KB.axis_ids)

function_ids = st.sampled_from(FUNCTIONS)
axis_choices = st.none() | st.lists(
    st.sampled_from(AXES), min_size=1, max_size=len(AXES), unique=True
)


def _expected_score(axis: Axis, a: Cell, b: Cell) -> float | None:
    """The per-axis score as SIMILARITY_FORMULA documents it, computed independently."""
    pairs = list(product((c.value for c in a.claims), (c.value for c in b.claims)))
    if axis.kind == "ordinal":
        assert axis.scale is not None
        span = len(axis.scale) - 1
        return max(1 - abs(axis.scale.index(x) - axis.scale.index(y)) / span for x, y in pairs)  # type: ignore[arg-type]
    if axis.kind == "set":
        return max(len(set(x) & set(y)) / len(set(x) | set(y)) for x, y in pairs)
    return None


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
    scored = [row for row in result.axes if row.kind != "text"]
    if scored:
        assert result.similarity == 1.0
    else:
        assert result.similarity is None
    for row in result.axes:
        assert row.verdict in {"same", "disputed"}, row.axis
        if row.kind != "text":
            assert row.score == 1.0, row.axis
        if row.kind == "set":
            assert row.only_a == row.only_b == ()
        if row.kind == "ordinal":
            assert row.distance == 0


@pytest.mark.parametrize("function", FUNCTIONS)
def test_self_similarity_is_one_for_every_function(function: str) -> None:
    assert compare_pair(KB, function, function).similarity == 1.0


@settings(max_examples=150, deadline=None)
@given(a=function_ids, b=function_ids, axes=axis_choices)
def test_similarity_is_the_documented_mean_in_0_1(a: str, b: str, axes: list[str] | None) -> None:
    result = compare_pair(KB, a, b, axes)
    expected = []
    for row in result.axes:
        axis = KB.axis(row.axis)
        score = _expected_score(
            axis, KB.functions[a].cells[row.axis], KB.functions[b].cells[row.axis]
        )
        if score is None:
            assert row.score is None
        else:
            assert row.score == pytest.approx(score)
            assert 0.0 <= row.score <= 1.0
            expected.append(score)
    if expected:
        assert result.similarity is not None
        assert 0.0 <= result.similarity <= 1.0
        assert result.similarity == pytest.approx(sum(expected) / len(expected), abs=1e-4)
    else:
        assert result.similarity is None


@settings(deadline=None)
@given(a=function_ids, b=function_ids)
def test_verdicts_follow_scores_and_disputes(a: str, b: str) -> None:
    for row in compare_pair(KB, a, b).axes:
        disputed = (
            KB.functions[a].cells[row.axis].disputed or KB.functions[b].cells[row.axis].disputed
        )
        assert row.a.disputed == KB.functions[a].cells[row.axis].disputed
        if disputed:
            assert row.verdict == "disputed"
        elif row.score is None:
            assert row.verdict in {"same", "differs"}
        elif row.score == 1.0:
            assert row.verdict == "same"
        elif row.score == 0.0:
            assert row.verdict == "differs"
        else:
            assert row.verdict == "overlap"


@settings(deadline=None)
@given(a=function_ids, b=function_ids)
def test_set_details_partition_the_union(a: str, b: str) -> None:
    for row in compare_pair(KB, a, b).axes:
        if row.kind != "set":
            assert row.shared is None and row.only_a is None and row.only_b is None
            continue
        set_a = set(KB.functions[a].cells[row.axis].primary.value)
        set_b = set(KB.functions[b].cells[row.axis].primary.value)
        assert set(row.shared or ()) == set_a & set_b
        assert set(row.only_a or ()) == set_a - set_b
        assert set(row.only_b or ()) == set_b - set_a


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
    assert names == [KB.axis("level").name, KB.axis("metrics").name]
    bad = run_cli(capsys, "compare", "cx", "ux", "--axes", "level,nope")
    assert bad.code == 2
    assert "unknown axis 'nope'" in bad.err
    assert bad.out == ""


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
            assert row.cells[fid].values == tuple(c.value for c in cell.claims)
            assert row.cells[fid].disputed == cell.disputed
        if row.kind == "set":
            common = set.intersection(
                *(set(KB.functions[f].cells[row.axis].primary.value) for f in functions)
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
