"""The example overlay (examples/overlay): it validates, layers on top of the shipped
knowledge through --kb, $CXCS_KB and the API, and a broken overlay is reported as file:line
inside the overlay's own files."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from cxcs import classify, load_knowledge
from cxcs.commands import open_knowledge
from cxcs.errors import KnowledgeError
from tests.support import assert_failed, run_cli, run_subprocess

ROOT = Path(__file__).resolve().parent.parent
OVERLAY = ROOT / "examples" / "overlay"
POSTINGS = OVERLAY / "postings"
ADDED = ("account_management", "customer_marketing", "sales_engineering")


def cxcs(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command line (as ``python -m cxcs``) from the repository root."""
    return run_subprocess(*args, env=env, cwd=ROOT)


def result_of(proc: subprocess.CompletedProcess[str]) -> dict:  # type: ignore[type-arg]
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["result"]  # type: ignore[no-any-return]


# ---------------------------------------------------------------- the overlay as shipped


def test_validate_passes() -> None:
    result = result_of(cxcs("validate", "examples/overlay", "-f", "json"))
    assert result["valid"] is True
    assert result["functions"] == 8
    shipped = result_of(cxcs("validate", "-f", "json"))
    assert result["axes"] == shipped["axes"] + 1
    assert result["metrics"] == shipped["metrics"] + 1


def test_overlay_adds_functions_with_every_axis_and_sources() -> None:
    kb = load_knowledge([OVERLAY])
    for fid in ADDED:
        function = kb.functions[fid]
        assert set(function.cells) == set(kb.axis_ids)
        for cell in function.cells.values():
            assert all(claim.sources for claim in cell.claims)
    assert "revenue_accountability" in kb.axis_ids
    assert kb.articles["example-overlay"].title.startswith("Example overlay")
    assert kb.metrics["technical_win_rate"].owners == ("sales_engineering",)
    assert "sales_engineering" in kb.signals.phrases  # type: ignore[union-attr]
    assert set(load_knowledge().functions).isdisjoint(ADDED)


def test_compare_with_kb_option() -> None:
    result = result_of(
        cxcs("compare", "--kb", "examples/overlay", "account_management", "success", "-f", "json")
    )
    comparison = result["comparison"]
    assert (comparison["a"], comparison["b"]) == ("account_management", "success")
    assert "revenue_accountability" in [row["axis"] for row in comparison["axes"]]


def test_compare_with_kb_before_the_command() -> None:
    result = result_of(
        cxcs("--kb", "examples/overlay", "compare", "account_management", "success", "-f", "json")
    )
    assert result["comparison"]["a"] == "account_management"


def test_env_var_lists_added_functions() -> None:
    proc = cxcs("list", "-f", "json", env={"CXCS_KB": "examples/overlay"})
    ids = [f["id"] for f in result_of(proc)["functions"]]
    assert set(ADDED) <= set(ids)
    plain = cxcs("list", "-f", "csv", env={"CXCS_KB": "examples/overlay"})
    assert plain.returncode == 0
    assert "Account management" in plain.stdout


def test_override_shows_in_show() -> None:
    shipped = result_of(cxcs("show", "support", "-f", "json"))["function"]
    assert shipped["cells"]["proactivity"]["value"] == "reactive"
    mine = result_of(cxcs("show", "support", "--kb", "examples/overlay", "-f", "json"))
    cell = mine["function"]["cells"]["proactivity"]
    assert cell["disputed"] is False
    assert cell["value"] == "mixed"
    assert cell["sources"][0]["article"] == "example-overlay"
    table = cxcs("show", "support", "--kb", "examples/overlay", "-f", "markdown")
    assert "| Proactivity | mixed |" in table.stdout
    assert "Example overlay (your company's own definitions)" in table.stdout


def test_added_metric_and_axis_are_listed() -> None:
    metric = result_of(
        cxcs("metric", "technical_win_rate", "--kb", "examples/overlay", "-f", "json")
    )
    assert metric["metric"]["owners"] == ["sales_engineering"]
    axes = result_of(cxcs("axes", "--kb", "examples/overlay", "-f", "json"))["axes"]
    assert axes[-1]["id"] == "revenue_accountability"


