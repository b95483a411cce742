"""The public Python API and the README example that uses it (examples/api_example.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import cxcs
from cxcs import classify, compare, load_knowledge
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
    }
    assert cxcs.load_knowledge is load_knowledge
    names = set(cxcs.__all__) - {"__version__", "commands"}
    assert all(callable(getattr(cxcs, name)) for name in names)
    assert cxcs.commands.compare  # the command layer, as a module
    with pytest.raises(AttributeError):
        _ = cxcs.nothing_here


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
