"""Every output format, checked by parsing it back (markdown-it, json, csv, html.parser)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cxcs
import cxcs.output
from cxcs.engine.compare import compare_many, compare_pair
from cxcs.models.compare import PairComparison
from cxcs.models.knowledge import Knowledge
from cxcs.models.matrix import MatrixComparison
from cxcs.render import csv as csv_renderer
from cxcs.render import html as html_renderer
from cxcs.render import json as json_renderer
from cxcs.render import markdown as markdown_renderer
from cxcs.render.view import Column, Report, TableBlock, cell_text
from tests.support import POSTING, markdown_tables, run_cli

COMMANDS = [
    ("list",),
    ("show", "cx"),
    ("compare", "cx", "cs"),
    ("compare", "cx", "success", "ux"),
    ("axes",),
    ("metrics",),
    ("metrics", "success"),
    ("metric", "nps"),
    ("validate",),
]
IDS = [" ".join(c) for c in COMMANDS]


# --------------------------------------------------------------------------- helpers


def expected_cell(value: str | float | None) -> str:
    """What a markdown cell reads as: each line trimmed (tables trim cell edges)."""
    return "\n".join(line.strip() for line in cell_text(value).split("\n"))


def capture_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[Report, str]:
    """Run a command in-process and return the Report it rendered and its stdout."""
    seen: list[Report] = []
    original = cxcs.output.emit

    def spy(report: Report, fmt: str, output: Any) -> None:
        seen.append(report)
        original(report, fmt, output)

    monkeypatch.setattr(cxcs.output, "emit", spy)
    run = run_cli(capsys, *args)
    assert run.code == 0, run.err
    assert len(seen) == 1
    return seen[0], run.out


def hand_report(rows: list[list[str | float | None]], title: str = "Hand-made") -> Report:
    meta = {"tool_version": cxcs.__version__,
            "knowledge": {"version": "test", "sha256": "0" * 64, "files": []}}  # fmt: skip
    table = TableBlock("Block | title", [Column("first | col"), Column("second")], rows)
    return Report("test", title, [table], {"rows": rows}, meta, notes=["a note | with pipe"])


# --------------------------------------------------------------------------- markdown


@pytest.mark.parametrize("args", COMMANDS, ids=IDS)
def test_markdown_parses_into_the_report_tables(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    report, out = capture_report(monkeypatch, capsys, *args, "--format", "markdown")
    tables = markdown_tables(out)
    assert tables, out
    assert len(tables) == len(report.tables)
    for (header, rows), block in zip(tables, report.tables, strict=True):
        assert header == [c.header for c in block.columns]
        assert len(rows) == len(block.rows)
        for parsed, source in zip(rows, block.rows, strict=True):
            assert parsed == [expected_cell(v) for v in source]


def test_compare_markdown_opens_with_the_summary_then_one_row_per_scored_axis(
    kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(capsys, "compare", "cx", "cs", "-f", "markdown")
    (_, summary), (header, rows), (_, context) = markdown_tables(run.out)
    assert [r[0] for r in summary] == [
        "similarity",
        "umbrella",  # success sits under CX's umbrella
        "biggest differences",
        "shared ground",
        "disputes",
    ]
    assert header[:3] == ["axis", kb.functions["cx"].name, kb.functions["success"].name]
    scored = [a for a in kb.axes if a.kind != "text"]
    assert [r[0] for r in rows] == [a.name for a in scored]
    assert [r[0] for r in context] == [a.name for a in kb.axes if a.kind == "text"]
    verdicts = [r.verdict for r in compare_pair(kb, "cx", "success").axes if r.verdict]
    assert [r[header.index("verdict")].removeprefix("⚠ ").split()[0] for r in rows] == verdicts
    assert run.out.index("## Summary") < run.out.index("## Axis by axis")


def test_matrix_markdown_has_one_row_per_axis_and_one_per_pair(
    kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(capsys, "compare", "cx", "success", "ux", "-f", "md")
    (_, summary), (_, pairs), (header, rows) = markdown_tables(run.out)
    assert [r[0] for r in summary] == ["most alike", "least alike", "umbrella", "disputes"]
    assert header == ["axis", *(kb.functions[f].name for f in ("cx", "success", "ux"))]
    assert [r[0] for r in rows] == [a.name for a in kb.axes]
    assert len(pairs) == 3
    matrix = compare_many(kb, ["cx", "success", "ux"])
    assert [float(p[2].split()[0].rstrip(",")) for p in pairs] == [
        pytest.approx(s.similarity, abs=0.05) for s in matrix.similarities
    ]


def test_real_text_survives_markdown(kb: Knowledge, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "metric", "nps", "-f", "markdown")
    [(_, rows)] = markdown_tables(run.out)
    fields = {r[0]: r[1] for r in rows}
    assert fields["formula"] == kb.metrics["nps"].formula
    assert fields["definition"] == kb.metrics["nps"].definition


def test_pipe_and_newline_in_a_cell_survive_markdown() -> None:
    text = "left | right\nsecond line with a back\\slash\nthird \\| line"
    report = hand_report([[text, "plain"], ["a|b|c", "x\ny"]], title="Title | pipe")
    [(header, rows)] = markdown_tables(markdown_renderer.render(report))
    assert header == ["first | col", "second"]
    assert rows == [[text, "plain"], ["a|b|c", "x\ny"]]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet="ab |\\\n-.,:", max_size=30), min_size=2, max_size=2).map(
        lambda cells: [cells]
    )
)
def test_any_pipes_backslashes_and_newlines_survive_markdown(rows: list[list[str]]) -> None:
    report = hand_report(rows)  # type: ignore[arg-type]
    [(_, parsed)] = markdown_tables(markdown_renderer.render(report))
    assert parsed == [[expected_cell(v) for v in rows[0]]]


# --------------------------------------------------------------------------- json


@pytest.mark.parametrize("args", COMMANDS, ids=IDS)
def test_json_envelope(
    kb: Knowledge, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    run = run_cli(capsys, *args, "--format", "json")
    assert run.code == 0, run.err
    document = json.loads(run.out)
    assert document["schema_version"] == 1
    assert document["tool"] == {"name": "cxcs", "version": cxcs.__version__}
    assert document["knowledge"]["version"] == kb.origin.version
    assert re.fullmatch(r"[0-9a-f]{64}", document["knowledge"]["sha256"])
    assert document["knowledge"]["sha256"] == kb.origin.sha256
    assert document["command"] == args[0]
    assert isinstance(document["result"], dict) and document["result"]


def test_json_compare_round_trips_into_the_result_model(
    kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    pair = json.loads(run_cli(capsys, "compare", "cx", "cs", "-f", "json").out)
    assert PairComparison.model_validate(pair["result"]["comparison"]) == compare_pair(
        kb, "cx", "success"
    )
    matrix = json.loads(run_cli(capsys, "compare", "cx", "success", "ux", "-f", "json").out)
    assert MatrixComparison.model_validate(matrix["result"]["comparison"]) == compare_many(
        kb, ["cx", "success", "ux"]
    )


def test_json_keeps_hand_made_text_exactly() -> None:
    text = 'quote " back\\slash | pipe\nnewline ⚠ <tag>'
    document = json.loads(json_renderer.render(hand_report([[text, None]])))
    assert document["result"] == {"rows": [[text, None]]}


# --------------------------------------------------------------------------- csv


@pytest.mark.parametrize("args", COMMANDS, ids=IDS)
def test_csv_has_the_header_and_every_row(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    kb: Knowledge,
    args: tuple[str, ...],
) -> None:
    report, out = capture_report(monkeypatch, capsys, *args, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    headers = [c.header for c in report.primary.columns]
    versions = [cxcs.__version__, kb.origin.version, kb.origin.sha256]
    if "tool_version" in headers:  # classify's row carries them already
        assert rows[0] == headers
        assert rows[1][-3:] == versions
        return
    assert rows[0] == [*headers, "tool_version", "kb_version", "kb_sha256"]
    assert rows[1:] == [[cell_text(v) for v in row] + versions for row in report.primary.rows]


def test_every_csv_row_carries_the_tool_and_knowledge_versions(
    kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON carries the versions once; CSV on every row, as the batch CSV does."""
    for args in (
        ("compare", "cx", "ux"),
        ("compare", "cx", "success", "ux"),
        ("map",),
        ("journey",),
        ("list",),
        ("axes",),
    ):
        rows = list(csv.DictReader(io.StringIO(run_cli(capsys, *args, "-f", "csv").out)))
        assert rows, args
        for row in rows:
            assert row["tool_version"] == cxcs.__version__, args
            assert row["kb_version"] == kb.origin.version, args
            assert row["kb_sha256"] == kb.origin.sha256, args


