"""Knowledge files: broken, hostile and oversized overlays fail as one located ``file:line`` error.

`validate` on a broken complete copy: tests/test_knowledge.py (BREAKAGES). Here the same
mistakes in an overlay given with --kb (and validated), plus what those do not try.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxcs.errors import KnowledgeError, UsageError
from cxcs.knowledge.load import MAX_PROBLEMS, data_dir, load_knowledge, validate_dir
from cxcs.knowledge.resolve import resolve_function
from cxcs.knowledge.yamlio import MAX_BYTES
from cxcs.models.knowledge import Knowledge
from tests.support import (
    OVERLAY,
    POSTING,
    REPO,
    Run,
    assert_failed,
    completed,
    copy_kb,
    require,
    run_cli,
    run_subprocess,
    subprocess_env,
)

METRIC = """\
metrics:
  team_nps:
    name: Team NPS
    abbreviation: TNPS
    definition: The NPS of one team's customers.
    formula: "% promoters minus % detractors"
    unit: score
    direction: higher
    owners: [cx]
    disputed: false
    sources:
      - {article: practice, section: "Standard metric formulas"}
"""
CELL = """\
functions:
  ux:
    cells:
      metrics:
        items:
          no_such_metric: ["practice § Standard metric formulas"]
          task_success_rate: ["practice § Standard metric formulas"]
"""
NO_SUCH = '          no_such_metric: ["practice § Standard metric formulas"]\n'
BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)

OVERLAY_CASES: dict[str, tuple[str, str, str, int | None]] = {
    # case: (file, text, problem fragment, line of the problem or None for file-level)
    "YAML syntax error": (
        "metrics.yaml", METRIC.replace("unit: score", "unit: [score"), "expected ',' or ']'", 8
    ),
    "wrong type (number for a choice)": (
        "metrics.yaml", METRIC.replace("direction: higher", "direction: 5"),
        "metrics.team_nps.direction: Input should be 'higher' or 'lower'", 8,
    ),
    "wrong type (string for a list)": (
        "metrics.yaml", METRIC.replace("owners: [cx]", "owners: cx"),
        "metrics.team_nps.owners", 9,
    ),
    "unknown field": (
        "metrics.yaml", METRIC.replace("    unit: score\n", "    unit: score\n    colour: red\n"),
        "unknown field 'colour' in metrics.team_nps", 8,
    ),
    "duplicate key": (
        "metrics.yaml", METRIC.replace("    unit: score\n", "    unit: score\n    unit: points\n"),
        "duplicate key 'unit'", 8,
    ),
    "alias bomb": ("metrics.yaml", BOMB + METRIC, "aliases", 1),
    "python object tag": (
        "metrics.yaml",
        METRIC.replace("name: Team NPS", "name: !!python/object/apply:os.system ['exit 3']"),
        "tags that build objects", 3,
    ),
    "unknown metric id": ("functions.yaml", CELL, "unknown metric id 'no_such_metric'", 6),
    "empty file": ("metrics.yaml", "", "file is empty", None),
    "comments only": ("metrics.yaml", "# nothing yet\n", "top level must be a mapping", 1),
    "metrics is a list": (
        "metrics.yaml", "metrics: [nps, csat]\n", "metrics: Input should be a valid dictionary", 1
    ),
    "a number too long to convert": (
        "metrics.yaml", METRIC.replace("unit: score", "unit: " + "9" * 5000),
        "invalid value: Exceeds the limit", None,
    ),
    "a control character": (
        "metrics.yaml", METRIC.replace("unit: score", 'unit: "sc\x07ore"'),
        "character U+0007 is not allowed", 7,
    ),
    "a key that is not a string": (
        "metrics.yaml", METRIC.replace("  team_nps:", "  ~:"), "Input should be a valid string", 2
    ),
    "a top-level key that is not a string": (
        "metrics.yaml", "1.5: x\n" + METRIC, "Keys should be strings", 1
    ),
}  # fmt: skip


def _overlay(tmp_path: Path, file: str, text: str) -> Path:
    directory = tmp_path / "overlay"
    directory.mkdir(parents=True)
    (directory / file).write_text(text, encoding="utf-8")
    return directory


def _first_validate_problem(run: Run, problem: str) -> str:
    """``validate -f json`` failed (exit 1, one error line and the error document) and its
    first problem, in file order, holds ``problem``: that problem, ``file:line: ...``."""
    assert_failed(run, 1, "", "knowledge")
    error = json.loads(run.out)["error"]
    first = str(error.get("problems", [error["message"]])[0])
    assert problem in first, (problem, first)
    return first


def _assert_located(message: str, path: Path, line: int | None) -> None:
    where = f"{path}:{line}: " if line else f"{path}: "
    assert message.startswith(where), (where, message)


def test_the_overlay_template_is_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Control: the cases below break a valid overlay."""
    for file, text in (
        ("metrics.yaml", METRIC),
        ("functions.yaml", CELL.replace(NO_SUCH, "")),
    ):
        directory = _overlay(tmp_path / file, file, text)
        assert run_cli(capsys, "validate", str(directory)).code == 0
        assert run_cli(capsys, "list", "--kb", str(directory)).code == 0


