"""Spark on local[2,4] (2 cores, a task may fail 4 times): the CLI's record for every id, bad
rows included, a Python worker killed mid-job changing nothing, nothing written in the
workers' home."""

from __future__ import annotations

import functools
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cxcs.models.knowledge import Knowledge
from tests import scale_data as scale
from tests.conftest import load_samples
from tests.support import need, require

HELPERS = '''
"""Test helpers shipped to the Spark workers (a test module is not importable there)."""
import os


def kill_once(marker, batches):
    """Kill this Python worker in the middle of partition 1, on the task's first attempt."""
    from pyspark import TaskContext

    context = TaskContext.get()
    for number, batch in enumerate(batches):
        if number == 1 and context.partitionId() == 1 and context.attemptNumber() == 0:
            open(marker, "w").close()
            os._exit(1)
        yield batch


def load_knowledge_here(batches):
    """What a naive integration does on a worker: load the knowledge files."""
    from cxcs.knowledge.load import load_knowledge

    for batch in batches:
        load_knowledge()
        yield batch
'''

INPUT_DDL = "id STRING, title STRING, description STRING"


@dataclass(frozen=True)
class Rig:
    """The test run's SparkSession, its workers' home, the helper module and the JVM's cwd."""

    session: Any
    home: Path
    helpers: Any
    cwd: Path


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    """One local[2,4] SparkSession for the whole test run (starting one takes seconds)."""
    for module in ("pyspark", "pandas", "pyarrow"):
        need(module)
    require(shutil.which("java") is not None, "java is not installed (a JRE 17 or later)")
    from pyspark.sql import SparkSession

    home = tmp_path_factory.mktemp("spark-worker-home")
    helpers = tmp_path_factory.mktemp("spark-helpers") / "scale_spark_helpers.py"
    helpers.write_text(HELPERS, encoding="utf-8")
    builder = (
        SparkSession.builder.master("local[2,4]")
        .appName("cxcs-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "16")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.executorEnv.HOME", str(home))
    )
    # Empty values switch off this test run's private cache dir: the cache would go to $HOME.
    for name in ("CXCS_CACHE_DIR", "XDG_CACHE_HOME", "CXCS_NO_CACHE"):
        builder = builder.config(f"spark.executorEnv.{name}", "")
    cwd = tmp_path_factory.mktemp("spark-cwd")
    here = os.getcwd()
    os.chdir(cwd)  # the JVM resolves relative paths against the directory it started in
    try:
        session = builder.getOrCreate()
    finally:
        os.chdir(here)
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.addPyFile(str(helpers))
    sys.path.insert(0, str(helpers.parent))
    try:
        import scale_spark_helpers

        yield Rig(session, home, scale_spark_helpers, cwd)
    finally:
        sys.path.remove(str(helpers.parent))
        session.stop()


def _postings(session: Any, path: Path) -> Any:
    return session.read.json(str(path), schema=INPUT_DDL).repartition(4, "id")


def _rows(frame: Any) -> list[dict[str, Any]]:
    return [row.asDict() for row in frame.collect()]


def test_spark_gives_the_cli_record_for_every_id(
    spark: Rig, posting_file: Path, reference: list[dict[str, Any]], kb: Knowledge
) -> None:
    from cxcs.integrations.spark import classify_spark, spark_schema

    session, home = spark.session, spark.home
    labels = classify_spark(_postings(session, posting_file), text_col="description", kb=kb)
    assert labels.schema == spark_schema(kb)
    rows = _rows(labels)
    assert scale.by_id(rows, line=False) == scale.by_id(reference, line=False)
    assert {r["line"] for r in rows} == {None}
    assert {r["kb_sha256"] for r in rows} == {kb.origin.sha256}
    assert list(home.iterdir()) == []