def test_csv_compare_has_one_row_per_axis(
    kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = list(csv.reader(io.StringIO(run_cli(capsys, "compare", "cx", "ux", "-f", "csv").out)))
    assert rows[0][:8] == ["axis", "kind", "cx", "ux", "verdict", "disputed", "score", "practice"]
    assert [r[0] for r in rows[1:]] == [a.id for a in kb.axes]
    practice = {r[0]: r[7] for r in rows[1:]}
    assert practice["metrics"] == "†"  # UX metrics are practitioner knowledge


def test_csv_keeps_commas_quotes_and_newlines() -> None:
    text = 'a, "quoted" | b\nnext line'
    rows = list(
        csv.reader(io.StringIO(csv_renderer.render(hand_report([[text, 0.5]])), newline=""))
    )
    assert rows == [
        ["first | col", "second", "tool_version", "kb_version", "kb_sha256"],
        [text, "0.50", cxcs.__version__, "test", "0" * 64],
    ]


# --------------------------------------------------------------------------- html


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.title = ""
        self._in: str | None = None
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag in {"td", "th", "title"}:
            self._in = tag
            if tag != "title":
                self.cells.append("")
        elif tag == "br" and self._in in {"td", "th"}:
            self.cells[-1] += "\n"

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in:
            self.cells[-1] += data


@pytest.mark.parametrize(
    "args", [("compare", "cx", "cs"), ("compare", "cx", "success", "ux"), ("show", "ux")]
)
def test_html_is_a_standalone_page(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    run = run_cli(capsys, *args, "--format", "html")
    assert run.code == 0, run.err
    page = run.out
    assert page.lower().startswith("<!doctype html>")
    assert page.rstrip().endswith("</html>")
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=|@import|<link""", page, re.IGNORECASE)
    parser = _Cells()
    parser.feed(page)
    assert {"html", "head", "body", "table", "style", "title"} <= parser.tags


class _Shell(HTMLParser):
    """The parts of a page the shared shell makes: the ``<head>`` (without the title's
    text), the stylesheet, the header and footer text, and the tags of the body."""

    def __init__(self) -> None:
        super().__init__()
        self.head: list[object] = []
        self.style = self.header = self.footer = ""
        self.body: list[tuple[str, dict[str, str | None]]] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if "head" in self._open:
            self.head.append((tag, attrs))
        if "body" in self._open:
            self.body.append((tag, dict(attrs)))
        if tag not in {"meta", "br"}:
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if "style" in self._open:
            self.style += data
        elif "header" in self._open:
            self.header += data
        elif "footer" in self._open:
            self.footer += data
        elif "head" in self._open and "title" not in self._open:
            self.head.append(data)


def test_every_html_output_is_one_document_shell(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """list, show, classify, summarize, a matrix compare, the compare report and the map
    page: the same head and stylesheet, a header and a footer with the tool and knowledge
    versions; compare keeps its report body (summary, axes, footnotes) inside."""
    posting = tmp_path / "posting.txt"
    posting.write_text(POSTING, encoding="utf-8")
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"id": "1", "text": POSTING}) + "\n", encoding="utf-8")
    labels = tmp_path / "labels.csv"
    assert run_cli(capsys, "classify", "--batch", str(rows), "-o", str(labels)).code == 0
    commands = {
        "list": ("list",),
        "show": ("show", "ux"),
        "classify": ("classify", str(posting), "--explain"),
        "summarize": ("summarize", str(labels)),
        "matrix": ("compare", "cx", "success", "ux"),
        "report": ("compare", "success", "support"),
        "map": ("map",),
    }
    pages = {}
    for name, args in commands.items():
        run = run_cli(capsys, *args, "-f", "html")
        assert run.code == 0, (name, run.err)
        assert run.out.startswith("<!doctype html>\n") and run.out.endswith("</html>\n")
        pages[name] = _Shell()
        pages[name].feed(run.out)
    first = pages["list"]
    assert first.style.strip() and first.head
    versions = rf"cxcs {re.escape(cxcs.__version__)} · knowledge \S+ · sha256 [0-9a-f]{{64}}"
    for name, page in pages.items():
        assert page.head == first.head, name
        assert page.style == first.style, name
        assert re.fullmatch(versions, page.footer), (name, page.footer)
        if name != "map":  # the chart draws its own title
            assert page.header.strip(), name
    report = {attrs.get("id") for _, attrs in pages["report"].body}
    assert {"summary", "axes", "similarity"} <= report
    assert any(attrs.get("class") == "verdict v-far" for _, attrs in pages["report"].body)
    assert "svg" in {tag for tag, _ in pages["map"].body}


def test_html_escapes_markup_in_text() -> None:
    evil = "<script>alert(1)</script> & <b>bold</b>\nline two"
    page = html_renderer.render(hand_report([[evil, "x < y"]], title="<i>title</i>"))
    assert "<script" not in page.lower()
    assert "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;" in page
    parser = _Cells()
    parser.feed(page)
    assert parser.title == "<i>title</i>"
    assert evil in parser.cells
    assert "x < y" in parser.cells


@pytest.mark.parametrize("names", [("cx", "cs"), ("cx", "success", "ux")], ids=" ".join)
def test_only_json_dumps_the_comparison(
    kb: Knowledge, names: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dumping the result models is the JSON payload's job: the other formats never pay
    for it (start-up), and JSON still carries the whole comparison."""
    from cxcs import commands
    from cxcs.views import VIEWS

    outcome = commands.compare(kb, *names)
    expected = outcome.result.model_dump(mode="json")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the result was dumped")

    monkeypatch.setattr(type(outcome.result), "model_dump", refuse)
    build = VIEWS["compare"].report
    assert build is not None
    report = build(outcome)
    for fmt in ("markdown", "csv", "html", "table"):
        assert cxcs.output.render(report, fmt)
    monkeypatch.undo()
    assert json.loads(cxcs.output.render(report, "json"))["result"]["comparison"] == expected


# --------------------------------------------------------------------------- terminal tables

ROOT = Path(__file__).resolve().parents[1]
OVERLAY = str(ROOT / "examples" / "overlay")
SUCCESS_TITLE = str(ROOT / "examples" / "postings" / "success-title-support-duties.txt")


def _similarities(data: dict[str, Any]) -> list[str]:
    comparison = data["comparison"]
    pairs = comparison.get("similarities") or [comparison]
    return [_one_decimal(p["similarity"]) for p in pairs]


def _one_decimal(value: float) -> str:
    """A similarity as the table shows it: one decimal, '<0.1' for a small one not 0."""
    shown = f"{value:.1f}"
    return "<0.1" if shown == "0.0" and value > 0 else shown


def _at_a_half(value: float) -> bool:
    """Whether ``value``, as JSON gives it (4 decimals), ends in 5 at the third: the table
    rounds the unrounded number, which may round either way (0.29503 shows as 0.30, its
    JSON 0.295 formats as 0.29)."""
    return abs(round(value * 10000)) % 100 == 50


def _classified(data: dict[str, Any]) -> list[str]:
    result = data["classification"]
    return [
        *(f"{e['start']}-{e['end']}" for e in result["evidence"]),
        *(f"{e['weight']:+.2f}" for e in result["evidence"] if not _at_a_half(e["weight"])),
        *(f"{s['score']:.2f}" for s in result["scores"]),
        *(f"{s['raw']:.2f}" for s in result["scores"]),
        *(s["function"] for s in result["scores"]),
        str(result["words"]),
    ]


def _shown(data: dict[str, Any]) -> list[str]:
    function = data["function"]
    values = [c["value"] for c in function["cells"].values() if isinstance(c["value"], str)]
    return [function["abbreviation"], *(v for v in values if " " not in v)]


TERMINAL_COMMANDS: dict[str, tuple[tuple[str, ...], Any]] = {
    "list": (("list",), lambda d: [f["id"] for f in d["functions"]]),
    "overlay list": (("--kb", OVERLAY, "list"), lambda d: [f["id"] for f in d["functions"]]),
    "show cx": (("show", "cx"), _shown),
    "axes": (("axes",), lambda d: [a["id"] for a in d["axes"]]),
    "metrics": (("metrics",), lambda d: [m["id"] for m in d["metrics"]]),
    "metrics success": (("metrics", "success"), lambda d: [m["id"] for m in d["metrics"]]),
    "metric nps": (("metric", "nps"), lambda d: [d["metric"]["id"]]),
    "journey": (("journey",), lambda d: [s["name"] for s in d["journey"]["stages"]]),
    "validate": (("validate",), lambda d: [str(d[k]) for k in ("functions", "axes", "metrics")]),
    "compare pair": (("compare", "cx", "success"), _similarities),
    "compare five": (("compare", "cx", "success", "service", "support", "ux"), _similarities),
    "overlay compare eight": (
        (
            "--kb",
            OVERLAY,
            "compare",
            "cx",
            "success",
            "service",
            "support",
            "ux",
            "account_management",
            "sales_engineering",
            "customer_marketing",
        ),
        _similarities,
    ),
    "classify": (("classify", SUCCESS_TITLE, "--explain"), _classified),
}


def _report_strings(report: Report) -> list[str]:
    """Every text a report shows: title, table titles, headers, cells, notes."""
    texts = [report.title, *report.notes]
    for block in report.tables:
        texts += [block.title or "", block.caption or "", *(c.header for c in block.columns)]
        texts += [cell_text(v) for row in block.rows for v in row]
    return texts


def _table_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], width: int, *args: str
) -> tuple[Report, str]:
    from cxcs.termconsole import stdout_console

    monkeypatch.setenv("COLUMNS", str(width))
    stdout_console.cache_clear()  # a console made by an earlier test keeps its width
    try:
        return capture_report(monkeypatch, capsys, *args, "--format", "table")
    finally:
        stdout_console.cache_clear()


