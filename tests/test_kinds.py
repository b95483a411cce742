"""Axis kinds are one table of classes: adding a kind touches models/kinds.py only."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import cxcs
from cxcs import commands
from cxcs.engine.placement import ordinal_axes
from cxcs.knowledge.checks import cross_check
from cxcs.knowledge.load import load_knowledge
from cxcs.models.compare import AxisComparison, Side
from cxcs.models.kinds import KINDS, Kind, Scored
from cxcs.models.knowledge import Axis, CellValue, Knowledge
from cxcs.output import render
from cxcs.views import VIEWS

SRC = Path(cxcs.__file__).parent


def _kind_names_tested(tree: ast.AST) -> Iterator[str]:
    """Comparisons of something named ``kind`` with an axis kind's name."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        text = ast.unparse(node)
        sides = [node.left, *node.comparators]
        names = {
            c.value
            for side in sides
            for c in ast.walk(side)
            if isinstance(c, ast.Constant) and isinstance(c.value, str)
        }
        if "kind" in text and names & set(KINDS):
            yield text


def test_only_the_kinds_module_names_kinds() -> None:
    """The engine and the renderers ask the kind (``KINDS[axis.kind]``); none compares a kind
    with 'ordinal', 'set' or 'text'."""
    found = {
        str(path.relative_to(SRC)): list(_kind_names_tested(ast.parse(path.read_text("utf-8"))))
        for path in SRC.rglob("*.py")
        if path != SRC / "models" / "kinds.py"
    }
    assert {k: v for k, v in found.items() if v} == {}
    control = ast.parse((SRC / "models" / "kinds.py").read_text("utf-8"))
    assert "set" in KINDS and not list(_kind_names_tested(control))  # names, not tests
    assert list(_kind_names_tested(ast.parse('if axis.kind == "set": pass')))  # control


class FlagKind(Kind):
    """A toy kind: does the function do it, yes or no."""

    name = "flag"
    verdicts = ("same", "different")

    def value_problems(
        self, axis: Axis, value: str, path: tuple[str | int, ...]
    ) -> Iterator[tuple[tuple[str | int, ...], str]]:
        if value not in {"yes", "no"}:
            yield path, f"a flag is yes or no, got '{value}'"

    def compare(self, kb: Knowledge, axis: Axis, a: CellValue, b: CellValue) -> Scored:
        return Scored(1.0, "same") if a == b else Scored(0.0, "different")

    def is_difference(self, row: AxisComparison) -> bool:
        return row.verdict == "different"

    def side_text(self, kb: Knowledge, axis_id: str, side: Side) -> str:
        return "does" if side.value == "yes" else "does not"

    def difference_text(self, row: AxisComparison, verdict: str) -> str:
        return f"{row.name}: one does, the other does not"


@pytest.fixture
def flagged(monkeypatch: pytest.MonkeyPatch) -> Knowledge:
    """The shipped knowledge plus a 'remote' axis of the toy kind (cx: yes, others: no)."""
    monkeypatch.setitem(KINDS, "flag", FlagKind())
    data: dict[str, Any] = load_knowledge(signals=False).model_dump(mode="json")
    article = next(iter(data["articles"]))
    data["axes"].append(
        {"id": "remote", "name": "Remote first", "question": "Remote first?", "kind": "flag"}
    )
    for fid, function in data["functions"].items():
        function["cells"]["remote"] = {
            "value": "yes" if fid == "cx" else "no",
            "sources": [{"article": article, "section": "Remote work"}],
        }
    return Knowledge.model_validate(data)


def test_a_new_kind_needs_only_its_class(flagged: Knowledge) -> None:
    """Registered in KINDS alone, a kind is validated, compared, summarised and rendered
    by its own methods, and kept off the map (it has no scale)."""
    assert list(cross_check(flagged)) == []
    outcome = commands.compare(flagged, "cx", "success")
    row = next(r for r in outcome.result.axes if r.axis == "remote")
    assert (row.kind, row.verdict, row.score) == ("flag", "different", 0.0)
    assert "remote" in outcome.result.differences
    report = VIEWS["compare"].report
    assert report is not None
    text = render(report(outcome), "markdown")
    assert "| Remote first | does | does not | different |" in text
    assert "Remote first: one does, the other does not" in text
    assert "remote" not in [a.id for a in ordinal_axes(flagged)]


def test_a_new_kinds_own_rules_hold(flagged: Knowledge) -> None:
    data = flagged.model_dump(mode="json")
    data["functions"]["ux"]["cells"]["remote"]["value"] = "sometimes"
    problems = list(cross_check(Knowledge.model_validate(data)))
    assert problems == [
        (("functions", "ux", "cells", "remote", "value"), "a flag is yes or no, got 'sometimes'")
    ]
