"""Take the README's pictures again, from the current knowledge and renderers.

Usage: python scripts/gen_pictures.py

Writes ``docs/img/compare-report.png`` (``cxcs compare success support -f html`` rendered
by headless Chromium at 1000 × 1100: the top of the report, as a reader first sees it),
``docs/img/map.svg`` (``cxcs map -o map.svg``; tests/test_readme.py checks that this one
matches the command's output) and ``docs/img/map.png`` (``cxcs map -o map.png``). Needs a
Chromium-like browser (see ``cxcs.browser``). Re-run it when the knowledge or the report's
look changes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cxcs.browser import screenshot

ROOT = Path(__file__).resolve().parent.parent
PICTURES = ROOT / "docs" / "img"
REPORT_SIZE = (1000, 1100)


def cxcs(*args: str) -> str:
    """The standard output of one cxcs command, run without overlays."""
    environment = {k: v for k, v in os.environ.items() if k != "CXCS_KB"}
    done = subprocess.run(
        [sys.executable, "-m", "cxcs", "--quiet", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        check=True,
    )
    return done.stdout


def main() -> None:
    PICTURES.mkdir(parents=True, exist_ok=True)
    report = cxcs("compare", "success", "support", "-f", "html")
    (PICTURES / "compare-report.png").write_bytes(screenshot(report, *REPORT_SIZE))
    (PICTURES / "map.svg").write_text(cxcs("map", "-f", "svg"), encoding="utf-8")
    cxcs("map", "-o", str(PICTURES / "map.png"))
    print(f"wrote {PICTURES.relative_to(ROOT)}/compare-report.png, map.svg and map.png")


if __name__ == "__main__":
    main()
