"""The command line: exit codes, error documents, --output, --version, defaults, NO_COLOR."""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import pty
import sys
from pathlib import Path

import pytest

import cxcs
from cxcs.models.knowledge import Knowledge
from tests.support import (
    assert_failed,
    colour_codes,
    drain_terminal,
    on_a_terminal,
    run_cli,
    run_subprocess,
)

OK_COMMANDS = [
    ("list",),
    ("show", "cx"),
    ("show", "customer experience"),
    ("compare", "cx", "cs"),
    ("compare", "cx", "success", "ux"),
    ("compare", "cx", "service", "--axes", "level,metrics"),
    ("axes",),
    ("metrics",),
    ("metrics", "support"),
    ("metric", "nps"),
    ("metric", "AHT"),
    ("validate",),
    ("--help",),
    ("compare", "--help"),
]

# --------------------------------------------------------------------------- exit codes


@pytest.mark.parametrize("args", OK_COMMANDS, ids=" ".join)
def test_commands_exit_0(capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    run = run_cli(capsys, *args)
    assert run.code == 0, run.err
    assert run.out.strip()
    assert "error" not in run.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "nps"), "'nps' is a metric, not a function; see 'cxcs metric nps'"),
        (
            ("compare", "cx", "Net Promoter Score"),
            "'Net Promoter Score' is a metric, not a function; see 'cxcs metric nps'",
        ),
        (
            ("metric", "Customer Success"),
            "'Customer Success' is a function, not a metric; "
            "see 'cxcs metrics success' or 'cxcs show success'",
        ),
        (("show", "scope"), "'scope' is an axis, not a function; see 'cxcs axes'"),
        (
            ("journey", "Journey stages"),
            "'Journey stages' is an axis, not a function; see 'cxcs axes'",
        ),
        (
            ("compare", "cx", "ux", "--axes", "level,Customer success"),
            "'Customer success' is a function, not an axis; see 'cxcs axes'",
        ),
    ],
    ids=" ".join,
)
def test_a_name_from_the_other_namespace_says_where_it_belongs(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    run = run_cli(capsys, *args)
    assert run.code == 2
    assert run.err.splitlines()[-1] == f"cxcs: error: {message}"


def test_unknown_function_exits_2_with_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "show", "suport")
    assert run.code == 2
    assert run.out == ""
    assert "unknown function 'suport'" in run.err
    assert "did you mean 'support'?" in run.err
    assert "Traceback" not in run.err
    assert run_cli(capsys, "compare", "cx", "customer sucess").code == 0  # a hidden alias
    far = run_cli(capsys, "compare", "cx", "qqqqqq")
    assert far.code == 2
    assert "unknown function 'qqqqqq'" in far.err


