"""The ``summarize`` command: what a batch output file adds up to."""

from __future__ import annotations

import os
from os import PathLike
from typing import TYPE_CHECKING

from cxcs.commands.outcome import Outcome

if TYPE_CHECKING:
    from cxcs.summary import BatchSummary


def summarize(
    source: str | PathLike[str], *, input_format: str | None = None
) -> Outcome[BatchSummary]:
    """Counts by label and decision, title/duty mismatches and the confidence spread of a
    batch output (JSONL, CSV, a JSON array or Parquet; ``-``: stdin). Rows written by a
    different knowledge version than the others give a warning."""
    from cxcs.summary import read_output_rows, summarize_rows

    summary = summarize_rows(read_output_rows(os.fspath(source), input_format))
    warnings: tuple[str, ...] = ()
    if len(summary.knowledge) > 1:
        versions = ", ".join(sorted({v for v, _ in summary.knowledge}))
        warnings = (f"warning: rows come from different knowledge versions ({versions})",)
    return Outcome("summarize", summary, None, warnings=warnings)
