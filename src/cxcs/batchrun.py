"""``classify --batch``: pick input and output formats, open them safely, and run the batch
(the caller reports its summary: a table in a terminal, one line otherwise)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from cxcs.errors import UsageError

if TYPE_CHECKING:
    from cxcs.models.knowledge import Knowledge
    from cxcs.summary import BatchSummary


@dataclass(frozen=True)
class BatchRequest:
    """Everything the command line says about one batch run."""

    path: str
    input_format: str | None = None
    id_field: str = "id"
    title_field: str | None = "title"
    text_fields: tuple[str, ...] = ("text", "description")
    keep: tuple[str, ...] = ()
    keep_all: bool = False
    jobs: int = 1
    fmt: str | None = None
    output: Path | None = None
    delimiter: str | None = None
    encoding: str | None = None
    overlays: Sequence[Path] = field(default_factory=tuple)


MAX_JOBS = 64


def worker_count(jobs: int) -> int:
    """The worker processes ``--jobs`` asks for: 0 means one per CPU this process may run
    on (its affinity, as a container or ``taskset`` limits it), at most :data:`MAX_JOBS`."""
    if jobs < 0 or jobs > MAX_JOBS:
        raise UsageError(f"--jobs must be between 0 (one per CPU) and {MAX_JOBS}, not {jobs}")
    if jobs:
        return jobs
    import os

    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return min(cpus, MAX_JOBS)


def output_format(fmt: str | None, output: Path | None) -> str:
    """The batch output format: as asked, else from ``--output``'s extension, else jsonl.
    The rules of every command apply (:func:`cxcs.formats.choose`): an extension that names
    no batch format, or another format than ``fmt``, is a usage error."""
    from cxcs.batch import OUTPUT_FORMATS
    from cxcs.formats import choose

    named = str(output) if output is not None else None
    chosen = choose(fmt, named, OUTPUT_FORMATS, terminal=False, default="jsonl")
    if chosen == "parquet" and output is None:
        raise UsageError("Parquet output needs a file: add --output FILE.parquet")
    return chosen


def input_encoding(name: str | None) -> str:
    """The codec ``--encoding`` names (UTF-8 when None), by its canonical name; an unknown
    one, or one that does not keep ASCII as it is (UTF-16: lines and JSON could not be
    found in its bytes), is a usage error."""
    if name is None:
        return "utf-8"
    import codecs

    try:
        canonical = codecs.lookup(name.strip()).name
    except LookupError:
        raise UsageError(f"--encoding {name}: unknown encoding") from None
    if canonical == "utf-8-sig":  # UTF-8 with a byte-order mark, which is skipped anyway
        return "utf-8"
    try:
        ascii_kept = all(c.encode(canonical) == c.encode("ascii") for c in '\n{}",;')
    except (LookupError, UnicodeError):  # a codec for bytes (rot13, base64), or 'undefined'
        raise UsageError(f"--encoding {name}: not a text encoding") from None
    if not ascii_kept:
        raise UsageError(
            f"--encoding {name}: not an ASCII-compatible encoding; convert the file to UTF-8 "
            f"first, e.g. 'iconv -f {name} -t UTF-8'"
        )
    return canonical


def classify_batch(
    request: BatchRequest,
    kb: Knowledge,
    say: Callable[[str], None],
    sink: IO[str] | None = None,
    *,
    progress: bool = True,
) -> BatchSummary:
    """Run one batch; every failed row is reported through ``say`` as ``line N: why``.

    Output goes to ``sink`` when given, else to ``request.output`` (written atomically: the
    file appears only when the run completes), else to stdout.
    """
    from cxcs.atomicfile import atomic_text_file, check_output_path
    from cxcs.batch import BatchJob, input_delimiter, input_kind, open_input, run_batch, sniff_kind
    from cxcs.compressed import compressed_progress, is_decompressing
    from cxcs.progress import byte_progress
    from cxcs.records import Fields, column_types

    out_format = output_format(request.fmt, request.output)
    check_output_path(request.output)
    if request.delimiter is not None and len(request.delimiter) != 1:
        raise UsageError("--delimiter must be one character (use '\\t' for a tab)")
    opened = open_input(request.path)  # a missing file or a directory is reported first
    from cxcs.inputs import check_batch_encoding, refuse_output_is_input

    refuse_output_is_input(opened, request.output, request.path)
    kind = input_kind(request.path, request.input_format)
    if kind is None:
        kind = sniff_kind(opened)
        if request.path == "-" and kind == "csv":
            say("stdin does not start with '{': reading it as CSV (set --input-format)")
    if kind == "jsonl" and request.delimiter is not None:
        raise UsageError("--delimiter does not apply to JSONL input (it is for CSV)")
    delimiter = request.delimiter
    if kind == "csv":
        delimiter = input_delimiter(request.path, request.input_format, delimiter)
    stream: IO[bytes] | None = opened
    if kind != "parquet":
        check_batch_encoding(opened, request.path)
    if kind == "parquet":
        from cxcs.parquet import refuse_unreadable_input

        refuse_unreadable_input(opened, request.path)
        for option, value in (("--encoding", request.encoding), ("--delimiter", request.delimiter)):
            if value is not None:
                raise UsageError(f"{option} does not apply to Parquet input")
        opened.close()
        stream = None
    fields = Fields(
        request.id_field,
        request.title_field,
        request.text_fields,
        request.keep,
        request.keep_all,
        input_encoding(request.encoding),
    )
    job = BatchJob(kind, fields, out_format, worker_count(request.jobs), delimiter)
    overlays = [str(p) for p in request.overlays]
    output = request.output
    with contextlib.ExitStack() as stack:
        # Rows printed to the same terminal would tear through the bar (and show progress).
        rows_on_screen = output is None and sink is None and _stdout_is_terminal()
        show_bar = progress and not rows_on_screen
        bar = stack.enter_context(byte_progress(request.path)) if show_bar else None
        if bar is not None and is_decompressing(opened):
            bar = compressed_progress(bar, opened)
        target: Any
        if out_format == "parquet":
            from cxcs.parquet import parquet_output

            assert output is not None
            target = stack.enter_context(parquet_output(output, column_types(kb)))
        elif sink is not None:
            target = sink
        elif output is not None:
            target = stack.enter_context(atomic_text_file(output))
        else:
            target = sys.stdout
        summary: BatchSummary = run_batch(job, request.path, stream, kb, overlays, target, say, bar)
    return summary


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout is not None and sys.stdout.isatty()
    except (OSError, ValueError):
        return False