@pytest.mark.parametrize(
    ("args", "close"),
    [
        (("metric", "net promotor score"), "nps"),  # the display name, one letter off
        (("metric", "Net-Promoter"), "nps"),  # the start of the display name
        (("metric", "customer satisfaction"), "csat"),  # not 'customer_health_score'
        (("compare", "cx", "ux", "--axes", "job titles"), "typical_titles"),
        (("metric", "churn"), "customer_churn_rate' or 'revenue_churn_rate"),
        (("compare", "cx", "ux", "--axes", "levl"), "level"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else v,
)
def test_a_misspelt_metric_or_axis_name_gets_its_id(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], close: str
) -> None:
    """A metric or axis named by its display name, misspelt, got no "did you mean" (only
    ids were compared), or one for another metric; a function's names all count."""
    assert_failed(run_cli(capsys, *args), 2, f"'{args[-1]}'; did you mean '{close}'?")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("compare", "cx"), "at least two functions"),
        (("compare", "cx", "customer-experience"), "name the same function (cx)"),
        (("compare", "cs", "success"), "name the same function (success)"),
        (("compare", "cx", "ux", "--axes", "levl"), "unknown axis 'levl'; did you mean 'level'?"),
        (("list", "--format", "xml"), "unknown format 'xml'"),
        (("compare", "cx", "ux", "-f", "pdf"), "unknown format 'pdf'"),
        (
            ("compare", "cx", "ux", "-f", "jsn"),
            "unknown format 'jsn' here; did you mean 'json'? choose one of: table, markdown,",
        ),
        (("list", "-f", "mardown"), "did you mean 'markdown'?"),
        (("compare", "cx", "ux", "-f", "svg"), "unknown format 'svg' here; choose one of"),
        (
            ("compare", "cx,ux", "success"),
            "unknown function 'cx,ux'; give one function per argument: 'cx ux'",
        ),
        (("journey", "cx, success"), "give one function per argument: 'cx success'"),
        (("metric", "npx"), "unknown metric 'npx'; did you mean 'nps'?"),
        (("metric", "zzzzzz"), "unknown metric 'zzzzzz'"),
        (("show",), "show needs a function, e.g. 'cxcs show cx'; see 'cxcs list'"),
        (("frobnicate",), "No such command"),
        (("list", "--bogus"), "No such option"),
        (
            ("compare", "cx", "ux", "--diferences"),
            "No such option: --diferences; did you mean '--differences'?",
        ),
        (("--verison",), "No such option: --verison; did you mean '--version'?"),
        # Click's "Got unexpected extra argument(s) (ux)" named neither what the command takes
        (("show", "cx", "ux"), "show takes FUNCTION; unexpected: ux; see 'cxcs show --help'"),
        (("axes", "cx"), "axes takes no arguments; unexpected: cx; see 'cxcs axes --help'"),
        (("metrics", "a", "b"), "metrics takes [FUNCTION]; unexpected: b; see"),
        # a name an option starts with is that option, not also '--kb' and '--format'
        (("classify", "--bat", "x"), "No such option: --bat; did you mean '--batch'?\n"),
        (("list", "--out", "x"), "No such option: --out; did you mean '--output'?\n"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else "",
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    run = run_cli(capsys, *args)
    assert run.code == 2, (run.out, run.err)
    assert message in run.err
    assert run.err.count("error:") == 1
    assert run.out == ""
    assert "Traceback" not in run.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("validate",), "--kb does not apply to validate; give the directory itself"),
        (("summarize", "labels.jsonl"), "--kb does not apply to summarize"),
    ],
)
def test_an_overlay_before_a_command_without_kb_is_refused(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    """``cxcs --kb DIR validate`` used to ignore DIR and report the shipped files valid;
    the README says validate takes the directory itself, and options that do not apply are
    refused."""
    overlay = str(Path(__file__).resolve().parents[1] / "examples" / "overlay")
    assert_failed(run_cli(capsys, "--kb", overlay, *args), 2, message)
    assert_failed(run_cli(capsys, "--kb", overlay, *args, "-f", "json"), 2, message, "usage")
    # after the command name too: it said only "No such option: --kb"
    assert_failed(run_cli(capsys, *args, "--kb", overlay), 2, message)
    assert_failed(run_cli(capsys, *args, "--kb", overlay, "-f", "json"), 2, message, "usage")


@pytest.mark.parametrize(
    ("args", "code", "error_code"),
    [
        (("show", "nope"), 2, "usage"),
        (("compare", "cx"), 2, "usage"),
        (("metric", "npx"), 2, "usage"),
        (("compare", "cx", "ux", "--axes", "levl"), 2, "usage"),
        (("list", "--bogus"), 2, "usage"),
        (("validate", "/nonexistent/cxcs-kb"), 2, "usage"),
        (("list", "--kb", "/nonexistent/cxcs-kb"), 2, "usage"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else str(v),
)
@pytest.mark.parametrize("flag", [("--format", "json"), ("--format=json",), ("-f", "JSON")])
def test_json_error_document(
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    code: int,
    error_code: str,
    flag: tuple[str, ...],
) -> None:
    run = run_cli(capsys, *args, *flag)
    assert run.code == code
    document = json.loads(run.out)  # exactly one JSON document, nothing else
    assert document["schema_version"] == 1
    assert document["tool"]["version"] == cxcs.__version__
    assert document["error"]["code"] == error_code
    assert document["error"]["message"]
    assert document["error"]["message"] in run.err


@pytest.mark.parametrize(
    "args",
    [
        ("classify", "-f", "json", "--batch"),
        ("list", "-f", "json", "-o"),
        ("compare", "--format=json", "cx", "ux", "--axes"),
        ("-q", "map", "-f", "json", "--x"),
    ],
    ids=" ".join,
)
def test_an_option_without_its_value_gets_the_json_error_document(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    """An option left without its value at the end of the line (`cxcs classify -f json
    --batch`) got its error on stderr only: reading the line for `-f json` failed on the
    same missing value."""
    assert_failed(run_cli(capsys, *args), 2, "requires an argument", "usage")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("compare", "cx", "cs"), 0),
        (("show", "nope"), 2),
        (("compare", "cx", "customer-experience"), 2),
        (("list", "-f", "xml"), 2),
        (("validate", "/nonexistent/cxcs-kb"), 2),
        ((), 2),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else str(v),
)
def test_real_exit_codes_in_a_subprocess(args: tuple[str, ...], code: int) -> None:
    done = run_subprocess(*args)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr


# --------------------------------------------------------------------------- --output


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("out.json", lambda t: json.loads(t)["command"] == "compare"),
        ("out.md", lambda t: t.startswith("# ") and "|---|" in t),
        ("out.markdown", lambda t: t.startswith("# ") and "|---|" in t),
        ("out.csv", lambda t: next(csv.reader(io.StringIO(t)))[0] == "axis"),
        ("out.html", lambda t: t.lower().startswith("<!doctype html>")),
        ("OUT.HTM", lambda t: t.lower().startswith("<!doctype html>")),
    ],
)
def test_output_infers_the_format_and_writes_atomically(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, check: object
) -> None:
    target = tmp_path / name
    run = run_cli(capsys, "compare", "cx", "ux", "--output", str(target))
    assert run.code == 0, run.err
    assert run.out == ""
    assert f"wrote {target}" in run.err
    assert check(target.read_text(encoding="utf-8"))  # type: ignore[operator]
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize(
    ("fmt", "name", "message"),
    [
        ("json", "x.xlsx", "'.xlsx' names no format; give .json, or no extension"),
        ("markdown", "x.svg", "'.svg' names the svg format, not markdown; give .md or .markdown"),
        ("json", "out.csv", "'.csv' names the csv format, not json; give .json"),
        ("json", "out.md", "'.md' names the markdown format, not json"),
        ("table", "out.markdown", "'.markdown' names the markdown format, not table; give .txt"),
        ("md", "out.htm", "'.htm' names the html format, not markdown"),
        ("csv", "out.json.gz", "'.json' names the json format, not csv"),
        ("html", "out.ndjson", "'.ndjson' names the jsonl format, not html"),
        ("json", "out.tar.gz", "'.tar' names no format"),
    ],
)
def test_an_extension_that_is_not_the_formats_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, name: str, message: str
) -> None:
    """``--format`` does not make any extension right: one naming no format, or another
    format than ``--format``, is refused before any work and nothing is written."""
    target = tmp_path / name
    run = run_cli(capsys, "compare", "cx", "ux", "-f", fmt, "-o", str(target))
    assert_failed(run, 2, f"--output {target}: {message}")
    assert list(tmp_path.iterdir()) == []


