"""Commands that read job postings: classify (text or a file) and classify_batch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from cxcs.commands._kb import knowledge
from cxcs.commands.outcome import Outcome
from cxcs.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from cxcs.models.classify import Classification
    from cxcs.models.knowledge import Knowledge

BATCH_FORMATS = ("jsonl", "csv")


def classify(
    kb: Knowledge | None,
    text: str,
    title: str | None = None,
    *,
    detect_title: bool = True,
    explain: bool = False,
) -> Outcome[Classification]:
    """Classify one posting by the customer-facing function its duties describe.

    ``title``, when given, is scored on its own and checked against the duties; otherwise a
    short first line is taken as the title unless ``detect_title`` is false. A title that
    disagrees with the duties, and text past the classifier's limit, give warnings.
    ``explain`` asks the presentation for the per-phrase contribution table.
    """
    from cxcs.engine.classify import classify as run

    if title is not None:
        title = title.strip()
        if not title:
            raise UsageError("--title is empty; leave it out to detect the title")
    kb = knowledge(kb, signals=True)
    result = run(kb, text, title, detect_title=detect_title)
    warnings: list[str] = []
    if result.truncated:
        warnings.append(
            f"warning: input is {len(text):,} characters; classified the first "
            f"{result.chars_read:,}"
        )
    if result.title is not None and result.title.mismatch and result.title.message:
        warnings.append(f"warning: {result.title.message}")
    return Outcome("classify", result, kb, warnings=tuple(warnings), options={"explain": explain})


def classify_file(
    kb: Knowledge | None,
    source: str | None,
    title: str | None = None,
    *,
    explain: bool = False,
) -> Outcome[Classification]:
    """Classify the posting in file ``source`` (``-`` or None: stdin), read bounded and as
    UTF-8; a longer input is classified from its start, with a warning saying so."""
    from cxcs.inputs import read_posting

    if source == "":
        raise UsageError("FILE is empty; give a file name or '-' for stdin")
    posting = read_posting(source)
    outcome = classify(kb, posting.text, title, explain=explain)
    if not posting.truncated:
        return outcome
    size = f"{'more than ' if not posting.total_known else ''}{posting.bytes_total:,}"
    return outcome.with_messages(
        warnings=(
            f"warning: input is {size} bytes; classified the first {posting.bytes_read:,} bytes",
        )
    )


@dataclass(frozen=True)
class BatchSummary:
    """What a batch did: rows classified, rows failed (each failure with its line)."""

    ok: int
    failed: int
    failures: tuple[str, ...]
    format: str


def classify_batch(
    kb: Knowledge | None,
    source: str,
    sink: IO[str],
    *,
    format: str = "jsonl",
    input_format: str | None = None,
    id_field: str = "id",
    title_field: str = "title",
    text_field: str | None = None,
    jobs: int = 1,
    on_failure: Callable[[str], None] | None = None,
    progress: bool = False,
    overlays: Sequence[str] = (),
) -> Outcome[BatchSummary]:
    """Classify every row of a JSONL or CSV file (``-``: stdin), writing one ``format``
    record per row to ``sink`` in input order. Rows that fail are written with an error and
    reported through ``on_failure``; the outcome is ``failed`` when any row failed.
    ``overlays`` (the directories ``kb`` was loaded with) let worker processes that cannot
    fork load the same knowledge."""
    import contextlib

    from cxcs import __version__, batch
    from cxcs.progress import byte_progress

    if format not in BATCH_FORMATS:
        raise UsageError(f"batch output is jsonl or csv, not '{format}'")
    for option, value in (("--id-field", id_field), ("--title-field", title_field)):
        if not value.strip():
            raise UsageError(f"{option} is empty")
    stream = batch.open_input(source)  # a missing file or a directory is reported first
    kind = batch.input_kind(source, input_format)
    kb = knowledge(kb, signals=True)
    meta = {
        "tool_version": __version__,
        "kb_version": kb.origin.version,
        "kb_sha256": kb.origin.sha256,
    }
    text_fields = (text_field,) if text_field else ("text", "description")
    fields = (id_field, title_field, text_fields)
    with contextlib.ExitStack() as stack:
        bar = stack.enter_context(byte_progress(source)) if progress else None
        reader = batch.read_jsonl if kind == "jsonl" else batch.read_csv
        rows = reader(stream, fields, bar)
        writer = batch.RecordWriter(sink, format, list(kb.functions))
        summary = batch.run_batch(
            rows, writer, kb, [str(o) for o in overlays], jobs, meta, on_failure or _ignore
        )
    result = BatchSummary(summary.ok, summary.failed, tuple(summary.failures), format)
    note = f"classified {summary.ok} row(s); {summary.failed} failed"
    return Outcome("classify_batch", result, kb, notes=(note,), failed=summary.failed > 0)


def _ignore(message: str) -> None:
    """The default failure callback: failures are in the output and the summary."""