def test_map_places_added_functions_on_the_added_axis() -> None:
    placement = result_of(
        cxcs("map", "--kb", "examples/overlay", "--y", "revenue_accountability", "-f", "json")
    )["placement"]
    where = {f["function"]: (f["x"], f["y"]) for f in placement["functions"]}
    assert where["account_management"] == (["proactive"], ["direct"])
    assert where["support"] == (["mixed"], ["none"])  # the overridden cell
    assert where["success"][1] == ["shared", "direct"]  # disputed in the overlay


# ---------------------------------------------------------------- classifying with it


@pytest.mark.parametrize(
    ("posting", "label"),
    [
        ("account_manager.txt", "account_management"),
        ("solutions_engineer.txt", "sales_engineering"),
        ("customer_marketing_manager.txt", "customer_marketing"),
    ],
)
def test_api_classify_returns_added_function(posting: str, label: str) -> None:
    kb = load_knowledge([OVERLAY])
    result = classify(kb, (POSTINGS / posting).read_text(encoding="utf-8"))
    assert result.label == label, result.reason


def test_cli_classify_with_overlay() -> None:
    proc = cxcs(
        "classify",
        "--kb",
        "examples/overlay",
        "examples/overlay/postings/solutions_engineer.txt",
        "-f",
        "json",
    )
    assert result_of(proc)["classification"]["label"] == "sales_engineering"


# ---------------------------------------------------------------- broken overlays


def broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the example overlay with one edit in ``file``."""
    target = tmp_path / "overlay"
    shutil.copytree(OVERLAY, target)
    path = target / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def line_at(path: Path, line: int | None) -> str:
    assert line is not None
    return path.read_text(encoding="utf-8").splitlines()[line - 1]


AXIS_DECLARATION = "  - id: revenue_accountability\n"
SERVICE_CELL = """  service:
    cells:
      revenue_accountability:
        value: none
        sources:
          - {article: example-overlay, section: "Revenue accountability"}
"""
UX_BLOCK = """  ux:
    cells:
