"""Exit codes and usage errors the command-line tests (tests/test_cli.py) do not try."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cxcs.commands import open_knowledge
from cxcs.errors import UsageError
from tests.support import (
    HOLDOUT,
    OVERLAY,
    POSTING,
    assert_failed,
    run_cli,
)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("compare", "cx", "qqq", "ux"), "unknown function 'qqq'"),
        (("compare", "ux", "cx", "ux"), "'ux' and 'ux' name the same function (ux)"),
        (("compare", "cx", "ux", "--axes", "level,,nope"), "unknown axis 'nope'"),
        (
            ("compare", "cx", "ux", "--axes", "scope,scope"),
            "'scope' and 'scope' name the same axis (scope); give each axis once",
        ),
        (
            ("compare", "cx", "ux", "success", "-a", "level,Journey stages,journey_stages"),
            "'Journey stages' and 'journey_stages' name the same axis (journey_stages)",
        ),
        (("metrics", "nope"), "unknown function 'nope'"),
        (("map", "cx", "nope"), "unknown function 'nope'"),
        (("classify", "-", "--batch", "x.jsonl"), "give either FILE or --batch FILE, not both"),
        (("classify", "--batch", HOLDOUT, "--input-format", "xml"), "unknown input format 'xml'"),
        (
            ("classify", "--batch", HOLDOUT, "--input-format", "jsnl"),
            "unknown input format 'jsnl'; did you mean 'jsonl'? choose one of: jsonl, csv, parquet",
        ),
        (("classify", "--batch", "x.jsonl", "--jobs", "-1"), "Invalid value for '--jobs'"),
        (("classify", "--batch", "x.jsonl", "--text-field", " , "), "--text-field names no field"),
        (("classify", "--batch", "x.jsonl", "--jobs", "65"), "Invalid value for '--jobs'"),
        (("show", "a\nb"), "unknown function 'a\\nb'"),  # still one line
    ],
    ids=lambda v: " ".join(v).replace("\n", "\\n") if isinstance(v, tuple) else "",
)
def test_more_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    assert_failed(run_cli(capsys, *args), 2, message)
    if "--batch" not in args:  # batch output is jsonl or csv: no JSON document there
        assert_failed(run_cli(capsys, *args, "-f", "json"), 2, message, "usage")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("compare",), "compare needs at least two functions, e.g. 'cxcs compare cx cs'"),
        (("compare", "--axes", "scope"), "compare needs at least two functions"),
        (("show",), "show needs a function, e.g. 'cxcs show cx'; see 'cxcs list'"),
        (("metric",), "metric needs a metric id or name, e.g. 'cxcs metric nps'"),
        (("summarize",), "summarize needs a batch output file"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else "",
)
def test_a_missing_argument_is_told_what_is_needed(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    """Click said "Missing argument 'FUNCTION FUNCTION...'." (its metavar, not a sentence)."""
    for flags in ((), ("-f", "json")):
        run = run_cli(capsys, *args, *flags)
        assert_failed(run, 2, message, "usage" if flags else None)
        assert "Missing" not in run.err


def test_every_command_says_in_words_what_a_missing_argument_is() -> None:
    """A required argument of any command (a new one too) gets words, not Click's."""
    from typer.main import get_command

    from cxcs.cli import app

    group: Any = get_command(app)
    for name, command in group.commands.items():
        for param in command.params:
            if param.param_type_name == "argument" and param.required:
                pytest.fail(f"{name}: {param.name} has no 'needed' words (cxcs.params)")


def test_version_with_a_kb_that_is_no_directory_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """It printed 'knowledge: unavailable' and exited 0, though every other command exits 2
    for a --kb that is not a directory."""
    run = run_cli(capsys, "-V", "--kb", str(tmp_path / "missing"))
    assert_failed(run, 2, "no such directory")
    assert run.out == ""


@pytest.mark.parametrize(
    ("flags", "json_document"),
    [
        (("-f", "table", "-f", "json"), True),  # the last --format wins, as when parsing
        (("-f", "json", "-f", "table"), False),
        (("-fjson",), True),
        (("--format", " JSON "), True),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else "",
)
def test_the_error_document_follows_the_format_actually_chosen(
    capsys: pytest.CaptureFixture[str], flags: tuple[str, ...], json_document: bool
) -> None:
    run = run_cli(capsys, "show", "nope", *flags)
    assert_failed(run, 2, "unknown function 'nope'", "usage" if json_document else None)
    if not json_document:
        assert run.out == ""


def test_cxcs_alone_prints_the_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys)
    assert run.code == 2
    assert run.out == ""
    assert run.err.startswith("Usage: cxcs")
    assert "error" not in run.err
    assert "classify" in run.err