def test_a_refused_extension_under_format_json_is_a_json_error_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, message in (("x.xlsx", "'.xlsx' names no format"), ("x.csv", "names the csv")):
        run = run_cli(capsys, "list", "-f", "json", "-o", str(tmp_path / name))
        assert_failed(run, 2, message, "usage")
    run = run_cli(capsys, "classify", "--batch", "x.jsonl", "-f", "json", "-o", "o.jsonl")
    assert_failed(run, 2, "'.jsonl' names the jsonl format, not json", "usage")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("fmt", "name", "check"),
    [
        ("json", "out", lambda t: json.loads(t)["command"] == "list"),
        ("md", "out.markdown", lambda t: t.startswith("# ")),
        ("markdown", "OUT.MD", lambda t: t.startswith("# ")),
        ("txt", "out.txt", lambda t: "Customer experience" in t and "|---|" not in t),
        ("table", "out.TXT", lambda t: "Customer experience" in t and "|---|" not in t),
        ("html", "out.htm", lambda t: t.startswith("<!doctype html>")),
        ("csv", "out.csv", lambda t: t.startswith("id,")),
    ],
)
def test_format_with_its_own_extension_or_none_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, name: str, check: object
) -> None:
    target = tmp_path / name
    run = run_cli(capsys, "list", "-f", fmt, "-o", str(target))
    assert run.code == 0, run.err
    assert check(target.read_text(encoding="utf-8"))  # type: ignore[operator]


