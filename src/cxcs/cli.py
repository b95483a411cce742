"""The ``cxcs`` command line: a thin Typer layer over the library.

Parses arguments, loads the knowledge base, calls the engine, hands the result to a
renderer, and maps errors to exit codes (0 ok, 1 domain error, 2 usage error, 130
interrupted). Heavy modules are imported inside the commands that need them.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from cxcs import __version__
from cxcs.errors import EXIT_INTERRUPTED, EXIT_USAGE, CxcsError, UsageError

if TYPE_CHECKING:
    from cxcs.models.knowledge import Knowledge
    from cxcs.render.view import Report


class _PipeClosed(Exception):
    """stdout's reader went away (e.g. ``| head``)."""


class _Interrupted(Exception):
    """Ctrl-C while a command ran."""


class _Group(typer.core.TyperGroup):
    """Lets a closed pipe and Ctrl-C reach :func:`main`.

    Typer would turn them into bare exits (1 for a closed pipe, 130 with no message) that
    ``main`` could not tell from others.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise _PipeClosed from exc
        except KeyboardInterrupt as exc:
            raise _Interrupted from exc


class _ClosedStdout(io.TextIOBase):
    """Stands in for a closed stdout (``cxcs list >&-``): writing to it fails like EBADF."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "stdout is closed")


app = typer.Typer(
    name="cxcs",
    cls=_Group,
    help="Compare customer-facing functions (CX, customer success, customer service, customer "
    "support, UX) and classify job postings by what their duties describe.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, markdown, json, csv or html. Default: table on a terminal, markdown "
        "when piped, or guessed from --output's extension.",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout."
    ),
]
KbOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--kb",
        metavar="DIR",
        help="Overlay directory with your own functions/metrics/signals YAML (repeatable; "
        "default: $CXCS_KB).",
    ),
]


def say(message: str) -> None:
    """A one-line message on stderr (line breaks and control characters in it, e.g. from a
    name given, are escaped)."""
    from cxcs.safe_text import one_line

    _write_stderr(f"cxcs: {one_line(message)}\n")


def _write_stderr(text: str) -> None:
    """Write to stderr; dropped if stderr is closed or broken (a message must never fail)."""
    if sys.stderr is None:
        return
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


_GLOBAL_KB: list[Path] = []
"""Overlay directories given before the command name (``cxcs --kb DIR compare ...``)."""


def overlay_dirs(kb_dirs: list[Path] | None) -> list[Path]:
    """Overlays: the command's ``--kb``, else the global ``--kb``, else ``$CXCS_KB``."""
    from cxcs.knowledge.load import kb_dirs_from_env

    return kb_dirs_from_env(kb_dirs or _GLOBAL_KB)


def load(kb_dirs: list[Path] | None, *, signals: bool = False) -> Knowledge:
    """The knowledge base with any overlays (classifier signals only when asked for)."""
    from cxcs.knowledge.load import load_knowledge

    return load_knowledge(overlay_dirs(kb_dirs), signals=signals)


def resolve(kb: Knowledge, name: str) -> str:
    """A function id for ``name``, printing the ambiguity note for 'cs'."""
    from cxcs.knowledge.resolve import resolve_function

    resolved = resolve_function(kb, name)
    if resolved.note:
        say(resolved.note)
    return resolved.function_id


def resolve_distinct(kb: Knowledge, names: list[str]) -> list[str]:
    """Function ids for ``names``; naming one function twice (e.g. cx and its alias) is a
    usage error."""
    ids = [resolve(kb, name) for name in names]
    for index, fid in enumerate(ids):
        if fid in ids[:index]:
            first = names[ids.index(fid)]
            raise UsageError(
                f"'{names[index]}' and '{first}' name the same function ({fid}); "
                "give each function once"
            )
    return ids


def show(report: Report, fmt: str | None, output: Path | None) -> None:
    """Render and emit a report in the chosen format."""
    from cxcs.output import check_output_path, emit, resolve_format

    chosen = resolve_format(fmt, output)
    check_output_path(output)
    emit(report, chosen, output)
    if output is not None:
        say(f"wrote {output} ({chosen})")


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"cxcs {__version__}")
        try:
            kb = load(None)
        except CxcsError as exc:
            typer.echo(f"knowledge: unavailable ({exc.message})")
        else:
            typer.echo(f"knowledge {kb.origin.version} (sha256 {kb.origin.sha256})")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_version_callback,
            is_eager=True,
            help="Show the tool and knowledge versions and exit.",
        ),
    ] = False,
    kb: KbOption = None,
) -> None:
    """Compare customer-facing functions and classify job postings."""
    _GLOBAL_KB[:] = kb or []