@pytest.mark.parametrize(
    "order", [("--kb", "{kb}", "-V"), ("-V", "--kb", "{kb}"), ("--kb", "{kb}", "--version")]
)
def test_version_reports_the_knowledge_kb_names(
    capsys: pytest.CaptureFixture[str], order: tuple[str, ...]
) -> None:
    shipped = run_cli(capsys, "-V")
    assert shipped.code == 0
    run = run_cli(capsys, *(a.replace("{kb}", str(OVERLAY)) for a in order))
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == shipped.out.splitlines()[0]  # cxcs VERSION
    assert run.out.splitlines()[1] != shipped.out.splitlines()[1]  # the overlay's own sha256
    assert run_cli(capsys, "--kb", str(OVERLAY)).code == 2  # no command: help, exit 2


@pytest.mark.parametrize(
    "args",
    [
        ("--kb", "", "list"),
        ("-V", "--kb", ""),
        ("--kb", str(OVERLAY), "--kb", " ", "list"),
        ("list", "--kb", ""),
        ("compare", "cx", "cs", "--kb", ""),
    ],
    ids=" ".join,
)
def test_an_empty_kb_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    """It was read as the current directory ('.: holds none of functions.yaml, ...', exit
    1), and '-V --kb ""' exited 0."""
    run = run_cli(capsys, *args)
    assert_failed(run, 2, "--kb is empty; give an overlay directory")
    assert run.out == ""
    if "-V" not in args:  # -f json names no command's option there
        assert_failed(run_cli(capsys, *args, "-f", "json"), 2, "--kb is empty", "usage")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--kb", "", "list", "-f", "json"), "--kb is empty; give an overlay directory"),
        (("-q", "--kb", " ", "compare", "cx", "cs", "--format=json"), "--kb is empty"),
        (("--kb", "", "compare", "-fjson", "cx", "cs"), "--kb is empty"),
        (("--bogus", "list", "-f", "json"), "No such option: --bogus"),
        (("-f", "json", "list"), "No such option: -f"),
        (("--kb", "{missing}", "-V", "list", "-f", "json"), "no such directory"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else "",
)
def test_an_error_before_the_command_reads_its_options_follows_its_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    """The group's own options failed before the command's -f was read: the error line
    came without the JSON error document."""
    line = [a.replace("{missing}", str(tmp_path / "missing")) for a in args]
    assert_failed(run_cli(capsys, *line), 2, message, "usage")
    if line[0] == "-f":  # without it the line is fine
        return
    without = [a for a in line if a not in {"-f", "json", "--format=json", "-fjson"}]
    run = run_cli(capsys, *without)
    assert_failed(run, 2, message)
    assert run.out == ""


