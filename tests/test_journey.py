"""Journey knowledge (stage × function -> leads / contributes / —), the `journey` command in
every format, the CX umbrella, and the compare options that shape the summary."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from cxcs.engine.journey import journey
from cxcs.models.knowledge import Knowledge
from cxcs.render.csv import VERSION_COLUMNS
from tests.support import Run, markdown_tables, run_cli


def test_the_journey_walk_of_cs_vs_cx_saas(kb: Knowledge) -> None:
    """onboarding, adoption, retention, expansion: success leads, CX helps. At retention CX
    runs the feedback surveys, but the same article makes success managers answerable for
    retention, renewals and churn, so success leads there too."""
    roles = {s.id: {f: r.role for f, r in s.roles.items()} for s in journey(kb).stages}
    for stage in ("onboarding", "adoption", "retention", "expansion"):
        assert roles[stage]["success"] == "leads"
        assert roles[stage]["cx"] == "contributes"
    assert roles["awareness"] == {"cx": "leads"}
    assert roles["issue_resolution"]["support"] == "leads"
    assert roles["issue_resolution"]["service"] == "leads"


def test_every_role_has_a_source_and_stages_keep_their_order(kb: Knowledge) -> None:
    result = journey(kb)
    assert [s.id for s in result.stages] == list(kb.journey.stages)
    assert result.stages[0].id == "awareness"
    for stage in result.stages:
        for role in stage.roles.values():
            assert role.sources and all(s.article in kb.articles for s in role.sources)


def test_journey_for_some_functions(kb: Knowledge) -> None:
    result = journey(kb, ["support", "success"])
    assert result.functions == ("support", "success")
    assert all(set(s.roles) <= {"support", "success"} for s in result.stages)


@pytest.mark.parametrize("fmt", ["markdown", "json", "csv", "html", "table"])
def test_journey_command_in_every_format(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    run = run_cli(capsys, "journey", "cx", "cs", "-f", fmt)
    assert run.code == 0, run.err
    if fmt == "markdown":
        (header, rows), _ = markdown_tables(run.out)
        assert header == ["stage", "Customer experience", "Customer success"]
        assert ["onboarding", "contributes", "leads"] in rows
    elif fmt == "json":
        stages = json.loads(run.out)["result"]["journey"]["stages"]
        assert stages[0]["roles"]["cx"]["role"] == "leads"
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(run.out)))
        header = ["stage", "function", "role", "disputed", "practice", *VERSION_COLUMNS]
        assert rows[0] == header
        assert ["renewal", "success", "leads"] in [r[:3] for r in rows]
    elif fmt == "html":
        assert run.out.lower().startswith("<!doctype html>") and "leads" in run.out
    else:
        assert "onboarding" in run.out and "leads" in run.out


def test_show_cx_names_the_umbrella_with_sources(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "show", "cx", "-f", "markdown")
    assert re.search(
        r"Umbrella over: Customer service, Customer success, Customer support", run.out
    )
    assert "cs-vs-cx-saas" in run.out
    payload = json.loads(run_cli(capsys, "show", "cx", "-f", "json").out)
    assert payload["result"]["umbrella_over"] == ["service", "success", "support"]
    under = json.loads(run_cli(capsys, "show", "support", "-f", "json").out)
    assert under["result"]["function"]["under"]["function"] == "cx"


def test_differences_hides_the_rows_that_are_the_same(capsys: pytest.CaptureFixture[str]) -> None:
    full = run_cli(capsys, "compare", "cx", "success", "-f", "csv")
    short = run_cli(capsys, "compare", "cx", "success", "--differences", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(full.out)))
    kept = list(csv.DictReader(io.StringIO(short.out)))
    assert {r["axis"] for r in kept} == {
        r["axis"] for r in rows if r["verdict"] != "same" or r["disputed"]
    }
    assert "proactivity" not in {r["axis"] for r in kept}  # proactive on both sides
    assert "scope" in {r["axis"] for r in kept}


def test_compare_fits_80_columns_without_breaking_words(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    from cxcs.commands import compare
    from cxcs.render.reports import compare_report
    from cxcs.render.table import print_report

    outcome = compare(None, "cx", "success")
    console = Console(record=True, width=80, file=io.StringIO(), color_system=None)
    print_report(compare_report(outcome.kb, outcome.result), console)  # type: ignore[arg-type]
    text = console.export_text()
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    for word in ("Personalization", "Responsibilities", "post-purchase", "cross-functional"):
        assert word in text, word  # never split across lines
    assert text.index("similarity") < text.index("Axis by axis")


# ------------------------------------------------- one source of truth: the journey_stages cell

OVERLAY = Path(__file__).resolve().parent.parent / "examples" / "overlay"


def _cell_stages(run: Run) -> set[str]:
    """The stages `show -f json` lists in a function's journey_stages cell."""
    cell = json.loads(run.out)["result"]["function"]["cells"]["journey_stages"]
    return set(cell["items"])


@pytest.mark.parametrize("kb_args", [(), ("--kb", str(OVERLAY))], ids=["shipped", "overlay"])
def test_journey_lists_the_stages_show_and_compare_list(
    capsys: pytest.CaptureFixture[str], kb_args: tuple[str, ...]
) -> None:
    """For every function, the journey view places it at exactly the stages its
    journey_stages cell lists (the cell `show` and `compare` print)."""
    run = run_cli(capsys, *kb_args, "journey", "-f", "json")
    assert run.code == 0, run.err
    result = json.loads(run.out)["result"]["journey"]
    assert len(result["functions"]) == (8 if kb_args else 5)
    for fid in result["functions"]:
        in_journey = {s["id"] for s in result["stages"] if fid in s["roles"]}
        show = run_cli(capsys, *kb_args, "show", fid, "-f", "json")
        assert in_journey == _cell_stages(show), fid
        assert in_journey, fid


