"""``cxcs map``: placement on two ordinal axes, the grid picture and its export formats."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cxcs import load_knowledge
from cxcs.engine.placement import DEFAULT_X, DEFAULT_Y, place
from cxcs.errors import UsageError
from cxcs.models.knowledge import Knowledge
from cxcs.render.chart import map_report, picture
from tests.support import run_subprocess

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge()


def cxcs(*args: str) -> subprocess.CompletedProcess[str]:
    return run_subprocess(*args, env={"COLUMNS": "120", "NO_COLOR": "1"}, cwd=ROOT)


# ---------------------------------------------------------------- placement (pure)


def test_default_axes(kb: Knowledge) -> None:
    placement = place(kb)
    assert (placement.x.id, placement.y.id) == (DEFAULT_X, DEFAULT_Y) == ("proactivity", "scope")
    assert placement.x.scale == kb.axis("proactivity").scale
    assert [f.function for f in placement.functions] == list(kb.functions)


def test_every_function_is_at_its_cells(kb: Knowledge) -> None:
    placement = place(kb)
    for placed in placement.functions:
        cells = kb.functions[placed.function].cells
        assert set(placed.x) == {c.value for c in cells["proactivity"].claims}
        assert set(placed.y) == {c.value for c in cells["scope"].claims}
        assert len(placed.positions) == len(placed.x) * len(placed.y)
        for position in placed.positions:
            assert placement.x.scale[position.column] == position.x
            assert placement.y.scale[position.row] == position.y
            cell = placement.cell(position.column, position.row)
            assert cell is not None
            assert placed.function in [m.function for m in cell.marks]


def test_disputed_cell_is_shown_at_every_claim(kb: Knowledge) -> None:
    placement = place(kb)
    success = next(f for f in placement.functions if f.function == "success")
    assert kb.functions["success"].cells["scope"].disputed
    assert success.y_disputed and success.disputed
    assert {(p.x, p.y) for p in success.positions} == {
        ("proactive", "post-purchase lifecycle"),
        ("proactive", "whole journey"),
    }
    assert all(p.disputed for p in success.positions)
    cx = next(f for f in placement.functions if f.function == "cx")
    assert not cx.disputed
    assert [(p.x, p.y, p.disputed) for p in cx.positions] == [("proactive", "whole journey", False)]


def test_several_functions_share_a_cell(kb: Knowledge) -> None:
    placement = place(kb)
    top_right = placement.cell(2, 3)
    assert top_right is not None
    assert [m.label for m in top_right.marks] == ["CX", "success"]
    assert [m.disputed for m in top_right.marks] == [False, True]
    rows = [c.row for c in placement.cells]
    assert rows == sorted(rows, reverse=True)  # top row first


def test_labels_are_abbreviation_or_id(kb: Knowledge) -> None:
    labels = {f.function: f.label for f in place(kb).functions}
    assert labels["cx"] == "CX"
    assert labels["service"] == "service"


def test_only_some_functions(kb: Knowledge) -> None:
    placement = place(kb, "level", "timeframe", ["ux", "cx", "ux"])
    assert [f.function for f in placement.functions] == ["ux", "cx"]


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ("metrics", "scope", "'metrics' is a set axis"),
        ("proactivity", "definition", "'definition' is a text axis"),
        ("proactivty", "scope", "did you mean 'proactivity'?"),
        ("scope", "scope", "choose two different ordinal axes"),
    ],
)
def test_bad_axes_are_usage_errors(kb: Knowledge, x: str, y: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        place(kb, x, y)
    assert message in caught.value.message
    assert caught.value.exit_code == 2
    if "different" not in message:
        assert "proactivity, scope, relationship, level, timeframe, personalization" in (
            caught.value.message
        )


# ---------------------------------------------------------------- picture and report


def test_picture_as_text_shows_every_position(kb: Knowledge) -> None:
    from rich.console import Console

    console = Console(record=True, width=120, file=io.StringIO(), color_system=None)
    console.print(picture(place(kb), kb))
    text = console.export_text()
    grid, legend = text[: text.index("┘") + 1], text[text.index("┘") + 1 :]
    assert grid.count("success?") == 2  # whole journey and post-purchase lifecycle
    assert grid.count("support") == 1  # no dispute left on support's proactivity
    assert grid.count("CX") == 1
    for value in ("reactive", "mixed", "proactive", "whole journey", "single interaction"):
        assert value in text
    assert "disputed: scope post-purchase lifecycle (primary) ⟷ whole journey" in legend
    assert "Customer experience" in legend


def test_report_has_one_row_per_function(kb: Knowledge) -> None:
    report = map_report(kb, place(kb))
    block = report.tables[0]
    assert [c.header for c in block.columns] == ["id", "Proactivity", "Scope"]
    assert [row[0] for row in block.rows] == list(kb.functions)
    success = next(row for row in block.rows if row[0] == "success")
    assert success[2] == "⚠ disputed: post-purchase lifecycle (primary) ⟷ whole journey"
    assert report.data()["placement"]["x"]["id"] == "proactivity"


def test_svg_is_a_labelled_scatter_with_spans_and_a_legend(kb: Knowledge) -> None:
    from cxcs.render.svgmap import svg

    placement = place(kb)
    root = ET.fromstring(svg(kb, placement, footer="cxcs test"))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    texts = ["".join(t.itertext()) for t in root.iter(f"{ns}text")]
    for value in (*placement.x.scale, *placement.y.scale):
        assert value in texts, value
    points = [g for g in root.iter(f"{ns}g") if "point" in g.get("class", "")]
    assert len(points) == sum(len(f.positions) for f in placement.functions)
    minority = [g for g in points if "minority" in g.get("class", "")]
    assert [g.get("data-function") for g in minority] == ["success"]  # the scope dispute
    spans = [line for line in root.iter(f"{ns}line") if line.get("class") == "dispute-span"]
    assert [s.get("data-function") for s in spans] == ["success"]
    legend = [g for g in root.iter(f"{ns}g") if g.get("class") == "legend-item"]
    assert len(legend) == len(placement.functions)
    assert any("umbrella over" in t for t in texts)
    text = svg(kb, placement)
    assert "rich-terminal" not in text and "@font-face" not in text
    assert "http" not in text.replace("http://www.w3.org/2000/svg", "")


def _text_baselines(root: ET.Element) -> dict[str, float]:
    """Every ``<text>`` of an SVG and its baseline y on the canvas (group translations added)."""
    ns = "{http://www.w3.org/2000/svg}"
    found: dict[str, float] = {}

    def walk(node: ET.Element, dy: float) -> None:
        moved = node.get("transform", "")
        if moved.startswith("translate("):
            dy += float(moved[len("translate(") : -1].split()[1])
        if node.tag == f"{ns}text":
            found["".join(node.itertext())] = dy + float(node.get("y", "0"))
        for child in node:
            walk(child, dy)

    walk(root, 0.0)
    return found


@pytest.mark.parametrize("overlay", [False, True], ids=["shipped", "eight-functions"])
def test_svg_canvas_holds_the_legend_umbrella_and_footer(kb: Knowledge, overlay: bool) -> None:
    """The versions footer and the umbrella line are drawn inside the picture, however many
    functions the legend lists (the standalone SVG cut them off below its fixed height)."""
    from cxcs.render.svgmap import svg

    knowledge = load_knowledge([ROOT / "examples" / "overlay"]) if overlay else kb
    root = ET.fromstring(svg(knowledge, place(knowledge), footer="cxcs test footer"))
    height = float(root.get("height", "0"))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    baselines = _text_baselines(root)
    assert "cxcs test footer" in baselines
    assert any("umbrella over" in text for text in baselines)
    for text, y in baselines.items():
        assert y <= height - 4, f"{text!r} drawn at y={y}, below the {height}px canvas"


def test_svg_marks_practitioner_positions_with_a_dagger_and_its_note(kb: Knowledge) -> None:
    """UX's position rests on practitioner knowledge: the chart says so, as every other view
    does (its dot reads 'UX †' and the legend explains †); a chart without such a position
    shows no † at all."""
    from cxcs.render.reports import PRACTICE_NOTE
    from cxcs.render.svgmap import svg

    ns = "{http://www.w3.org/2000/svg}"
    root = ET.fromstring(svg(kb, place(kb)))
    labels = {
        g.get("data-function"): "".join(g.itertext())
        for g in root.iter(f"{ns}g")
        if "point primary" in g.get("class", "")
    }
    assert labels["ux"] == "UX †"
    assert labels["cx"] == "CX"
    assert PRACTICE_NOTE in _text_baselines(root)
    assert "†" not in svg(kb, place(kb, function_ids=["cx", "support"]))


def test_svg_escapes_names_from_overlays(kb: Knowledge) -> None:
    from cxcs.render.svgmap import svg

    placement = place(kb)
    hostile = placement.model_copy(
        update={
            "functions": tuple(
                f.model_copy(update={"name": "<script>alert(1)</script>"})
                for f in placement.functions
            )
        }
    )
    text = svg(kb, hostile)
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # control: the names are shown
    ET.fromstring(text)


# ---------------------------------------------------------------- command line


def test_cli_markdown() -> None:
    proc = cxcs("map", "-f", "markdown")
    assert proc.returncode == 0, proc.stderr
    assert "| id | Proactivity | Scope |" in proc.stdout
    assert "| cx | proactive | whole journey |" in proc.stdout


def test_cli_piped_default_is_markdown() -> None:
    proc = cxcs("map")
    assert proc.returncode == 0
    assert proc.stdout.startswith("# Functions by Proactivity")


def test_cli_csv_and_json() -> None:
    rows = list(
        csv.reader(io.StringIO(cxcs("map", "--x", "level", "--y", "timeframe", "-f", "csv").stdout))
    )
    assert rows[0] == ["id", "Level", "Timeframe", "tool_version", "kb_version", "kb_sha256"]
    assert len(rows) == 6
    document = json.loads(cxcs("map", "-f", "json").stdout)
    assert document["command"] == "map"
    assert len(document["result"]["placement"]["functions"]) == 5


def test_cli_table_to_a_pipe_is_plain_text() -> None:
    proc = cxcs("map", "-f", "table")
    assert proc.returncode == 0
    assert "│" in proc.stdout and "success?" in proc.stdout
    assert "\x1b[" not in proc.stdout


def test_cli_svg_file_and_stdout(tmp_path: Path) -> None:
    target = tmp_path / "map.svg"
    proc = cxcs("map", "-o", str(target))  # format guessed from the extension
    assert proc.returncode == 0, proc.stderr
    assert f"wrote {target} (svg)" in proc.stderr
    ET.fromstring(target.read_text(encoding="utf-8"))
    to_stdout = cxcs("map", "-f", "svg")
    assert to_stdout.returncode == 0
    assert to_stdout.stdout.startswith("<svg")


def test_cli_html_file(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    proc = cxcs("map", "-f", "html", "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<svg" in page and "<table>" in page


@pytest.mark.parametrize(
    "args",
    [
        ["--x", "metrics"],
        ["--y", "skills"],
        ["--x", "nope"],
        ["--x", "scope", "--y", "scope"],
        ["-f", "pdf"],
    ],
)
def test_cli_usage_errors_exit_2(args: list[str]) -> None:
    proc = cxcs("map", *args)
    assert proc.returncode == 2
    assert proc.stderr.startswith("cxcs: error:")
    if args[0] in {"--x", "--y"} and "scope" not in args:
        assert "ordinal axes: proactivity, scope" in proc.stderr


def test_cli_json_error_document() -> None:
    proc = cxcs("map", "--x", "metrics", "-f", "json")
    assert proc.returncode == 2
    error = json.loads(proc.stdout)["error"]
    assert error["code"] == "usage"
    assert "proactivity" in error["ordinal_axes"]


def test_map_rejects_a_function_named_twice() -> None:
    proc = cxcs("map", "cx", "customer-experience")
    assert proc.returncode == 2
    assert "name the same function (cx)" in proc.stderr


def test_a_picture_on_its_own_says_which_tool_and_knowledge_drew_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The SVG and the PNG leave the report behind: each carries the tool version and the
    knowledge version and full sha256 the JSON carries (the drawn footer shows 12 digits)."""
    import json
    import xml.etree.ElementTree as ET

    from cxcs.browser import find
    from cxcs.render.pngtext import read_text
    from tests.support import run_cli

    document = json.loads(run_cli(capsys, "map", "-f", "json").out)
    expected = {
        "tool": {"name": "cxcs", "version": document["tool"]["version"]},
        "knowledge": {k: document["knowledge"][k] for k in ("version", "sha256")},
    }
    root = ET.fromstring(run_cli(capsys, "map", "-f", "svg").out)
    metadata = root.find("{http://www.w3.org/2000/svg}metadata")
    assert metadata is not None and json.loads(metadata.text or "") == expected
    if find() is None:
        return  # the PNG needs a browser (tests/test_browser.py requires one in CI)
    picture = tmp_path / "map.png"
    assert run_subprocess("map", "-o", str(picture)).returncode == 0
    text = read_text(picture.read_bytes())
    assert text["Software"] == f"cxcs {expected['tool']['version']}"
    knowledge = expected["knowledge"]
    assert text["Comment"] == f"knowledge {knowledge['version']} sha256 {knowledge['sha256']}"