"""


@pytest.mark.parametrize(
    ("file", "old", "new", "line_holds", "problem"),
    [
        pytest.param(
            "functions.yaml",
            "    abbreviation: AM\n",
            "    abbreviation: AM\n    colour: red\n",
            "colour: red",
            "unknown field 'colour'",
            id="unknown-field-in-added-function",
        ),
        pytest.param(
            "functions.yaml",
            '        note: "Overrides the shipped',
            '        colour: red\n        note: "Overrides the shipped',
            "colour: red",
            "unknown field 'colour'",
            id="unknown-field-in-overridden-cell",
        ),
        pytest.param(
            "functions.yaml",
            '          conversion_rate: ["example-overlay § Metrics"]',
            '          conversion_rat: ["example-overlay § Metrics"]',
            "conversion_rat:",
            "unknown metric id 'conversion_rat'",
            id="bad-metric-id",
        ),
        pytest.param(
            "functions.yaml",
            UX_BLOCK,
            UX_BLOCK + "      zeal:\n        value: high\n        sources:\n"
            '          - {article: example-overlay, section: "Zeal"}\n',
            "value: high",
            "unknown axis 'zeal'",
            id="cell-for-unknown-axis",
        ),
        pytest.param(
            "functions.yaml",
            SERVICE_CELL,
            "",
            "id: revenue_accountability",
            "function 'service' has no cell for axis 'revenue_accountability'",
            id="shipped-function-lacks-new-axis",
        ),
        pytest.param(
            "metrics.yaml",
            "owners: [sales_engineering]",
            "owners: [sales_enginering]",
            "owners: [sales_enginering]",
            "unknown owner 'sales_enginering'",
            id="bad-metric-owner",
        ),
        pytest.param(
            "signals.yaml",
            "      weight: 1.0\n",
            "      weight: 99\n",
            "weight: 99",
            "less than or equal to 10",
            id="bad-signals-contrast",
        ),
    ],
)
def test_broken_overlay_points_into_the_overlay(
    tmp_path: Path, file: str, old: str, new: str, line_holds: str, problem: str
) -> None:
    overlay = broken(tmp_path, file, old, new)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge([overlay])
    error = caught.value
    messages = [error.message, *error.details.get("more", [])]
    hit = next((m for m in messages if problem in m), None)
    assert hit is not None, messages
    where = hit.split(": ", 1)[0]
    name, _, line = where.rpartition(":")
    expected_file = overlay / ("functions.yaml" if "no cell for axis" in problem else file)
    assert Path(name) == expected_file, hit
    assert line_holds in line_at(expected_file, int(line)), hit


def test_broken_overlay_on_the_command_line(tmp_path: Path) -> None:
    overlay = broken(
        tmp_path,
        "functions.yaml",
        "    abbreviation: AM\n",
        "    abbreviation: AM\n    colour: red\n",
    )
    proc = cxcs("validate", str(overlay))
    assert proc.returncode == 1
    assert f"{overlay / 'functions.yaml'}:" in proc.stderr
    assert "unknown field 'colour'" in proc.stderr
    assert "data/functions.yaml" not in proc.stderr
    as_json = cxcs("list", "--kb", str(overlay), "-f", "json")
    assert as_json.returncode == 1
    error = json.loads(as_json.stdout)["error"]
    assert error["file"] == str(overlay / "functions.yaml")
    assert line_at(overlay / "functions.yaml", error["line"]).strip() == "colour: red"


@pytest.mark.parametrize(
    "command",
    [
        ("list",),
        ("show", "cx"),
        ("compare", "cx", "cs"),
        ("journey",),
        ("axes",),
        ("metrics",),
        ("metric", "nps"),
        ("map",),
    ],
    ids=" ".join,
)
def test_every_command_refuses_an_overlay_whose_signals_validate_refuses(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    """Only classify read an overlay's signals: 'cxcs --kb DIR compare cx cs' ran on an
    overlay that 'cxcs validate DIR' refuses."""
    overlay = broken(tmp_path, "signals.yaml", "      weight: 1.0\n", "      weight: 99\n")
    refused = run_cli(capsys, "validate", str(overlay))
    assert refused.code == 1
    (message,) = [line for line in refused.err.splitlines() if "weight" in line]
    run = run_cli(capsys, "--kb", str(overlay), *command, "-f", "json")
    assert_failed(run, 1, message.removeprefix("cxcs: error: "), "knowledge")


def test_signals_are_read_for_a_command_that_does_not_classify_only_from_an_overlay(
    tmp_path: Path,
) -> None:
    """The check costs nothing without an overlay signals file: the signals stay unread."""
    without = tmp_path / "without"
    shutil.copytree(OVERLAY, without)
    (without / "signals.yaml").unlink()
    assert open_knowledge([], signals=False).signals is None
    assert open_knowledge([without], signals=False).signals is None
    assert open_knowledge([OVERLAY], signals=False).signals is not None


# ------------------------------------- a problem involving two places is blamed on the overlay

NEW_FUNCTION = """functions:
  community:
    name: Community
    summary: Runs the customer community.
    cells:
      scope:
        value: "whole journey"
        sources: ["practice § Community"]
"""


def _problems(overlay: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge([overlay])
    return [caught.value.message, *caught.value.details.get("more", [])]


def _write(tmp_path: Path, files: dict[str, str]) -> Path:
    overlay = tmp_path / "kb3"
    overlay.mkdir()
    for name, text in files.items():
        (overlay / name).write_text(text, encoding="utf-8")
    return overlay


def test_a_new_function_lacking_cells_is_reported_where_it_is_defined(tmp_path: Path) -> None:
    """Not at the shipped axes: the overlay's function is what lacks them."""
    overlay = _write(tmp_path, {"functions.yaml": NEW_FUNCTION})
    problems = _problems(overlay)
    assert len(problems) == 21, problems  # every shipped axis but scope
    where = f"{overlay / 'functions.yaml'}:2: function 'community' has no cell for axis"
    assert all(p.startswith(where) for p in problems), problems
    assert any(p.startswith(f"{where} 'proactivity'") for p in problems), problems
    proc = cxcs("validate", str(overlay))
    assert proc.returncode == 1
    assert "data/functions.yaml" not in proc.stderr
    assert f"{overlay / 'functions.yaml'}:2: function 'community' has no cell" in proc.stderr