def test_a_stage_with_no_named_role_is_shown_without_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """UX's cell lists consideration, onboarding and purchase (practitioner knowledge) but
    no source names a role there: it takes part, marked †, with no invented role. At
    adoption the article puts UX in product use but names no role: it takes part, no †."""
    (header, rows), _ = markdown_tables(run_cli(capsys, "journey", "ux", "-f", "markdown").out)
    table = {row[0]: row[1] for row in rows}
    assert header == ["stage", "User experience"]
    for stage in ("consideration", "purchase", "onboarding"):
        assert table[stage] == "takes part †"
    assert table["adoption"] == "takes part"
    assert table["awareness"] == "—"
    stages = json.loads(run_cli(capsys, "journey", "ux", "-f", "json").out)["result"]["journey"]
    part = next(s for s in stages["stages"] if s["id"] == "purchase")["roles"]["ux"]
    assert part["role"] is None and part["practice"] is True
    assert part["sources"] == [{"article": "practice", "section": "UX research practice"}]
    rows_csv = [
        row[:3]  # then the version columns
        for row in csv.reader(io.StringIO(run_cli(capsys, "journey", "ux", "-f", "csv").out))
    ]
    assert ["purchase", "ux", "takes part"] in rows_csv
    assert ["awareness", "ux", ""] in rows_csv


def test_journey_csv_marks_practice_and_disputes_as_compare_csv_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The spreadsheet keeps the † of every other format: a `practice` column (`†`) and a
    `disputed` column (`yes`), as compare's CSV has, before the version columns."""
    out = run_cli(capsys, "journey", "-f", "csv").out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:5] == ["stage", "function", "role", "disputed", "practice"]
    by_key = {(r["stage"], r["function"]): r for r in rows}
    for stage in ("consideration", "purchase", "onboarding"):
        assert by_key[(stage, "ux")]["practice"] == "†"
    assert by_key[("adoption", "ux")]["practice"] == ""
    assert by_key[("awareness", "cx")]["practice"] == ""
    assert by_key[("awareness", "ux")]["practice"] == ""
    data = json.loads(run_cli(capsys, "journey", "-f", "json").out)["result"]["journey"]
    for stage in data["stages"]:
        for fid, part in stage["roles"].items():
            row = by_key[(stage["id"], fid)]
            assert row["practice"] == ("†" if part["practice"] else ""), (stage["id"], fid)
            assert row["disputed"] == ("yes" if part["disputed"] else ""), (stage["id"], fid)


def test_overlay_functions_take_part_at_their_cell_stages(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = run_cli(capsys, "--kb", str(OVERLAY), "journey", "account_management", "-f", "csv")
    rows = list(csv.reader(io.StringIO(run.out)))
    taking_part = {r[0] for r in rows[1:] if r[2]}
    assert taking_part == {"expansion", "renewal", "retention"}
    assert all(r[2] in ("", "takes part") for r in rows[1:])


def _overlay(tmp_path: Path, functions_yaml: str) -> Path:
    directory = tmp_path / "kb"
    directory.mkdir()
    (directory / "functions.yaml").write_text(functions_yaml, encoding="utf-8")
    return directory


SUPPORT_STAGES_WITHOUT_RETENTION = """functions:
  support:
    cells:
      journey_stages:
        items:
          issue_resolution: ["practice § Support desk practice"]
"""
ROLE_OUTSIDE_THE_CELL = """journey:
  roles:
    renewal:
      support: {role: leads, sources: ["practice § X"]}
"""
STAGE_NOT_IN_THE_JOURNEY = """vocabularies:
  stages:
    churn: "churn"
functions:
  ux:
    cells:
      journey_stages:
        items:
          adoption: ["ux-cx-cs-cs § User Experience (UX)"]
          churn: ["practice § X"]
"""
JOURNEY_WITHOUT_RENEWAL = """journey:
  stages: [awareness, consideration, purchase, onboarding, adoption,
    issue_resolution, retention, expansion, advocacy]
"""


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        pytest.param(
            SUPPORT_STAGES_WITHOUT_RETENTION,
            5,
            "'support' has a role at 'retention' but its journey_stages cell lacks it",
            id="cell-drops-a-role-stage",
        ),
        pytest.param(
            ROLE_OUTSIDE_THE_CELL,
            4,
            "'support' has a role at 'renewal' but its journey_stages cell lacks it",
            id="role-outside-the-cell",
        ),
        pytest.param(
            STAGE_NOT_IN_THE_JOURNEY,
            10,
            "'ux' lists stage 'churn' in its journey_stages cell, but 'journey.stages' does not",
            id="cell-stage-not-in-the-journey",
        ),
        pytest.param(
            JOURNEY_WITHOUT_RENEWAL,
            2,
            "'success' lists stage 'renewal' in its journey_stages cell",
            id="journey-drops-a-cell-stage",
        ),
    ],
)
def test_an_overlay_breaking_the_journey_rule_is_refused_at_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, line: int, problem: str
) -> None:
    overlay = _overlay(tmp_path, text)
    run = run_cli(capsys, "validate", str(overlay))
    assert run.code == 1
    wanted = f"{overlay / 'functions.yaml'}:{line}: {problem}"
    assert any(wanted in err for err in run.err.splitlines()), run.err
    assert "cxcs/data/" not in run.err