def test_png_text_chunks_are_valid_and_leave_the_picture_alone() -> None:
    import struct
    import zlib

    from cxcs.render.pngtext import read_text, with_text

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixel = zlib.compress(b"\0\xff\x00\x00")

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    png = (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixel) + chunk(b"IEND", b"")
    )
    tagged = with_text(png, {"Comment": "knowledge 2026 · sha256 ab"})
    assert read_text(tagged) == {"Comment": "knowledge 2026 · sha256 ab"}
    at, kinds = 8, []
    while at < len(tagged):  # every chunk's CRC checks out, IHDR first, IDAT untouched
        (length,) = struct.unpack(">I", tagged[at : at + 4])
        kind, data = tagged[at + 4 : at + 8], tagged[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", tagged[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + data) & 0xFFFFFFFF
        kinds.append(kind)
        at += 12 + length
    assert kinds == [b"IHDR", b"iTXt", b"IDAT", b"IEND"]
    with pytest.raises(ValueError):
        with_text(b"GIF89a", {"Comment": "x"})


def test_the_umbrella_note_cites_the_articles_that_say_so(kb: Knowledge) -> None:
    """The map's umbrella note names the articles the knowledge gives for each function
    under the umbrella (it named one article, fixed in the code, whatever the data said)."""
    from cxcs.render.svgmap import umbrella_line

    placement = place(kb, DEFAULT_X, DEFAULT_Y)
    line = umbrella_line(kb, placement)
    cited = {
        s.article for f in kb.functions.values() if f.under is not None for s in f.under.sources
    }
    assert cited and line.endswith(f"({', '.join(sorted(cited))}).")
