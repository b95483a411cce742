"""The ``cxcs`` command line: Typer declarations, each calling one function of
:mod:`cxcs.commands` and presenting its outcome (:func:`cxcs.clitools.respond`).

The arguments and options are declared once in :mod:`cxcs.params`; the options every
command shares (``--format``, ``--output``, ``--kb``, ``-q``) are added by
:class:`cxcs.clitools.Command`; process concerns (exit statuses, Ctrl-C, broken pipes, the
JSON error document) live in :mod:`cxcs.entry`. No ``from __future__ import annotations``:
Typer reads these signatures on every start, and as objects they need no evaluating.
"""

import os
from typing import Any, NoReturn

import typer

from cxcs import clitools, commands
from cxcs.clitools import Command, DirectoryCommand, Group, Plain, respond
from cxcs.entry import run
from cxcs.params import (
    Axes,
    Batch,
    BatchOutput,
    Delimiter,
    Differences,
    Directory,
    Encoding,
    Explain,
    Function,
    Functions,
    GlobalKb,
    IdField,
    InputFormat,
    Jobs,
    Keep,
    KeepAll,
    MetricName,
    Owner,
    Quiet,
    Some,
    Source,
    TextField,
    Title,
    TitleField,
    Topic,
    Version,
    X,
    Y,
    names_in,
)

app = typer.Typer(
    name="cxcs",
    cls=Group,
    help="Compare customer-facing functions (CX, customer success, customer service, customer "
    "support, UX) and classify job postings by what their duties describe.\n\n\b\nExamples:\n"
    "  cxcs compare cx cs\n  cxcs classify posting.txt\n  cxcs --kb my-kb list\n"
    "  cxcs help compare",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    invoke_without_command=True,
    suggest_commands=False,
    context_settings={"help_option_names": ["-h", "--help"], "terminal_width": clitools.HELP_WIDTH},
)


@app.callback()
def _root(
    ctx: typer.Context, kb: GlobalKb = None, quiet: Quiet = False, version: Version = False
) -> None:
    """Compare customer-facing functions and classify job postings."""
    clitools.start(ctx, kb, quiet, version)


@app.command("list", cls=Command)
def list_functions(ctx: typer.Context) -> None:
    """List the functions cxcs knows, with their aliases.

    \b
    Examples:
      cxcs list
      cxcs list -o functions.json
    """
    respond(ctx, lambda run: commands.list_functions(run.knowledge()))


@app.command("show", cls=Command)
def show(ctx: typer.Context, function: Function) -> None:
    """Show one function on every axis, with sources and disputed claims.

    \b
    Examples:
      cxcs show cx
      cxcs show "customer success" -f markdown
    """
    respond(ctx, lambda run: commands.show(run.knowledge(), function))


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
    chosen = names_in(axes)
    respond(
        ctx,
        lambda run: commands.compare(
            run.knowledge(), *functions, axes=chosen, differences=differences
        ),
    )


@app.command("journey", cls=Command)
def journey(ctx: typer.Context, functions: Some = None) -> None:
    """Who leads and who contributes at each stage of the customer journey, with sources.

    \b
    Examples:
      cxcs journey
      cxcs journey cx success support -f html -o journey.html
    """
    respond(ctx, lambda run: commands.journey(run.knowledge(), functions or ()))


@app.command("axes", cls=Command)
def axes(ctx: typer.Context) -> None:
    """List the comparison axes, their kind and scale.

    \b
    Examples:
      cxcs axes
      cxcs axes -f csv
    """
    respond(ctx, lambda run: commands.axes(run.knowledge()))


@app.command("metrics", cls=Command)
def metrics(ctx: typer.Context, function: Owner = None) -> None:
    """List metrics, or those owned by one function.

    \b
    Examples:
      cxcs metrics
      cxcs metrics success
    """
    respond(ctx, lambda run: commands.metrics(run.knowledge(), function))


@app.command("metric", cls=Command)
def metric(ctx: typer.Context, name: MetricName) -> None:
    """Show one metric: definition, formula, unit, direction, owners and sources.

    \b
    Examples:
      cxcs metric nps
      cxcs metric "Net Promoter Score" -f json
    """
    respond(ctx, lambda run: commands.metric(run.knowledge(), name))


@app.command("validate", cls=DirectoryCommand)
def validate(ctx: typer.Context, directory: Directory = None) -> None:
    """Validate knowledge files; report every problem as file:line.

    \b
    Examples:
      cxcs validate
      cxcs validate examples/overlay
    """
    respond(ctx, lambda run: commands.validate(directory))


@app.command("classify", cls=Command)
def classify(
    ctx: typer.Context, source: Source = None, title: Title = None, explain: Explain = False,
    batch: Batch = None, input_format: InputFormat = None, keep: Keep = None,
    keep_all: KeepAll = False, delimiter: Delimiter = None, encoding: Encoding = None,
    id_field: IdField = None, title_field: TitleField = None, text_field: TextField = None,
    jobs: Jobs = None,
) -> None:  # fmt: skip
    """Classify a job posting by the function its duties describe (or a whole file with --batch).

    \b
    Examples:
      cxcs classify posting.txt --title "Customer Success Manager"
      pbpaste | cxcs classify --explain
      cxcs classify --batch postings.jsonl -o labels.csv
    """
    clitools.classify(
        clitools.settings(ctx), source, title, explain, batch, input_format=input_format,
        keep=keep, keep_all=keep_all, delimiter=delimiter, encoding=encoding, id_field=id_field,
        title_field=title_field, text_field=text_field, jobs=jobs,
    )  # fmt: skip


@app.command("summarize", cls=DirectoryCommand)
def summarize(ctx: typer.Context, source: BatchOutput, input_format: InputFormat = None) -> None:
    """Summarize a batch output: counts by label and decision, title/duty mismatches, and
    the spread of confidence over the answered rows.

    \b
    Examples:
      cxcs summarize labels.jsonl
      cxcs summarize labels.csv -f json
    """
    respond(ctx, lambda run: commands.summarize(source, input_format=input_format), source)


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
    respond(ctx, lambda run: commands.map(run.knowledge(), functions or (), x=x, y=y))


@app.command("help", cls=Plain, hidden=True)
def help_(ctx: typer.Context, topic: Topic = None) -> None:
    """Show the help of cxcs, or of one command, as --help does.

    \b
    Examples:
      cxcs help compare
    """
    clitools.show_help(ctx, topic)


def main(argv: list[str] | None = None) -> NoReturn:
    """Console-script entry point."""
    # pydantic's documented switch: cxcs uses no pydantic plugins, so skip looking for them.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    group: Any = typer.main.get_command(app)
    run(group, argv)