def test_format_with_a_compressed_name_looks_at_the_extension_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import gzip

    for name in ("out.json.gz", "out.gz"):
        target = tmp_path / name
        assert run_cli(capsys, "list", "-f", "json", "-o", str(target)).code == 0
        assert json.loads(gzip.decompress(target.read_bytes()))["command"] == "list"


def test_output_replaces_an_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.json"
    target.write_text("old content that is much longer than nothing " * 100)
    assert run_cli(capsys, "axes", "-o", str(target)).code == 0
    assert json.loads(target.read_text())["command"] == "axes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_output_file_gets_normal_permissions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The temporary file is private (0600); the result must follow the umask like any file."""
    old = os.umask(0o022)
    try:
        assert run_cli(capsys, "list", "-o", str(tmp_path / "out.md")).code == 0
    finally:
        os.umask(old)
    assert (tmp_path / "out.md").stat().st_mode & 0o777 == 0o644


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous")

    def refuse(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    run = run_cli(capsys, "list", "-o", str(target))
    monkeypatch.undo()
    assert run.code == 1
    assert "No space left on device" in run.err
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_output_into_a_missing_directory_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(capsys, "list", "-o", str(tmp_path / "missing" / "out.md"))
    assert run.code == 2
    assert "does not exist" in run.err
    assert not (tmp_path / "missing").exists()


def test_output_over_a_directory_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "taken.md").mkdir()
    run = run_cli(capsys, "list", "-o", str(tmp_path / "taken.md"))
    assert run.code == 2
    assert "is a directory" in run.err
    assert run_cli(capsys, "list", "-o", str(tmp_path)).code == 2
    assert [p.name for p in tmp_path.iterdir()] == ["taken.md"]
    assert list((tmp_path / "taken.md").iterdir()) == []


def test_a_bad_output_is_reported_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(capsys, "list", "-f", "json", "-o", str(tmp_path / "no" / "x.json"))
    assert run.code == 2
    assert json.loads(run.out)["error"]["code"] == "usage"


# --------------------------------------------------------------------------- messages


