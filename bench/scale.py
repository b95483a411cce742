"""Spark and Dask beside the CLI, in one run: postings/s, whole run and excluding start-up.

    python bench/scale.py [--rows 20000] [--rounds 2]

Uses the real postings of ../shared/eval/jobs-dev.jsonl (next to the repository, or
``$CXCS_SHARED/eval``), repeated with fresh ids to ``--rows``, written to a temporary
directory at run time (their text never enters the repository). Each engine classifies the
same rows on this machine's 2 cores:

- CLI: ``cxcs classify --batch --jobs 2`` (a fresh process; start-up is its run on 100 rows);
- Dask: a 2-worker ``LocalCluster`` (1 thread each), Parquet in, ``write_parquet`` out;
- Spark: ``local[2]``, ``classify_spark`` via ``mapInPandas``, Parquet in and out.

"whole" includes starting the cluster or session and a first small job (workers importing
cxcs and receiving the knowledge base); "steady" is the best of ``--rounds`` full jobs
after that, which is what a long job converges to. Wall-clock time on a shared machine is
noisy: compare the engines with each other within one run, not across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORES = 2
WARM_ROWS = 100
PARTS = 8


def tree_cpu() -> float:
    """CPU seconds used so far by this process and all its descendants, live or reaped
    (Linux /proc): the engines' workers, the JVM and the Python workers under it."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = sum(int(f) for f in fields[11:15]) / tick
    own = os.getpid()
    total, stack = 0.0, [own]
    while stack:
        pid = stack.pop()
        total += times.get(pid, 0.0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total


def shared_postings() -> list[dict[str, Any]]:
    """The real development postings (id, title, description)."""
    shared = Path(os.environ.get("CXCS_SHARED", ROOT.parent / "shared"))
    path = shared / "eval" / "jobs-dev.jsonl"
    if not path.exists():
        sys.exit(f"bench/scale.py: {path} not found (set CXCS_SHARED to the shared directory)")
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [{"id": r["id"], "title": r.get("title"), "description": r["description"]} for r in rows]


def make_inputs(tmp: Path, rows: int) -> tuple[Path, Path, Path]:
    """The rows as JSONL (for the CLI) and as Parquet parts (for the engines), and a small
    JSONL file for the CLI's start-up run."""
    import pandas as pd

    base = shared_postings()
    records = [
        {**base[i % len(base)], "id": f"{base[i % len(base)]['id']}#{i}"} for i in range(rows)
    ]
    jsonl, small = tmp / "postings.jsonl", tmp / "small.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    small.write_text("".join(json.dumps(r) + "\n" for r in records[:WARM_ROWS]), "utf-8")
    parquet = tmp / "postings.parquet"
    parquet.mkdir()
    step = -(-rows // PARTS)
    for part in range(PARTS):
        chunk = pd.DataFrame(records[part * step : (part + 1) * step])
        chunk.to_parquet(parquet / f"part-{part}.parquet", index=False)
    return jsonl, small, parquet


def time_cli(path: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one whole ``cxcs classify --batch --jobs 2`` process."""
    argv = [sys.executable, "-m", "cxcs", "classify", "--batch", str(path), "--jobs", "2"]
    argv += ["--text-field", "description", "-o", str(out)]
    start, cpu = time.perf_counter(), tree_cpu()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed, used = time.perf_counter() - start, tree_cpu() - cpu
    if done.returncode not in (0, 1):
        sys.exit(f"cxcs failed: {done.stderr}")
    return elapsed, used


Result = tuple[float, float, float]
"""Seconds for the whole run, seconds and CPU seconds for ``rows`` excluding start-up."""

IDLE_SECONDS = 5.0


def idle_cpu_rate() -> float:
    """CPU seconds per second that this process tree burns doing nothing (a cluster's
    heartbeats, a JVM's housekeeping): subtracted from a job's CPU time, since on a shared
    machine a job's wall time, and so this cost, grows with everyone else's load."""
    cpu, begin = tree_cpu(), time.perf_counter()
    time.sleep(IDLE_SECONDS)
    return (tree_cpu() - cpu) / (time.perf_counter() - begin)


def timed_rounds(rounds: int, job: Any) -> tuple[float, float, float]:
    """Wall seconds of the first round, best wall seconds, best work CPU seconds of ``job``."""
    idle = idle_cpu_rate()
    times, cpus = [], []
    for n in range(rounds):
        begin, cpu = time.perf_counter(), tree_cpu()
        job(n)
        elapsed = time.perf_counter() - begin
        times.append(elapsed)
        cpus.append(tree_cpu() - cpu - idle * elapsed)
    return times[0], min(times), min(cpus)


def bench_cli(jsonl: Path, small: Path, tmp: Path, rows: int, rounds: int) -> Result:
    small_runs = [time_cli(small, tmp / "small.out.jsonl") for _ in range(rounds)]
    full_runs = [time_cli(jsonl, tmp / "cli.out.jsonl") for _ in range(rounds)]
    scale = rows / (rows - WARM_ROWS)
    full = min(w for w, _ in full_runs)
    steady = (full - min(w for w, _ in small_runs)) * scale
    cpu = (min(c for _, c in full_runs) - min(c for _, c in small_runs)) * scale
    return full, steady, cpu


def bench_dask(parquet: Path, tmp: Path, rounds: int, kb: Any) -> Result:
    import dask
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster

    from cxcs.integrations.dask import classify_dask, write_parquet

    # The workers' statistical profiler samples every thread 100 times a second: ~5 % of
    # their CPU, and nothing this benchmark reads. Production clusters may keep it.
    dask.config.set({"distributed.worker.profile.enabled": False})
    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=CORES, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        warm = dd.read_parquet(str(parquet)).head(WARM_ROWS, npartitions=1, compute=False)
        warm = warm.repartition(npartitions=CORES)  # every worker imports cxcs and the kb
        classify_dask(warm, text_col="description", kb=kb).compute()
        startup = time.perf_counter() - start

        def job(n: int) -> None:
            labels = classify_dask(dd.read_parquet(str(parquet)), text_col="description", kb=kb)
            write_parquet(labels, tmp / f"dask-{n}")

        first, best, cpu = timed_rounds(rounds, job)
    return startup + first, best, cpu


def bench_spark(parquet: Path, tmp: Path, rounds: int, kb: Any) -> Result:
    from pyspark.sql import SparkSession

    from cxcs.integrations.spark import classify_spark

    start = time.perf_counter()
    spark = (
        SparkSession.builder.master(f"local[{CORES}]")
        .appName("cxcs-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.sql.files.minPartitionNum", str(PARTS))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        warm = spark.read.parquet(str(parquet)).limit(WARM_ROWS).repartition(CORES)
        classify_spark(warm, text_col="description", kb=kb).collect()
        startup = time.perf_counter() - start

        def job(n: int) -> None:
            labels = classify_spark(spark.read.parquet(str(parquet)), text_col="description", kb=kb)
            labels.write.mode("overwrite").parquet(str(tmp / f"spark-{n}"))

        first, best, cpu = timed_rounds(rounds, job)
    finally:
        spark.stop()
    return startup + first, best, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--engines", default="cli,dask,spark")
    args = parser.parse_args()
    from cxcs.knowledge.load import load_knowledge

    kb = load_knowledge()
    results: dict[str, Result] = {}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        jsonl, small, parquet = make_inputs(tmp, args.rows)
        engines = args.engines.split(",")
        if "cli" in engines:
            results["CLI --jobs 2"] = bench_cli(jsonl, small, tmp, args.rows, args.rounds)
        if "dask" in engines:
            results["Dask LocalCluster(2)"] = bench_dask(parquet, tmp, args.rounds, kb)
        if "spark" in engines:
            results["Spark local[2]"] = bench_spark(parquet, tmp, args.rounds, kb)
    rows = args.rows
    print(f"{rows:,} real postings (jobs-dev.jsonl repeated), {CORES} cores, best of {args.rounds}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end (other processes share the cores)")
    print()
    print(
        "| engine | whole run s | postings/s (whole) | postings/s (excl. start-up) "
        "| per core (postings per CPU s) | per core vs CLI |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    cli = results.get("CLI --jobs 2")
    for engine, (whole, steady, cpu) in results.items():
        per_core = rows / cpu
        ratio = f"{per_core / (rows / cli[2]):.2f}" if cli else "-"
        print(
            f"| {engine} | {whole:.1f} | {rows / whole:,.0f} | {rows / steady:,.0f} | "
            f"{per_core:,.0f} | {ratio} |"
        )


if __name__ == "__main__":
    main()
