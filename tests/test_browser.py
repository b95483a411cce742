"""The pictures in a real browser: headless Chromium opens the map (SVG, HTML, PNG) and the
compare report, and the tests check what is drawn: elements, text, and a screenshot that is
not blank. Skipped without Chromium, failed instead when CXCS_REQUIRE_ALL_TESTS=1 (CI)."""

from __future__ import annotations

import contextlib
import html
import http.server
import json
import re
import struct
import subprocess
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from cxcs.browser import find, run
from tests.support import require, run_subprocess


@pytest.fixture(autouse=True)
def _chromium() -> None:
    require(find() is not None, "headless chromium is not installed")


def _pixels(png: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    """Width, height and every pixel of an 8-bit RGB(A) PNG (enough for screenshots)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, header = 8, b"", b""
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            idat += data
        at += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6)
    step = 4 if colour == 6 else 3
    raw, stride = zlib.decompress(idat), width * step
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up, corner = previous[i], previous[i - step] if i >= step else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 0xFF
        rows.append(line)
        previous = line
    pixels = [tuple(r[i : i + 3]) for r in rows for i in range(0, stride, step)]
    return width, height, pixels


def _assert_drawn(png: bytes, *, colours: int = 5) -> None:
    """A screenshot with a real picture: several colours and plenty of non-white pixels."""
    width, height, pixels = _pixels(png)
    assert width > 300 and height > 300
    inked = sum(1 for p in pixels if p != (255, 255, 255))
    assert inked / len(pixels) > 0.02, "the screenshot is (nearly) blank"
    assert len(set(pixels)) >= colours


def _screenshot(page: Path, tmp_path: Path, size: str = "1000,900") -> bytes:
    shot = tmp_path / f"{page.stem}.png"
    run([f"--screenshot={shot}", f"--window-size={size}"], page)
    assert shot.is_file()
    return shot.read_bytes()


def _dom(page: Path) -> str:
    done = run(["--dump-dom"], page)
    assert done.returncode == 0, done.stderr[-500:]
    return done.stdout.decode("utf-8")


def test_control_a_blank_page_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><html><body></body></html>", encoding="utf-8")
    with pytest.raises(AssertionError, match="blank"):
        _assert_drawn(_screenshot(page, tmp_path))


def test_map_svg_opens_as_a_chart(tmp_path: Path) -> None:
    target = tmp_path / "map.svg"
    assert run_subprocess("map", "-o", str(target)).returncode == 0
    dom = _dom(target)
    assert dom.count("<circle") >= 6  # five functions, success twice (a disputed scope)
    for text in (
        "Customer-facing functions by proactivity and scope",
        "reactive",
        "proactive",
        "whole journey",
        "single interaction",
        "CX",
        "support",
        "primary claim",
        "minority claim (disputed; its label ends in ?)",  # what "success ?" means
    ):
        assert text in dom, text
    assert 'class="dispute-span"' in dom
    _assert_drawn(_screenshot(target, tmp_path))


def test_map_html_page_shows_the_chart_and_its_table(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    assert run_subprocess("map", "-o", str(target)).returncode == 0
    dom = _dom(target)
    assert "<svg" in dom and "<table" in dom
    assert "post-purchase lifecycle (primary) ⟷ whole journey (disputed)" in dom
    assert "umbrella over" in dom
    _assert_drawn(_screenshot(target, tmp_path, "1000,1100"))


def test_map_png_is_a_picture(tmp_path: Path) -> None:
    target = tmp_path / "map.png"
    done = run_subprocess("map", "cx", "success", "support", "-o", str(target))
    assert done.returncode == 0, done.stderr
    _assert_drawn(target.read_bytes())


def test_map_png_is_the_whole_chart_footer_included(tmp_path: Path) -> None:
    """The PNG for a slide is the whole chart at twice its size (sharp on a full-width
    slide): twice as wide and as tall as the SVG, with the versions footer drawn in its
    bottom band (a fixed window cut the footer off)."""
    import xml.etree.ElementTree as ET

    picture, drawing = tmp_path / "map.png", tmp_path / "map.svg"
    for target in (picture, drawing):
        done = run_subprocess("map", "-o", str(target))
        assert done.returncode == 0, done.stderr
    root = ET.fromstring(drawing.read_text(encoding="utf-8"))
    width, height, pixels = _pixels(picture.read_bytes())
    svg_size = (int(root.get("width", "0")), int(root.get("height", "0")))
    assert (width, height) == (2 * svg_size[0], 2 * svg_size[1])
    bottom_band = pixels[(height - 60) * width :]
    assert any(p != (255, 255, 255) for p in bottom_band), "no footer at the bottom"


def test_compare_html_is_a_summary_first_report(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    assert run_subprocess("compare", "success", "support", "-o", str(target)).returncode == 0
    dom = _dom(target)
    assert dom.index('id="summary"') < dom.index('id="axes"') < dom.index("Sources</h2>")
    assert "Similarity 0." in dom
    assert dom.count('class="verdict v-far"') >= 4  # proactivity, relationship, level, ...
    assert dom.count('<li id="fn') >= 10  # sources as numbered footnotes
    assert "http" not in dom.replace("http://www.w3.org", "")  # nothing to fetch
    _assert_drawn(_screenshot(target, tmp_path, "1000,1400"), colours=8)


PHONE = 390
"""A phone's width in CSS pixels. Headless Chromium makes no window narrower than 500, so a
page is measured (and shot) in an iframe this wide, which is its viewport."""


def _probe(page: Path, tmp_path: Path, window: str, script: str) -> str:
    """What ``script`` (JavaScript run at the end of a copy of ``page``) leaves in ``found``
    (a string), with the page in a ``window``. A window narrower than Chromium's smallest
    (500) is an iframe of that width in a wider window."""
    probe = tmp_path / f"probe-{page.name}"
    width = int(window.split(",")[0])
    tail = f"<script>let found='';{script};parent.document.title='P'+found</script></body>"
    inner = page.read_text(encoding="utf-8").replace("</body>", tail)
    if width < 500:
        frame = html.escape(inner, quote=True)
        inner = (
            f'<!doctype html><title>-</title><body style="margin:0"><iframe srcdoc="{frame}" '
            f'width="{width}" height="800" style="border:0"></iframe></body>'
        )
        window = "1000,900"
    probe.write_text(inner, "utf-8")
    done = run(["--dump-dom", f"--window-size={window}"], probe)
    found = re.search(r"<title>P(.*?)</title>", done.stdout.decode("utf-8"), re.S)
    assert found, done.stderr[-500:]
    return html.unescape(found[1])


def _page_width(page: Path, tmp_path: Path, window: str) -> tuple[int, int]:
    """How wide ``page`` lays out in a ``window`` (its scroll width) and the viewport
    width."""
    script = "found=document.documentElement.scrollWidth+'x'+window.innerWidth"
    width, viewport = _probe(page, tmp_path, window, script).split("x")
    return int(width), int(viewport)


SMALLEST_TEXT = (
    "let least=1e9,where='';"
    "for(const e of document.body.querySelectorAll('*')){"
    "if(e.closest('script,style,title')||!e.getClientRects().length)continue;"
    "const b=e.getBoundingClientRect();if(!b.width||!b.height)continue;"
    "if(![...e.childNodes].some(n=>n.nodeType===3&&n.textContent.trim()))continue;"
    "let size=parseFloat(getComputedStyle(e).fontSize);"
    "if(e instanceof SVGElement){const m=e.getScreenCTM();size*=Math.hypot(m.a,m.b)}"
    "if(size<least){least=size;where=e.textContent.trim().slice(0,40)}}"
    "found=least.toFixed(1)+'|'+where"
)
"""The smallest text the page shows, as drawn: CSS pixels of font size, an SVG's scaled to
the size the SVG is shown at, and the start of that text."""


def _smallest_text(page: Path, tmp_path: Path, window: str) -> tuple[float, str]:
    size, text = _probe(page, tmp_path, window, SMALLEST_TEXT).split("|", 1)
    return float(size), text


READABLE = 12
"""The smallest text size, in CSS pixels, a page may show on a phone."""


def test_control_the_phone_probe_is_phone_wide(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<!doctype html><body><p>x</p></body>", "utf-8")
    assert _page_width(page, tmp_path, f"{PHONE},844") == (PHONE, PHONE)


NARROW_PAGES = {
    "compare": ("compare", "success", "support"),
    "compare5": ("compare", "cx", "success", "service", "support", "ux"),
    "journey": ("journey",),
    "show": ("show", "ux"),
    "metrics": ("metrics",),
    "map": ("map",),
}


@pytest.mark.parametrize("what", NARROW_PAGES)
def test_html_pages_fit_a_narrow_window(tmp_path: Path, what: str) -> None:
    """On a phone-width window no page scrolls sideways: a wide table scrolls in its own box
    and the map's chart scales down (they ran off the right edge of the page)."""
    page = tmp_path / f"{what}.html"
    done = run_subprocess(*NARROW_PAGES[what], "-o", str(page))
    assert done.returncode == 0, done.stderr
    width, viewport = _page_width(page, tmp_path, f"{PHONE},844")
    assert width <= viewport, f"{what}.html is {width}px wide in a {viewport}px window"
    assert _page_width(page, tmp_path, "1280,900")[0] <= 1280
    size, text = _smallest_text(page, tmp_path, f"{PHONE},844")
    assert size >= READABLE, f"{what}.html on a phone draws {text!r} at {size}px"


def test_control_the_slide_chart_on_a_phone_is_caught(tmp_path: Path) -> None:
    """The map page without its narrow-screen chart (the slide chart shrunk to the phone)
    draws its legend at under 5 pixels: the probe above would see it."""
    page = tmp_path / "map.html"
    assert run_subprocess("map", "-o", str(page)).returncode == 0
    text = page.read_text(encoding="utf-8").replace(".chart-narrow svg{", ".x{")
    page.write_text(text.replace("@media (max-width:62rem){", "@media (max-width:1px){"), "utf-8")
    size, _ = _smallest_text(page, tmp_path, f"{PHONE},844")
    assert size < 6


def test_the_map_page_shows_the_slide_chart_on_a_wide_screen_and_the_phone_chart_on_a_phone(
    tmp_path: Path,
) -> None:
    """One chart is shown at a time: the 960-pixel slide chart where it fits at its own size,
    the phone chart (every text at 12 pixels or more, as drawn) on a phone."""
    page = tmp_path / "map.html"
    assert run_subprocess("map", "-o", str(page)).returncode == 0
    script = (
        "found=[...document.querySelectorAll('svg')].map(s=>s.getBoundingClientRect())"
        ".map(b=>Math.round(b.width)).join(',')"
    )
    assert _probe(page, tmp_path, "1280,900", script) == "960,0"
    assert _probe(page, tmp_path, f"{PHONE},844", script) == f"0,{PHONE - 32}"
    size, text = _smallest_text(page, tmp_path, "1280,900")
    assert size >= READABLE, f"map.html on a wide screen draws {text!r} at {size}px"


@pytest.mark.parametrize("overlay", [False, True])
def test_the_phone_chart_keeps_its_text_on_the_canvas_and_apart(
    tmp_path: Path, overlay: bool
) -> None:
    """On a phone no text of the chart leaves it or overlaps another (dot labels, row
    values, the x axis values that wrap, legend, notes), a 300-character name included."""
    kb = ("--kb", str(_long_names(tmp_path))) if overlay else ()
    page = tmp_path / "map.html"
    assert run_subprocess(*kb, "map", "-o", str(page)).returncode == 0
    script = (
        "const s=document.querySelector('.chart-narrow svg'),c=s.getBoundingClientRect(),"
        "out=[],boxes=[...s.querySelectorAll('text')].map(t=>[t,t.getBoundingClientRect()]);"
        "for(const [t,b] of boxes){if(b.left<c.left-1||b.right>c.right+1||b.top<c.top-1||"
        "b.bottom>c.bottom+1)out.push('off:'+t.textContent.slice(0,30))}"
        "for(const [t,a] of boxes)for(const [u,b] of boxes)if(t!==u&&a.left<b.right-1&&"
        "b.left<a.right-1&&a.top<b.bottom-1&&b.top<a.bottom-1)"
        "out.push('overlap:'+t.textContent.slice(0,20)+'/'+u.textContent.slice(0,20));"
        "found=boxes.length+':'+out.join('|')"
    )
    count, problems = _probe(page, tmp_path, f"{PHONE},844", script).split(":", 1)
    assert int(count) > 15 and problems == "", problems


def test_map_labels_stay_on_the_canvas(tmp_path: Path) -> None:
    """A long label (an overlay's id) at the right-hand column is drawn inside the chart,
    measured by the browser (it ran off the SVG's right edge and was cut)."""
    from cxcs import load_knowledge
    from cxcs.engine.placement import place
    from cxcs.render.svgmap import svg

    kb = load_knowledge()
    placement = place(kb)
    long = "customer_marketing_operations"
    placement = placement.model_copy(
        update={
            "functions": tuple(
                f.model_copy(update={"label": long}) if f.function == "cx" else f
                for f in placement.functions
            )
        }
    )
    page = tmp_path / "labels.html"
    script = (
        "<script>const s=document.querySelector('svg');let r=0,l=1e9;"
        "for(const t of s.querySelectorAll('.point text')){const b=t.getBBox();"
        "r=Math.max(r,b.x+b.width);l=Math.min(l,b.x)}"
        "document.title='R'+Math.ceil(r)+'L'+Math.floor(l)+'W'+s.getAttribute('width')</script>"
    )
    page.write_text(f"<!doctype html><body>{svg(kb, placement)}{script}</body>", "utf-8")
    done = run(["--dump-dom", "--window-size=1280,900"], page)
    found = re.search(r"<title>R(\d+)L(-?\d+)W(\d+)</title>", done.stdout.decode("utf-8"))
    assert found, done.stderr[-500:]
    right, left, width = (int(v) for v in found.groups())
    assert left >= 0 and right <= width, f"labels span {left}..{right} on a {width}px canvas"


A4_WIDTH = 718
"""An A4 page's printable width in CSS pixels (210 mm less the printer's margins)."""


@pytest.mark.parametrize("what", ["compare", "compare5"])
def test_printed_tables_fit_the_paper(tmp_path: Path, what: str) -> None:
    """Printed, a table wider than the paper was cut at its edge (the verdicts of a pair,
    three of five functions): the print stylesheet lets cells wrap to fit. Print is shown
    as the screen would be with the print rules applied to it, at an A4 page's width."""
    page = tmp_path / f"{what}.html"
    done = run_subprocess(*NARROW_PAGES[what], "-o", str(page))
    assert done.returncode == 0, done.stderr
    text = page.read_text(encoding="utf-8")
    assert "@media print{" in text
    page.write_text(text.replace("@media print{", "@media all{"), "utf-8")
    width, viewport = _page_width(page, tmp_path, f"{A4_WIDTH},900")
    assert width <= viewport, f"printed, {what}.html is {width}px wide on {viewport}px of paper"


LONG = "W" * 300
"""A word no line can hold: an overlay's name, a URL, a pasted hash."""


def _long_names(tmp_path: Path) -> Path:
    """An overlay giving CX a 300-character word in its name, label, summary and an axis."""
    overlay = tmp_path / "long"
    overlay.mkdir()
    name = json.dumps(
        f"CX {LONG} \x1b[31m <b>x</b> \U0001f469\u200d\U0001f4bb مرحبا", ensure_ascii=False
    )
    axis = json.dumps(f"Proactivity {LONG}")
    (overlay / "functions.yaml").write_text(
        f"axes:\n  - id: proactivity\n    name: {axis}\n    question: Who starts?\n"
        "    kind: ordinal\n    scale: [reactive, mixed, proactive]\n"
        f"functions:\n  cx:\n    name: {name}\n    abbreviation: {json.dumps('CX' + LONG)}\n"
        f"    summary: {json.dumps('Summary ' + LONG)}\n",
        encoding="utf-8",
    )
    return overlay


LONG_PAGES = {
    "compare": ("compare", "cx", "success"),
    "compare3": ("compare", "cx", "success", "support"),
    "list": ("list",),
    "show": ("show", "cx"),
    "journey": ("journey",),
    "axes": ("axes",),
    "map": ("map",),
}


@pytest.mark.parametrize("what", LONG_PAGES)
def test_a_300_character_word_runs_off_no_page(tmp_path: Path, what: str) -> None:
    """A word longer than the screen breaks instead of running off the page: the heading
    made a 1280-pixel page 8,500 pixels wide, and a table as wide as the word."""
    overlay = _long_names(tmp_path)
    page = tmp_path / f"{what}.html"
    done = run_subprocess("--kb", str(overlay), *LONG_PAGES[what], "-o", str(page))
    assert done.returncode == 0, done.stderr
    for window in ("1280,720", f"{PHONE},844"):
        width, viewport = _page_width(page, tmp_path, window)
        assert width <= viewport, f"{what}.html is {width}px wide in a {viewport}px window"


def test_every_text_of_the_map_stays_on_the_canvas_and_off_its_neighbours(
    tmp_path: Path,
) -> None:
    """The chart's title, ticks, axis names, dot labels, legend and notes are inside the
    SVG and no two legend or key entries overlap, however long an overlay's names (they ran
    off the left edge, across the axis, and over the next legend column)."""
    overlay = _long_names(tmp_path)
    drawing = tmp_path / "map.svg"
    done = run_subprocess("--kb", str(overlay), "map", "-o", str(drawing))
    assert done.returncode == 0, done.stderr
    page = tmp_path / "canvas.html"
    script = (
        "<script>const s=document.querySelector('svg'),c=s.getBoundingClientRect(),out=[];"
        "const boxes=[...s.querySelectorAll('text')].map(t=>[t,t.getBoundingClientRect()]);"
        "for(const [t,b] of boxes){if(b.left<c.left-1||b.right>c.right+1||b.top<c.top-1||"
        "b.bottom>c.bottom+1)out.push('off:'+t.textContent.slice(0,30))}"
        "const legend=boxes.filter(([t])=>t.closest('.legend-item')||t.matches('.key'));"
        "for(const [t,a] of legend)for(const [u,b] of legend)if(t!==u&&a.left<b.right&&"
        "b.left<a.right&&a.top<b.bottom&&b.top<a.bottom)out.push('overlap:'+t.textContent.slice(0,9));"
        "document.title='T'+boxes.length+':'+out.join('|')</script>"
    )
    svg = drawing.read_text(encoding="utf-8")
    page.write_text(f"<!doctype html><body style='margin:0'>{svg}{script}</body>", "utf-8")
    done = run(["--dump-dom", "--window-size=1280,1000"], page)
    found = re.search(r"<title>T(\d+):(.*?)</title>", done.stdout.decode("utf-8"), re.S)
    assert found, done.stderr[-500:]
    assert int(found[1]) > 15 and found[2] == "", html.unescape(found[2])
    assert f"<title>CX{LONG}</title>" in svg  # the whole label, as a tooltip


def test_control_a_wide_page_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "wide.html"
    page.write_text('<!doctype html><body><div style="width:2000px">x</div></body>', "utf-8")
    width, viewport = _page_width(page, tmp_path, f"{PHONE},844")
    assert width > viewport


def test_the_browser_runs_without_network_flags_missing() -> None:
    from cxcs.browser import FLAGS

    for flag in ("--headless", "--disable-background-networking", "--disable-component-update"):
        assert flag in FLAGS
    assert subprocess.run([find() or "false", "--version"], capture_output=True).returncode == 0


@contextlib.contextmanager
def _counting_server() -> Iterator[tuple[int, list[str]]]:
    """A local HTTP server on a free port, and the paths it was asked for."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], asked
    finally:
        server.shutdown()
        server.server_close()


def _bait(port: int) -> str:
    """HTML that, live, runs a script (which renames the page) and fetches from ``port``."""
    run_script = "document.title='PW'+'NED'"  # the marker is never in the text itself
    return (
        f'<img src="http://127.0.0.1:{port}/img" onerror="{run_script}">'
        f"<script>{run_script}</script></title></style><style>"
        f"@import url(http://127.0.0.1:{port}/css)</style>"
        f'"><svg onload="{run_script}"></svg>'
    )


def _assert_inert(page: Path, asked: list[str]) -> None:
    dom = _dom(page)
    assert "PWNED" not in dom, f"a script ran in {page.name}"
    assert asked == [], f"{page.name} fetched {asked}"


def test_control_live_bait_is_caught(tmp_path: Path) -> None:
    """The bait left live runs its script and fetches: the check below would see both."""
    with _counting_server() as (port, asked):
        page = tmp_path / "live.html"
        page.write_text(f"<!doctype html><title>x</title>{_bait(port)}", encoding="utf-8")
        assert "<title>PWNED</title>" in _dom(page)
        assert "/img" in asked and "/css" in asked


def test_user_text_in_every_html_page_runs_nothing_and_fetches_nothing(tmp_path: Path) -> None:
    """Overlay text, a posting's title and body, and a batch output's labels, in every HTML
    page cxcs writes, opened in Chromium: no script runs, nothing is fetched."""
    with _counting_server() as (port, asked):
        bait = _bait(port)
        overlay = tmp_path / "overlay"
        overlay.mkdir()
        name, summary = json.dumps(f"CX {bait}"), json.dumps(f"Summary {bait}")
        (overlay / "functions.yaml").write_text(
            f"functions:\n  cx:\n    name: {name}\n    summary: {summary}\n", encoding="utf-8"
        )
        posting = tmp_path / "posting.txt"
        posting.write_text(f"{bait}\nAnswer tickets {bait} and troubleshoot.\n", "utf-8")
        rows = tmp_path / "rows.jsonl"
        rows.write_text(json.dumps({"id": bait, "text": "Answer tickets."}) + "\n", "utf-8")
        labels = tmp_path / "labels.jsonl"
        assert run_subprocess("classify", "--batch", str(rows), "-o", str(labels)).returncode == 0
        row = json.loads(labels.read_text(encoding="utf-8"))
        labels.write_text(json.dumps({**row, "label": bait, "kb_version": bait}) + "\n", "utf-8")
        kb = ("--kb", str(overlay))
        runs = {
            "list": (*kb, "list"),
            "show": (*kb, "show", "cx"),
            "compare": (*kb, "compare", "cx", "ux"),
            "compare3": (*kb, "compare", "cx", "ux", "support"),
            "journey": (*kb, "journey"),
            "map": (*kb, "map"),
            "classify": ("classify", str(posting), "--title", bait, "--explain"),
            "summarize": ("summarize", str(labels)),
        }
        for what, args in runs.items():
            page = tmp_path / f"{what}.html"
            done = run_subprocess(*args, "-o", str(page))
            assert done.returncode == 0, (what, done.stderr)
            _assert_inert(page, asked)


def _differing(a: bytes, b: bytes) -> float:
    """The share of pixels that differ between two screenshots of the same size."""
    wa, ha, pa = _pixels(a)
    wb, hb, pb = _pixels(b)
    assert (wa, ha) == (wb, hb), f"{wa}x{ha} is not {wb}x{hb}"
    return sum(1 for x, y in zip(pa, pb, strict=True) if x != y) / len(pa)


def test_the_readme_pictures_are_what_the_browser_shows_now(tmp_path: Path) -> None:
    """The README's screenshots are current: the compare report and the map, taken again as
    scripts/gen_pictures.py takes them, look like the shipped pictures (a few pixels may
    differ where another machine's fonts draw a glyph differently)."""
    import importlib.util

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"!\[[^\]]*\]\((docs/img/[^)]+)\)", readme)
    assert {"docs/img/compare-report.png", "docs/img/map.svg"} <= set(shown)
    for picture in shown:
        assert (root / picture).is_file(), picture
    spec = importlib.util.spec_from_file_location("gen_pictures", root / "scripts/gen_pictures.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    from cxcs.browser import screenshot

    report = screenshot(
        script.cxcs("compare", "success", "support", "-f", "html"), *script.REPORT_SIZE
    )
    shipped = (root / "docs/img/compare-report.png").read_bytes()
    assert _differing(report, shipped) < 0.01, "docs/img/compare-report.png is out of date"
    drawn = tmp_path / "map.png"
    assert run_subprocess("map", "-q", "-o", str(drawn)).returncode == 0
    assert _differing(drawn.read_bytes(), (root / "docs/img/map.png").read_bytes()) < 0.01


def test_a_score_bar_and_its_number_share_a_line(tmp_path: Path) -> None:
    """In classify's scores table the bar and its number are one thing: the number wrapped
    under the bar when the function's name took the width."""
    overlay = _long_names(tmp_path)
    posting = tmp_path / "posting.txt"
    posting.write_text("Answer support tickets, troubleshoot and resolve issues.\n", "utf-8")
    page = tmp_path / "classify.html"
    done = run_subprocess("--kb", str(overlay), "classify", str(posting), "-o", str(page))
    assert done.returncode == 0, done.stderr
    script = (
        "<script>let bad=0,n=0;for(const b of document.querySelectorAll('.bar')){n++;"
        "const r=document.createRange();r.selectNodeContents(b.nextSibling);"
        "if(r.getBoundingClientRect().top>=b.getBoundingClientRect().bottom)bad++}"
        "document.title='B'+n+':'+bad</script></body>"
    )
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", script), "utf-8")
    done = run(["--dump-dom", "--window-size=1280,900"], page)
    found = re.search(r"<title>B(\d+):(\d+)</title>", done.stdout.decode("utf-8"))
    assert found, done.stderr[-500:]
    assert int(found[1]) >= 5 and found[2] == "0", found.group()


def test_offsets_stay_whole_and_a_dagger_stays_with_its_word(tmp_path: Path) -> None:
    """On a phone, classify's offsets (``216-228``) and scores are each one line (the
    offsets broke at the hyphen), and in the journey a † is on the line of the word it
    marks (``takes part`` / ``†`` broke apart)."""
    posting = Path(__file__).resolve().parent.parent / "examples" / "postings"
    checks = {
        "classify": (
            ("classify", str(posting / "success-title-support-duties.txt"), "--explain"),
            "const cells=[...document.querySelectorAll('td')].filter(c=>"
            "/^[+-]?[0-9][0-9.]*(-[0-9]+)?$/.test(c.textContent.trim()));"
            "const lines=c=>{const r=document.createRange();r.selectNodeContents(c);"
            "return new Set([...r.getClientRects()].map(b=>Math.round(b.top))).size};"
            "found=cells.length+':'+cells.filter(c=>lines(c)>1).map(c=>c.textContent).join(',')",
        ),
        "journey": (
            ("journey",),
            "let n=0;const bad=[];const walk=document.createTreeWalker(document.body,4);"
            "while(walk.nextNode()){const t=walk.currentNode,i=t.data.indexOf('†');"
            "if(i<2)continue;n++;const r=document.createRange();r.setStart(t,i-2);"
            "r.setEnd(t,i+1);if(r.getClientRects().length>1)bad.push(t.data.slice(0,20))}"
            "found=n+':'+bad.join(',')",
        ),
    }
    for what, (args, script) in checks.items():
        page = tmp_path / f"{what}.html"
        assert run_subprocess(*args, "-o", str(page)).returncode == 0
        count, broken = _probe(page, tmp_path, f"{PHONE},844", script).split(":", 1)
        assert int(count) >= 5 and broken == "", (what, broken)


def test_a_two_column_table_is_as_wide_as_its_content(tmp_path: Path) -> None:
    """summarize's name/value tables were stretched over the whole page (a value a thousand
    pixels from its name, each table split differently): they are as wide as their text."""
    labels = tmp_path / "labels.jsonl"
    rows = Path(__file__).resolve().parent / "samples" / "postings_a.jsonl"
    assert run_subprocess("classify", "--batch", str(rows), "-o", str(labels)).returncode == 0
    page = tmp_path / "summarize.html"
    assert run_subprocess("summarize", str(labels), "-o", str(page)).returncode == 0
    script = (
        "found=[...document.querySelectorAll('table')].map(t=>Math.round("
        "t.getBoundingClientRect().width)).join(',')"
    )
    widths = [int(w) for w in _probe(page, tmp_path, "1280,900", script).split(",")]
    assert len(widths) >= 3 and max(widths) < 640, widths


def test_a_wrapped_list_item_hangs_in_under_its_first_line(tmp_path: Path) -> None:
    """On a phone the summary's differences and shared ground wrap: each item's wrapped
    part starts right of where the item starts, so it does not read as the next item
    ('before and during use' under 'Timing: whole journey vs' looked like one of them)."""
    page = tmp_path / "compare.html"
    assert run_subprocess("compare", "cx", "success", "-o", str(page)).returncode == 0
    script = (
        "let wrapped=0;const flat=[];for(const c of document.querySelectorAll('td')){"
        "const starts=[];let node;const walk=document.createTreeWalker(c,4);"
        "while((node=walk.nextNode())){const r=document.createRange();r.selectNodeContents(node);"
        "for(const b of r.getClientRects())starts.push([Math.round(b.top),Math.round(b.left),"
        "node.parentElement.closest('.item')])}"
        "const first=new Map();for(const [top,left,item] of starts){if(!item)continue;"
        "if(!first.has(item)){first.set(item,[top,left]);continue}"
        "const [t0,l0]=first.get(item);if(top>t0){wrapped++;if(left<=l0)"
        "flat.push(item.textContent.slice(0,25))}}}"
        "found=wrapped+':'+[...new Set(flat)].join('|')"
    )
    wrapped, flat = _probe(page, tmp_path, f"{PHONE},844", script).split(":", 1)
    assert int(wrapped) >= 10 and flat == "", flat
