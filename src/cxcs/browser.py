"""A headless Chromium, used to turn an HTML page into a PNG (``map --format png``) and by
the browser tests. Nothing here fetches from the network: the page is a local file and
background networking is switched off."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from cxcs.errors import OutputError

BROWSER_ENV = "CXCS_BROWSER"
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def find() -> str | None:
    """The browser to run: ``$CXCS_BROWSER``, else the first Chromium-like one on PATH."""
    explicit = os.environ.get(BROWSER_ENV)
    if explicit:
        return shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
    return next((found for name in NAMES if (found := shutil.which(name))), None)


def run(args: list[str], page: Path, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    """Run the browser headless on a local ``page`` with ``args`` added."""
    browser = find()
    if browser is None:
        raise OutputError(
            "png needs a Chromium-like browser (install 'chromium', or set CXCS_BROWSER); "
            "svg and html need nothing"
        )
    with tempfile.TemporaryDirectory(prefix="cxcs-browser-") as profile:
        command = [browser, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()]
        return subprocess.run(command, capture_output=True, timeout=timeout, check=False)


def screenshot(html: str, width: int, height: int) -> bytes:
    """A PNG of ``html`` rendered in a ``width`` × ``height`` window."""
    with tempfile.TemporaryDirectory(prefix="cxcs-shot-") as work:
        page = Path(work) / "page.html"
        page.write_text(html, encoding="utf-8")
        out = Path(work) / "shot.png"
        done = run([f"--screenshot={out}", f"--window-size={width},{height}"], page)
        if not out.is_file():
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise OutputError(f"the browser made no screenshot ({detail[0]})")
        return out.read_bytes()
