"""Start-up benchmark: cxcs against its stack's floor and a bare interpreter.

Usage: python bench/startup.py [--rounds N] [--warmup N] [--instructions]

Runs, round-robin so that machine noise hits every command alike,

* ``cxcs compare cx cs -f table``    (rich tables: the summary and the 22 axes; stdout to
  /dev/null),
* ``cxcs compare cx cs -f markdown``,
* ``cxcs --help``,
* the *floor*: a minimal Typer + pydantic + rich app (written to a temporary file) that
  validates the rows of that comparison as pydantic models and prints the same rich tables
  (every table of the report, with the same title, cells, headers and captions, then the
  same notes and footer),
* ``python -c pass`` (the baseline),

each with the same interpreter and environment, and measures the CPU time (user + system)
of each child process (``resource.getrusage(RUSAGE_CHILDREN)``: less noisy than wall time
on a shared machine). Prints the median and best of each with their ratios (the ratios of
the bests move least when other work shares the machine), and checks the targets on the
medians:

* compare as a table <= 1.05 x the floor app (cxcs adds nothing measurable to its stack),
* compare as markdown <= 16 x ``python -c pass``.

``--instructions`` instead counts the instructions each command executes, once, under
valgrind's cachegrind (``I refs``; needs ``valgrind``, ~1 minute): a deterministic measure
for comparing two versions on a busy machine, where CPU times swing by 15% from one run to
the next. Its ratios are not the CPU-time ratios the targets are stated in (a bare
interpreter spends relatively more time outside counted instructions), so it checks no
target.

Exits 1 when a target is missed. The console script is the ``cxcs`` next to
``sys.executable`` (run this with the venv's python).

It measures an installed tool: cxcs's own sources are byte-compiled first, and the children
run without ``PYTHONDONTWRITEBYTECODE`` (an environment that sets it would otherwise make
every run recompile cxcs, ~85 ms here, as an editable install never gets its ``.pyc`` files
written).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

FLOOR_APP = """
import json
import sys

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from rich.text import Text

app = typer.Typer(add_completion=False)


class Row(BaseModel):
    cells: list[str]


@app.command()
def compare(rows_file: str) -> None:
    data = json.loads(open(rows_file, encoding="utf-8").read())
    console = Console()
    console.print(Text(data["title"]))
    for block in data["tables"]:
        rows = [Row(cells=cells) for cells in block["rows"]]
        multiline = any("\\n" in cell for row in rows for cell in row.cells)
        table = Table(title=block["title"], caption=block["caption"], show_lines=multiline)
        for header in block["headers"]:
            table.add_column(header, overflow="fold")
        for row in rows:
            table.add_row(*(Text(cell) for cell in row.cells))  # text, not markup
        console.print(table)
    for line in data["lines"]:
        console.print(Text(line))