def test_spark_killed_worker_gives_identical_output(
    spark: Rig,
    posting_file: Path,
    reference: list[dict[str, Any]],
    kb: Knowledge,
    tmp_path: Path,
) -> None:
    from cxcs.integrations.spark import classify_spark

    session, home, helpers = spark.session, spark.home, spark.helpers
    marker = tmp_path / "killed"
    labels = classify_spark(_postings(session, posting_file), text_col="description", kb=kb)
    doomed = labels.mapInPandas(functools.partial(helpers.kill_once, str(marker)), labels.schema)
    doomed.write.mode("overwrite").parquet(str(tmp_path / "labels"))
    assert marker.exists(), "no worker was killed"
    rows = _rows(session.read.parquet(str(tmp_path / "labels")))
    assert scale.by_id(rows, line=False) == scale.by_id(reference, line=False)
    assert list(home.iterdir()) == []


def test_spark_keeps_columns_and_reads_ids_as_strings(spark: Rig, kb: Knowledge) -> None:
    from cxcs.integrations.spark import classify_spark

    session = spark.session
    frame = session.createDataFrame(
        [(7, "Resolve customer tickets by phone and chat", "north"), (None, None, "south")],
        "num BIGINT, body STRING, region STRING",
    )
    labels = classify_spark(frame, text_col="body", id_col="num", keep=["region"], kb=kb)
    rows = sorted(_rows(labels), key=lambda r: r["region"])
    assert [r["id"] for r in rows] == ["7", None]
    assert [r["region"] for r in rows] == ["north", "south"]
    assert rows[1]["error_code"] == "no_text" and rows[0]["error_code"] is None