@pytest.mark.parametrize("case", sorted(OVERLAY_CASES))
def test_broken_overlay_with_kb_and_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    file, text, problem, line = OVERLAY_CASES[case]
    directory = _overlay(tmp_path, file, text)
    path = directory / file
    started = time.perf_counter()
    for args in (("list", "--kb", str(directory)), ("--kb", str(directory), "compare", "cx", "ux")):
        run = run_cli(capsys, *args, "-f", "json")
        assert_failed(run, 1, problem, "knowledge")
        error = json.loads(run.out)["error"]
        assert error["file"] == str(path)
        assert error["line"] == line
        _assert_located(error["message"], path, line)
    run = run_cli(capsys, "validate", str(directory), "-f", "json")
    _assert_located(_first_validate_problem(run, problem), path, line)
    assert time.perf_counter() - started < 10


def test_a_python_tag_in_an_overlay_never_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "pwned"
    text = METRIC.replace(
        "name: Team NPS", f"name: !!python/object/apply:os.system ['touch {marker}']"
    )
    directory = _overlay(tmp_path, "metrics.yaml", text)
    assert run_cli(capsys, "list", "--kb", str(directory)).code == 1
    assert run_cli(capsys, "validate", str(directory)).code == 1
    assert not marker.exists()


def test_an_alias_bomb_in_an_overlay_fails_fast_in_bounded_memory(tmp_path: Path) -> None:
    directory = _overlay(tmp_path, "metrics.yaml", BOMB + METRIC)
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from cxcs.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, "list", "--kb", str(directory), "-f", "json"],
        capture_output=True, text=True, env=subprocess_env(), timeout=60, check=False,
    )  # fmt: skip
    assert time.perf_counter() - started < 15
    assert_failed(completed(done), 1, "aliases", "knowledge")
    assert "MemoryError" not in done.stderr


