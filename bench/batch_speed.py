"""Batch throughput, whole process, on real postings: ``cxcs classify --batch`` with --jobs 1
and --jobs 2 beside a naive regex counter measured in the same run.

Usage: python bench/batch_speed.py [--rows 6000] [--rounds 3] [--shared DIR]

``--jobs 2`` runs twice: with the matcher cxcs picks (the compiled one when the ``fast``
extra is installed) and with ``CXCS_MATCHER=python`` (the pure-Python matcher).

The postings are read at run time from the shared evaluation set (``../shared/eval`` next to
the repository, or ``$CXCS_SHARED``); nothing of their text is stored in
the repository. They are repeated (with fresh ids) up to ``--rows``. Each command runs as
its own process, start-up included, writing to a file; the best of ``--rounds`` wall times
is reported (the least disturbed by other processes on a shared machine), with the CPU time
of that round (the process and its workers) and the peak resident memory of the whole
process tree (sampled from /proc every 20 ms).

The naive counter is what an analyst might write in five minutes: parse each line, count
the five function names with one compiled regex, write the counts as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 3000.0
"""Postings per second required with --jobs 2 on 2 cores."""
RSS_LIMIT_MB = 150.0

NAIVE = r"""
import json, re, sys
pattern = re.compile(
    r"customer (experience|success|service|support)|user experience|\bux\b|\bcx\b", re.I
)
with open(sys.argv[1], encoding="utf-8") as rows, open(sys.argv[2], "w") as out:
    for line in rows:
        record = json.loads(line)
        counts = {}
        for match in pattern.finditer(record.get("description") or ""):
            key = match.group(0).lower()
            counts[key] = counts.get(key, 0) + 1
        out.write(json.dumps({"id": record["id"], "counts": counts}) + "\n")
"""


def shared_dir(given: str | None) -> Path:
    """Where the shared evaluation data lives."""
    for candidate in (given, os.environ.get("CXCS_SHARED"), ROOT.parent / "shared"):
        if candidate and (Path(candidate) / "eval" / "jobs-dev.jsonl").is_file():
            return Path(candidate)
    sys.exit("bench: no shared eval data (give --shared DIR or set CXCS_SHARED)")


def write_input(shared: Path, rows: int, target: Path) -> int:
    """``rows`` postings (the dev set repeated, fresh ids) as JSONL; the bytes written."""
    postings = []
    for name in ("jobs-dev.jsonl", "jobs-negatives-dev.jsonl"):
        path = shared / "eval" / name
        if path.is_file():
            with path.open(encoding="utf-8") as handle:
                postings += [json.loads(line) for line in handle if line.strip()]
    with target.open("w", encoding="utf-8") as out:
        for index in range(rows):
            posting = postings[index % len(postings)]
            out.write(
                json.dumps(
                    {
                        "id": f"{posting['id']}#{index}",
                        "title": posting.get("title"),
                        "description": posting["description"],
                    }
                )
                + "\n"
            )
    return target.stat().st_size


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KB (0 once gone)."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    stack += [int(c) for c in handle.read().split()]
        except (OSError, ValueError):
            continue
    return total


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float


def measure(argv: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``argv`` once: wall seconds, CPU seconds of the process tree, peak tree RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})}
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode not in (0, 1):
        sys.exit(f"bench: {' '.join(argv[:4])} failed: {err.decode(errors='replace')[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, peak / 1024)


def best(argv: list[str], rounds: int, env: dict[str, str] | None = None) -> Run:
    """The round with the least wall time."""
    return min((measure(argv, env) for _ in range(rounds)), key=lambda r: r.wall)


def matcher_in_use() -> str:
    """Which phrase matcher ``cxcs`` uses here (the compiled one needs the ``fast`` extra)."""
    from cxcs.engine.classify import lexicon_for
    from cxcs.knowledge.load import load_knowledge

    compiled = lexicon_for(load_knowledge()).compiled is not None
    return "compiled (ahocorasick-rs)" if compiled else "pure Python (no fast extra)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=6000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shared", default=None)
    args = parser.parse_args()
    shared = shared_dir(args.shared)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "postings.jsonl"
        size = write_input(shared, args.rows, source)
        out = str(Path(tmp) / "out.jsonl")
        cxcs = [sys.executable, "-m", "cxcs", "classify", "--batch", str(source), "-o", out]
        runs = {
            "naive regex counter": best(
                [sys.executable, "-c", NAIVE, str(source), out], args.rounds
            ),
            "cxcs --jobs 1": best([*cxcs, "--jobs", "1"], args.rounds),
            "cxcs --jobs 2": best([*cxcs, "--jobs", "2"], args.rounds),
            "cxcs --jobs 2, Python": best(
                [*cxcs, "--jobs", "2"], args.rounds, {"CXCS_MATCHER": "python"}
            ),
        }
    rows = args.rows
    print(
        f"{rows} real postings ({size / rows / 1024:.1f} KB each on average), "
        f"{os.cpu_count()} CPUs, best of {args.rounds}, whole process incl. start-up; "
        f"matcher: {matcher_in_use()} (the 'Python' row forces the pure-Python one)"
    )
    print(f"{'':24s} {'postings/s':>11s} {'CPU ms/posting':>15s} {'peak RSS MB':>12s}")
    for name, run in runs.items():
        print(
            f"{name:24s} {rows / run.wall:11,.0f} {run.cpu * 1000 / rows:15.3f} {run.peak_mb:12.1f}"
        )
    two = runs["cxcs --jobs 2"]
    one = runs["cxcs --jobs 1"]
    naive = runs["naive regex counter"]
    print(
        f"--jobs 2 vs --jobs 1: {one.wall / two.wall:.2f}x; vs naive: {naive.wall / two.wall:.2f}x"
    )
    cores = min(2, os.cpu_count() or 1)
    print(
        f"CPU-bound estimate (CPU time spread over {cores} idle cores, for a loaded machine): "
        f"--jobs 2 {rows * cores / two.cpu:,.0f}/s, naive {rows / naive.cpu:,.0f}/s"
    )
    rate = rows / two.wall
    print(
        f"target >= {TARGET:,.0f} postings/s with --jobs 2: "
        f"{'PASS' if rate >= TARGET else 'MISS'} ({rate:,.0f}); "
        f"peak RSS <= {RSS_LIMIT_MB:.0f} MB: {'PASS' if two.peak_mb <= RSS_LIMIT_MB else 'MISS'}"
    )


if __name__ == "__main__":
    main()
