"""Helpers shared by the test modules: CLI runners (in-process, subprocess, shell, terminal),
failure assertions, row writers, broken knowledge copies and output parsers.

Plain functions (not fixtures) so test modules can import them without shadowing fixtures.
"""

from __future__ import annotations

import io
import json
import os
import pty
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from markdown_it import MarkdownIt

import cxcs
from cxcs.cli import main
from cxcs.knowledge.load import data_dir
from tests.conftest import ENV_NOISE, load_samples

KB_FILES = ("functions.yaml", "metrics.yaml")
"""What a complete knowledge directory needs (signals.yaml is optional, so not copied)."""

REPO = Path(__file__).resolve().parents[1]
OVERLAY = REPO / "examples" / "overlay"
HOLDOUT = str(REPO / "tests" / "holdout" / "postings.jsonl")
POSTING = (
    "Customer Support Specialist\n"
    "Answer customer tickets by email, chat and phone; troubleshoot product issues, "
    "reproduce bugs and escalate them to engineering; keep our help-centre articles current "
    "and meet our first-response SLAs.\n"
)
"""A plain support posting whose first line is its title."""
ANSI = re.compile(r"\x1b\[")
Table = tuple[list[str], list[list[str]]]


@dataclass
class Run:
    """What one CLI invocation produced."""

    code: int
    out: str
    err: str


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    """Run ``cxcs ARGS`` in-process and return its exit status, stdout and stderr."""
    capsys.readouterr()
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code
    else:
        pytest.fail("cxcs.cli.main returned instead of raising SystemExit")
    captured = capsys.readouterr()
    code = 0 if code is None else code
    assert isinstance(code, int), f"exit status must be an int, got {code!r}"
    return Run(code, captured.out, captured.err)


def run_subprocess(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m cxcs ARGS`` in a fresh interpreter (real exit codes, real pipes)."""
    return subprocess.run(
        cxcs_argv(*args),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=subprocess_env(env),
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


def copy_kb(target: Path) -> Path:
    """A private, complete copy of the shipped knowledge files in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in KB_FILES:
        shutil.copyfile(data_dir() / name, target / name)
    return target


def line_number(text: str, needle: str, start: int = 0) -> int:
    """1-based number of the line holding the first ``needle`` at or after offset ``start``."""
    index = text.index(needle, start)
    return text.count("\n", 0, index) + 1


def block(text: str, function_id: str) -> tuple[int, int]:
    """Offsets of one function's block in functions.yaml: from its key to the next sibling."""
    start = text.index(f"\n  {function_id}:\n") + 1
    after = re.compile(r"^ {0,2}\S", re.MULTILINE).search(text, text.index("\n", start) + 1)
    return start, after.start() if after else len(text)


def cxcs_argv(*args: str) -> list[str]:
    """The command line that runs ``cxcs ARGS`` in a fresh interpreter."""
    return [sys.executable, "-m", "cxcs", *args]


def subprocess_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a cxcs subprocess: this one without ENV_NOISE, plus ``env``."""
    base = {k: v for k, v in os.environ.items() if k not in ENV_NOISE}
    return {**base, **(env or {})}


def assert_failed(run: Run, code: int, message: str, error_code: str | None = None) -> None:
    """One ``cxcs: error:`` line holding ``message``, exit ``code``, no traceback; with
    ``error_code``, stdout is exactly one JSON error document carrying the same message."""
    assert run.code == code, (run.code, run.out[:500], run.err[-2000:])
    assert "Traceback" not in run.err
    assert all(line.startswith("cxcs: ") for line in run.err.splitlines()), run.err
    errors = [line for line in run.err.splitlines() if line.startswith("cxcs: error: ")]
    assert len(errors) == 1, run.err
    assert message in errors[0], (message, errors[0])
    if error_code is None:
        return
    document = json.loads(run.out)  # one document and nothing else, or this raises
    assert set(document) == {"schema_version", "tool", "error"}
    assert document["schema_version"] == 1
    assert document["tool"] == {"name": "cxcs", "version": cxcs.__version__}
    assert document["error"]["code"] == error_code
    one_line = document["error"]["message"].replace("\n", "\\n")  # as stderr shows it
    assert errors[0] == f"cxcs: error: {one_line}"


def run_with_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: bytes, *args: str
) -> Run:
    """``run_cli`` with ``data`` as piped (not terminal) stdin."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    return run_cli(capsys, *args)


def completed(done: subprocess.CompletedProcess[str]) -> Run:
    return Run(done.returncode, done.stdout, done.stderr)


def run_shell(script: str, *args: str, shell: str = "sh", timeout: float = 60) -> Run:
    """Run ``sh -c SCRIPT sh ARGS`` (``"$@"`` is the cxcs command line), e.g. to close a fd."""
    done = subprocess.run(
        [shell, "-c", script, shell, *cxcs_argv(*args)],
        capture_output=True, text=True, encoding="utf-8", errors="replace",
        env=subprocess_env(), timeout=timeout, check=False,
    )  # fmt: skip
    return completed(done)


def write_rows(path: Path, rows: list[bytes]) -> Path:
    path.write_bytes(b"".join(rows))
    return path


def good_rows(count: int) -> list[bytes]:
    """``count`` JSONL rows of real postings (the labelled samples, repeated)."""
    samples = load_samples()
    return [
        json.dumps({"id": f"r{i}", "text": samples[i % len(samples)]["description"]}).encode()
        + b"\n"
        for i in range(count)
    ]


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def colour_codes(text: str) -> set[str]:
    """SGR parameters that set a colour (30-38, 40-48, 90-97, 100-107), not bold or dim."""
    codes = set()
    for params in SGR.findall(text):
        for code in filter(None, params.split(";")):
            value = int(code)
            if 30 <= value <= 38 or 40 <= value <= 48 or 90 <= value <= 97 or 100 <= value <= 107:
                codes.add(code)
    return codes


def on_a_terminal(*args: str, env: dict[str, str], cwd: Path | None = None) -> str:
    """Run ``python -m cxcs ARGS`` (in ``cwd``) with stdout on a pseudo-terminal; return what
    it printed."""
    base = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR", "TERM"}}
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        cxcs_argv(*args),
        stdout=follower, stderr=subprocess.DEVNULL, env={**base, "TERM": "xterm-256color", **env},
        cwd=cwd,
    )  # fmt: skip
    os.close(follower)
    text = drain_terminal(leader)
    assert process.wait(timeout=60) == 0
    return text