@app.command("list")
def list_functions(
    fmt: FormatOption = None, output: OutputOption = None, kb: KbOption = None
) -> None:
    """List the functions cxcs knows, with their aliases."""
    from cxcs.render.reports import list_report

    show(list_report(load(kb)), fmt, output)


@app.command("show")
def show_function(
    function: Annotated[str, typer.Argument(help="Function id or alias, e.g. cx, success, csm.")],
    fmt: FormatOption = None,
    output: OutputOption = None,
    kb: KbOption = None,
) -> None:
    """Show one function on every axis, with sources and disputed claims."""
    from cxcs.render.reports import show_report

    knowledge = load(kb)
    show(show_report(knowledge, resolve(knowledge, function)), fmt, output)


@app.command("compare")
def compare_functions(
    functions: Annotated[
        list[str], typer.Argument(help="Two or more function ids or aliases, e.g. cx cs ux.")
    ],
    axes: Annotated[
        str | None,
        typer.Option("--axes", "-a", metavar="AXIS,...", help="Only these axes (see 'cxcs axes')."),
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    kb: KbOption = None,
) -> None:
    """Compare functions axis by axis (two: verdicts and similarity; three or more: a matrix)."""
    from cxcs.engine.compare import compare_many, compare_pair, select_axes
    from cxcs.render.reports import compare_report

    if len(functions) < 2:
        raise UsageError("compare needs at least two functions, e.g. 'cxcs compare cx cs'")
    knowledge = load(kb)
    ids = resolve_distinct(knowledge, functions)
    axis_ids = [a.strip() for a in axes.split(",") if a.strip()] if axes else None
    select_axes(knowledge, axis_ids)
    if len(ids) == 2:
        result: Any = compare_pair(knowledge, ids[0], ids[1], axis_ids)
    else:
        result = compare_many(knowledge, ids, axis_ids)
    show(compare_report(knowledge, result), fmt, output)


@app.command("axes")
def list_axes(fmt: FormatOption = None, output: OutputOption = None, kb: KbOption = None) -> None:
    """List the comparison axes, their kind and scale."""
    from cxcs.render.reports import axes_report

    show(axes_report(load(kb)), fmt, output)


@app.command("metrics")
def list_metrics(
    function: Annotated[
        str | None, typer.Argument(help="Only metrics owned by this function.")
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    kb: KbOption = None,
) -> None:
    """List metrics, or those owned by one function."""
    from cxcs.render.reports import metrics_report

    knowledge = load(kb)
    fid = resolve(knowledge, function) if function else None
    show(metrics_report(knowledge, fid), fmt, output)


@app.command("metric")
def show_metric(
    metric_id: Annotated[
        str, typer.Argument(metavar="ID", help="Metric id or abbreviation, e.g. nps.")
    ],
    fmt: FormatOption = None,
    output: OutputOption = None,
    kb: KbOption = None,
) -> None:
    """Show one metric: definition, formula, unit, direction, owners and sources."""
    import difflib

    from cxcs.render.reports import metric_report

    knowledge = load(kb)
    wanted = metric_id.strip().lower()
    metric = knowledge.metrics.get(wanted) or next(
        (m for m in knowledge.metrics.values() if m.abbreviation.lower() == wanted), None
    )
    if metric is None:
        close = difflib.get_close_matches(wanted, list(knowledge.metrics), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else "; see 'cxcs metrics'"
        raise UsageError(f"unknown metric '{metric_id}'{hint}")
    show(metric_report(knowledge, metric), fmt, output)


@app.command("validate")
def validate(
    directory: Annotated[
        Path | None,
        typer.Argument(
            metavar="[DIR]", help="A knowledge directory or an overlay (default: shipped)."
        ),
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
) -> None:
    """Validate knowledge files; report every problem as file:line."""
    from cxcs.errors import KnowledgeError
    from cxcs.knowledge.load import data_dir, validate_dir
    from cxcs.render.reports import validate_report

    try:
        knowledge = validate_dir(directory or data_dir())
    except KnowledgeError as exc:
        for line in exc.details.get("more", []):
            say(line)
        raise
    show(validate_report(knowledge), fmt, output)


@app.command("classify")
def classify_posting(
    source: Annotated[
        str | None,
        typer.Argument(
            metavar="[FILE|-]", help="Posting text file, or '-' for stdin (default: piped stdin)."
        ),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option("--title", "-t", help="The posting's title, checked against its duties."),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Add a per-function table of phrase contributions.")
    ] = False,
    batch: Annotated[
        str | None,
        typer.Option(
            "--batch",
            "-b",
            metavar="FILE",
            help="Classify every row of a JSONL or CSV file ('-' for stdin).",
        ),
    ] = None,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--input-format",
            metavar="jsonl|csv",
            help="Batch input format (default: from the extension).",
        ),
    ] = None,
    id_field: Annotated[
        str, typer.Option("--id-field", help="Batch: field holding the row id.")
    ] = "id",
    title_field: Annotated[
        str, typer.Option("--title-field", help="Batch: field holding the title.")
    ] = "title",
    text_field: Annotated[
        str | None,
        typer.Option(
            "--text-field", help="Batch: field holding the text (default: text, then description)."
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", min=1, max=64, help="Batch: worker processes (order is kept)."
        ),
    ] = 1,
    fmt: FormatOption = None,
    output: OutputOption = None,
    kb: KbOption = None,
) -> None:
    """Classify a job posting by the function its duties describe (or a whole file with --batch)."""
    if batch is not None:
        if source is not None:
            raise UsageError("give either FILE or --batch FILE, not both")
        _classify_batch(
            batch, input_format, (id_field, title_field, text_field), jobs, fmt, output, kb
        )
        return
    from cxcs.engine.classify import classify
    from cxcs.inputs import read_posting
    from cxcs.output import check_output_path, resolve_format
    from cxcs.render.reports import classify_report

    check_output_path(output)
    resolve_format(fmt, output)
    knowledge = load(kb, signals=True)
    posting = read_posting(source)
    if posting.truncated:
        size = f"{'more than ' if not posting.total_known else ''}{posting.bytes_total:,}"
        say(f"input is {size} bytes; classified the first {posting.bytes_read:,} bytes")
    result = classify(knowledge, posting.text, title.strip() if title else None)
    if result.title is not None and result.title.mismatch and result.title.message:
        say(f"warning: {result.title.message}")
    show(classify_report(knowledge, result, explain), fmt, output)


def _classify_batch(
    path: str,
    input_format: str | None,
    fields: tuple[str, str, str | None],
    jobs: int,
    fmt: str | None,
    output: Path | None,
    kb_dirs: list[Path] | None,
) -> None:
    """Batch mode: stream rows in, one JSONL/CSV record out per row; exit 1 if any failed."""
    import contextlib

    from cxcs import batch
    from cxcs.output import atomic_text_file, check_output_path, resolve_format
    from cxcs.progress import byte_progress

    out_format = resolve_format(fmt, output, allowed=("jsonl", "csv"))
    if fmt is None and output is None:
        out_format = "jsonl"
    check_output_path(output)
    stream = batch.open_input(path)  # a missing file or a directory is reported first
    kind = batch.input_kind(path, input_format)
    overlays = overlay_dirs(kb_dirs)
    knowledge = load(kb_dirs, signals=True)
    meta = {
        "tool_version": __version__,
        "kb_version": knowledge.origin.version,
        "kb_sha256": knowledge.origin.sha256,
    }
    id_field, title_field, text_field = fields
    field_spec = (id_field, title_field, (text_field,) if text_field else ("text", "description"))
    with contextlib.ExitStack() as stack:
        progress = stack.enter_context(byte_progress(path))
        reader = batch.read_jsonl if kind == "jsonl" else batch.read_csv
        rows = reader(stream, field_spec, progress)
        sink = stack.enter_context(atomic_text_file(output)) if output else sys.stdout
        writer = batch.RecordWriter(sink, out_format, list(knowledge.functions))
        summary = batch.run_batch(
            rows, writer, knowledge, [str(p) for p in overlays], jobs, meta, say
        )
    say(
        f"classified {summary.ok} row(s); {summary.failed} failed"
        + (f"; wrote {output}" if output else "")
    )
    if summary.failed:
        raise SystemExit(1)


@app.command("map")
def map_functions(
    functions: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="FUNCTION", help="Only these functions (ids or aliases; default: all)."
        ),
    ] = None,
    x_axis: Annotated[
        str,
        typer.Option("--x", "-x", metavar="AXIS", help="Ordinal axis across (see 'cxcs axes')."),
    ] = "proactivity",
    y_axis: Annotated[
        str, typer.Option("--y", "-y", metavar="AXIS", help="Ordinal axis up (see 'cxcs axes').")
    ] = "scope",
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="table (the grid), svg or html (the same grid as a picture), or markdown, "
            "json, csv (one row per function). Default: table on a terminal, markdown when "
            "piped, or guessed from --output's extension. svg and html go to stdout without "
            "--output.",
        ),
    ] = None,
    output: OutputOption = None,
    kb: KbOption = None,
) -> None:
    """Draw the functions on a grid of two axes.

    Each function appears at its position by its abbreviation (or id); several functions in
    one cell are listed together. A function whose cell is disputed appears at every
    position its sources claim, marked '?'. Both axes must be ordinal (see 'cxcs axes').
    """
    from cxcs.engine.placement import place
    from cxcs.output import check_output_path, emit, emit_picture, resolve_format
    from cxcs.render.chart import MAP_FORMATS, PICTURE_FORMATS, map_report, picture, title

    chosen = resolve_format(fmt, output, MAP_FORMATS)
    check_output_path(output)
    knowledge = load(kb)
    ids = resolve_distinct(knowledge, functions or [])
    placement = place(knowledge, x_axis, y_axis, ids or None)
    if chosen in PICTURE_FORMATS:
        emit_picture(picture(placement, knowledge), chosen, output, title(placement))
    else:
        emit(map_report(knowledge, placement), chosen, output)
    if output is not None:
        say(f"wrote {output} ({chosen})")


