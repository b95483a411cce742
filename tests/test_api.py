"""The public Python API and the README example that uses it (examples/api_example.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import cxcs
from cxcs import classify, commands, compare, load_knowledge
from cxcs.errors import UsageError
from cxcs.models.classify import Classification
from cxcs.models.compare import PairComparison
from cxcs.models.matrix import MatrixComparison

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "api_example.py"


def test_example_runs_and_prints_what_the_readme_shows(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CXCS_KB"}
    proc = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[0] == "functions: cx, service, success, support, ux"
    assert lines[1] == "Proactivity: proactive vs proactive -> same"
    assert lines[2] == (
        "Scope: whole journey vs post-purchase lifecycle (or whole journey) -> near (disputed)"
    )
    assert re.fullmatch(r"similarity: [01]\.\d\d \([01]\.\d\d-[01]\.\d\d\)", lines[4])
    assert lines[5].startswith("classified: support (confident; title: Technical Support Engineer)")
    assert lines[6].startswith("evidence: ")
    assert lines[7] == "overlay adds: account_management, customer_marketing, sales_engineering"
    assert lines[8] == "Revenue accountability: AM direct vs success shared (or direct)"


def test_top_level_names_are_the_api() -> None:
    assert set(cxcs.__all__) == {
        "__version__",
        "arrow_schema",
        "classify",
        "classify_frame",
        "classify_records",
        "commands",
        "compare",
        "load_knowledge",
        "output_columns",
        "spark_ddl",
        *commands.__all__,
    }
    assert cxcs.load_knowledge is load_knowledge
    names = set(cxcs.__all__) - {"__version__", "commands"}
    assert all(callable(getattr(cxcs, name)) for name in names)
    assert cxcs.commands.compare  # the command layer, as a module
    with pytest.raises(AttributeError):
        _ = cxcs.nothing_here


RESULTS_ONLY = {"compare", "classify"}
"""The commands whose top-level name is :mod:`cxcs.api`'s function returning just the
result (the README's examples use them so); their outcomes are ``cxcs.commands.NAME``."""


@pytest.mark.parametrize("name", sorted(commands.__all__))
def test_every_command_is_reachable_from_cxcs(name: str) -> None:
    from cxcs import api

    assert name in cxcs.__all__
    assert name in dir(cxcs)
    if name in RESULTS_ONLY:
        assert getattr(cxcs, name) is getattr(api, name)
        assert f"cxcs.commands.{name}" in (cxcs.__doc__ or "")  # where the outcome is
    else:
        assert getattr(cxcs, name) is getattr(commands, name)


def test_results_only_names_return_the_commands_result() -> None:
    kb = load_knowledge()
    assert cxcs.compare(kb, "cx", "ux") == commands.compare(kb, "cx", "ux").result
    text = (ROOT / "examples" / "postings" / "success-title-support-duties.txt").read_text("utf-8")
    assert cxcs.classify(kb, text) == commands.classify(kb, text).result


def test_help_lists_the_api() -> None:
    import pydoc

    text = pydoc.render_doc(cxcs, renderer=pydoc.plaintext)
    calls = ("show(kb", "list_functions(kb", "metric(kb", "map(kb", "journey(kb", "compare(kb",
             "classify(kb", "load_knowledge(overlays", "class Outcome")  # fmt: skip
    for call in calls:
        assert f"\n    {call}" in text, call


def test_dir_imports_nothing() -> None:
    """``dir(cxcs)`` lists the lazy names without importing them."""
    probe = (
        "import cxcs, json, sys\nnames = dir(cxcs)\nprint(json.dumps([names, sorted(sys.modules)]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    names, modules = json.loads(done.stdout)
    assert {"show", "list_functions", "metric", "compare", "Outcome"} <= set(names)
    assert [m for m in modules if m.startswith("cxcs")] == ["cxcs"]


def test_compare_pair_and_matrix() -> None:
    kb = load_knowledge()
    pair = compare(kb, "CX", "cs", axes=["scope"])
    assert isinstance(pair, PairComparison)
    assert (pair.a, pair.b) == ("cx", "success")
    assert [row.axis for row in pair.axes] == ["scope"]
    matrix = compare(kb, "cx", "service", "ux")
    assert isinstance(matrix, MatrixComparison)
    assert matrix.functions == ("cx", "service", "ux")


@pytest.mark.parametrize(
    ("functions", "axes", "message"),
    [
        (("cx",), None, "at least two"),
        (("cx", "nope"), None, "unknown function"),
        (("cx", "ux"), ["nope"], "unknown axis"),
        (("cx", "ux"), ["scope", "Scope"], r"'scope' and 'Scope' name the same axis \(scope\)"),
    ],
)
def test_compare_errors(functions: tuple[str, ...], axes: list[str] | None, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        compare(load_knowledge(), *functions, axes=axes)


def test_classify_returns_a_model() -> None:
    result = classify(load_knowledge(), "too short")
    assert isinstance(result, Classification)
    assert result.label is None and result.decision == "insufficient"


def test_load_knowledge_takes_str_and_path_overlays(tmp_path: Path) -> None:
    overlay = ROOT / "examples" / "overlay"
    assert load_knowledge([str(overlay)]).origin == load_knowledge([overlay]).origin
    with pytest.raises(UsageError, match="no such directory"):
        load_knowledge([tmp_path / "missing"])


API_POSTING = (
    "What you'll do:\n"
    "- Answer customer tickets by email and chat in Zendesk.\n"
    "- Troubleshoot login and billing issues and escalate bugs to engineering.\n"
    "- Meet our SLAs for first response time and keep CSAT high.\n"
    "Requirements: two years in a customer support role and clear written English."
)


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_a_blank_title_in_python_is_no_title_as_in_a_batch(blank: str) -> None:
    """An empty title cell (a data frame, a job API) raised "--title is empty" from
    ``cxcs.classify``, while a batch row with the same cell detects the title."""
    kb = load_knowledge()
    text = "Customer Support Specialist\n" + API_POSTING
    given, detected = classify(kb, text, blank), classify(kb, text)
    assert given.title is not None and detected.title is not None
    assert given.title.title == detected.title.title == "Customer Support Specialist"
    assert (given.label, given.decision, given.confidence) == (
        detected.label,
        detected.decision,
        detected.confidence,
    )


def test_title_evidence_indexes_the_title_as_given_whitespace_and_all() -> None:
    """The README: a given title's evidence offsets index that title string. A title with
    spaces around it (as data often has) was stripped first, so ``title[start:end]`` was off
    by the leading spaces."""
    title = "  Customer Support Specialist\t"
    result = classify(load_knowledge(), API_POSTING, title)
    assert result.title is not None and result.title.title == title.strip()
    items = [e for e in result.evidence if e.source == "title"]
    assert items
    for item in items:
        assert title[item.start : item.end] == item.text
        assert item.text in item.snippet