def typed_on_a_terminal(*args: str, typed: bytes, wait: float = 0.5) -> Run:
    """Run ``python -m cxcs ARGS`` with stdin a pseudo-terminal on which ``typed`` is typed
    (after ``wait`` seconds: what cxcs says before reading comes first)."""
    import time

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        cxcs_argv(*args), stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=subprocess_env(),
    )  # fmt: skip
    os.close(follower)
    time.sleep(wait)
    os.write(leader, typed)
    try:
        out, err = process.communicate(timeout=60)
    finally:
        os.close(leader)
    return Run(process.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def drain_terminal(leader: int) -> str:
    """Read a pseudo-terminal's leader side until the child closes it; close it; the text."""
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def _is_br(token: Any) -> bool:
    return token.type == "html_inline" and re.fullmatch(r"<br\s*/?>", token.content) is not None


def _inline_text(token: Any) -> str:
    """The text a reader sees in an inline token, with <br> read back as a newline."""
    parts = []
    for child in token.children or ():
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"} or _is_br(child):
            parts.append("\n")
        elif child.type == "html_inline":
            parts.append(child.content)
    return "".join(parts)


def markdown_tables(text: str) -> list[Table]:
    """Every table in ``text`` as (header cells, body rows), parsed by markdown-it."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    tables: list[Table] = []
    header: list[str] = []
    rows: list[list[str]] = []
    row: list[str] = []
    section = ""
    for token in tokens:
        if token.type == "table_open":
            header, rows = [], []
        elif token.type in {"thead_open", "tbody_open"}:
            section = token.type
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and section:
            row.append(_inline_text(token))
        elif token.type == "tr_close":
            if section == "thead_open":
                header = row
            else:
                rows.append(row)
        elif token.type == "table_close":
            tables.append((header, rows))
            section = ""
    return tables


def markdown_seen(text: str) -> str:
    """The text a reader of rendered markdown sees (escapes and entities resolved, <br> as a
    line break), one line per block."""
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    return "\n".join(_inline_text(t) for t in tokens if t.type == "inline")


MARKUP_TOKENS = frozenset(
    {
        "link_open", "image", "em_open", "strong_open", "code_inline", "s_open", "html_inline",
        "html_block", "heading_open", "bullet_list_open", "ordered_list_open", "hr", "fence",
        "code_block", "blockquote_open",
    }
)  # fmt: skip
"""Tokens that make markdown more than text: links, images, emphasis, code, strikethrough,
raw HTML, headings, lists, rules, quotes."""


def markdown_markup(text: str) -> list[str]:
    """Every markup token markdown-it (CommonMark, GFM tables and strikethrough) finds in
    ``text``, as ``type`` (``html_inline`` with its tag), in document order; ``<br>`` not
    counted."""
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    found: list[str] = []
    stack = list(reversed(tokens))
    while stack:
        token = stack.pop()
        stack.extend(reversed(token.children or ()))
        if token.type not in MARKUP_TOKENS or _is_br(token):
            continue
        found.append(f"{token.type} {token.content}" if "html" in token.type else token.type)
    return found


def read_records(text: str) -> list[dict[str, Any]]:
    """The JSON records of JSONL output (which must end with a newline)."""
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def require(ok: bool, what: str) -> None:
    """Skip the calling test when ``ok`` is false (``what`` is missing), or fail it in CI.

    CI (``.ci/run``) installs every tool a test needs and sets ``CXCS_REQUIRE_ALL_TESTS=1``,
    so there a missing tool is a failure, never a silent skip.
    """
    if ok:
        return
    if os.environ.get("CXCS_REQUIRE_ALL_TESTS") == "1":
        pytest.fail(f"{what} (CXCS_REQUIRE_ALL_TESTS=1: CI must install it)")
    pytest.skip(what)


def shared_path(*parts: str) -> Path:
    """A path in the shared development data (``$CXCS_SHARED``, else ``../shared`` beside the
    repository): skips the calling test when it is missing, or fails it in CI."""
    base = os.environ.get("CXCS_SHARED")
    target = (Path(base) if base else REPO.parent / "shared").joinpath(*parts)
    require(target.exists(), f"shared development data not found: {'/'.join(parts)}")
    return target


def has_module(name: str) -> bool:
    """Whether ``name`` can be imported here (without importing it; a submodule such as
    ``dask.dataframe`` whose package is missing is not, rather than an error)."""
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def need(module: str) -> ModuleType:
    """The optional dependency ``module``, imported: the calling test skips without it, or
    fails in CI (see :func:`require`)."""
    import importlib

    require(has_module(module), f"{module} is not installed (pip install -e '.[test,scale-test]')")
    return importlib.import_module(module)


def run_cli_plain(*args: str) -> tuple[int, str, str]:
    """``cxcs ARGS`` in-process without pytest fixtures (for hypothesis tests): exit status,
    stdout and stderr."""
    import contextlib

    out, err = io.StringIO(), io.StringIO()
    code: Any = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code
    return (0 if code is None else int(code)), out.getvalue(), err.getvalue()
