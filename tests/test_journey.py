"""Journey knowledge (stage × function -> leads / contributes / —), the `journey` command in
every format, the CX umbrella, and the compare options that shape the summary."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from cxcs.engine.journey import journey
from cxcs.models.knowledge import Knowledge
from cxcs.render.csv import VERSION_COLUMNS
from tests.support import clean_env, markdown_tables, run_cli

__all__ = ["clean_env"]


def test_the_journey_walk_of_cs_vs_cx_saas(kb: Knowledge) -> None:
    """onboarding, adoption, expansion: success leads, CX helps; retention: CX leads."""
    roles = {s.id: {f: r.role for f, r in s.roles.items()} for s in journey(kb).stages}
    for stage in ("onboarding", "adoption", "expansion"):
        assert roles[stage]["success"] == "leads"
        assert roles[stage]["cx"] == "contributes"
    assert roles["retention"]["cx"] == "leads"
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
        assert rows[0] == ["stage", "function", "role", *VERSION_COLUMNS]
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