def _tokens(text: str) -> set[str]:
    """The words of a terminal output: boxes removed, a header's colon dropped, and a word
    broken after a hyphen or slash at a line's end (a stacked table's) joined again."""
    words: set[str] = set()
    carries: set[str] = set()  # what a word broken at the end of the lines before may be
    for line in re.sub(r"[│┃]", " ", text).splitlines():
        tokens = line.split()
        joined = {carry + tokens[0] for carry in carries} if tokens else set()
        words |= set(tokens) | joined
        carries = set()
        if tokens and tokens[-1][-1] in "-/_,;":
            carries = {tokens[-1]} | (joined if len(tokens) == 1 else set())
    return words | {w.removesuffix(":") for w in words}


def _headings(report: Report) -> set[str]:
    """Words a stacked table leaves out: its first column's header (each block is headed by
    that column's cell) and, in a two-column table, the second one's."""
    skipped = [b.columns[: 2 if len(b.columns) == 2 else 1] for b in report.tables]
    return {w for columns in skipped for c in columns for w in c.header.split()}


@pytest.mark.parametrize("width", [80, 60, 40, 30, 20])
@pytest.mark.parametrize("name", sorted(TERMINAL_COMMANDS))
def test_terminal_tables_fit_the_width_and_keep_every_word(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, width: int
) -> None:
    """No line is wider than the terminal, no word of any cell is broken or cut (every word
    that fits a line is a whole token of the output, or breaks after a hyphen; only a word
    longer than the terminal, the sha256 of ``validate`` at 60 columns, is folded), nothing
    is ellipsized, and every id, number and offset of the JSON output appears whole."""
    from rich.cells import cell_len

    args, expected = TERMINAL_COMMANDS[name]
    report, text = _table_text(monkeypatch, capsys, width, *args)
    assert max(cell_len(line) for line in text.splitlines()) <= width
    strings = _report_strings(report)
    assert text.count("…") == sum(s.count("…") for s in strings)  # no truncation mark
    words = {w for s in strings for w in s.split()}
    missing = {w for w in words if cell_len(w) <= width} - _tokens(text) - _headings(report)
    assert not missing, f"words broken or lost: {sorted(missing)[:10]}"
    joined = re.sub(r"[\s│┃]", "", text)
    assert all(w in joined for w in words if cell_len(w) > width)  # folded, not cut
    as_json = [a for a in args if a != "--explain"]  # refused with json: it has every match
    data = json.loads(run_cli(capsys, *as_json, "--format", "json").out)["result"]
    values = expected(data)
    assert values
    for value in values:
        if " " in value or cell_len(value) > width:  # wrapped, or broken after a hyphen
            assert set(value.split()) <= _tokens(text), value
            continue
        assert re.search(rf"(?<![\w.+-]){re.escape(value)}(?![\w-]|\.\d)", text), value


