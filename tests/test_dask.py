"""Dask on a 2-worker LocalCluster: the CLI's record for every id, bad rows included, a killed
worker changing nothing, a failed job leaving no output, and nothing written in the workers'
home."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cxcs.models.knowledge import Knowledge
from tests import scale_data as scale
from tests.conftest import load_samples
from tests.support import need

KILLER = '''
"""Test helpers shipped to the Dask workers (a test module is not importable there)."""
import os


def kill_once(part, marker, victim, partition_info=None):
    """Kill this worker process while it runs partition ``victim``, the first time only."""
    if partition_info and partition_info["number"] == victim and not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(1)
    return part


def fail_on(part, victim, partition_info=None):
    """Raise while computing partition ``victim``."""
    if partition_info and partition_info["number"] == victim:
        raise RuntimeError("this partition fails")
    return part


def load_knowledge_here():
    """What a naive integration does on a worker: load the knowledge files."""
    from cxcs.knowledge.load import load_knowledge

    return load_knowledge().origin.version
'''


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    """A client on a 2-worker LocalCluster whose workers' home is an empty temporary dir."""
    for module in ("distributed", "pandas", "pyarrow"):
        need(module)
    from dask.distributed import Client, LocalCluster

    home = tmp_path_factory.mktemp("dask-worker-home")
    helpers = tmp_path_factory.mktemp("dask-helpers") / "scale_killer.py"
    helpers.write_text(KILLER, encoding="utf-8")
    # Empty values switch off this test run's private cache dir: the cache would go to $HOME.
    env = {"HOME": str(home), "CXCS_CACHE_DIR": "", "XDG_CACHE_HOME": "", "CXCS_NO_CACHE": ""}
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, env=env
        ) as local,
        Client(local) as client,
    ):
        client.upload_file(str(helpers))
        sys.path.insert(0, str(helpers.parent))
        assert set(client.run(lambda: os.environ["HOME"]).values()) == {str(home)}
        try:
            yield client, home
        finally:
            sys.path.remove(str(helpers.parent))


def _frame(rows: list[dict[str, Any]], partitions: int = 5) -> Any:
    import dask.dataframe as dd
    import pandas as pd

    return dd.from_pandas(pd.DataFrame(rows), npartitions=partitions)


