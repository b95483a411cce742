"""The ``cxcs`` command line: Typer declarations, each calling one command of
:mod:`cxcs.commands` and presenting its outcome (:func:`cxcs.output.present`).

Process concerns (exit statuses, Ctrl-C, broken pipes, the JSON error document) live in
:mod:`cxcs.entry`; heavy modules are imported inside the commands that need them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from cxcs import __version__, commands
from cxcs.clitools import (
    Command,
    Group,
    complete_axis,
    complete_function,
    complete_metric,
    nonempty,
    refuse,
    settings,
)
from cxcs.entry import Settings, run
from cxcs.errors import UsageError
from cxcs.output import check, present, target

app = typer.Typer(
    name="cxcs",
    cls=Group,
    help="Compare customer-facing functions (CX, customer success, customer service, customer "
    "support, UX) and classify job postings by what their duties describe.\n\n"
    "\b\nExamples:\n  cxcs compare cx cs\n  cxcs classify posting.txt\n  cxcs --kb my-kb list",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    invoke_without_command=True,
    suggest_commands=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
command = app.command

Format = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        callback=nonempty,
        help="table, markdown, json, csv or html (classify: also jsonl; map: also svg). "
        "Default: from --output's extension, else table on a terminal, markdown when piped.",
    ),
]
Output = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE (atomically) instead of stdout; '-' is stdout.",
    ),
]
Kb = Annotated[
    list[Path] | None,
    typer.Option(
        "--kb",
        metavar="DIR",
        help="Overlay directory with your own functions/"
        "metrics/signals YAML (repeatable; default: $CXCS_KB).",
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No notes on stderr (warnings stay).")]
Function = Annotated[
    str,
    typer.Argument(
        metavar="FUNCTION",
        callback=nonempty,
        autocompletion=complete_function,
        help="Function id, alias, name or abbreviation, e.g. cx, success, csm.",
    ),
]


def _print_version(settings: Settings) -> None:
    """The tool version, and that of the knowledge base with the ``--kb`` overlays given."""
    typer.echo(f"cxcs {__version__}")
    try:
        kb = settings.knowledge(signals=False)
    except Exception as exc:
        typer.echo(f"knowledge: unavailable ({getattr(exc, 'message', exc)})")
    else:
        typer.echo(f"knowledge {kb.origin.version} (sha256 {kb.origin.sha256})")


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            help="Show the tool and knowledge versions and exit.",
        ),
    ] = False,
    kb: Kb = None,
    quiet: Quiet = False,
) -> None:
    """Compare customer-facing functions and classify job postings."""
    ctx.obj = Settings(tuple(kb or ()), quiet)
    if version:  # not eager, so that 'cxcs --kb DIR -V' reports the overlaid knowledge
        _print_version(ctx.obj)
        raise typer.Exit()
    if ctx.invoked_subcommand is None and not ctx.resilient_parsing:
        typer.echo(ctx.get_help(), err=True)
        raise typer.Exit(2)


@command("list", cls=Command)
def list_functions(
    ctx: typer.Context,
    fmt: Format = None,
    output: Output = None,
    kb: Kb = None,
    quiet: Quiet = False,
) -> None:
    """List the functions cxcs knows, with their aliases.

    \b
    Examples:
      cxcs list
      cxcs list -f json -o functions.json
    """
    run_ = settings(ctx, kb, quiet)
    present(commands.list_functions(run_.knowledge()), fmt, output, run_.env)


@command("show", cls=Command)
def show(
    ctx: typer.Context,
    function: Function,
    fmt: Format = None,
    output: Output = None,
    kb: Kb = None,
    quiet: Quiet = False,
) -> None:
    """Show one function on every axis, with sources and disputed claims.

    \b
    Examples:
      cxcs show cx
      cxcs show "customer success" -f markdown
    """
    run_ = settings(ctx, kb, quiet)
    present(commands.show(run_.knowledge(), function), fmt, output, run_.env)


@command("compare", cls=Command)
def compare(
    ctx: typer.Context,
    functions: Annotated[
        list[str],
        typer.Argument(
            metavar="FUNCTION FUNCTION...",
            callback=nonempty,
            autocompletion=complete_function,
            help="Two or more functions (ids, aliases, names).",
        ),
    ],
    axes: Annotated[
        str | None,
        typer.Option(
            "--axes",
            "-a",
            metavar="AXIS,...",
            callback=nonempty,
            autocompletion=complete_axis,
            help="Only these axes, in this order (see 'cxcs axes').",
        ),
    ] = None,
    differences: Annotated[
        bool, typer.Option("--differences", help="Hide the rows that are the same.")
    ] = False,
    fmt: Format = None,
    output: Output = None,
    kb: Kb = None,
    quiet: Quiet = False,
) -> None:
    """Compare functions axis by axis: a summary first (similarity, biggest differences,
    shared ground, disputes), then the axes (three or more functions: a matrix).

    \b
    Examples:
      cxcs compare cx cs
      cxcs compare success support --differences
      cxcs compare cx success ux --axes scope,metrics
      cxcs compare cx ux -o comparison.html
    """
    run_ = settings(ctx, kb, quiet)
    axis_ids = axes.split(",") if axes is not None else None
    outcome = commands.compare(run_.knowledge(), *functions, axes=axis_ids, differences=differences)
    present(outcome, fmt, output, run_.env)


@command("journey", cls=Command)
def journey(
    ctx: typer.Context,
    functions: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[FUNCTION]...",
            autocompletion=complete_function,
            help="Only these functions (default: all).",
        ),
    ] = None,
    fmt: Format = None,
    output: Output = None,
    kb: Kb = None,
    quiet: Quiet = False,
) -> None:
    """Who leads and who contributes at each stage of the customer journey, with sources.

    \b
    Examples:
      cxcs journey
      cxcs journey cx success support -f html -o journey.html
    """
    run_ = settings(ctx, kb, quiet)
    present(commands.journey(run_.knowledge(), functions or ()), fmt, output, run_.env)


@command("axes", cls=Command)
def axes(
    ctx: typer.Context,
    fmt: Format = None,
    output: Output = None,
    kb: Kb = None,
    quiet: Quiet = False,
) -> None:
    """List the comparison axes, their kind and scale.

    \b
    Examples:
      cxcs axes
      cxcs axes -f csv
    """
    run_ = settings(ctx, kb, quiet)
    present(commands.axes(run_.knowledge()), fmt, output, run_.env)


@command("metrics", cls=Command)
def metrics(
    ctx: typer.Context,
    function: Annotated[
        str | None,
        typer.Argument(
            metavar="[FUNCTION]",
            callback=nonempty,
            autocompletion=complete_function,
            help="Only metrics owned by this function.",
        ),
    ] = None,
    fmt: Format = None,
    output: Output = None,
    kb: Kb = None,
    quiet: Quiet = False,
) -> None:
    """List metrics, or those owned by one function.

    \b
    Examples:
      cxcs metrics
      cxcs metrics success
    """
    run_ = settings(ctx, kb, quiet)
    present(commands.metrics(run_.knowledge(), function), fmt, output, run_.env)


@command("metric", cls=Command)
def metric(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="METRIC",
            callback=nonempty,
            autocompletion=complete_metric,
            help="Metric id, name or abbreviation, e.g. nps.",
        ),
    ],
    fmt: Format = None,
    output: Output = None,
    kb: Kb = None,
    quiet: Quiet = False,
) -> None:
    """Show one metric: definition, formula, unit, direction, owners and sources.

    \b
    Examples:
      cxcs metric nps
      cxcs metric "Net Promoter Score" -f json
    """
    run_ = settings(ctx, kb, quiet)
    present(commands.metric(run_.knowledge(), name), fmt, output, run_.env)


@command("validate", cls=Command)
def validate(
    ctx: typer.Context,
    directory: Annotated[
        str | None,
        typer.Argument(
            metavar="[DIR]",
            callback=nonempty,
            help="A knowledge directory or an overlay (default: shipped).",
        ),
    ] = None,
    fmt: Format = None,
    output: Output = None,
    quiet: Quiet = False,
) -> None:
    """Validate knowledge files; report every problem as file:line.

    \b
    Examples:
      cxcs validate
      cxcs validate examples/overlay
    """
    run_ = settings(ctx, None, quiet)
    present(commands.validate(directory), fmt, output, run_.env)


@command("classify", cls=Command)
def classify(
    ctx: typer.Context,
    source: Annotated[
        str | None,
        typer.Argument(
            metavar="[FILE|-]",
            callback=nonempty,
            help="Posting text file, or '-' for stdin (default: piped stdin).",
        ),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(
            "--title",
            "-t",
            metavar="TITLE",
            callback=nonempty,
            help="The posting's title, checked against its duties.",
        ),
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
            callback=nonempty,
            help="Classify every row of a JSONL, CSV or Parquet file ('-' for stdin); "
            "output: jsonl (default), csv, json or parquet.",
        ),
    ] = None,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--input-format",
            metavar="jsonl|csv|parquet",
            help="Batch input format (default: from the extension, else sniffed).",
        ),
    ] = None,
    keep: Annotated[
        str | None,
        typer.Option(
            "--keep",
            metavar="FIELD,...",
            callback=nonempty,
            help="Batch: copy these input fields into each output row (after its columns; "
            "a name the output already has becomes input_NAME).",
        ),
    ] = None,
    keep_all: Annotated[
        bool, typer.Option("--keep-all", help="Batch: copy every input field into the output.")
    ] = False,
    delimiter: Annotated[
        str | None,
        typer.Option(
            "--delimiter",
            metavar="CHAR",
            help="Batch: the CSV delimiter (default: sniffed from the header: , ; tab |).",
        ),
    ] = None,
    id_field: Annotated[
        str | None,
        typer.Option(
            "--id-field",
            metavar="FIELD",
            callback=nonempty,
            help="Batch: field holding the row id [default: id].",
        ),
    ] = None,
    title_field: Annotated[
        str | None,
        typer.Option(
            "--title-field",
            metavar="FIELD",
            callback=nonempty,
            help="Batch: field holding the title [default: title].",
        ),
    ] = None,
    text_field: Annotated[
        str | None,
        typer.Option(
            "--text-field",
            metavar="FIELD",
            callback=nonempty,
            help="Batch: field holding the text (default: text, then description).",
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            min=1,
            max=64,
            help="Batch: worker processes (order is kept).",
        ),
    ] = 1,
    fmt: Format = None,
    output: Output = None,
    kb: Kb = None,
    quiet: Quiet = False,
) -> None:
    """Classify a job posting by the function its duties describe (or a whole file with --batch).

    \b
    Examples:
      cxcs classify posting.txt --title "Customer Success Manager"
      pbpaste | cxcs classify --explain
      cxcs classify --batch postings.jsonl -o labels.csv
    """
    run_ = settings(ctx, kb, quiet)
    refuse(batch is not None, "does not apply with --batch", title=title, explain=explain)
    if batch is not None and source is not None:
        raise UsageError("give either FILE or --batch FILE, not both")
    refuse(
        batch is None,
        "applies only with --batch",
        id_field=id_field,
        title_field=title_field,
        text_field=text_field,
        input_format=input_format,
        jobs=jobs != 1,
        keep=keep,
        keep_all=keep_all,
        delimiter=delimiter,
    )
    if batch is None:
        if source == "-" and run_.env.stdin_isatty:
            run_.env.say("reading the posting from the terminal; end it with Ctrl-D")
        kb_ = run_.knowledge(signals=True)
        present(commands.classify_file(kb_, source, title, explain=explain), fmt, output, run_.env)
        return
    if keep is not None and keep_all:
        raise UsageError("give --keep FIELD,... or --keep-all, not both")
    chosen = check("classify_batch", fmt, output, run_.env)
    table = _stderr_is_terminal() and not run_.env.quiet
    outcome = commands.classify_batch(
        run_.knowledge(signals=True),
        batch,
        format=chosen,
        output=target(output),
        input_format=input_format,
        id_field=id_field or "id",
        title_field=title_field or "title",
        text_field=text_field,
        keep=[k.strip() for k in keep.split(",") if k.strip()] if keep else (),
        keep_all=keep_all,
        delimiter="\t" if delimiter in {"\\t", "tab"} else delimiter,
        jobs=jobs,
        on_failure=run_.env.say,
        progress=True,
        brief=table,
        overlays=[str(o) for o in run_.overlays],
    )
    if table and outcome.result.rows:
        from cxcs.summary import print_table

        print_table(outcome.result)
    present(outcome, chosen, output, run_.env)


def _stderr_is_terminal() -> bool:
    from cxcs.progress import stderr_is_terminal

    return stderr_is_terminal()


@command("summarize", cls=Command)
def summarize(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            metavar="FILE|-",
            callback=nonempty,
            help="A batch output: JSONL, CSV, a JSON array or Parquet ('-' for stdin).",
        ),
    ],
    input_format: Annotated[
        str | None,
        typer.Option(
            "--input-format",
            metavar="jsonl|csv|parquet",
            help="The file's format (default: from the extension, else sniffed).",
        ),
    ] = None,
    fmt: Format = None,
    output: Output = None,
    quiet: Quiet = False,
) -> None:
    """Summarize a batch output: counts by label and decision, title/duty mismatches, and
    the spread of confidence.

    \b
    Examples:
      cxcs summarize labels.jsonl
      cxcs summarize labels.csv -f json
    """
    run_ = settings(ctx, None, quiet)
    present(commands.summarize(source, input_format=input_format), fmt, output, run_.env)


@command("map", cls=Command)
def map_(
    ctx: typer.Context,
    functions: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[FUNCTION]...",
            callback=nonempty,
            autocompletion=complete_function,
            help="Only these functions (default: all).",
        ),
    ] = None,
    x: Annotated[
        str,
        typer.Option(
            "--x",
            "-x",
            metavar="AXIS",
            callback=nonempty,
            autocompletion=complete_axis,
            help="Ordinal axis across (see 'cxcs axes').",
        ),
    ] = "proactivity",
    y: Annotated[
        str,
        typer.Option(
            "--y",
            "-y",
            metavar="AXIS",
            callback=nonempty,
            autocompletion=complete_axis,
            help="Ordinal axis up (see 'cxcs axes').",
        ),
    ] = "scope",
    fmt: Format = None,
    output: Output = None,
    kb: Kb = None,
    quiet: Quiet = False,
) -> None:
    """Draw the functions on a grid of two ordinal axes.

    Each function appears at its position by its abbreviation (or id); a function whose
    cell is disputed appears at every position its sources claim, marked '?'. table, svg
    and html show the grid; markdown, json and csv list one row per function.

    \b
    Examples:
      cxcs map
      cxcs map cx success support --x proactivity --y level
      cxcs map -o map.svg
    """
    run_ = settings(ctx, kb, quiet)
    outcome = commands.map(run_.knowledge(), functions or (), x=x, y=y)
    present(outcome, fmt, output, run_.env)


def main(argv: list[str] | None = None) -> NoReturn:
    """Console-script entry point."""
    # pydantic's documented switch: cxcs uses no pydantic plugins, so skip looking for them.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    group: Any = typer.main.get_command(app)
    run(group, argv)