def _printed(renderable: Any, width: int) -> str:
    from rich.console import Console

    console = Console(width=width, file=io.StringIO(), color_system=None, record=True)
    console.print(renderable)
    return console.export_text()


def test_a_matrix_too_wide_for_the_terminal_is_shown_row_by_row(kb: Knowledge) -> None:
    """Five functions side by side cannot fit 80 columns without breaking words: each axis
    becomes a block, one line per function, and nothing is lost; with room it is a grid."""
    from cxcs.render.reports import compare_report
    from cxcs.render.table import FittedTable

    result = compare_many(kb, ["cx", "success", "service", "support", "ux"])
    matrix = compare_report(kb, result).tables[2]
    narrow = _printed(FittedTable(matrix), 80)
    assert "┃ axis" not in narrow  # no header row: the headers are the blocks' keys
    block = narrow[narrow.index("│ axis                │ Scope") :].split("├")[0]
    for name in ("Customer experience", "Customer success", "User experience"):
        assert f"│ {name}" in block
    assert "post-purchase lifecycle" in block and "product use †" in block
    wide = _printed(FittedTable(matrix), 2000)
    assert re.search(r"┃ axis +┃ Customer experience +┃ Customer success", wide)


def test_a_narrow_terminal_gets_the_whole_report_stacked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At 30 columns no table of ``compare cx cs`` is boxed: each axis is a block, a short
    cell on its header's line, a long one under it; at 60 the axis table is a grid."""
    _, narrow = _table_text(monkeypatch, capsys, 30, "compare", "cx", "success")
    assert not re.search("[│┃┌┏]", narrow)
    assert "\nProactivity\n  Customer experience:\n    proactive\n" in narrow
    assert "\n  verdict: same\n" in narrow
    from cxcs import load_knowledge
    from cxcs.render.reports import similarity_text

    pair = compare_pair(load_knowledge(), "cx", "success")
    shown = similarity_text(pair.similarity, pair.similarity_min, pair.similarity_max)
    assert f"\nSummary\n───────\nsimilarity\n  {shown.split(',')[0]}" in narrow  # 0.5 (…)
    _, wide = _table_text(monkeypatch, capsys, 100, "compare", "cx", "success")
    assert re.search(r"┃ axis +┃ Customer experience +┃ Customer success +┃ verdict", wide)