def test_version_prints_tool_and_knowledge(
    kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    for flag in ("--version", "-V"):
        run = run_cli(capsys, flag)
        assert run.code == 0
        lines = run.out.splitlines()
        assert lines[0] == f"cxcs {cxcs.__version__}"
        assert lines[1] == f"knowledge {kb.origin.version} (sha256 {kb.origin.sha256})"


@pytest.mark.parametrize(
    "args", [("compare", "cx", "cs"), ("show", "cs"), ("metrics", "CS")], ids=" ".join
)
def test_cs_prints_one_note_on_stderr(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    run = run_cli(capsys, *args)
    assert run.code == 0
    notes = [line for line in run.err.splitlines() if "ambiguous" in line]
    assert len(notes) == 1
    assert "'service'" in notes[0]
    assert "ambiguous" not in run.out
    quiet = run_cli(capsys, *(a if a.lower() != "cs" else "success" for a in args))
    assert "ambiguous" not in quiet.err


def test_piped_output_defaults_to_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "compare", "cx", "ux")
    assert run.out.startswith("# ")
    assert "\n|---|" in run.out
    done = run_subprocess("axes")
    assert done.returncode == 0
    assert done.stdout.startswith("# ") and "|---|" in done.stdout
    assert "\x1b" not in done.stdout


def test_no_color_table_in_a_pipe_has_no_escapes() -> None:
    done = run_subprocess(
        "compare", "cx", "success", "ux", "--format", "table", env={"NO_COLOR": "1"}
    )
    assert done.returncode == 0, done.stderr
    assert "┃" in done.stdout or "│" in done.stdout  # a rich table, not markdown
    assert "\x1b" not in done.stdout
    assert "\x1b" not in done.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_no_color_is_respectedon_a_terminal() -> None:
    posting = str(Path(__file__).parents[1] / "examples" / "postings")
    args = ("classify", posting + "/success-title-support-duties.txt")
    coloured = on_a_terminal(*args, env={})
    assert colour_codes(coloured), "control: the score bars are coloured on a terminal"
    plain = on_a_terminal(*args, env={"NO_COLOR": "1"})
    assert "Customer support" in plain
    assert not colour_codes(plain)


# --------------------------------------------------------------------------- declarations

CONTROL_FLOW = (ast.If, ast.For, ast.While, ast.Try, ast.With, ast.Raise, ast.Match)


def _commands(tree: ast.Module) -> list[ast.FunctionDef]:
    return [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("app." in ast.unparse(d) for d in node.decorator_list)
    ]


def test_cli_py_holds_declarations_only() -> None:
    """Each command is a signature, a docstring with examples and one call (no branching):
    rules live in cxcs.commands, process concerns in cxcs.entry."""
    path = Path(cxcs.__file__).parent / "cli.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    commands = _commands(tree)
    assert len(commands) >= 12  # control: the commands were found
    for command in commands:
        doc = ast.get_docstring(command) or ""
        assert "Examples:" in doc or command.name == "_root", command.name
        body = command.body[1:]
        assert isinstance(body[-1], ast.Expr) and isinstance(body[-1].value, ast.Call)
        for node in ast.walk(command):
            assert not isinstance(node, CONTROL_FLOW), (command.name, ast.unparse(node))
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 250


@pytest.mark.parametrize("columns", [40, 200])
def test_help_fits_the_terminal(columns: int) -> None:
    """At COLUMNS=40 every --help was wrapped at 50 columns (Click never wraps narrower),
    so a narrow terminal folded each line again; wide, help stays within 80. Only the
    example command lines, which must not be broken, may run longer."""
    limit = min(columns, 80)
    for command in ["", "list", "compare", "classify", "summarize", "map"]:
        done = run_subprocess(*filter(None, [command, "--help"]), env={"COLUMNS": str(columns)})
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert any(line.startswith("Options:") for line in lines)  # control: the help
        long = [line for line in lines if len(line) > limit and not line.startswith("    cxcs ")]
        assert long == [], (command, columns, long)


@pytest.mark.parametrize("how", [("-f", "json"), ("-o", "{tmp}/out.json")], ids=" ".join)
def test_explain_with_json_is_refused_and_says_why(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, how: tuple[str, ...]
) -> None:
    """``--explain -f json`` was accepted and changed nothing: the JSON holds every match
    already. Refused as ``-f csv`` is, saying where the matches are."""
    posting = tmp_path / "posting.txt"
    posting.write_text("Support agent: answer customer tickets by email and chat.\n", "utf-8")
    args = [a.format(tmp=tmp_path) for a in how]
    run = run_cli(capsys, "classify", str(posting), "--explain", *args)
    assert_failed(
        run, 2, "--explain does not apply with --format json: the JSON has every match already "
        "(result.classification.evidence); leave --explain out",
    )  # fmt: skip
    assert not (tmp_path / "out.json").exists()
    assert_failed(
        run_cli(capsys, "classify", str(posting), "--explain", "-f", "json"),
        2, "--explain does not apply with --format json", "usage",
    )  # fmt: skip


@pytest.mark.parametrize(
    "args", [("list", "-V"), ("compare", "cx", "ux", "--version"), ("map", "--show-completion")]
)
def test_an_option_of_cxcs_itself_after_the_command_says_where_it_goes(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    """`cxcs list -V` said only "No such option: -V", as `cxcs -f json list` says where
    -f goes."""
    name = args[-1]
    assert_failed(
        run_cli(capsys, *args, "-f", "json"),
        2,
        f"No such option: {name} here; it goes before the command name: 'cxcs {name}'",
        "usage",
    )


# --------------------------------------------------------------------------- completion

SHELL_SCRIPTS = {
    "bash": "complete -o default -F _cxcs_completion cxcs",
    "zsh": "#compdef cxcs",
    "fish": "complete --command cxcs",
    "powershell": "Register-ArgumentCompleter",
}
"""A line of each shell's completion script that no other shell's script has."""


@pytest.mark.parametrize("shell", SHELL_SCRIPTS)
def test_show_completion_shows_the_shell_named(
    capsys: pytest.CaptureFixture[str], shell: str
) -> None:
    """`cxcs --show-completion zsh` showed the script of the shell cxcs ran in (Typer's flag
    took no shell: "zsh" was read as a command name, never run)."""
    for args in (("--show-completion", shell), (f"--show-completion={shell.upper()}", "list")):
        run = run_cli(capsys, *args)
        assert run.code == 0, run.err
        found = [name for name, line in SHELL_SCRIPTS.items() if line in run.out]
        assert found == [shell]


def test_install_completion_installs_for_the_shell_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cxcs --install-completion zsh` installed bash completion (into ~/.bashrc) when run
    from bash."""
    monkeypatch.setenv("HOME", str(tmp_path))
    run = run_cli(capsys, "--install-completion", "zsh")
    assert run.code == 0, run.err
    assert (tmp_path / ".zfunc" / "_cxcs").is_file()
    assert not (tmp_path / ".bashrc").exists()


def test_an_unknown_shell_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    for flag in ("--show-completion", "--install-completion"):
        assert_failed(
            run_cli(capsys, flag, "zhs"),
            2,
            f"{flag}: unknown shell 'zhs'; did you mean 'zsh'? choose one of: bash, zsh",
        )


def test_png_to_an_output_that_is_a_terminal_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """`cxcs map -f png -o /dev/stdout` on a terminal poured the PNG's bytes (escape
    sequences among them) onto the screen: only stdout itself was checked."""
    import threading

    leader, follower = pty.openpty()
    screen = threading.Thread(target=drain_terminal, args=(leader,), daemon=True)
    screen.start()  # what reaches the terminal is read, so a write cannot block
    try:
        name = os.ttyname(follower)
        run = run_cli(capsys, "map", "-f", "png", "-o", name)
    finally:
        os.close(follower)
    screen.join(timeout=10)
    assert_failed(run, 2, f"png is binary and --output {name} is a terminal; give --output FILE")


@pytest.mark.parametrize("before", [("validate",), ("--kb",)])
def test_a_knowledge_file_given_for_its_directory_names_the_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], before: tuple[str, ...]
) -> None:
    """`cxcs validate my-kb/functions.yaml` said only "not a directory"."""
    overlay = tmp_path / "my-kb"
    overlay.mkdir()
    (overlay / "functions.yaml").write_text("functions: {}\n", encoding="utf-8")
    named = str(overlay / "functions.yaml")
    args = (*before, named) if before == ("validate",) else (*before, named, "list")
    said = f"{named}: not a directory; give the directory that holds it: '{overlay}'"
    assert_failed(run_cli(capsys, *args), 2, said)