def _read(path: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def _helpers() -> Any:
    """The module shipped to the workers, as this process sees it (the functions must be the
    workers' module's, so that they pickle by reference)."""
    import importlib

    return importlib.import_module("scale_killer")


def test_dask_frame_gives_the_cli_record_for_every_id(
    cluster: tuple[Any, Path], reference: list[dict[str, Any]], kb: Knowledge, tmp_path: Path
) -> None:
    from cxcs.integrations.dask import classify_dask, write_parquet

    _, home = cluster
    labels = classify_dask(_frame(scale.postings()), text_col="description", kb=kb)
    write_parquet(labels, tmp_path / "labels")
    rows = _read(tmp_path / "labels")
    assert scale.by_id(rows, line=False) == scale.by_id(reference, line=False)
    assert {r["line"] for r in rows} == {None}
    assert {r["error_code"] for r in rows if r["id"].startswith("bad-")} >= {"no_text"}
    assert list(home.iterdir()) == []


def test_dask_jsonl_bag_gives_the_cli_record_with_line_numbers(
    cluster: tuple[Any, Path], kb: Knowledge, tmp_path: Path
) -> None:
    from cxcs.integrations.dask import classify_jsonl, records_frame, write_parquet

    _, home = cluster
    rows = scale.postings()
    first = scale.write_jsonl(tmp_path / "a.jsonl", rows[:70])
    second = tmp_path / "b.jsonl"
    lines = [json.dumps(r) for r in rows[70:]]
    lines[3:3] = ["", '{"id": "broken", "description": ', "[1, 2]"]  # blank, bad JSON, no object
    second.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bag = classify_jsonl([first, second], text_fields=("description",), kb=kb)
    assert bag.npartitions == 2
    got = bag.compute()
    assert got == scale.cli_rows(first) + scale.cli_rows(second)
    assert [r["error_code"] for r in got[70 + 3 : 70 + 5]] == ["bad_json", "not_object"]
    write_parquet(records_frame(bag, kb), tmp_path / "labels")
    assert _read(tmp_path / "labels") == got
    assert list(home.iterdir()) == []


def test_dask_killed_worker_gives_identical_output(
    cluster: tuple[Any, Path], reference: list[dict[str, Any]], kb: Knowledge, tmp_path: Path
) -> None:
    from cxcs.frames import empty_frame
    from cxcs.integrations.dask import classify_dask, write_parquet

    marker = tmp_path / "killed"
    labels = classify_dask(_frame(scale.postings()), text_col="description", kb=kb)
    doomed = labels.map_partitions(_helpers().kill_once, str(marker), 2, meta=empty_frame(kb))
    write_parquet(doomed, tmp_path / "labels")
    assert marker.exists(), "no worker was killed"
    assert scale.by_id(_read(tmp_path / "labels"), line=False) == scale.by_id(reference, line=False)


def test_dask_failed_job_leaves_no_partial_output(
    cluster: tuple[Any, Path], kb: Knowledge, tmp_path: Path
) -> None:
    from cxcs.frames import empty_frame
    from cxcs.integrations.dask import classify_dask, write_parquet

    labels = classify_dask(_frame(scale.postings()[:40], 4), text_col="description", kb=kb)
    failing = labels.map_partitions(_helpers().fail_on, 2, meta=empty_frame(kb))
    with pytest.raises(RuntimeError, match="this partition fails"):
        write_parquet(failing, tmp_path / "labels")
    assert list(tmp_path.iterdir()) == []
    write_parquet(labels, tmp_path / "labels")
    before = _read(tmp_path / "labels")
    with pytest.raises(RuntimeError, match="this partition fails"):
        write_parquet(failing, tmp_path / "labels", overwrite=True)
    assert [p.name for p in tmp_path.iterdir()] == ["labels"]
    assert _read(tmp_path / "labels") == before


def test_dask_worker_home_check_can_fail(cluster: tuple[Any, Path]) -> None:
    """Control: loading knowledge on a worker does write under its home (so the checks above
    would see it)."""
    client, home = cluster
    assert set(client.run(_helpers().load_knowledge_here).values())
    assert list(home.rglob("*.json"))
    for path in sorted(home.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()


def test_readme_dask_recipe_runs(cluster: tuple[Any, Path], tmp_path: Path) -> None:
    scale.run_recipe(scale.readme_recipe("dask"), tmp_path)
    rows = _read(tmp_path / "labels-dask")
    assert [r["id"] for r in rows] == [r["id"] for r in load_samples()]
    assert {r["error_code"] for r in rows} == {None}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels-dask", "tests"]


def test_dask_joins_a_text_split_over_columns(cluster: tuple[Any, Path], kb: Knowledge) -> None:
    """``text_col="duties+skills"`` reads both columns as one posting, as the CLI, frames and
    Spark do; a title column the frame lacks is refused at once, not in a worker."""
    from cxcs.engine.classify import classify
    from cxcs.errors import UsageError
    from cxcs.integrations.dask import classify_dask

    duties, skills = "Resolve customer tickets by phone and chat.", "Zendesk; de-escalation."
    rows = [{"id": "a", "duties": duties, "skills": skills}, {"id": "b", "skills": skills}]
    out = classify_dask(_frame(rows, 2), text_col="duties+skills", kb=kb).compute()
    missing = out["confidence"].isna()  # an abstention has no confidence
    assert [None if na else v for v, na in zip(out["confidence"], missing, strict=True)] == [
        classify(kb, f"{duties}\n\n{skills}").confidence,
        classify(kb, skills).confidence,
    ]
    with pytest.raises(UsageError, match="no title column 'headline'"):
        classify_dask(_frame(rows, 2), text_col="duties", title_col="headline", kb=kb)


def test_dask_jsonl_splits_lines_as_the_cli_does(
    cluster: tuple[Any, Path], kb: Knowledge, tmp_path: Path
) -> None:
    """Only ``\\n`` ends a line, as in the CLI: a lone carriage return inside a line does
    not split it into two rows (which shifted every later line number), CRLF is one break."""
    from cxcs.integrations.dask import classify_jsonl

    duties = "Answer customer tickets by email, chat and phone."
    path = tmp_path / "cr.jsonl"
    path.write_bytes(
        f'{{"id": "crlf", "description": "{duties}"}}\r\n'
        f'{{"id": "cr", "description": "{duties}"}}\r{{"id": "x", "description": "y"}}\n'
        f'{{"id": "last", "description": "{duties}"}}\n'.encode()
    )
    got = classify_jsonl(path, text_fields=("description",), kb=kb).compute()
    assert got == scale.cli_rows(path)
    assert [r["line"] for r in got] == [1, 2, 3]


def test_dask_jsonl_skips_a_line_over_the_limit_as_the_cli_does(
    cluster: tuple[Any, Path], kb: Knowledge, tmp_path: Path
) -> None:
    """A line over the CLI's 8 MiB line limit is a ``line_too_long`` error row, not a
    posting classified in part; the line after it is read as usual."""
    from cxcs.inputs import MAX_LINE_BYTES
    from cxcs.integrations.dask import classify_jsonl

    duties = "Answer customer tickets by email, chat and phone. "
    huge = {"id": "huge", "description": duties * (MAX_LINE_BYTES // len(duties) + 1)}
    path = scale.write_jsonl(tmp_path / "huge.jsonl", [huge, {"id": "ok", "description": duties}])
    got = classify_jsonl(path, text_fields=("description",), kb=kb).compute()
    assert got == scale.cli_rows(path)
    assert [r["error_code"] for r in got] == ["line_too_long", None]


def test_dask_meta_has_the_frame_index(cluster: tuple[Any, Path], kb: Knowledge) -> None:
    """The result's declared index is the input's (a string index here), as computed."""
    import dask.dataframe as dd
    import pandas as pd

    from cxcs.integrations.dask import classify_dask

    text = ["Answer customer tickets by phone"] * 3
    frame = pd.DataFrame({"id": ["1", "2", "3"], "text": text}, index=["x", "y", "z"])
    labels = classify_dask(dd.from_pandas(frame, npartitions=2), kb=kb)
    assert labels.index.dtype == labels.compute().index.dtype != "int64"


def test_dask_ids_are_the_cli_ids(cluster: tuple[Any, Path], kb: Knowledge, tmp_path: Path) -> None:
    """``dd.read_parquet`` ids come out as ``classify --batch`` writes them, whatever the id
    column's type (a float column of whole numbers as integers, an empty id as null); an
    integer id past 2**53 needs ``dtype_backend="numpy_nullable"``, or pandas reads the
    column with its null as floats and its last digits are lost."""
    import dask.dataframe as dd
    import pandas as pd

    from cxcs.integrations.dask import classify_dask

    path = scale.typed_ids_parquet(tmp_path / "ids.parquet")
    frame = dd.read_parquet(str(path))
    exact = dd.read_parquet(str(path), dtype_backend="numpy_nullable")
    got = {
        name: [None if pd.isna(v) else v for v in classify_dask(source, id_col=name, kb=kb)
               .compute()["id"].astype(object)]
        for name, source in ((n, exact if n == "big" else frame) for n in scale.TYPED_IDS)
    }  # fmt: skip
    assert got == {name: scale.batch_ids(path, name) for name in scale.TYPED_IDS}


def test_dask_frame_without_ids_takes_a_known_index(
    cluster: tuple[Any, Path], kb: Knowledge, tmp_path: Path
) -> None:
    """A frame without an ``id`` column gets its index as ids when Dask knows the index
    across partitions (``from_pandas``, ``set_index``); one read from files, whose
    partitions each count from 0 and so would repeat ids, is refused naming the ways on."""
    import dask.dataframe as dd
    import pandas as pd

    from cxcs.errors import UsageError
    from cxcs.integrations.dask import classify_dask

    frame = pd.DataFrame({"text": [scale.DUTIES] * 4}, index=[3, 5, 7, 9])
    out = classify_dask(dd.from_pandas(frame, npartitions=2), kb=kb).compute()
    assert list(out["id"]) == ["3", "5", "7", "9"]
    frame.to_parquet(tmp_path / "postings.parquet", index=False)
    with pytest.raises(UsageError, match=r"set_index.*id_col=None"):
        classify_dask(dd.read_parquet(str(tmp_path / "postings.parquet")), kb=kb)


def test_dask_refuses_kept_columns_written_under_one_name(kb: Knowledge) -> None:
    """Two kept columns the output would write under one name are refused on the client."""
    dd = need("dask.dataframe")
    pd = need("pandas")

    from cxcs.errors import UsageError
    from cxcs.integrations.dask import classify_dask

    frame = pd.DataFrame(
        {"id": ["a"], "text": [scale.DUTIES], "label": ["x"], "input_label": ["y"]}
    )
    with pytest.raises(UsageError, match="label and input_label would both be written"):
        classify_dask(dd.from_pandas(frame, npartitions=1), keep=["label", "input_label"], kb=kb)