@pytest.mark.parametrize("where", ["overlay", "complete copy"])
def test_a_20_mb_knowledge_file_is_rejected_by_size_fast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    directory = copy_kb(tmp_path / "kb") if where == "complete copy" else tmp_path / "kb"
    directory.mkdir(exist_ok=True)
    path = directory / "metrics.yaml"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("metrics:\n")
        entry = "  m{:07d}: {{name: x, abbreviation: M, definition: d, formula: f, unit: u}}\n"
        for index in range(20_000_000 // len(entry.format(0))):
            handle.write(entry.format(index))
    assert path.stat().st_size > 19_000_000 > MAX_BYTES
    started = time.perf_counter()
    run = run_cli(capsys, "validate", str(directory), "-f", "json")
    assert_failed(run, 1, f"{path}: file is", "knowledge")
    assert "knowledge files are limited to 4 MiB" in run.err
    kb_run = run_cli(capsys, "list", "--kb", str(directory), "-f", "json")
    assert_failed(kb_run, 1, f"{path}: file is", "knowledge")
    assert time.perf_counter() - started < 5


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero"])
def test_a_knowledge_file_that_is_not_a_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    """A FIFO blocked for ever; /dev/zero was read until memory ran out."""
    directory = tmp_path / "kb"
    directory.mkdir()
    path = directory / "metrics.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        require(Path("/dev/zero").exists(), "/dev/zero is missing")
        path.symlink_to("/dev/zero")
    run = completed(run_subprocess("list", "--kb", str(directory), "-f", "json", timeout=60))
    assert_failed(run, 1, f"{path}: not a regular file", "knowledge")
    run = completed(run_subprocess("validate", str(directory), timeout=60))
    assert_failed(run, 1, f"{path}: not a regular file")


def test_thousands_of_problems_are_reported_quickly(tmp_path: Path) -> None:
    """20,000 empty metrics (140,000 problems) took hours: each was located by re-reading
    the file. Now the first MAX_PROBLEMS are located and the rest counted."""
    text = "metrics:\n" + "".join(f"  m{i:06d}: {{}}\n" for i in range(20_000))
    directory = _overlay(tmp_path, "metrics.yaml", text)
    path = directory / "metrics.yaml"
    started = time.perf_counter()
    run = completed(run_subprocess("validate", str(directory), "-f", "json", timeout=60))
    assert time.perf_counter() - started < 30
    _first_validate_problem(run, f"{path}:2: missing field 'metrics.m000000.name'")
    error = json.loads(run.out)["error"]
    assert error["message"] == f"{directory}: 140,000 problems"
    assert error["count"] == 140_000
    assert len(error["problems"]) == MAX_PROBLEMS + 1
    assert error["problems"][-1] == f"... and {140_000 - MAX_PROBLEMS:,} more problems"
    assert run.err.splitlines()[:-1] == [f"cxcs: {p}" for p in error["problems"]]


TWO_PROBLEMS = """\
functions:
  cx:
    aliases: [Customer Xperience]
  ux:
    aliases: [user thing]
  success:
    aliases: [winning]
"""
"""An uppercase alias (line 3, found by the cross-checks) and unsorted keys (line 6, found
first): reported in file order all the same."""


def test_validate_lists_every_problem_in_file_order_then_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The second problem came first, without the 'error:', then the error line for the
    first."""
    directory = _overlay(tmp_path, "functions.yaml", TWO_PROBLEMS)
    path = directory / "functions.yaml"
    problems = [
        f"{path}:3: alias 'Customer Xperience' must be lowercase with no outer spaces",
        f"{path}:6: keys must be sorted: 'success' comes before 'ux'",
    ]
    run = run_cli(capsys, "validate", str(directory))
    assert run.code == 1
    assert run.err.splitlines() == [
        *(f"cxcs: {p}" for p in problems),
        f"cxcs: error: {directory}: 2 problems",
    ]
    run = run_cli(capsys, "validate", str(directory), "-f", "json")
    assert_failed(run, 1, f"{directory}: 2 problems", "knowledge")
    error = json.loads(run.out)["error"]
    assert (error["problems"], error["count"]) == (problems, 2)


def test_a_readme_validate_example_is_what_validate_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    shown = readme.split("$ cxcs validate my-kb\n", 1)[1].split("```", 1)[0].splitlines()
    directory = _overlay(tmp_path, "functions.yaml", TWO_PROBLEMS)
    run = run_cli(capsys, "validate", str(directory))
    assert run.err.replace(str(directory), "my-kb").splitlines() == shown


@pytest.mark.parametrize("where", ["option", "env"])
def test_another_command_names_the_first_problem_and_how_many_more(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    directory = _overlay(tmp_path / "my kb", "functions.yaml", TWO_PROBLEMS)
    first = f"{directory / 'functions.yaml'}:3: alias 'Customer Xperience' must be lowercase"
    args: tuple[str, ...] = ("--kb", str(directory), "list")
    if where == "env":
        monkeypatch.setenv("CXCS_KB", str(directory))
        args = ("list",)
    run = run_cli(capsys, *args)
    assert run.code == 1
    assert run.err.startswith(f"cxcs: error: {first}")
    assert run.err.endswith(f" (and 1 more; run cxcs validate '{directory}')\n")
    assert len(run.err.splitlines()) == 1
    assert_failed(run_cli(capsys, *args, "-f", "json"), 1, first, "knowledge")


def test_a_missing_top_level_field_is_reported_in_the_file_it_belongs_to(
    tmp_path: Path,
) -> None:
    """It used to be located nowhere ('knowledge: missing field ...')."""
    directory = copy_kb(tmp_path / "kb")
    (directory / "metrics.yaml").write_text("version: 2026.1\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(base=directory)
    assert caught.value.message == f"{directory / 'metrics.yaml'}:1: missing field 'metrics'"


SHIPPED = {name: (data_dir() / name).read_text(encoding="utf-8") for name in
           ("functions.yaml", "metrics.yaml", "signals.yaml")}  # fmt: skip
OVERLAY_FILES = {name: (OVERLAY / name).read_text(encoding="utf-8") for name in
                 ("functions.yaml", "metrics.yaml", "signals.yaml")}  # fmt: skip
SNIPPETS = [
    ":", "-", "- ", ": ", "[", "]", "{", "}", ",", "#", "&", "*", "!", "|", ">", "'", '"', "?",
    "%", "@", "`", "\t", "\n", "  ", "\n  ", "~", "null", "true", "1e999", "0x1F", ".nan",
    "!!binary aGk=", "!!set {a}", "2020-13-45", "*a", "&a", "<<: {}", "\\u0000", "\x07",
    "ü", "\ufeff", "- id: x", "cells:", "value:", "sources: []", "999" * 2000,
]  # fmt: skip
VALUES = [
    "", "[]", "{}", "null", "42", "-1", "1.5", "[a, b]", "{a: 1}", "true", "'x'", "~",
    "!!float nan", "!!int x", "&a x", "*a", "nps", "cx", "galactic", "[nps, nps]",
]  # fmt: skip

mutation = st.one_of(
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 40)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from(SNIPPETS)),
    st.tuples(st.just("drop line"), st.floats(0, 1), st.integers(1, 5)),
    st.tuples(st.just("copy line"), st.floats(0, 1), st.floats(0, 1)),
    st.tuples(st.just("value"), st.floats(0, 1), st.sampled_from(VALUES)),
)


def _mutate(text: str, mutations: list[tuple[str, float, Any]]) -> str:
    for kind, where, arg in mutations:
        lines = text.split("\n")
        at = min(int(where * len(lines)), len(lines) - 1)
        if kind == "delete":
            start = min(int(where * len(text)), len(text))
            text = text[:start] + text[start + arg :]
        elif kind == "insert":
            start = min(int(where * len(text)), len(text))
            text = text[:start] + arg + text[start:]
        elif kind == "drop line":
            text = "\n".join(lines[:at] + lines[at + arg :])
        elif kind == "copy line":
            lines.insert(min(int(arg * len(lines)), len(lines)), lines[at])
            text = "\n".join(lines)
        else:  # replace the value of the first "key: value" line at or after ``at``
            for index in range(at, len(lines)):
                key, sep, _ = lines[index].partition(": ")
                if sep:
                    lines[index] = f"{key}: {arg}"
                    break
            text = "\n".join(lines)
    return text


@settings(
    max_examples=80, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip
@given(
    mode=st.sampled_from(["base", "overlay", "validate"]),
    file=st.sampled_from(["functions.yaml", "metrics.yaml", "signals.yaml"]),
    mutations=st.lists(mutation, min_size=1, max_size=4),
)
def test_any_mutated_knowledge_file_loads_or_fails_as_file_line(
    mode: str, file: str, mutations: list[tuple[str, float, Any]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        sources = OVERLAY_FILES if mode == "overlay" else SHIPPED
        for name, text in sources.items():
            mutated = _mutate(text, mutations) if name == file else text
            (directory / name).write_text(mutated, encoding="utf-8", errors="surrogatepass")
        try:
            if mode == "base":
                load_knowledge(base=directory)
            elif mode == "overlay":
                load_knowledge([directory])
            else:
                validate_dir(directory)
        except KnowledgeError as exc:
            files = [str(directory / name) for name in sources]
            if mode == "overlay":
                files += [f"cxcs/data/{name}" for name in SHIPPED]  # named package-relative
            assert exc.file in files, exc.message
            assert exc.message.startswith(f"{exc.file}:"), exc.message
            for message in (exc.message, *exc.details.get("more", [])):
                assert "\n" not in message, message
                assert "pydantic" not in message.lower()


# --------------------------------------------------------------------------- numeric bounds

UNBOUNDED = {
    "infinite tier weight": "signals:\n  tiers: {strong: .inf}\n",
    "negative infinite tier weight": "signals:\n  tiers: {weak: -.inf}\n",
    "NaN tier weight": "signals:\n  tiers: {medium: .nan}\n",
    "huge tier weight": "signals:\n  tiers: {strong: 1e308}\n",
    "NaN section weight": "signals:\n  sections:\n    weights: {summary: .nan}\n",
    "huge section weight": "signals:\n  sections:\n    weights: {summary: 1e9}\n",
    "infinite contrast weight": (
        "signals:\n  contrasts:\n    - {favour: cx, over: ux, weight: .inf, phrases: [journey]}\n"
    ),
}


@pytest.mark.parametrize("case", sorted(UNBOUNDED))
def test_validate_rejects_infinite_nan_and_out_of_range_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    directory = _overlay(tmp_path, "signals.yaml", UNBOUNDED[case])
    path = directory / "signals.yaml"
    run = run_cli(capsys, "validate", str(directory), "-f", "json")
    assert_failed(run, 1, f"{path}:", "knowledge")
    posting = tmp_path / "posting.txt"
    posting.write_text(POSTING)
    classified = run_cli(capsys, "classify", str(posting), "--kb", str(directory), "-f", "json")
    assert_failed(classified, 1, f"{path}:", "knowledge")  # never NaN/Infinity in the JSON


def test_signal_thresholds_are_bounded(kb: Knowledge) -> None:
    """Control: the shipped signals sit well inside the bounds."""
    from cxcs.models.signals import MAX_WEIGHT, Thresholds

    assert kb.signals is not None
    assert all(0 < weight <= MAX_WEIGHT for weight in kb.signals.tiers.values())
    fields = kb.signals.thresholds.model_dump()
    with pytest.raises(ValueError, match="finite"):
        Thresholds(**{**fields, "short_text_cap": float("nan")})
    with pytest.raises(ValueError, match="less than or equal"):
        Thresholds(**{**fields, "min_words": 10**9})


# --------------------------------------------------------------------------- one-line errors


@pytest.mark.parametrize(
    "text",
    [
        METRIC.replace("  team_nps:", '  "team\\nnps":'),  # a key holding a line break
        METRIC.replace("unit: score", 'unit: "sc\\nore"\n    "bad\\r\\nkey\\x1b[2J": 1'),
        'metrics:\n  "a\\nb": {}\n',
    ],
    ids=["key with LF", "key with CRLF and ESC", "empty metric with LF"],
)
def test_knowledge_error_messages_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    directory = _overlay(tmp_path, "metrics.yaml", text)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge([directory])
    for message in (
        caught.value.message,
        caught.value.problem,
        *caught.value.details.get("more", []),
    ):
        assert "\n" not in message and "\r" not in message and "\x1b" not in message, message
    run = run_cli(capsys, "validate", str(directory), "-f", "json")
    _first_validate_problem(run, f"{directory / 'metrics.yaml'}:")
    error = json.loads(run.out)["error"]
    for message in (error["message"], *error.get("problems", [])):
        assert "\n" not in message, message


# --------------------------------------------------------------------------- names and links


@pytest.mark.parametrize("alias", ["", "  ", "-", "_ -"])
def test_a_blank_alias_is_rejected_and_never_names_a_function(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], alias: str
) -> None:
    text = f"functions:\n  cx:\n    aliases: [{json.dumps(alias)}]\n"
    directory = _overlay(tmp_path, "functions.yaml", text)
    run = run_cli(capsys, "validate", str(directory), "-f", "json")
    assert_failed(run, 1, f"{directory / 'functions.yaml'}:3: functions.cx.aliases.0", "knowledge")
    for name in ("", "  "):
        assert run_cli(capsys, "show", name).code == 2
        with pytest.raises(UsageError, match="empty function name"):
            resolve_function(load_knowledge(), name)
    assert_failed(run_cli(capsys, "show", "-"), 2, "unknown function '-'")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_an_overlay_file_linking_outside_the_overlay_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "elsewhere" / "metrics.yaml"
    secret.parent.mkdir()
    secret.write_text(METRIC, encoding="utf-8")
    directory = tmp_path / "overlay"
    directory.mkdir()
    (directory / "metrics.yaml").symlink_to(secret)
    path = directory / "metrics.yaml"
    for args in (("validate", str(directory)), ("list", "--kb", str(directory))):
        run = run_cli(capsys, *args, "-f", "json")
        assert_failed(run, 1, f"{path}: is a symbolic link to a file outside", "knowledge")
    inside = directory / "real" / "metrics.yaml"  # a link within the overlay is fine
    inside.parent.mkdir()
    inside.write_text(METRIC, encoding="utf-8")
    path.unlink()
    path.symlink_to(inside)
    assert run_cli(capsys, "validate", str(directory)).code == 0
