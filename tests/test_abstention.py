"""An ``insufficient`` result gives no answer, so it shows no confidence, margin or
runner-up: null in the result, every output format, every frame, and the summary (whose
confidence spread covers answered rows only)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from cxcs.engine.classify import classify
from cxcs.models.knowledge import Knowledge
from cxcs.records import classify_records
from cxcs.summary import BatchSummary
from tests.support import markdown_tables, need, read_records, run_cli

LOREM = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua. "
) * 5
"""Not English: cxcs abstains (before this fix it showed confidence 0.81, margin 0.22)."""

FEW_POINTS = (
    "We are a friendly team in a sunny office near the river. You will join us on Mondays "
    "and Thursdays, and the rest of the week is up to you. Lunch is on us every Friday and "
    "the coffee is good. We look forward to meeting you and hearing about your plans."
)
"""English with almost no evidence: too little to answer."""

SUPPORT = (
    "Work the inbound ticket queue in Zendesk and keep our SLAs for first response time. "
    "Troubleshoot login, sync and printer issues with clinic staff over chat and phone. "
    "Reproduce bugs and escalate them to engineering with clear bug reports, and write "
    "help-centre articles for the questions that come up most often from our customers."
)

ABSTAIN = [LOREM, FEW_POINTS]


@pytest.mark.parametrize("text", ABSTAIN, ids=["not-english", "few-points"])
def test_an_abstention_shows_no_confidence_margin_or_runner_up(kb: Knowledge, text: str) -> None:
    result = classify(kb, text)
    assert result.decision == "insufficient", result.reason
    assert result.label is None
    assert result.confidence is None
    assert result.margin is None
    assert result.runner_up is None
    assert result.scores  # the shares are still shown: they are what the model read


def test_answers_keep_their_confidence(kb: Knowledge) -> None:
    result = classify(kb, SUPPORT)
    assert result.decision == "confident" and result.label == "support"
    assert result.confidence is not None and result.margin is not None
    assert result.runner_up is not None


@pytest.mark.parametrize("text", ABSTAIN, ids=["not-english", "few-points"])
def test_every_single_posting_format_shows_the_abstention_as_null(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str
) -> None:
    posting = tmp_path / "posting.txt"
    posting.write_text(text, encoding="utf-8")
    done = run_cli(capsys, "classify", str(posting), "-f", "json")
    assert done.code == 0, done.err
    found = json.loads(done.out)["result"]["classification"]
    assert found["decision"] == "insufficient"
    assert (found["confidence"], found["margin"], found["runner_up"]) == (None, None, None)
    for fmt in ("jsonl", "csv"):
        done = run_cli(capsys, "classify", str(posting), "-f", fmt)
        assert done.code == 0, done.err
        (row,) = read_records(done.out) if fmt == "jsonl" else csv.DictReader(io.StringIO(done.out))
        assert row["decision"] == "insufficient"
        assert row["confidence"] in (None, "") and row["margin"] in (None, "")
        assert row["runner_up"] in (None, "")
    done = run_cli(capsys, "classify", str(posting), "-f", "markdown")
    assert done.code == 0, done.err
    result = {row[0]: row[1] for row in markdown_tables(done.out)[0][1]}
    assert result["confidence"] == result["margin"] == result["runner-up"] == "—"
    done = run_cli(capsys, "classify", str(posting), "-f", "table")
    assert done.code == 0, done.err
    assert "0.81" not in done.out and "0.22" not in done.out


def test_batch_rows_and_frames_hold_null_for_an_abstention(kb: Knowledge, tmp_path: Path) -> None:
    records = [{"id": "a", "text": LOREM}, {"id": "b", "text": SUPPORT}]
    rows = list(classify_records(records, kb=kb))
    assert rows[0]["decision"] == "insufficient"
    assert (rows[0]["confidence"], rows[0]["margin"], rows[0]["runner_up"]) == (None,) * 3
    assert rows[1]["confidence"] is not None
    pd = need("pandas")

    from cxcs.frames import classify_frame

    frame = classify_frame(pd.DataFrame(records), kb=kb)
    assert str(frame["confidence"].dtype) == "Float64"
    assert frame["confidence"].isna().tolist() == [True, False]
    assert frame["margin"].isna().tolist() == [True, False]
    pq = need("pyarrow.parquet")

    from cxcs.schema import arrow_schema, spark_ddl

    schema = arrow_schema(kb)
    assert schema.field("confidence").nullable and schema.field("margin").nullable
    assert "`confidence` DOUBLE" in spark_ddl(kb) and "NOT NULL" not in spark_ddl(kb)
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    target = tmp_path / "labels.parquet"
    from cxcs.cli import main

    with pytest.raises(SystemExit) as done:
        main(["classify", "--batch", str(source), "-o", str(target), "-q"])
    assert done.value.code in (0, None)
    table = pq.read_table(target).to_pylist()
    assert (table[0]["confidence"], table[0]["margin"]) == (None, None)
    assert table[1]["confidence"] is not None


def test_the_summary_spreads_confidence_over_answered_rows_only() -> None:
    summary = BatchSummary()
    summary.add("support", "confident", False, 0.99)
    summary.add(None, "insufficient", False, None)
    # an output written before abstentions were null still carries a number: not counted
    summary.add_row({"label": "", "decision": "insufficient", "confidence": "0.10"})
    assert summary.decisions["insufficient"] == 2
    assert summary.spread()["p10"] == summary.spread()["p90"] == 0.99
    assert "answered" in summary.line()
