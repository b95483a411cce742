"""The command layer: the CLI and the Python API run the same commands and give the same
answers; CLI conventions (help, completion, empty arguments, refused options, suggestions)."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

import cxcs
from cxcs import commands
from cxcs.clitools import TERMINAL_HINT
from cxcs.commands import Outcome
from cxcs.errors import UsageError
from cxcs.models.knowledge import Knowledge
from cxcs.render import json as json_renderer
from cxcs.views import VIEWS
from tests.support import REPO, cxcs_argv, run_cli, subprocess_env

POSTINGS = REPO / "examples" / "postings"
POSTING = POSTINGS / "success-title-support-duties.txt"


def cli_result(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    """The ``result`` member of ``cxcs ARGS -f json``."""
    run = run_cli(capsys, *args, "-f", "json")
    assert run.code == 0, run.err
    document: dict[str, Any] = json.loads(run.out)
    return document


def api_document(outcome: Outcome[Any]) -> dict[str, Any]:
    """The JSON document of an outcome computed in Python."""
    report = VIEWS[outcome.command].report
    assert report is not None
    document: dict[str, Any] = json.loads(json_renderer.render(report(outcome)))
    return document


def results_only(command: str, kb: Knowledge, result: Any) -> Outcome[Any]:
    """``cxcs.compare``'s or ``cxcs.classify``'s result as the outcome the CLI presents."""
    return Outcome(command, result, kb)


BOTH_WAYS: list[tuple[tuple[str, ...], Any]] = [
    (("list",), lambda kb: cxcs.list_functions(kb)),
    (("show", "customer success"), lambda kb: cxcs.show(kb, "customer success")),
    (("compare", "cx", "cs"), lambda kb: results_only("compare", kb, cxcs.compare(kb, "cx", "cs"))),
    (
        ("compare", "cx", "success", "ux", "--axes", "scope,level"),
        lambda kb: results_only(
            "compare", kb, cxcs.compare(kb, "cx", "success", "ux", axes=["scope", "level"])
        ),
    ),
    (
        ("compare", "cx", "ux", "--differences"),
        lambda kb: commands.compare(kb, "cx", "ux", differences=True),
    ),
    (("axes",), lambda kb: cxcs.axes(kb)),
    (("metrics",), lambda kb: cxcs.metrics(kb)),
    (("metrics", "success"), lambda kb: cxcs.metrics(kb, "success")),
    (("metric", "Net Promoter Score"), lambda kb: cxcs.metric(kb, "Net Promoter Score")),
    (("validate",), lambda kb: cxcs.validate()),
    (
        ("classify", str(POSTING), "--title", "Support Engineer"),
        lambda kb: results_only(
            "classify", kb, cxcs.classify(kb, POSTING.read_text("utf-8"), "Support Engineer")
        ),
    ),
    (
        ("classify", str(POSTING)),
        lambda kb: cxcs.classify_file(kb, str(POSTING)),
    ),
    (("map", "cx", "success"), lambda kb: cxcs.map(kb, ["cx", "success"])),
    (
        ("map", "--x", "level", "--y", "proactivity"),
        lambda kb: cxcs.map(kb, x="level", y="proactivity"),
    ),
    (("journey",), lambda kb: cxcs.journey(kb)),
    (("journey", "cx", "support"), lambda kb: cxcs.journey(kb, ["cx", "support"])),
]
"""Each command through the public API (``cxcs.NAME``) and through the command line."""


@pytest.mark.parametrize(
    ("args", "call"), BOTH_WAYS, ids=lambda v: " ".join(v) if isinstance(v, tuple) else ""
)
def test_each_command_answers_the_same_from_python_and_the_cli(
    capsys: pytest.CaptureFixture[str], kb: Knowledge, args: tuple[str, ...], call: Any
) -> None:
    from cxcs.knowledge.load import load_knowledge

    full = load_knowledge(signals=True)
    assert cli_result(capsys, *args) == api_document(call(full))


def test_a_function_named_twice_is_the_same_error_both_ways(
    capsys: pytest.CaptureFixture[str], kb: Knowledge
) -> None:
    with pytest.raises(UsageError) as raised:
        cxcs.compare(kb, "cx", "customer experience")
    run = run_cli(capsys, "compare", "cx", "customer experience")
    assert run.code == 2
    assert raised.value.message in run.err
    assert "name the same function (cx)" in raised.value.message


def test_notes_and_warnings_travel_with_the_outcome(kb: Knowledge) -> None:
    outcome = commands.compare(kb, "cx", "cs")
    assert outcome.result.b == "success"
    assert any("'cs' is ambiguous" in n for n in outcome.notes)
    assert cxcs.compare(kb, "cx", "cs") == outcome.result  # the API: the same result


def test_quiet_silences_notes_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert "ambiguous" in run_cli(capsys, "compare", "cx", "cs").err
    for args in (("-q", "compare", "cx", "cs"), ("compare", "cx", "cs", "--quiet")):
        run = run_cli(capsys, *args)
        assert run.code == 0
        assert run.err == ""
    # a title that disagrees with the duties is a warning: -q keeps it
    run = run_cli(capsys, "-q", "classify", str(POSTING), "--title", "Customer Success Manager")
    assert "warning:" in run.err


# --------------------------------------------------------------------------- names


def test_metric_by_display_name_and_abbreviation(capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("Net Promoter Score", "NPS", "nps", "net-promoter-score"):
        document = cli_result(capsys, "metric", name)
        assert document["result"]["metric"]["id"] == "nps"


def test_a_partial_metric_name_suggests_every_match(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "metric", "churn")
    assert run.code == 2
    assert "did you mean 'customer_churn_rate' or 'revenue_churn_rate'?" in run.err


def test_a_misspelt_command_suggests_the_one_closest(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "comapre", "cx", "cs")
    assert run.code == 2
    assert run.err.strip().endswith("did you mean 'compare'?")
    assert run.err.count("'") == 4  # the typo and one suggestion


def test_a_swapped_short_id_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    """difflib's ratio misses two swapped letters of a two-letter id; the one-edit check
    catches them."""
    run = run_cli(capsys, "compare", "cx", "xc")
    assert run.code == 2
    assert "unknown function 'xc'; did you mean 'cx'?" in run.err
    run = run_cli(capsys, "map", "--x", "prosactivity")
    assert "did you mean 'proactivity'?" in run.err


@pytest.mark.parametrize(
    ("word", "names", "expected"),
    [
        ("xc", ["cx", "ux", "success"], ["cx"]),  # two letters swapped
        ("UX", ["xu", "cx"], ["xu"]),  # case does not count as an edit
        ("ox", ["cx", "ux"], []),  # a changed letter is half a two-letter name
        ("nsp", ["nps", "csat"], ["nps"]),
        ("sucess", ["success", "service"], ["success"]),  # a letter dropped
        ("successs", ["success"], ["success"]),  # a letter added
        ("levle", ["level", "scope"], ["level"]),
        ("zzz", ["cx", "ux"], []),
    ],
)
def test_suggestions_catch_one_edit(word: str, names: list[str], expected: list[str]) -> None:
    from cxcs.suggest import suggestions

    assert suggestions(word, names) == expected


# --------------------------------------------------------------------------- usage


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("list", "-o", ""), "--output is empty"),
        (("compare", "cx", "ux", "--axes", ""), "cxcs: error: --axes is empty\n"),
        (("compare", "cx", "ux", "--axes", ","), "--axes names no axis"),
        (("classify", str(POSTING), "--title", ""), "cxcs: error: --title is empty\n"),
        (("list", "-f", ""), "cxcs: error: --format is empty\n"),
        (("list", "-o", "functions.xlsx"), "'.xlsx' names no format"),
        (("map", "-o", "map.pdf"), "'.pdf' names no format"),
        (("list", "-o", "functions.svg"), "'.svg' names no format"),
        (("classify", "--batch", "x.jsonl", "--explain"), "--explain does not apply with --batch"),
        (("classify", "--batch", "x.jsonl", "--title", "t"), "--title does not apply"),
        (("classify", str(POSTING), "--id-field", "key"), "--id-field applies only with --batch"),
        (("classify", str(POSTING), "--jobs", "2"), "--jobs applies only with --batch"),
        (("classify", str(POSTING), "--jobs", "1"), "--jobs applies only with --batch"),
        (("classify", str(POSTING), "-j1"), "--jobs applies only with --batch"),
        (("classify", "--batch", "x.jsonl", "--input-format", ""), "--input-format is empty"),
        (("classify", "--batch", "x.jsonl", "--keep", ","), "--keep names no field"),
        (("validate", "/nonexistent/cxcs"), "no such directory"),
        (("list", "--kb", "/nonexistent/cxcs"), "--kb /nonexistent/cxcs: no such directory"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else "",
)
def test_usage_errors(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    run = run_cli(capsys, *args)
    assert run.code == 2, run.err
    assert message in run.err
    assert run.out == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("classify", ""), "classify: the file name is empty"),
        (("summarize", ""), "summarize: the file name is empty"),
        (("validate", " "), "validate: the directory name is empty"),
        (("show", " "), "show: the function name is empty"),
        (("metrics", ""), "metrics: the function name is empty"),
        (("metric", ""), "metric: the metric name is empty"),
        (("compare", "cx", ""), "compare: a function name is empty"),
        (("journey", ""), "journey: a function name is empty"),
        (("map", "cx", " "), "map: a function name is empty"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else "",
)
def test_an_empty_argument_is_named_in_words(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    """Not by its placeholder ('Invalid value for '[FILE|-]': must not be empty')."""
    run = run_cli(capsys, *args)
    assert run.code == 2
    assert run.err == f"cxcs: error: {message}\n"
    assert run.out == ""


def test_output_dash_is_stdout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = run_cli(capsys, "list", "-o", "-", "-f", "json")
    assert run.code == 0
    assert json.loads(run.out)["command"] == "list"
    assert list(tmp_path.iterdir()) == []


def test_batch_format_follows_the_output_extension(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        json.dumps({"id": "a", "text": POSTING.read_text("utf-8")}) + "\n", encoding="utf-8"
    )
    target = tmp_path / "labels.csv"
    done = subprocess.run(
        cxcs_argv("classify", "--batch", str(rows), "-o", str(target)),
        capture_output=True, text=True, env=subprocess_env(), timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    table = list(csv.DictReader(io.StringIO(target.read_text("utf-8"))))
    assert table[0]["id"] == "a"


def test_the_classification_csv_header_does_not_depend_on_the_posting(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from tests.conftest import load_samples

    headers = set()
    labels = set()
    for index, sample in enumerate(load_samples()[::7]):
        posting = tmp_path / f"{index}.txt"
        posting.write_text(sample["description"], encoding="utf-8")
        run = run_cli(capsys, "classify", str(posting), "-f", "csv")
        assert run.code == 0, run.err
        rows = list(csv.reader(io.StringIO(run.out)))
        headers.add(tuple(rows[0]))
        labels.add(dict(zip(rows[0], rows[1], strict=True))["label"])
    assert len(labels) > 1  # control: the postings are classified differently
    assert len(headers) == 1


def test_json_knowledge_files_name_no_machine_path(capsys: pytest.CaptureFixture[str]) -> None:
    overlay = os.path.relpath(REPO / "examples" / "overlay")
    files = cli_result(capsys, "list", "--kb", overlay)["knowledge"]["files"]
    assert files[:2] == ["cxcs/data/functions.yaml", "cxcs/data/metrics.yaml"]
    assert f"{overlay}/functions.yaml" in files
    assert not any(os.path.isabs(f) for f in files)


# --------------------------------------------------------------------------- help


def _help(*args: str) -> str:
    done = subprocess.run(
        cxcs_argv(*args, "--help"),
        capture_output=True, text=True, env=subprocess_env({"COLUMNS": "100"}), check=True,
    )  # fmt: skip
    return done.stdout


def test_every_help_has_examples_and_no_placeholders() -> None:
    import typer

    from cxcs.cli import app

    for name in ["", *typer.main.get_command(app).commands]:  # type: ignore[attr-defined]
        text = _help(*([name] if name else []))
        assert "Examples:\n" in text and "    cxcs " in text, name
        for artefact in ("<str>", "<list", "<int", "{", "[[", "<path>"):
            assert artefact not in text, (name, artefact)


# --------------------------------------------------------------------------- completion


def _complete(words: str, **extra: str) -> list[str]:
    """What the shell would offer for the last word of ``words`` (a trailing space: a new
    word), driven as the completion script drives cxcs."""
    current = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = {"_CXCS_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(current)}
    env.update(extra)
    done = subprocess.run(
        cxcs_argv(),
        capture_output=True,
        text=True,
        env=subprocess_env(env),
        check=False,
    )
    return done.stdout.split()


def test_shell_completion_of_commands_functions_axes_and_metrics() -> None:
    assert _complete("cxcs com") == ["compare"]
    assert _complete("cxcs compare s") == ["service", "success", "support"]
    assert _complete("cxcs compare cx ux --axes level,sc") == ["level,scope"]
    assert _complete("cxcs map --x pro") == ["proactivity"]
    assert _complete("cxcs metric np") == ["nps"]


def test_completion_leaves_out_what_the_line_already_names() -> None:
    """``cxcs compare cx <TAB>`` offered cx again, and ``--axes scope,<TAB>`` scope again:
    naming one twice is a usage error, so completion offered a mistake."""
    assert _complete("cxcs compare cx ") == ["service", "success", "support", "ux"]
    assert _complete("cxcs compare cs ") == ["cx", "service", "support", "ux"]  # cs: success
    assert _complete("cxcs journey cx ux s") == ["service", "success", "support"]
    assert _complete("cxcs map ux -x scope c") == ["cx"]
    assert _complete("cxcs compare cx ux --axes scope,s") == ["scope,skills"]
    assert _complete("cxcs compare cx ux -a level -a le") == []


def test_map_axes_complete_only_the_ordinal_ones(kb: Knowledge) -> None:
    from cxcs.engine.placement import ordinal_axes

    ordinal = [a.id for a in ordinal_axes(kb)]
    assert 1 < len(ordinal) < len(kb.axis_ids)  # control: some axes cannot be mapped
    assert _complete("cxcs map --x ") == ordinal
    assert _complete("cxcs map cx ux -y ") == ordinal
    assert _complete("cxcs map --y me") == []  # 'metrics' is a set axis
    assert _complete("cxcs compare cx ux --axes me") == ["metrics"]  # compare takes any axis


OVERLAY = str(REPO / "examples" / "overlay")


@pytest.mark.parametrize(
    "words",
    [
        f"cxcs --kb {OVERLAY} show acc",  # before the command name
        f"cxcs show --kb {OVERLAY} acc",  # the command's own
        f"cxcs --kb /nonexistent/cxcs compare cx --kb {OVERLAY} acc",  # the command's wins
        f"cxcs --kb {OVERLAY} map --x pro",
    ],
)
def test_completion_reads_the_kb_given_on_the_line(words: str) -> None:
    expected = ["proactivity"] if "--x" in words else ["account_management"]
    assert _complete("cxcs show acc") == []  # control: not in the shipped knowledge
    assert _complete(words) == expected


def test_completion_of_metrics_with_an_overlay_and_of_a_broken_kb() -> None:
    assert "technical_win_rate" not in _complete("cxcs metric ")
    assert _complete(f"cxcs --kb {OVERLAY} metric tech") == ["technical_win_rate"]
    assert _complete("cxcs --kb /nonexistent/cxcs show c") == []  # no error, nothing offered
    assert _complete("cxcs show acc", CXCS_KB=OVERLAY) == ["account_management"]


def test_formats_complete_per_command() -> None:
    assert _complete("cxcs list -f ") == ["table", "markdown", "json", "csv", "html"]
    assert _complete("cxcs map --format s") == ["svg"]
    assert _complete("cxcs list -f s") == []  # list draws no picture
    assert _complete("cxcs summarize -f j") == ["json"]
    batch = ["jsonl", "csv", "json", "parquet"]
    assert _complete("cxcs classify --batch x.jsonl -f ") == batch
    assert _complete("cxcs classify -f p") == ["parquet"]  # --batch may follow
    assert _complete("cxcs classify --input-format ") == ["jsonl", "csv", "parquet"]
    assert _complete("cxcs summarize --input-format c") == ["csv"]


# --------------------------------------------------------------------------- stdin


@pytest.mark.parametrize(
    "ending",
    [b"\n\x04", b"\x04\x04"],  # as the hint says: on an empty line, or twice after text
    ids=["ctrl-d on an empty line", "ctrl-d twice after text"],
)
def test_classify_dash_on_a_terminal_hints_and_ends_as_the_hint_says(ending: bytes) -> None:
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        cxcs_argv("classify", "-", "-f", "json"),
        stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env(),
    )  # fmt: skip
    os.close(follower)
    time.sleep(0.5)
    lines = POSTING.read_text("utf-8").splitlines()[:12]
    os.write(leader, "\n".join(lines).encode() + ending)  # the last line: no newline of its own
    try:
        out, err = process.communicate(timeout=60)
    finally:
        os.close(leader)
    assert process.returncode == 0, err
    assert TERMINAL_HINT.encode() in err
    assert b"end it with Ctrl-D on an empty line (or Ctrl-D twice after text)" in err
    assert json.loads(out)["result"]["classification"]["words"] > 40  # more than one line read


def test_quiet_drops_the_terminal_hint() -> None:
    """``-q`` means no notes on stderr, but ``classify -`` on a terminal still said how to
    end the input: that hint is a note too."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        cxcs_argv("classify", "-", "-q", "-f", "json"),
        stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env(),
    )  # fmt: skip
    os.close(follower)
    time.sleep(0.5)
    os.write(leader, POSTING.read_bytes()[:2000].replace(b"\n", b" ") + b"\n\x04")
    try:
        out, err = process.communicate(timeout=60)
    finally:
        os.close(leader)
    assert process.returncode == 0, err
    assert err == b""
    assert json.loads(out)["result"]["classification"]["words"] > 40


def test_the_readme_says_how_to_end_typed_input_as_the_hint_does() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    how = TERMINAL_HINT.split("; ", 1)[1]  # "end it with Ctrl-D on an empty line (...)"
    assert how in " ".join(readme.split())