def test_spark_worker_home_check_can_fail(spark: Rig) -> None:
    """Control: loading knowledge on a worker does write under its home (so the checks above
    would see it)."""
    session, home, helpers = spark.session, spark.home, spark.helpers
    frame = session.createDataFrame([("x",)], "a STRING")
    assert frame.mapInPandas(helpers.load_knowledge_here, frame.schema).count() == 1
    assert list(home.rglob("*.json"))
    for path in sorted(home.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    assert os.listdir(home) == []


def test_readme_spark_recipe_runs(spark: Rig, tmp_path: Path, kb: Knowledge) -> None:
    session = spark.session
    scale.run_recipe(scale.readme_recipe("spark"), spark.cwd)
    rows = _rows(session.read.parquet(str(spark.cwd / "labels-spark")))
    assert len(rows) == len(load_samples()) == 90
    assert {r["error_code"] for r in rows} == {None}
    assert {r["kb_sha256"] for r in rows} == {kb.origin.sha256}


def test_spark_joins_a_text_split_over_columns(spark: Rig, kb: Knowledge) -> None:
    """``text_col="duties+skills"`` reads both columns as one posting, as the CLI does."""
    from cxcs.engine.classify import classify
    from cxcs.integrations.spark import classify_spark

    duties, skills = "Resolve customer tickets by phone and chat.", "Zendesk; de-escalation."
    frame = spark.session.createDataFrame(
        [("a", duties, skills), ("b", None, skills)], "id STRING, duties STRING, skills STRING"
    )
    rows = sorted(_rows(classify_spark(frame, text_col="duties+skills", kb=kb)), key=str)
    expected = classify(kb, f"{duties}\n\n{skills}")
    assert (rows[0]["id"], rows[0]["confidence"]) == ("a", expected.confidence)
    assert rows[1]["confidence"] == classify(kb, skills).confidence


def test_spark_reads_list_and_binary_text_as_the_cli_does(
    spark: Rig, kb: Knowledge, tmp_path: Path
) -> None:
    """An ``array<string>`` text column (numpy arrays in the workers) and a ``binary`` one
    give the CLI's rows for the same Parquet file, instead of failing the job."""
    from cxcs.integrations.spark import classify_spark

    path = scale.typed_parquet(tmp_path / "typed.parquet")
    frame = spark.session.read.parquet(str(path))
    rows = _rows(classify_spark(frame, text_col=scale.TYPED_TEXT_FIELDS, kb=kb))
    expected = scale.cli_rows(path, ",".join(scale.TYPED_TEXT_FIELDS))
    assert scale.by_id(rows, line=False) == scale.by_id(expected, line=False)


def test_spark_reads_columns_whose_names_hold_a_dot(spark: Rig, kb: Knowledge) -> None:
    """A flattened export's ``job.description`` is a column name, not a path into a struct
    (Spark reads an unquoted dot as one): id, text and kept columns alike."""
    from cxcs.integrations.spark import classify_spark

    duties = "Resolve customer tickets by phone and chat."
    frame = spark.session.createDataFrame(
        [("a", duties, "north")], "`job.id` STRING, `job.description` STRING, `job.region` STRING"
    )
    labels = classify_spark(
        frame, text_col="job.description", id_col="job.id", keep=["job.region"], kb=kb
    )
    ((row_id, region, code),) = [(r["id"], r["job.region"], r["error_code"]) for r in _rows(labels)]
    assert (row_id, region, code) == ("a", "north", None)


def test_spark_ids_are_the_cli_ids(spark: Rig, kb: Knowledge, tmp_path: Path) -> None:
    """Each id is the text ``classify --batch`` writes for the same file, whatever the id
    column's type: Spark's own cast to string wrote ``2024-01-02 09:30:00`` for a timestamp,
    ``{1}`` for an object, ``0.00000000`` for a decimal the CLI writes ``0E-8``. A Spark
    timestamp is an instant without its zone: it is written in UTC (``+00:00``, as the CLI
    writes a UTC column) whatever the session's time zone."""
    from pyspark.sql import functions as f

    from cxcs.integrations.spark import classify_spark

    session = spark.session
    parquet = scale.typed_ids_parquet(tmp_path / "ids.parquet")
    jsonl = scale.write_jsonl(
        tmp_path / "ids.jsonl", [{"id": {"a": [1, 2]}, "text": "x"}, {"id": {"a": None}}]
    )
    floats = scale.write_jsonl(
        tmp_path / "floats.jsonl", [{"id": v, "text": "x"} for v in (17, 0.5)]
    )
    csv = tmp_path / "ids.csv"
    csv.write_text("id,text\n17,x\n18,x\n,x\n", encoding="utf-8")
    inputs = {name: (parquet, name, session.read.parquet(str(parquet))) for name in scale.TYPED_IDS}
    inputs["json"] = (jsonl, "id", session.read.json(str(jsonl)))
    inputs["json floats"] = (floats, "id", session.read.json(str(floats)))
    inputs["csv"] = (csv, "id", session.read.csv(str(csv), header=True, inferSchema=True))
    inputs["csv text"] = (csv, "id", session.read.csv(str(csv), header=True))
    zone = session.conf.get("spark.sql.session.timeZone")
    session.conf.set("spark.sql.session.timeZone", "America/New_York")
    try:
        labels = [
            classify_spark(frame.coalesce(1), id_col=column, kb=kb).withColumn("run", f.lit(run))
            for run, (_, column, frame) in inputs.items()
        ]
        rows = _rows(functools.reduce(lambda a, b: a.unionByName(b), labels))
    finally:
        session.conf.set("spark.sql.session.timeZone", zone)
    got = {run: [r["id"] for r in rows if r["run"] == run] for run in inputs}
    want = {
        run: scale.batch_ids(path, column, path.suffix.lstrip("."))
        for run, (path, column, _) in inputs.items()
    }
    assert got == want
    assert want["json"] == ['{"a":[1,2]}', '{"a":null}']
    assert want["stamp_utc"][0] == "2024-01-02T09:30:00+00:00"


def test_spark_refuses_a_frame_without_ids(spark: Rig, kb: Knowledge) -> None:
    """Spark keeps no row order, so only an id ties an output row to its posting: a frame
    without the default ``id`` column is refused with a message naming both ways on;
    ``id_col=None`` runs with null ids."""
    from cxcs.errors import UsageError
    from cxcs.integrations.spark import classify_spark

    frame = spark.session.createDataFrame([("Answer customer tickets by phone",)], "text STRING")
    with pytest.raises(UsageError, match=r"id_col='posting_id'.*id_col=None"):
        classify_spark(frame, kb=kb)
    assert [r["id"] for r in _rows(classify_spark(frame, id_col=None, kb=kb))] == [None]


def test_spark_checks_the_columns_as_frames_do(spark: Rig, kb: Knowledge) -> None:
    """The columns a run reads are checked before any job runs, by the frames' one check:
    no text column (naming what the frame has), a missing kept or title column, a column
    read that the frame names twice."""
    from cxcs.errors import UsageError
    from cxcs.integrations.spark import classify_spark

    frame = spark.session.createDataFrame([("a", "b")], "id STRING, body STRING")
    with pytest.raises(UsageError, match=r"no text column \(looked for text; found id, body\)"):
        classify_spark(frame, kb=kb)
    with pytest.raises(UsageError, match="no column 'region'"):
        classify_spark(frame, text_col="body", keep=["region"], kb=kb)
    with pytest.raises(UsageError, match="no title column 'headline'"):
        classify_spark(frame, text_col="body", title_col="headline", kb=kb)
    twice = spark.session.createDataFrame([("a", "b", "c")], "id STRING, text STRING, text STRING")
    with pytest.raises(UsageError, match="'text' twice"):
        classify_spark(twice, kb=kb)


def test_spark_keeps_the_id_column_with_its_type(spark: Rig, kb: Knowledge) -> None:
    """The id column kept as well keeps its own type, and the id column can be the text
    column too (the id travels to the workers apart from the columns read as they are)."""
    from cxcs.integrations.spark import classify_spark

    frame = spark.session.createDataFrame([(7, "a")], "num BIGINT, body STRING")
    labels = classify_spark(frame, text_col="body", id_col="num", keep=["num"], kb=kb)
    assert [(r["id"], r["num"]) for r in _rows(labels)] == [("7", 7)]
    same = classify_spark(frame, text_col="body", id_col="body", kb=kb)
    assert [(r["id"], r["error_code"]) for r in _rows(same)] == [("a", None)]


def test_spark_refuses_kept_columns_written_under_one_name(spark: Rig, kb: Knowledge) -> None:
    """``keep=["label", "input_label"]`` would give the output two ``input_label`` columns:
    refused before any job runs, as the CLI and frames refuse it."""
    from cxcs.errors import UsageError
    from cxcs.integrations.spark import classify_spark

    frame = spark.session.createDataFrame(
        [("a", "text", "x", "y")], "id STRING, text STRING, label STRING, input_label STRING"
    )
    with pytest.raises(UsageError, match="label and input_label would both be written"):
        classify_spark(frame, keep=["label", "input_label"], kb=kb)
    assert classify_spark(frame, keep=["label", "label"], kb=kb).columns[-2:] == [
        "kb_sha256",
        "input_label",
    ]


def test_spark_error_rows_name_the_id_column(spark: Rig, kb: Knowledge, tmp_path: Path) -> None:
    """An id that is not valid UTF-8 gives the CLI's error row, whose message names the id
    column as the user named it (not the name it travels under to the workers)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cxcs.batch import read_parquet
    from cxcs.integrations.spark import classify_spark
    from cxcs.records import Fields

    path = tmp_path / "bad-id.parquet"
    pq.write_table(
        pa.table({"ref": pa.array([b"\xff-1"], pa.binary()), "text": [scale.DUTIES]}), path
    )
    (row,) = _rows(classify_spark(spark.session.read.parquet(str(path)), id_col="ref", kb=kb))
    (cli,) = read_parquet(str(path), Fields("ref", None, ("text",)))
    assert (row["id"], row["error_code"], row["error"]) == (cli.id, cli.error_code, cli.error)
    assert cli.error == "not valid Unicode: field ref holds a lone surrogate"
