"""The README's examples are real: the Python example runs, each command example shows what
the command prints now (so none can go stale), and its opening commands are the ones CI runs."""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import re
import shlex
from pathlib import Path

import pytest

from tests.support import on_a_terminal, run_subprocess, shared_path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
"""Terminal control sequences (CSI, OSC), removed to compare a screen with the README."""

DIGEST = re.compile(r"\b[0-9a-f]{12,}\b")


def test_readme_python_example_runs() -> None:
    block = re.search(r"```python\n(.*?)```", README, re.S)
    assert block is not None
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(block.group(1), "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    lines = out.getvalue().splitlines()
    assert lines[1].startswith("support confident")
    assert lines[1].endswith("True")


def test_readme_opens_with_install_and_test_commands() -> None:
    first_block = README.split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert first_block[0].endswith("pip install . && cxcs compare cx cs")
    assert first_block[1] == "pip install -e '.[test]' && pytest"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install --quiet -e '.[test]' && pytest" in ci


def test_readme_classify_example_is_real_output() -> None:
    """The classify example is what the command prints now: its warning on stderr and, line
    for line, its markdown report on stdout."""
    argv, console = _console_example("cxcs classify examples/postings/")
    done = run_subprocess(*argv[1:], cwd=ROOT)
    assert done.returncode == 0, done.stderr
    _assert_shows(console, done.stderr)
    _assert_shows(_fenced_after(argv, "markdown"), done.stdout)


@pytest.mark.parametrize(
    "command",
    [
        "cxcs compare success support --axes",
        "cxcs validate examples/overlay",
        "cxcs map",
    ],
)
def test_readme_terminal_examples_are_real_output(command: str) -> None:
    """A terminal example shows, line for line, what the command prints on an 80-column
    terminal (run on a pseudo-terminal, colours off)."""
    argv, console = _console_example(command)
    screen = on_a_terminal(*argv[1:], env={"COLUMNS": "80", "NO_COLOR": "1"}, cwd=ROOT)
    screen = ESCAPE.sub("", screen).replace("\r\n", "\n")
    _assert_shows(console, screen)


def test_readme_overlay_compare_example_is_real_output() -> None:
    """The overlay comparison in markdown is, line for line, what the command prints."""
    argv, console = _console_example("cxcs --kb examples/overlay compare")
    assert console == ""  # its output is the markdown block after it
    done = run_subprocess(*argv[1:], cwd=ROOT)
    assert done.returncode == 0, done.stderr
    _assert_shows(_fenced_after(argv, "markdown"), done.stdout)


def test_readme_journey_table_is_real_output() -> None:
    """The journey example's table is, row for row, the first table the command prints."""
    argv, console = _console_example("cxcs journey cx success")
    assert console == ""  # its table is rendered after the block
    done = run_subprocess(*argv[1:], cwd=ROOT)
    assert done.returncode == 0, done.stderr
    after = README.split("```console\n$ " + shlex.join(argv) + "\n", 1)[1].split("```\n", 1)[1]
    table = after.lstrip("\n").split("\n\n", 1)[0]
    assert table.startswith("| stage |")
    _assert_shows("…\n" + table + "\n…", done.stdout)


def test_readme_batch_summary_is_a_real_run_on_the_dev_set(tmp_path: Path) -> None:
    """The batch summary line is the one a run on the shared development set ends with (the
    README gives only counts from it, never its text)."""
    dev = shared_path("eval", "jobs-dev.jsonl")
    shown = README.split("```text\n  cxcs: classified ", 1)[1].split("\n", 1)[0]
    assert "../shared/eval/jobs-dev.jsonl" in README.split("cxcs: classified ", 1)[0][-1500:]
    done = run_subprocess("classify", "--batch", str(dev), "-o", str(tmp_path / "labels.jsonl"))
    assert done.returncode == 0, done.stderr[-2000:]
    summary = [line for line in done.stderr.splitlines() if line.startswith("cxcs: classified ")]
    assert summary == ["cxcs: classified " + shown]


def _console_example(command: str) -> tuple[list[str], str]:
    """The README ``console`` example whose command starts with ``command``: its argv and
    the text shown after it (up to the next command or the end of the block)."""
    blocks = re.findall(r"```console\n(.*?)```", README, re.S)
    for body in blocks:
        for chunk in ("\n" + body).split("\n$ ")[1:]:
            line, _, shown = chunk.partition("\n")
            if line.startswith(command):
                return shlex.split(line), shown
    raise AssertionError(f"no README example runs {command!r}")


def _fenced_after(argv: list[str], fence: str) -> str:
    """The ``fence`` block that follows the console example running ``argv``."""
    after = README.split("$ " + shlex.join(argv) + "\n", 1)[1].split("```\n", 1)[1]
    assert after.lstrip("\n").startswith(f"```{fence}\n"), after[:200]
    return after.split(f"```{fence}\n", 1)[1].split("```", 1)[0]


def _normal(line: str) -> str:
    """A line as compared: trailing spaces dropped, sha256 digests (which change with every
    knowledge edit) compared as digests rather than digits."""
    return DIGEST.sub("<sha256>", line.rstrip())


def _assert_shows(shown: str, actual: str) -> None:
    """``shown`` is ``actual``, line for line; a line that is just ``…`` stands for lines
    left out (so an example may be an excerpt, but says so)."""
    want = [_normal(line) for line in shown.rstrip("\n").splitlines()]
    have = [_normal(line) for line in actual.rstrip("\n").splitlines()]
    parts: list[list[str]] = [[]]
    for line in want:
        if line == "…":
            parts.append([])
        else:
            parts[-1].append(line)
    if len(parts) == 1:
        diff = difflib.unified_diff(want, have, "README", "real output", lineterm="")
        assert want == have, "\n".join(diff)
        return
    position = 0
    for index, lines in enumerate(parts):
        if not lines:
            continue
        found = next(
            (
                i
                for i in range(position, len(have) - len(lines) + 1)
                if have[i : i + len(lines)] == lines
            ),
            None,
        )
        assert found is not None, "README lines not in the real output:\n" + "\n".join(lines)
        if index == 0:
            assert found == 0, "the README example does not start where the output does"
        if index == len(parts) - 1:
            assert found + len(lines) == len(have), "the output goes on after the README example"
        position = found + len(lines)


def test_readme_lists_every_batch_error_code() -> None:
    """The README's list of ``error_code`` values is the one the code can write."""
    from cxcs.records import ERROR_CODES

    sentence = README.split("`error_code` is one of ", 1)[1].split("(`cxcs.records", 1)[0]
    assert re.findall(r"`(\w+)`", sentence) == list(ERROR_CODES)


def _console_block(command: str) -> list[str]:
    """The lines the README shows under ``$ COMMAND`` in a console block."""
    shown = README.split(f"```console\n$ {command}\n", 1)[1].split("```", 1)[0]
    return [line for line in shown.splitlines() if not line.startswith("(notes:")]


def _at_80_columns(renderable: object) -> list[str]:
    from rich.console import Console

    console = Console(width=80, file=io.StringIO(), color_system=None, record=True)
    console.print(renderable)
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_readme_terminal_examples_are_real_output_at_80_columns() -> None:
    """The compare and map pictures in the README are what a terminal of 80 columns shows
    now, line for line (the compare example elides its notes)."""
    from cxcs.engine.compare import compare_pair
    from cxcs.engine.placement import place
    from cxcs.knowledge.load import load_knowledge
    from cxcs.render.chart import picture
    from cxcs.render.reports import compare_report
    from cxcs.render.table import renderables

    kb = load_knowledge()
    axes = "proactivity,relationship,level,timing,scope,journey_stages"
    shown = _console_block(f"cxcs compare success support --axes {axes}")
    pair = compare_pair(kb, "success", "support", axes.split(","))
    actual = [
        line for part in renderables(compare_report(kb, pair)) for line in _at_80_columns(part)
    ]
    assert [line.rstrip() for line in shown] == actual[: len(shown)]
    shown = _console_block("cxcs map")
    actual = _at_80_columns(picture(place(kb), kb))
    assert [line.rstrip() for line in shown] == actual[: len(shown)]


def test_the_map_picture_in_the_readme_is_what_cxcs_draws_now(tmp_path: Path) -> None:
    """docs/img/map.svg (shown in the README) is ``cxcs map -o map.svg``'s output, digests
    aside; regenerate it with that command after changing the knowledge or the chart."""
    from tests.support import run_subprocess

    drawn = tmp_path / "map.svg"
    done = run_subprocess("map", "-o", str(drawn), "-q")
    assert done.returncode == 0, done.stderr
    shipped = (ROOT / "docs" / "img" / "map.svg").read_text(encoding="utf-8")
    short = re.compile(r"sha256 [0-9a-f]{12}")
    normal = [short.sub("sha256 <digest>", _normal(line)) for line in shipped.splitlines()]
    actual = drawn.read_text(encoding="utf-8").splitlines()
    assert normal == [short.sub("sha256 <digest>", _normal(line)) for line in actual]


def test_readme_validate_example_is_real_output(tmp_path: Path) -> None:
    """The README's `cxcs validate my-kb` example (an alias in capitals on line 3, keys out
    of order on line 6) and the one line another command gives for that overlay are what
    cxcs prints: neither was checked."""
    overlay = tmp_path / "my-kb"
    overlay.mkdir()
    (overlay / "functions.yaml").write_text(
        "functions:\n  cx:\n    aliases: [Customer Xperience]\n"
        "  ux:\n    summary: x\n  success:\n    summary: y\n",
        encoding="utf-8",
    )
    argv, shown = _console_example("cxcs validate my-kb")
    done = run_subprocess(*argv[1:], cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    _assert_shows(shown, done.stderr)
    said = re.search(r"`(cxcs: error: my-kb/functions\.yaml:3: alias \.\.\. [^`]*)`", README)
    assert said is not None
    start, end = said.group(1).split(" ... ")
    other = run_subprocess("--kb", "my-kb", "list", cwd=tmp_path)
    assert other.returncode == 1
    assert other.stderr.startswith(start) and other.stderr.rstrip("\n").endswith(end)
