"""Commands that read job postings: classify (text or a file) and classify_batch."""

from __future__ import annotations

import os
from os import PathLike
from pathlib import Path
from typing import IO, TYPE_CHECKING

from cxcs.commands._kb import knowledge
from cxcs.commands.outcome import Outcome
from cxcs.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from cxcs.models.classify import Classification
    from cxcs.models.knowledge import Knowledge
    from cxcs.summary import BatchSummary


EXPLAINED_FORMATS = ("table", "markdown", "html")
"""The formats ``explain`` changes: those that show the report's tables."""


def check_explain(explain: bool, format: str) -> None:
    """Refuse ``explain`` for an output ``format`` it would not change: CSV and JSONL write
    one flat row; JSON always holds every match."""
    if not explain or format in EXPLAINED_FORMATS:
        return
    why = (
        "the JSON has every match already (result.classification.evidence); leave --explain out"
        if format == "json"
        else f"its one row has no contribution table; use {', '.join(EXPLAINED_FORMATS)}"
    )
    raise UsageError(f"--explain does not apply with --format {format}: {why}")


_FORMAT_NAMES = {"csv": "CSV", "parquet": "Parquet", "json": "JSON", "jsonl": "JSONL"}
"""How a note names a batch output format."""


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

    if title is not None and not title.strip():
        raise UsageError("--title is empty; leave it out to detect the title")
    kb = knowledge(kb, signals=True)
    result = run(kb, text, title, detect_title=detect_title)
    warnings: list[str] = []
    if result.truncated:
        warnings.append(_cut(text, result))
    if result.title is not None and result.title.mismatch and result.title.message:
        warnings.append(f"warning: {result.title.message}")
    return Outcome("classify", result, kb, warnings=tuple(warnings), options={"explain": explain})


def classify_file(
    kb: Knowledge | None,
    source: str | PathLike[str] | None,
    title: str | None = None,
    *,
    explain: bool = False,
    output: str | PathLike[str] | None = None,
) -> Outcome[Classification]:
    """Classify the posting in file ``source`` (``-`` or None: stdin), read bounded and as
    UTF-8; a longer input is classified from its start, with a warning saying so. Refused
    when the result would overwrite the posting (``output``, or stdout when None)."""
    from cxcs.inputs import read_posting
    from cxcs.output import target

    output = target(output)
    source = None if source is None else os.fspath(source)
    if source == "":
        raise UsageError("FILE is empty; give a file name or '-' for stdin")
    if source is not None and looks_like_text(source) and not os.path.lexists(source):
        start = source if len(source) <= 60 else f"{source[:60]}…"
        raise UsageError(
            f"{start}: no such file; to classify this text, give it on stdin: "
            "echo 'TEXT' | cxcs classify"
        )
    posting = read_posting(source, output)
    outcome = classify(kb, posting.text, title, explain=explain)
    if not posting.truncated:
        return outcome
    # one warning for both cuts: "input is 1,000,000 characters" was the part read
    size = f"{'more than ' if not posting.total_known else ''}{posting.bytes_total:,}"
    cut = (
        f"warning: input is {size} bytes; read the first {posting.bytes_read:,} and classified "
        f"the first {outcome.result.chars_read:,} characters"
    )
    said = _cut(posting.text, outcome.result)
    return outcome._replace(warnings=(cut, *(w for w in outcome.warnings if w != said)))


def _cut(text: str, result: Classification) -> str:
    """The warning that only the start of ``text`` was classified."""
    return f"warning: input is {len(text):,} characters; classified the first {result.chars_read:,}"


def looks_like_text(name: str) -> bool:
    """Whether a FILE name that names no file is more likely the posting's text itself
    (``cxcs classify "$(pbpaste)"``): it has a line break, or four words or more."""
    return "\n" in name or len(name.split()) >= 4


def classify_batch(
    kb: Knowledge | None,
    source: str | PathLike[str],
    sink: IO[str] | None = None,
    *,
    format: str | None = None,
    input_format: str | None = None,
    id_field: str = "id",
    title_field: str = "title",
    text_field: str | None = None,
    keep: Sequence[str] = (),
    keep_all: bool = False,
    delimiter: str | None = None,
    encoding: str | None = None,
    output: str | PathLike[str] | None = None,
    jobs: int = 1,
    on_failure: Callable[[str], None] | None = None,
    progress: bool = False,
    brief: bool = False,
    overlays: Sequence[str] = (),
) -> Outcome[BatchSummary]:
    """Classify every row of a JSONL, CSV or Parquet file (``-``: stdin), writing one
    ``format`` row (default: by ``output``'s extension, else JSONL) per input row (see
    :func:`cxcs.records.output_columns`) in input order to ``sink``, else to ``output``
    (atomically), else to stdout. Rows that fail are written
    with an error and reported through ``on_failure``; the outcome is ``failed`` when any
    row failed. Its note is the one-line summary (``brief``: only the counts, for when the
    summary is shown as a table). ``overlays`` (the directories ``kb`` was loaded with) let
    worker processes that cannot fork load the same knowledge."""
    from cxcs.batchrun import BatchRequest, output_format
    from cxcs.batchrun import classify_batch as run
    from cxcs.output import target

    output, source = target(output), os.fspath(source)  # "-": stdout, as on the command line

    for option, value in (("--id-field", id_field), ("--title-field", title_field)):
        if not value.strip():
            raise UsageError(f"{option} is empty")
    texts = [name.strip() for name in (text_field or "").split(",") if name.strip()]
    if text_field is not None and not texts:
        raise UsageError("--text-field names no field")
    request = BatchRequest(
        path=source,
        input_format=input_format,
        id_field=id_field,
        title_field=title_field,
        text_fields=tuple(texts) or ("text", "description"),
        keep=tuple(keep),
        keep_all=keep_all,
        jobs=jobs,
        fmt=format,
        output=output,
        delimiter=delimiter,
        encoding=encoding,
        overlays=tuple(Path(o) for o in overlays),
    )
    kb = knowledge(kb, signals=True)
    summary = run(request, kb, on_failure or _ignore, sink, progress=progress)
    notes = [summary.counts_line() if brief else summary.line()]
    if summary.left_out:
        late = sorted(summary.left_out)
        verb, them = ("appears", "it") if len(late) == 1 else ("appear", "them")
        notes.append(
            f"note: --keep-all: {', '.join(late)} first {verb} after the first row, which "
            f"sets the {_FORMAT_NAMES[output_format(format, output)]} columns; left out (name "
            f"{them} with --keep)"
        )
    if id_field != "id" and summary.rows and not summary.with_id:
        notes.append(_unseen_field("--id-field", id_field, summary.first_keys))
    if title_field != "title" and summary.ok and title_field not in summary.with_values:
        notes.append(_unseen_field("--title-field", title_field, summary.first_keys))
    if summary.rows:
        notes += [
            _unseen_field("--keep", name, summary.first_keys)
            for name in request.keep
            if name not in summary.with_values
        ]
    return Outcome("classify_batch", summary, kb, notes=tuple(notes), failed=summary.failed > 0)


def _unseen_field(option: str, name: str, keys: Sequence[str]) -> str:
    """The note on a field option no row has a value for: a key of the first record spelt
    close to it, else a word to check the name."""
    from cxcs.suggest import did_you_mean

    hint = did_you_mean(name, keys, limit=1) or "; check the field name"
    return f"note: {option} {name}: no row has a value for it{hint}"


def _ignore(message: str) -> None:
    """The default failure callback: failures are in the output and the summary."""
