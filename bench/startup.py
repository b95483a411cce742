"""Start-up benchmark: how much slower than a bare interpreter are ``cxcs`` commands?

Usage: python bench/startup.py [--rounds N] [--warmup N]

Runs, round-robin so that machine noise hits every command alike,

* ``cxcs compare cx cs``   (stdout and stderr to /dev/null),
* ``cxcs --help``,
* ``python -c pass``       (the baseline, same interpreter as the console script),

and prints each median wall time and its ratio to the baseline, against the targets
(compare <= 18x, --help <= 14x). Exits 1 when a target is missed. The console script is the
``cxcs`` next to ``sys.executable`` (run this with the venv's python).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGETS = {"compare": 18.0, "help": 14.0}


def console_script() -> Path:
    """The ``cxcs`` script installed beside the running interpreter."""
    bindir = Path(sys.executable).parent
    for name in ("cxcs", "cxcs.exe"):
        if (bindir / name).is_file():
            return bindir / name
    sys.exit(f"no cxcs console script next to {sys.executable}; install the package first")


def commands() -> dict[str, list[str]]:
    script = str(console_script())
    return {
        "compare": [script, "compare", "cx", "cs"],
        "help": [script, "--help"],
        "baseline": [sys.executable, "-c", "pass"],
    }


def run_once(argv: list[str]) -> float:
    """Wall time of one run; the command must succeed."""
    started = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {done.returncode}")
    return elapsed


def measure(rounds: int, warmup: int) -> dict[str, list[float]]:
    """Times per command, interleaved: every round runs each command once."""
    todo = commands()
    for _ in range(warmup):
        for argv in todo.values():
            run_once(argv)
    times: dict[str, list[float]] = {name: [] for name in todo}
    for _ in range(rounds):
        for name, argv in todo.items():
            times[name].append(run_once(argv))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    times = measure(max(1, args.rounds), max(0, args.warmup))
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["baseline"]
    print(f"python {sys.version.split()[0]} at {sys.executable}")
    print(f"{args.rounds} interleaved rounds after {args.warmup} warm-up rounds\n")
    print(f"{'command':<22}{'median':>10}{'min':>10}{'ratio':>9}{'target':>9}  result")
    labels = {"compare": "cxcs compare cx cs", "help": "cxcs --help", "baseline": "python -c pass"}
    missed = False
    for name in ("compare", "help", "baseline"):
        ratio = medians[name] / base
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            verdict = "PASS" if ratio <= target else "MISS"
            missed |= verdict == "MISS"
        print(
            f"{labels[name]:<22}{medians[name] * 1000:>8.1f}ms{min(times[name]) * 1000:>8.1f}ms"
            f"{ratio:>8.1f}x{(f'{target:.0f}x' if target else '-'):>9}  {verdict}"
        )
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
