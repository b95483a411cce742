"""The development postings with duty labels, read at run time from ``../shared/eval``.

Nothing from those files is copied into the repository: benchmarks, the training script and
the tests that need them read them from the shared directory next to the repository root
(``$CXCS_SHARED`` overrides it). Labels: ``dev-adjudication.tsv`` corrects the title labels
of ``jobs-dev.jsonl`` by what the duties describe (one label, or two where both are
defensible); ``jobs-negatives-dev.jsonl`` are roles that are none of the five.
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = ("cx", "success", "service", "support", "ux", "none")
NAMES = re.compile(
    r"customer experience|customer success|customer service|customer support|user experience"
    r"|technical support|\bcx\b|\bux\b|\bcsm\b",
    re.IGNORECASE,
)
"""The five function names (and their usual abbreviations), blanked for the names-blanked
measurement so only the duties can carry the answer."""

ENGINEER_TITLE = re.compile(r"engineer|developer|analyst|programmer|architect", re.IGNORECASE)


def blank_names(text: str) -> str:
    """``text`` with the five function names replaced by a blank."""
    return NAMES.sub("_____", text)


@dataclass(frozen=True)
class Posting:
    """One labelled posting: ``labels`` are the defensible duty labels, first = primary."""

    id: str
    title: str
    text: str
    labels: tuple[str, ...]
    title_label: str
    source: str  # "dev", "negatives" or "samples"

    @property
    def label(self) -> str:
        return self.labels[0]

    @property
    def engineer_on_customer_team(self) -> bool:
        """A customer-team title (not a negative) held by an engineer/analyst whose duties
        read as not customer-facing."""
        return (
            self.source == "dev"
            and self.title_label != "none"
            and self.labels == ("none",)
            and bool(ENGINEER_TITLE.search(self.title))
        )


def shared_dir() -> Path:
    """``$CXCS_SHARED``, else ``../shared`` beside the repository root."""
    env = os.environ.get("CXCS_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def eval_available() -> bool:
    return (shared_dir() / "eval" / "jobs-dev.jsonl").is_file()


def _read_jsonl(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_dev() -> list[Posting]:
    """The dev postings and negatives, with duty labels applied."""
    folder = shared_dir() / "eval"
    corrections: dict[str, tuple[str, ...]] = {}
    with (folder / "dev-adjudication.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            corrections[row["id"]] = tuple(x.strip() for x in row["duty_labels"].split(","))
    postings = []
    for name, source in (("jobs-dev.jsonl", "dev"), ("jobs-negatives-dev.jsonl", "negatives")):
        for row in _read_jsonl(folder / name):
            labels = corrections.get(row["id"], (row["label"],))
            postings.append(
                Posting(row["id"], row["title"], row["description"], labels, row["label"], source)
            )
    return postings


def load_samples() -> list[Posting]:
    """The repository's own labelled samples (tests/samples)."""
    postings = []
    for path in sorted((ROOT / "tests" / "samples").glob("*.jsonl")):
        for row in _read_jsonl(path):
            postings.append(
                Posting(
                    row["id"],
                    row.get("title", ""),
                    row["description"],
                    (row["label"],),
                    row["label"],
                    "samples",
                )
            )
    return postings


def load_holdout() -> list[Posting]:
    """The self-written held-out set (tests/holdout); evaluation only."""
    rows = _read_jsonl(ROOT / "tests" / "holdout" / "postings.jsonl")
    return [
        Posting(r["id"], r.get("title", ""), r["description"], (r["label"],), r["label"], "holdout")
        for r in rows
    ]
