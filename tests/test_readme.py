"""The README's Python example runs, and its opening commands are the ones CI runs."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


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
    """Every line of the README's classify example appears in what the command prints now."""
    from cxcs.engine.classify import classify
    from cxcs.knowledge.load import load_knowledge
    from cxcs.render.markdown import render
    from cxcs.render.reports import classify_report

    posting = ROOT / "examples" / "postings" / "success-title-support-duties.txt"
    kb = load_knowledge()
    actual = render(classify_report(kb, classify(kb, posting.read_text(encoding="utf-8"))))
    shown = README.split("```markdown\n", 1)[1].split("```", 1)[0]
    for line in shown.splitlines():
        if line and line != "| … | | | | |":
            assert line in actual.splitlines(), line


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