app()
"""
"""The floor: Typer parses the command line, pydantic validates the rows, rich prints the
same tables ``cxcs compare cx cs -f table`` prints (same titles, cells, headers, captions),
then the same notes and footer."""


def same_tables(target: Path) -> None:
    """Write what ``cxcs compare cx cs -f table`` prints, for the floor app to print."""
    from cxcs import commands
    from cxcs.render.view import footer
    from cxcs.views import VIEWS

    outcome = commands.compare(None, "cx", "cs")
    build = VIEWS["compare"].report
    assert build is not None
    report = build(outcome)
    tables = [
        {
            "title": block.title,
            "headers": [c.header for c in block.columns],
            "caption": block.caption,
            "rows": [["" if v is None else str(v) for v in row] for row in block.rows],
        }
        for block in report.tables
    ]
    lines = [*report.notes, footer(report.meta)]
    document = {"title": report.title, "tables": tables, "lines": lines}
    target.write_text(json.dumps(document), encoding="utf-8")


TARGETS = {"table": ("floor", 1.05), "markdown": ("baseline", 16.0)}
LABELS = {
    "table": "cxcs compare -f table",
    "markdown": "cxcs compare -f markdown",
    "help": "cxcs --help",
    "floor": "typer+pydantic+rich app",
    "baseline": "python -c pass",
}
"""command: (what it is compared with, the largest ratio allowed)."""


def console_script() -> Path:
    """The ``cxcs`` script installed beside the running interpreter."""
    bindir = Path(sys.executable).parent
    for name in ("cxcs", "cxcs.exe"):
        if (bindir / name).is_file():
            return bindir / name
    sys.exit(f"no cxcs console script next to {sys.executable}; install the package first")


def commands(floor: Path, rows: Path) -> dict[str, list[str]]:
    script = str(console_script())
    return {
        "table": [script, "compare", "cx", "cs", "-f", "table"],
        "markdown": [script, "compare", "cx", "cs", "-f", "markdown"],
        "help": [script, "--help"],
        "floor": [sys.executable, str(floor), str(rows)],
        "baseline": [sys.executable, "-c", "pass"],
    }


def cpu_of(argv: list[str], env: dict[str, str]) -> float:
    """CPU seconds (user + system) of one run; the command must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {done.returncode}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def child_env() -> dict[str, str]:
    """The environment every measured command runs in."""
    unset = {"CXCS_KB", "CXCS_DEBUG", "PYTHONDONTWRITEBYTECODE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["COLUMNS"] = "120"
    return env


def instructions_of(argv: list[str], env: dict[str, str]) -> int:
    """Instructions one run executes, counted by valgrind's cachegrind."""
    tool = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    done = subprocess.run(
        tool + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode != 0 or found is None:
        sys.exit(f"{' '.join(argv)} under valgrind: exit {done.returncode}")
    return int(found.group(1).replace(",", ""))


def count(todo: dict[str, list[str]]) -> None:
    """Print the instructions each command executes and their ratios."""
    env = child_env()
    for argv in todo.values():  # warm the knowledge cache and the byte-code
        cpu_of(argv, env)
    counted = {name: instructions_of(argv, env) for name, argv in todo.items()}
    print(f"{'command':<26}{'instructions':>16}{'x pass':>8}{'x floor':>9}")
    for name, label in LABELS.items():
        n = counted[name]
        print(f"{label:<26}{n:>16,}{n / counted['baseline']:>7.1f}x{n / counted['floor']:>8.2f}x")


def measure(todo: dict[str, list[str]], rounds: int, warmup: int) -> dict[str, list[float]]:
    """CPU times per command, interleaved: every round runs each command once."""
    env = child_env()
    for _ in range(warmup):
        for argv in todo.values():
            cpu_of(argv, env)
    times: dict[str, list[float]] = {name: [] for name in todo}
    for _ in range(rounds):
        for name, argv in todo.items():
            times[name].append(cpu_of(argv, env))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--instructions", action="store_true", help="count, under valgrind")
    args = parser.parse_args()
    import cxcs

    compileall.compile_dir(Path(cxcs.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        floor = Path(tmp) / "floor_app.py"
        floor.write_text(FLOOR_APP, encoding="utf-8")
        rows = Path(tmp) / "rows.json"
        same_tables(rows)
        if args.instructions:
            count(commands(floor, rows))
            return
        times = measure(commands(floor, rows), max(1, args.rounds), max(0, args.warmup))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"python {sys.version.split()[0]} at {sys.executable}")
    print(f"{args.rounds} interleaved rounds after {args.warmup} warm-up rounds; CPU time\n")
    best = {name: min(values) for name, values in times.items()}
    print(f"{'':<26}{'':>18}{'medians':>17}{'bests':>17}")
    print(
        f"{'command':<26}{'median':>9}{'best':>9}{'x pass':>8}{'x floor':>9}"
        f"{'x pass':>8}{'x floor':>9}  target (on medians)"
    )
    missed = False
    for name, label in LABELS.items():
        ratio_base = medians[name] / medians["baseline"]
        ratio_floor = medians[name] / medians["floor"]
        best_base, best_floor = best[name] / best["baseline"], best[name] / best["floor"]
        verdict = ""
        if name in TARGETS:
            against, limit = TARGETS[name]
            ratio = ratio_floor if against == "floor" else ratio_base
            ok = ratio <= limit
            missed |= not ok
            verdict = f"<= {limit:g}x {against}: {'PASS' if ok else 'MISS'} ({ratio:.2f}x)"
        print(
            f"{label:<26}{medians[name] * 1000:>7.1f}ms{best[name] * 1000:>7.1f}ms"
            f"{ratio_base:>7.1f}x{ratio_floor:>8.2f}x{best_base:>7.1f}x{best_floor:>8.2f}x"
            f"  {verdict}"
        )
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