def _json_requested(argv: list[str]) -> bool:
    """Whether ``--format json`` was asked for (the last ``--format`` wins, as in parsing)."""
    wanted: str | None = None
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg in {"--format", "-f"} and index + 1 < len(argv):
            wanted = argv[index + 1]
        elif arg.startswith("--format="):
            wanted = arg.split("=", 1)[1]
        elif arg.startswith("-f") and len(arg) > 2:
            wanted = arg[2:]
    return wanted is not None and wanted.strip().lower() == "json"


def _fail(
    error: dict[str, Any], message: str, exit_code: int, argv: list[str], prefix: str = "error: "
) -> NoReturn:
    say(f"{prefix}{message}")
    if _json_requested(argv):
        from cxcs.render.json import error_document

        try:
            sys.stdout.write(error_document(error, __version__))
            sys.stdout.flush()
        except (OSError, ValueError):
            _discard_stdout()
    raise SystemExit(exit_code)


def _interrupted(argv: list[str]) -> NoReturn:
    """Ctrl-C: say so (and, under --format json, emit the error document); exit 130."""
    error = {"code": "interrupted", "message": "interrupted"}
    _fail(error, "interrupted", EXIT_INTERRUPTED, argv, prefix="")


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app and turn every failure into a clean exit."""
    args = list(sys.argv[1:] if argv is None else argv)
    _GLOBAL_KB.clear()
    # pydantic looks for plugins by scanning every installed distribution (~15 ms at start-up);
    # cxcs uses none. A user who wants theirs can set the variable themselves.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from cxcs.startup import skip_pydantic_plugin_scan

    skip_pydantic_plugin_scan()  # before typer or cxcs builds the first pydantic model
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    command = typer.main.get_command(app)
    try:
        code = command.main(args=args, prog_name="cxcs", standalone_mode=False)
        sys.stdout.flush()
        raise SystemExit(code if isinstance(code, int) else 0)
    except CxcsError as exc:
        _fail(exc.to_dict(), exc.message, exc.exit_code, args)
    except (KeyboardInterrupt, _Interrupted):
        _interrupted(args)
    except (BrokenPipeError, _PipeClosed):
        _quiet_broken_pipe()
    except SystemExit:
        raise
    except OSError as exc:
        if os.environ.get("CXCS_DEBUG"):
            raise
        if exc.filename:
            message = f"{exc.filename}: {exc.strerror or exc}"
            _fail({"code": "input", "message": message}, message, 1, args)
        _discard_stdout()  # the output is what failed (e.g. a full disk): nothing more goes there
        message = f"cannot write output: {exc.strerror or exc}"
        _fail({"code": "output", "message": message}, message, 1, args)
    except Exception as exc:
        format_message = getattr(exc, "format_message", None)
        exit_code = getattr(exc, "exit_code", None)
        if callable(format_message) and isinstance(exit_code, int):
            if type(exc).__name__ == "Abort":
                _interrupted(args)
            message = str(format_message())
            if type(exc).__name__ == "NoArgsIsHelpError":  # plain 'cxcs': the help, not an error
                _write_stderr(message.rstrip("\n") + "\n")
                raise SystemExit(EXIT_USAGE) from None
            _fail({"code": "usage", "message": message}, message, exit_code or EXIT_USAGE, args)
        if os.environ.get("CXCS_DEBUG"):
            raise
        _fail(
            {"code": "internal", "message": f"{type(exc).__name__}: {exc}"},
            f"internal error ({type(exc).__name__}: {exc}); set CXCS_DEBUG=1 for a traceback "
            "and please report it",
            1,
            args,
        )


def _quiet_broken_pipe() -> NoReturn:
    """The reader went away (e.g. ``| head``): exit quietly without a traceback."""
    _discard_stdout()
    raise SystemExit(0)


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush cannot fail noisily."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
