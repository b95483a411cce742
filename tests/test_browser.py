"""The pictures in a real browser: headless Chromium opens the map (SVG, HTML, PNG) and the
compare report, and the tests check what is drawn: elements, text, and a screenshot that is
not blank. Skipped without Chromium, failed instead when CXCS_REQUIRE_ALL_TESTS=1 (CI)."""

from __future__ import annotations

import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from cxcs.browser import find, run
from tests.support import clean_env, require, run_subprocess

__all__ = ["clean_env"]


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


def test_the_browser_runs_without_network_flags_missing() -> None:
    from cxcs.browser import FLAGS

    for flag in ("--headless", "--disable-background-networking", "--disable-component-update"):
        assert flag in FLAGS
    assert subprocess.run([find() or "false", "--version"], capture_output=True).returncode == 0