@pytest.mark.parametrize(
    ("files", "line_holds", "problem"),
    [
        pytest.param(
            {
                "functions.yaml": "axes:\n  - id: level\n    name: Level\n"
                "    question: How senior?\n    kind: ordinal\n    scale: [low, high]\n"
            },
            "- id: level",
            "'strategic' is not on the scale of 'level'",
            id="axis-replaced-under-shipped-cells",
        ),
        pytest.param(
            {
                "functions.yaml": "functions:\n  cx:\n"
                "    aliases: [customer-experience, customer support]\n"
            },
            "aliases: [customer-experience, customer support]",
            "duplicate alias 'customer-support': it names both 'cx' and 'support'",
            id="alias-taken-from-a-shipped-function",
        ),
        pytest.param(
            {
                "functions.yaml": "functions:\n  ux:\n    cells:\n      metrics:\n"
                "        disputed: true\n        items:\n          sus:\n"
                '            sources: ["ux-cx-cs-cs § User Experience (UX)"]\n'
                '            disputed_by: ["cx-versus-cs § Roles and responsibilities"]\n'
                "            reason: For the test.\n"
            },
            'sources: ["ux-cx-cs-cs § User Experience (UX)"]',
            "'disputed' must be true",
            id="cell-disputes-a-shipped-metric",
        ),
    ],
)
def test_a_problem_between_shipped_and_overlay_points_into_the_overlay(
    tmp_path: Path, files: dict[str, str], line_holds: str, problem: str
) -> None:
    overlay = _write(tmp_path, files)
    problems = _problems(overlay)
    hit = next((m for m in problems if problem in m), None)
    assert hit is not None, problems
    name, _, line = hit.split(": ", 1)[0].rpartition(":")
    assert Path(name) == overlay / "functions.yaml", hit
    assert line_holds in line_at(overlay / "functions.yaml", int(line)), hit
    assert not any("cxcs/data/" in m for m in problems), problems


@pytest.mark.parametrize(
    ("file", "old", "new", "line_holds", "meant"),
    [
        pytest.param(
            "functions.yaml",
            "    aliases: [account management",
            "    alias: [account management",
            "alias: [account management",
            "aliases",
            id="alias",
        ),
        pytest.param(
            "signals.yaml",
            "      phrases: [key account manager",
            "      phrase: [key account manager",
            "phrase: [key account manager",
            "phrases",
            id="phrase-in-a-contrast",
        ),
        pytest.param(
            "functions.yaml",
            "    abbreviation: AM\n",
            "    abbreviation: AM\n    colour: red\n",
            "colour: red",
            None,
            id="nothing-close",
        ),
    ],
)
def test_a_misspelt_overlay_key_gets_a_did_you_mean(
    tmp_path: Path, file: str, old: str, new: str, line_holds: str, meant: str | None
) -> None:
    """An unknown key in an overlay named no close key the model takes (``phrase:`` for
    ``phrases:``); it does, at the key's own file and line, as other overlay errors are."""
    overlay = broken(tmp_path, file, old, new)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge([overlay])
    messages = [caught.value.message, *caught.value.details.get("more", [])]
    hit = next(m for m in messages if "unknown field" in m)
    if meant is None:
        assert "did you mean" not in hit
    else:
        assert hit.endswith(f"; did you mean '{meant}'?"), hit
    name, _, line = hit.split(": ", 1)[0].rpartition(":")
    assert Path(name) == overlay / file
    assert line_holds in line_at(overlay / file, int(line))
    if meant is not None:  # the required key it misspells is not reported missing as well
        assert not any("missing field" in m and m.endswith(f".{meant}'") for m in messages)
        assert caught.value.details["count"] == 1, messages