@pytest.mark.parametrize(
    ("flags", "json_document"),
    [
        (("-f", "json"), True),
        (("--format", "json"), True),
        (("--format=json",), True),
        (("--axes", "scope", "-fjson"), True),  # an option the group does not know first
        (("-f", "json", "-f", "table"), False),  # the last one wins
        ((), False),
    ],
    ids=lambda v: (" ".join(v) or "no format") if isinstance(v, tuple) else "",
)
def test_an_unknown_command_gives_the_error_document_under_json(
    capsys: pytest.CaptureFixture[str], flags: tuple[str, ...], json_document: bool
) -> None:
    run = run_cli(capsys, "comapre", "cx", "cs", *flags)
    message = "No such command 'comapre'; did you mean 'compare'?"
    assert_failed(run, 2, message, "usage" if json_document else None)
    if not json_document:
        assert run.out == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("-f", "json", "list"),
            "No such option: -f here; it goes after the command name: 'cxcs list -f ...'",
        ),
        (
            ("--axes", "scope", "compare", "cx", "ux"),
            "No such option: --axes here; it goes after the command name: "
            "'cxcs compare --axes ...'",
        ),
        (
            ("--output=x.md", "-q"),
            "No such option: --output here; it goes after the command name: "
            "'cxcs COMMAND --output ...'",
        ),
        (("--bogus", "list"), "No such option: --bogus"),
        (("--kb",), "Option '--kb' requires an argument."),  # the group's own option
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else "",
)
def test_a_command_option_before_the_command_name_says_where_it_goes(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    """``cxcs -f json list`` said only "No such option: -f", though every command has -f:
    like gh, options of a command go after its name, and the error says so."""
    run = run_cli(capsys, *args)
    assert_failed(run, 2, message)
    assert run.err.strip().endswith(message)


def test_an_empty_overlay_name_is_refused_by_the_library_too() -> None:
    with pytest.raises(UsageError, match="--kb is empty"):
        open_knowledge([""])


def test_a_cxcs_kb_that_is_no_directory_is_named_as_cxcs_kb(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An overlay set by ``$CXCS_KB`` was reported as ``--kb /x: no such directory``, an
    option nobody typed: the error names where the directory came from."""
    missing = tmp_path / "nope"
    monkeypatch.setenv("CXCS_KB", str(missing))
    assert_failed(run_cli(capsys, "list"), 2, f"CXCS_KB {missing}: no such directory")
    assert_failed(run_cli(capsys, "list", "--kb", str(missing)), 2, f"--kb {missing}: no such")
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("CXCS_KB", str(tmp_path / "file"))
    assert_failed(run_cli(capsys, "show", "cx"), 2, f"CXCS_KB {tmp_path / 'file'}: not a directory")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-q=1", "list"), "-q=1: -q takes no value; write '-q'"),
        (("list", "-q=1"), "-q=1: -q takes no value; write '-q'"),
        (("list", "-f=json"), "-f=json: a short option takes its value after a space: '-f json'"),
        (("compare", "cx", "cs", "-a=scope"), "'-a scope' (or '--axes=scope')"),
        (("map", "-x=level"), "-x=level: a short option takes its value after a space"),
        (("list", "--quiet=1"), "Option '--quiet' does not take a value"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else "",
)
def test_an_equals_sign_after_a_short_option_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    """``-q=1`` was "No such option: -=" (Click reads each letter as an option), and
    ``-f=json`` "unknown format '=json'": the value took the '=' along."""
    assert_failed(run_cli(capsys, *args), 2, message)
    assert_failed(run_cli(capsys, *args, "-f", "json"), 2, message, "usage")


def test_an_equals_sign_glued_to_a_short_output_writes_no_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``-o=out.json`` wrote a file named ``=out.json`` and exit 0."""
    monkeypatch.chdir(tmp_path)
    assert_failed(run_cli(capsys, "list", "-o=out.json"), 2, "'-o out.json' (or '--output=")
    assert list(tmp_path.iterdir()) == []
    # a value that reads '-q=1' is still a value, and so is an argument after '--'
    posting = tmp_path / "posting.txt"
    posting.write_text(POSTING, encoding="utf-8")
    title = run_cli(capsys, "classify", "--title", "-q=1", "-f", "json", "posting.txt")
    assert title.code == 0, title.err
    assert json.loads(title.out)["result"]["classification"]["title"]["title"] == "-q=1"
    (tmp_path / "-q=1").write_text(POSTING, encoding="utf-8")
    assert run_cli(capsys, "classify", "-f", "json", "--", "-q=1").code == 0


@pytest.mark.parametrize("topic", [(), ("compare",), ("classify",)], ids=" ".join)
def test_help_as_a_command_is_the_same_as_dash_dash_help(
    capsys: pytest.CaptureFixture[str], topic: tuple[str, ...]
) -> None:
    """``cxcs help compare`` (as git and gh take it) was "No such command 'help'"."""
    expected = run_cli(capsys, *topic, "--help")
    run = run_cli(capsys, "help", *topic)
    assert (run.code, run.out, run.err) == (0, expected.out, "")
    assert run.out.startswith("Usage: cxcs")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("help", "comapre"), "No such command 'comapre'; did you mean 'compare'?"),
        (("help", "zzzz"), "No such command 'zzzz'; see 'cxcs --help'"),
        (("help", "compare", "cx"), "help takes one command name"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else "",
)
def test_help_for_an_unknown_command_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    assert_failed(run_cli(capsys, *args), 2, message)


@pytest.mark.parametrize(
    "args",
    [
        ("show", "x" * 100_000),
        ("compare", "cx", "ux", "--axes", "y" * 100_000),
        ("z" * 100_000,),
        ("show", "customer success manager " * 4000),  # words, each short: a pasted posting
    ],
    ids=["show", "axes", "command", "words"],
)
def test_a_huge_argument_gives_a_short_error_line(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    """A 100,000-character name came back whole in a 100 KB error line: cut to its start and
    end, saying how long it was, with the rest of the message (its hint) kept."""
    run = run_cli(capsys, *args, "-f", "json")
    assert_failed(run, 2, f"' ({len(args[-1]):,} characters); ", "usage")
    assert len(run.err) < 500, len(run.err)
    assert len(json.loads(run.out)["error"]["message"]) < 500