def test_columns_narrow_widest_first_and_never_below_their_longest_word() -> None:
    from cxcs.render.table import Fit, fit_widths

    fits = [Fit(10, 4), Fit(40, 12), Fit(6, 6)]
    assert fit_widths(fits, 60) == [10, 40, 6]
    assert fit_widths(fits, 36) == [10, 20, 6]
    assert fit_widths(fits, 22) == [4, 12, 6]
    assert fit_widths(fits, 21) is None


@settings(max_examples=300, deadline=None)
@given(
    st.text(st.sampled_from("ab-/ ,\n界"), max_size=60),
    st.integers(min_value=1, max_value=30),
)
def test_wrapping_keeps_every_character_and_breaks_words_only_where_it_must(
    text: str, width: int
) -> None:
    """Lines fit the width, joined they give the text back (nothing cut), and a word is
    broken only when it is longer than a line: after a hyphen, slash or comma when a piece
    up to one fits, else folded at the line's end."""
    from rich.cells import cell_len
    from rich.text import Text

    from cxcs.render.wrap import wrap

    lines = [line.plain for line in wrap(Text(text), width)]
    assert all(cell_len(line) <= max(width, 2) for line in lines)  # 界 takes two cells
    assert "".join("".join(lines).split()) == "".join(text.split())
    tokens = {w for line in lines for w in line.split()}
    for word in text.split():
        if cell_len(word) <= width:
            assert word in tokens, (word, lines)


