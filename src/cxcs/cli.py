"""The ``cxcs`` command line: Typer declarations, each calling one function of
:mod:`cxcs.commands` and presenting its outcome with :func:`cxcs.output.present`.

The options every command shares (``--format``, ``--output``, ``--kb``, ``-q``) are added
by :class:`cxcs.clitools.Command`; process concerns (exit statuses, Ctrl-C, broken pipes,
the JSON error document) live in :mod:`cxcs.entry`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from cxcs import commands
from cxcs.clitools import (
    Command,
    DirectoryCommand,
    Group,
    argument,
    complete_axis,
    complete_function,
    complete_metric,
    option,
    print_version,
    refuse,
    settings,
    stderr_is_terminal,
)
from cxcs.entry import Settings, run
from cxcs.errors import UsageError
from cxcs.output import check, present, target

app = typer.Typer(
    name="cxcs",
    cls=Group,
    help="Compare customer-facing functions (CX, customer success, customer service, customer "
    "support, UX) and classify job postings by what their duties describe.\n\n\b\nExamples:\n"
    "  cxcs compare cx cs\n  cxcs classify posting.txt\n  cxcs --kb my-kb list",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    invoke_without_command=True,
    suggest_commands=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


Str = str | None
Function = Annotated[
    str, argument("FUNCTION", "Id, alias or name, e.g. cx, csm.", complete_function)
]
Functions = Annotated[
    list[str], argument("FUNCTION FUNCTION...", "Two or more functions.", complete_function)
]
Some = Annotated[
    list[str] | None, argument("[FUNCTION]...", "Only these (default: all).", complete_function)
]
Owner = Annotated[
    Str, argument("[FUNCTION]", "Only metrics owned by this function.", complete_function)
]
MetricName = Annotated[
    str, argument("METRIC", "Metric id, name or abbreviation, e.g. nps.", complete_metric)
]
Directory = Annotated[Str, argument("[DIR]", "Knowledge or overlay directory.")]
Source = Annotated[Str, argument("[FILE|-]", "Posting file; '-' or none: stdin.")]
Axes = Annotated[
    Str, option("--axes -a", "AXIS,...", "Only these axes, in this order.", complete_axis)
]
X = Annotated[
    str, option("--x -x", "AXIS", "Ordinal axis across (see 'cxcs axes').", complete_axis)
]
Y = Annotated[str, option("--y -y", "AXIS", "Ordinal axis up (see 'cxcs axes').", complete_axis)]
Title = Annotated[Str, option("--title -t", "TITLE", "Title, checked against the duties.")]
Explain = Annotated[bool, typer.Option("--explain", help="Add a table of phrase contributions.")]
Batch = Annotated[
    Str, option("--batch -b", "FILE", "Classify each row of a JSONL, CSV or Parquet file.")
]
InputFormat = Annotated[
    Str, typer.Option("--input-format", metavar="jsonl|csv|parquet", help="Input file format.")
]
Keep = Annotated[Str, option("--keep", "FIELD,...", "Batch: copy these input fields.")]
KeepAll = Annotated[bool, typer.Option("--keep-all", help="Batch: copy every input field.")]
Delimiter = Annotated[
    Str, typer.Option("--delimiter", metavar="CHAR", help="Batch: CSV delimiter (sniffed).")
]
IdField = Annotated[Str, option("--id-field", "FIELD", "Batch: row id field [default: id].")]
TitleField = Annotated[
    Str, option("--title-field", "FIELD", "Batch: title field [default: title].")
]
TextField = Annotated[
    Str, option("--text-field", "FIELD", "Batch: text field [default: text, description].")
]
Jobs = Annotated[
    int, typer.Option("--jobs", "-j", metavar="N", min=1, max=64, help="Batch: worker processes.")
]
GlobalKb = Annotated[
    list[Path] | None, typer.Option("--kb", metavar="DIR", help="Overlay for every command.")
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No notes on stderr.")]
Version = Annotated[
    bool, typer.Option("--version", "-V", help="Show the tool and knowledge versions and exit.")
]
Differences = Annotated[
    bool, typer.Option("--differences", help="Hide the rows that are the same.")
]


@app.callback()
def _root(
    ctx: typer.Context, kb: GlobalKb = None, quiet: Quiet = False,
    version: Version = False,
) -> None:  # fmt: skip
    """Compare customer-facing functions and classify job postings."""
    ctx.obj = Settings(tuple(kb or ()), quiet)
    if version:  # not eager, so that 'cxcs --kb DIR -V' reports the overlaid knowledge
        print_version(ctx.obj)
    if ctx.invoked_subcommand is None and not ctx.resilient_parsing:
        typer.echo(ctx.get_help(), err=True)
        raise typer.Exit(2)


@app.command("list", cls=Command)
def list_functions(ctx: typer.Context) -> None:
    """List the functions cxcs knows, with their aliases.

    \b
    Examples:
      cxcs list
      cxcs list -o functions.json
    """
    run_ = settings(ctx)
    present(commands.list_functions(run_.knowledge()), run_.format, run_.output, run_.env)


@app.command("show", cls=Command)
def show(ctx: typer.Context, function: Function) -> None:
    """Show one function on every axis, with sources and disputed claims.

    \b
    Examples:
      cxcs show cx
      cxcs show "customer success" -f markdown
    """
    run_ = settings(ctx)
    present(commands.show(run_.knowledge(), function), run_.format, run_.output, run_.env)


@app.command("compare", cls=Command)
def compare(
    ctx: typer.Context, functions: Functions, axes: Axes = None, differences: Differences = False
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
    run_ = settings(ctx)
    chosen = axes.split(",") if axes is not None else None
    outcome = commands.compare(run_.knowledge(), *functions, axes=chosen, differences=differences)
    present(outcome, run_.format, run_.output, run_.env)


@app.command("journey", cls=Command)
def journey(ctx: typer.Context, functions: Some = None) -> None:
    """Who leads and who contributes at each stage of the customer journey, with sources.

    \b
    Examples:
      cxcs journey
      cxcs journey cx success support -f html -o journey.html
    """
    run_ = settings(ctx)
    outcome = commands.journey(run_.knowledge(), functions or ())
    present(outcome, run_.format, run_.output, run_.env)


@app.command("axes", cls=Command)
def axes(ctx: typer.Context) -> None:
    """List the comparison axes, their kind and scale.

    \b
    Examples:
      cxcs axes
      cxcs axes -f csv
    """
    run_ = settings(ctx)
    present(commands.axes(run_.knowledge()), run_.format, run_.output, run_.env)


@app.command("metrics", cls=Command)
def metrics(ctx: typer.Context, function: Owner = None) -> None:
    """List metrics, or those owned by one function.

    \b
    Examples:
      cxcs metrics
      cxcs metrics success
    """
    run_ = settings(ctx)
    present(commands.metrics(run_.knowledge(), function), run_.format, run_.output, run_.env)


@app.command("metric", cls=Command)
def metric(ctx: typer.Context, name: MetricName) -> None:
    """Show one metric: definition, formula, unit, direction, owners and sources.

    \b
    Examples:
      cxcs metric nps
      cxcs metric "Net Promoter Score" -f json
    """
    run_ = settings(ctx)
    present(commands.metric(run_.knowledge(), name), run_.format, run_.output, run_.env)


@app.command("validate", cls=DirectoryCommand)
def validate(ctx: typer.Context, directory: Directory = None) -> None:
    """Validate knowledge files; report every problem as file:line.

    \b
    Examples:
      cxcs validate
      cxcs validate examples/overlay
    """
    run_ = settings(ctx)
    present(commands.validate(directory), run_.format, run_.output, run_.env)


@app.command("classify", cls=Command)
def classify(
    ctx: typer.Context, source: Source = None, title: Title = None, explain: Explain = False,
    batch: Batch = None, input_format: InputFormat = None, keep: Keep = None,
    keep_all: KeepAll = False, delimiter: Delimiter = None, id_field: IdField = None,
    title_field: TitleField = None, text_field: TextField = None, jobs: Jobs = 1,
) -> None:  # fmt: skip
    """Classify a job posting by the function its duties describe (or a whole file with --batch).

    \b
    Examples:
      cxcs classify posting.txt --title "Customer Success Manager"
      pbpaste | cxcs classify --explain
      cxcs classify --batch postings.jsonl -o labels.csv
    """
    run_ = settings(ctx)
    if batch is not None and source is not None:
        raise UsageError("give either FILE or --batch FILE, not both")
    refuse(batch is not None, "does not apply with --batch", title=title, explain=explain)
    refuse(batch is None, "applies only with --batch", id_field=id_field, title_field=title_field,
           text_field=text_field, input_format=input_format, jobs=jobs != 1, keep=keep,
           keep_all=keep_all, delimiter=delimiter)  # fmt: skip
    if batch is None:
        if source == "-" and run_.env.stdin_isatty:
            run_.env.say("reading the posting from the terminal; end it with Ctrl-D")
        outcome = commands.classify_file(
            run_.knowledge(signals=True), source, title, explain=explain
        )
        present(outcome, run_.format, run_.output, run_.env)
        return
    if keep is not None and keep_all:
        raise UsageError("give --keep FIELD,... or --keep-all, not both")
    chosen = check("classify_batch", run_.format, run_.output, run_.env)
    table = stderr_is_terminal() and not run_.env.quiet
    summary = commands.classify_batch(
        run_.knowledge(signals=True), batch, format=chosen, output=target(run_.output),
        input_format=input_format, id_field=id_field or "id", title_field=title_field or "title",
        text_field=text_field, keep=[k.strip() for k in (keep or "").split(",") if k.strip()],
        keep_all=keep_all,
        delimiter="\t" if delimiter in {"\\t", "tab"} else delimiter, jobs=jobs,
        on_failure=run_.env.say, progress=True, brief=table,
        overlays=[str(o) for o in run_.overlays],
    )  # fmt: skip
    if table and summary.result.rows:
        from cxcs.summary import print_table

        print_table(summary.result)
    present(summary, chosen, run_.output, run_.env)


@app.command("summarize", cls=DirectoryCommand)
def summarize(
    ctx: typer.Context,
    source: Annotated[str, argument("FILE|-", "A batch output: JSONL, CSV, JSON or Parquet.")],
    input_format: InputFormat = None,
) -> None:
    """Summarize a batch output: counts by label and decision, title/duty mismatches, and
    the spread of confidence.

    \b
    Examples:
      cxcs summarize labels.jsonl
      cxcs summarize labels.csv -f json
    """
    run_ = settings(ctx)
    outcome = commands.summarize(source, input_format=input_format)
    present(outcome, run_.format, run_.output, run_.env)


@app.command("map", cls=Command)
def map_(ctx: typer.Context, functions: Some = None, x: X = "proactivity", y: Y = "scope") -> None:
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
    run_ = settings(ctx)
    outcome = commands.map(run_.knowledge(), functions or (), x=x, y=y)
    present(outcome, run_.format, run_.output, run_.env)


def main(argv: list[str] | None = None) -> NoReturn:
    """Console-script entry point."""
    # pydantic's documented switch: cxcs uses no pydantic plugins, so skip looking for them.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    group: Any = typer.main.get_command(app)
    run(group, argv)