def test_a_hyphenated_word_breaks_after_a_hyphen_and_a_plain_one_folds() -> None:
    from rich.text import Text

    from cxcs.render.wrap import wrap

    lines = [t.plain for t in wrap(Text("see [customer-management-terms] now"), 14)]
    assert lines == ["see", "[customer-", "management-", "terms] now"]
    sha = "f0940959515decf8e72b"
    assert [t.plain for t in wrap(Text(sha), 8)] == [sha[:8], sha[8:16], sha[16:]]


def test_a_bar_shrinks_before_its_number_is_touched() -> None:
    from cxcs.render.table import FittedTable

    block = TableBlock("Scores", [Column("id", "number"), Column("share", "bar")], [["cx", 0.5]])
    wide, narrow = _printed(FittedTable(block), 80), _printed(FittedTable(block), 22)
    assert "██████████·········· 0.50" in wide
    assert max(len(line) for line in narrow.splitlines()) <= 22
    assert re.search(r"│ cx │ █+·+ 0\.50 │", narrow)


@pytest.mark.parametrize("width", [80, 60, 40, 30, 20])
def test_the_overlay_map_keeps_every_mark_whole(width: int) -> None:
    """An id without abbreviation (customer_marketing) is never cut to 'customer…'; too
    narrow for the grid, the positions are listed instead."""
    from cxcs import load_knowledge
    from cxcs.engine.placement import place
    from cxcs.render.chart import picture

    overlay = load_knowledge([OVERLAY])
    placement = place(overlay, "proactivity", "revenue_accountability")
    text = _printed(picture(placement, overlay), width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert "…" not in text
    for function in placement.functions:
        assert function.label in _tokens(text) or f"{function.label}?" in _tokens(text)
    if width == 40:
        assert "│ customer_marketing │" in text and "│ Proactivity" in text
    elif width < 40:  # the list stacked, and the legend's labels above their descriptions
        assert "│" not in text and "\ncustomer_marketing\n  Proactivity:" in text
        assert re.search(r"\nUX\n  User experience", text)
    else:
        assert re.search(r"│ +customer_marketing +│\n", text)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_the_audited_commands_fit_a_real_80_column_terminal() -> None:
    from rich.cells import cell_len

    from tests.support import SGR, on_a_terminal

    for args in (
        ("compare", "cx", "success", "service", "support", "ux"),
        ("classify", SUCCESS_TITLE),
    ):
        text = SGR.sub("", on_a_terminal(*args, env={"COLUMNS": "80"}))
        lines = text.replace("\r\n", "\n").splitlines()
        assert max(cell_len(line) for line in lines) <= 80, args
        assert "User experience" in text
    assert "216-228" in text  # the README example's first offset, whole


# --------------------------------------------------------------------------- long words, contrast


def test_a_long_word_gets_break_opportunities_in_html_and_keeps_its_text() -> None:
    """A 300-character name made a heading and a table as wide as the word (8,000 pixels):
    it gets a ``<wbr>`` every few characters; ordinary words and emoji sequences are left
    whole, and the text a reader sees (or copies) is unchanged."""
    from cxcs.render.page import WORD_PIECE, words

    long = "W" * 300
    family = "\U0001f469\u200d\U0001f4bb"  # woman technologist: one picture, three code points
    text = f"=CX <b>{long}</b> {family * 20} an ordinary sentence"
    shown = words(text)
    assert "<b>" not in shown and "&lt;b&gt;" in shown
    assert max(len(part) for part in re.split(r"<wbr>|\s", shown)) <= WORD_PIECE + 8
    assert "\u200d<wbr>" not in shown and "<wbr>\u200d" not in shown
    assert html.unescape(shown.replace("<wbr>", "")) == text
    assert words("post-purchase lifecycle, continuous_improvement") == (
        "post-purchase lifecycle, continuous_improvement"
    )
    page = html_renderer.render(hand_report([[long, "x"]], title=long))
    assert f"<h1>{long}</h1>" not in page and "<wbr>" in page
    parser = _Cells()
    parser.feed(page)
    assert parser.title == long  # <title> has no markup: no <wbr> there


def test_svg_text_is_shortened_to_its_room_with_the_whole_text_as_a_tooltip() -> None:
    from cxcs.render.svgmap import ELLIPSIS, fit, fitted, text_width

    assert fit("post-purchase lifecycle", 14, 174) == "post-purchase lifecycle"
    shown = fit("W" * 300, 14, 200)
    assert shown.endswith(ELLIPSIS) and text_width(shown, 14) <= 200
    assert fit("a\x1b[31mb\nc", 14, 500) == "a\\x1b[31mb c"  # controls shown, one line
    tooltip = fitted("<b>" + "W" * 300, 14, 200)
    assert tooltip.startswith("<title>&lt;b&gt;WWW") and "<b>" not in tooltip


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_control_the_contrast_check_fails_light_grey() -> None:
    assert _contrast("#8c959f", "#ffffff") < 4.5 <= _contrast("#1f2328", "#ffffff")


def test_all_text_in_the_pages_and_the_map_is_readable(
    kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every text colour has a contrast of 4.5:1 (WCAG AA) or more on what it is drawn on:
    the map's labels on the plot's grey, the footer's grey on white (3:1 before)."""
    from cxcs.render.page import STYLE

    for rule in re.findall(r"[^{}]+\{[^}]*\}", STYLE):
        colour = re.search(r"(?<![-\w])color:(#[0-9a-f]{6})", rule)
        background = re.search(r"background:(#[0-9a-f]{6})", rule)
        if colour:
            on = background[1] if background else "#ffffff"
            assert _contrast(colour[1], on) >= 4.5, rule
    drawing = run_cli(capsys, "map", "--kb", str(OVERLAY), "-f", "svg").out
    page = run_cli(capsys, "map", "--kb", str(OVERLAY), "-f", "html").out
    phone = page[page.index('<div class="chart-narrow">') :]  # the chart drawn for a phone
    for chart in (drawing, phone):
        fills = set(re.findall(r'<text[^>]* fill="(#[0-9a-f]{6})"', chart))
        assert len(fills) >= 8  # the overlay's eight functions, and the greys
        for fill in fills:
            assert _contrast(fill, "#f6f8fa") >= 4.5, fill


# --------------------------------------------------------------------------- marks explained

MARKED = {
    "show": (("show", "cx"), ["⚠ disputed: the sources disagree", "† practitioner knowledge"]),
    "metrics": (("metrics",), ["⚠ disputed: the sources disagree"]),
    "validate": (("validate",), ["† practitioner knowledge"]),
    "compare": (
        ("compare", "cx", "success"),
        ["'⚠ or:' gives the minority claim, and a verdict in brackets", "† practitioner"],
    ),
    "matrix": (("compare", "cx", "success", "ux"), ["'⚠ or:' gives the minority claim."]),
}


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
@pytest.mark.parametrize("what", sorted(MARKED))
def test_every_mark_a_report_shows_is_explained_once_under_it(
    capsys: pytest.CaptureFixture[str], what: str, fmt: str
) -> None:
    """A page or table showing ⚠ on a disputed value or † on practitioner knowledge says
    what the mark means (show, metrics and validate showed them bare), once."""
    args, keys = MARKED[what]
    out = run_cli(capsys, *args, "--format", fmt).out
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", out)).replace("\\", "").split())
    for key in keys:
        assert text.count(key) == 1, (key, text[-600:])


def test_a_warning_is_not_explained_as_a_dispute(capsys: pytest.CaptureFixture[str]) -> None:
    """classify's ⚠ warns of a title that disagrees with the duties: no dispute key."""
    title = str(ROOT / "examples" / "postings" / "success-title-support-duties.txt")
    for fmt in ("table", "markdown", "html"):
        out = run_cli(capsys, "classify", title, "--format", fmt).out
        assert "⚠ mismatch" in out and "sources disagree" not in out


@pytest.mark.parametrize("width", [80, 40, 30, 20])
def test_the_batch_summary_fits_the_terminal_and_keeps_every_word(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, width: int
) -> None:
    """``summarize`` (not in the table above: it needs a batch output) lays out as every
    other command: no line too long, every word whole, every count shown."""
    from rich.cells import cell_len

    labels = tmp_path / "labels.jsonl"
    rows = ROOT / "tests" / "samples" / "postings_a.jsonl"
    assert run_cli(capsys, "classify", "--batch", str(rows), "-o", str(labels)).code == 0
    report, text = _table_text(monkeypatch, capsys, width, "summarize", str(labels))
    assert max(cell_len(line) for line in text.splitlines()) <= width
    words = {w for s in _report_strings(report) for w in s.split()}
    missing = {w for w in words if cell_len(w) <= width} - _tokens(text) - _headings(report)
    assert not missing, f"words broken or lost: {sorted(missing)[:10]}"
    counts = [row[1] for block in report.tables for row in block.rows]
    assert counts and all(str(c) in _tokens(text) or cell_text(c) in text for c in counts)
