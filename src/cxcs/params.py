"""The arguments and options of the ``cxcs`` commands, each declared once as an
``Annotated`` type that :mod:`cxcs.cli` uses in its command signatures, with their checks
(an empty value is a usage error) and shell completion (function ids, axes, metrics,
formats), which reads the knowledge with the ``--kb`` overlays typed on the line.

No ``from __future__ import annotations`` here or in :mod:`cxcs.cli`: Typer reads these
annotations on every start, and as objects they need no evaluating.
"""

from typing import Annotated, Any

import typer

from cxcs.commands.compare import TWO_FUNCTIONS
from cxcs.entry import Settings
from cxcs.errors import UsageError


def refuse_empty(what: str = "", needed: str | None = None) -> Any:
    """A callback that refuses an empty value (or an empty item of a list) as a usage error,
    worded for people: an argument as ``COMMAND: WHAT is empty``, an option as ``--NAME is
    empty`` (then ``; give WHAT`` when ``what`` is given), as ``-o ''`` is refused. With
    ``needed``, a missing value is refused too, told ``needed``."""

    def check(ctx: Any, param: Any, value: Any) -> Any:
        if needed is not None and value in (None, (), []):
            raise UsageError(needed)
        items = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(v, str) and not v.strip() for v in items):
            raise UsageError(empty_message(ctx, param, what))
        return value

    return check


def _nothing() -> None:
    """The value of an argument not given (its check then says what is needed)."""
    return None


def empty_message(ctx: Any, param: Any, what: str) -> str:
    """What an empty ``param`` is told: ``classify: the file name is empty``, ``--kb is
    empty; give an overlay directory``."""
    if param.param_type_name == "argument":
        return f"{ctx.info_name}: {what} is empty"
    flags = [o for o in param.opts if o.startswith("--")] or list(param.opts)
    return f"{flags[0]} is empty" + (f"; give {what}" if what else "")


def argument(
    metavar: str, text: str, empty: str, complete: Any = None, needed: str | None = None
) -> Any:
    """A Typer argument shown as ``metavar``; an empty value is a usage error (``empty``:
    what the message calls it, e.g. "the file name"). A required argument gives ``needed``,
    what a command line without it is told (e.g. "show needs a function, e.g. 'cxcs show
    cx'"), instead of Click's "Missing argument 'FUNCTION'.": to Click it has a default,
    which its check refuses."""
    return typer.Argument(
        metavar=metavar,
        callback=refuse_empty(empty, needed),
        help=text,
        autocompletion=complete,
        default_factory=None if needed is None else _nothing,
    )


def option(names: str, metavar: str, text: str, complete: Any = None) -> Any:
    """A Typer option (``names``: its flags, space-separated); an empty value is a usage
    error."""
    return typer.Option(
        *names.split(),
        metavar=metavar,
        callback=refuse_empty(),
        help=text,
        autocompletion=complete,
    )


def names_in(given: list[str] | None) -> list[str] | None:
    """The names a repeatable comma-separated option lists, in order (``-a scope -a
    level,metrics``: three); None when the option was not given."""
    return None if not given else [name for value in given for name in value.split(",")]


def flag(names: str, text: str) -> Any:
    """A Typer on/off option (``names``: its flags, space-separated)."""
    return typer.Option(*names.split(), help=text)


def given_overlays(ctx: typer.Context | None) -> tuple[Any, ...]:
    """The ``--kb`` directories typed so far (as paths), applied as a run applies them: the
    command's own, else those before the command name (else, later, ``$CXCS_KB``)."""
    from pathlib import Path

    current: Any = ctx  # Click's own Context class above Typer's
    while current is not None:
        given = current.params.get("kb")
        if given:
            return tuple(Path(p) for p in given)
        current = current.parent
    return ()


def _kb_names(ctx: typer.Context | None, kind: str, given: list[str] | None = None) -> list[str]:
    """The names of ``kind`` in the knowledge the command line would load (none if it
    cannot be loaded: completion never fails), less those the names ``given`` on the line
    already name (naming one twice is a usage error)."""
    try:
        kb = Settings.of(given_overlays(ctx)).knowledge(signals=False)
    except Exception:
        return []
    if kind == "function":
        names = list(kb.functions)
    elif kind == "axis":
        names = list(kb.axis_ids)
    elif kind == "map axis":
        from cxcs.engine.placement import ordinal_axes

        names = [a.id for a in ordinal_axes(kb)]
    else:
        names = list(kb.metrics)
    return [n for n in names if n not in _named(kb, kind, given or [])]


def _named(kb: Any, kind: str, given: list[str]) -> set[str]:
    """The ids that ``given`` (functions or axes typed on the line) resolve to."""
    from cxcs.knowledge.resolve import resolve_axes, resolve_function

    named = set()
    for name in given:
        try:
            if kind == "function":
                named.add(resolve_function(kb, name).function_id)
            elif kind == "axis":
                named.update(resolve_axes(kb, [name]))
        except Exception:  # a misspelt name names nothing
            continue
    return named


def complete_function(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion: function ids (with the ``--kb`` overlays given), less those
    already given to a command that takes several."""
    given = ctx.params.get("functions") if ctx is not None else None
    return [n for n in _kb_names(ctx, "function", given) if n.startswith(incomplete)]


def complete_axis(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion: axis ids (after the last comma of an ``--axes`` list)."""
    done, _, last = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    given = (names_in(ctx.params.get("axes")) or []) + done.split(",")
    return [prefix + n for n in _kb_names(ctx, "axis", given) if n.startswith(last)]


def complete_ordinal_axis(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion: the axes a map can use (those with an ordered scale)."""
    return [n for n in _kb_names(ctx, "map axis") if n.startswith(incomplete)]


def complete_metric(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion: metric ids (with the ``--kb`` overlays given)."""
    return [n for n in _kb_names(ctx, "metric") if n.startswith(incomplete)]


def complete_format(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion: the output formats this command writes (``classify``: those of one
    posting and those of a batch; only the batch ones once ``--batch`` is typed)."""
    from cxcs.views import VIEWS

    command = ctx.command.name or ""
    names = list(VIEWS[command].formats) if command in VIEWS else []
    batch = VIEWS.get(f"{command}_batch")
    if batch is not None:
        batch_names = list(batch.formats)
        names = batch_names if ctx.params.get("batch") else names + batch_names
    return [n for n in dict.fromkeys(names) if n.startswith(incomplete.lower())]


def complete_input_format(incomplete: str) -> list[str]:
    """Shell completion: the input formats a batch file may be read as."""
    from cxcs.formats import INPUT_FORMATS

    return [n for n in INPUT_FORMATS if n.startswith(incomplete.lower())]


Str = str | None

# Arguments
FUNCTION_NAME = "the function name"
A_FUNCTION_NAME = "a function name"
Function = Annotated[
    str,
    argument(
        "FUNCTION",
        "Id, alias or name, e.g. cx, csm.",
        FUNCTION_NAME,
        complete_function,
        needed="show needs a function, e.g. 'cxcs show cx'; see 'cxcs list'",
    ),
]
Functions = Annotated[
    list[str],
    argument(
        "FUNCTION FUNCTION...",
        "Two or more functions.",
        A_FUNCTION_NAME,
        complete_function,
        needed=TWO_FUNCTIONS,
    ),
]
Some = Annotated[
    list[str] | None,
    argument("[FUNCTION]...", "Only these (default: all).", A_FUNCTION_NAME, complete_function),
]
Owner = Annotated[
    Str,
    argument(
        "[FUNCTION]", "Only metrics owned by this function.", FUNCTION_NAME, complete_function
    ),
]
MetricName = Annotated[
    str,
    argument(
        "METRIC",
        "Metric id, name or abbreviation, e.g. nps.",
        "the metric name",
        complete_metric,
        needed="metric needs a metric id or name, e.g. 'cxcs metric nps'; see 'cxcs metrics'",
    ),
]
Directory = Annotated[
    Str, argument("[DIR]", "Knowledge or overlay directory.", "the directory name")
]
Source = Annotated[
    Str,
    argument("[FILE|-]", "Posting file; '-' or none: stdin.", "the file name"),
]
BatchOutput = Annotated[
    str,
    argument(
        "FILE|-",
        "A batch output: JSONL, CSV, JSON or Parquet.",
        "the file name",
        needed="summarize needs a batch output file ('-': stdin), e.g. "
        "'cxcs summarize labels.jsonl'",
    ),
]

Topic = Annotated[
    list[str] | None, argument("[COMMAND]", "Show this command's help.", "the command name")
]

# Options of the run (before the command name)
OVERLAY_DIRECTORY = "an overlay directory"
GlobalKb = Annotated[
    list[str] | None,
    typer.Option(
        "--kb",
        metavar="DIR",
        callback=refuse_empty(OVERLAY_DIRECTORY),
        help="Overlay for the command (not validate or summarize).",
    ),
]
Quiet = Annotated[bool, flag("--quiet -q", "No notes on stderr.")]
Version = Annotated[bool, flag("--version -V", "Show the tool and knowledge versions and exit.")]

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
"""The shells ``--install-completion`` and ``--show-completion`` take (Typer's)."""


def _completion(install: bool) -> Any:
    """The callback of ``--install-completion`` (``install``) or ``--show-completion``:
    Typer's own, for the SHELL given, or, given empty (alone on the line), for the shell
    cxcs runs in. Typer's flags took no SHELL: ``--show-completion zsh`` showed the
    script of the shell it ran in, and ``--install-completion zsh`` installed that one."""

    def run(ctx: Any, param: Any, value: str | None) -> Any:
        if value is None or ctx.resilient_parsing:
            return None
        shell = value.strip().lower()
        if shell and shell not in SHELLS:
            from cxcs.suggest import suggestions

            close = suggestions(shell, SHELLS, limit=1)
            raise UsageError(
                f"{param.opts[0]}: unknown shell '{value}'; "
                + (f"did you mean '{close[0]}'? " if close else "")
                + f"choose one of: {', '.join(SHELLS)}"
            )
        from typer import completion

        action = completion.install_callback if install else completion.show_callback
        return action(ctx, param, shell or True)

    return run


def _complete_shell(incomplete: str) -> list[str]:
    """Shell completion: the shells completion can be shown or installed for."""
    return [s for s in SHELLS if s.startswith(incomplete.lower())]


def _completion_option(name: str, *, install: bool, help: str) -> Any:
    """``--install-completion`` or ``--show-completion``, taking an optional SHELL."""
    return typer.Option(
        name,
        metavar="[SHELL]",
        callback=_completion(install=install),
        expose_value=False,
        autocompletion=_complete_shell,
        help=help,
    )


InstallCompletion = Annotated[
    Str,
    _completion_option(
        "--install-completion",
        install=True,
        help="Install completion for the current shell, or SHELL (bash, zsh, fish, powershell).",
    ),
]
ShowCompletion = Annotated[
    Str,
    _completion_option(
        "--show-completion",
        install=False,
        help="Show completion for the current shell, or SHELL, to copy it or customize "
        "the installation.",
    ),
]

# compare, map
Many = list[str] | None
"""A repeatable option of comma-separated names: ``-a scope -a level`` adds up."""

Axes = Annotated[
    Many,
    option("--axes -a", "AXIS,...", "Only these axes, in this order (repeatable).", complete_axis),
]
Differences = Annotated[
    bool, flag("--differences", "Show only the axes that differ (JSON too; similarity over all).")
]
X = Annotated[
    str, option("--x -x", "AXIS", "Ordinal axis across (see 'cxcs axes').", complete_ordinal_axis)
]
Y = Annotated[
    str, option("--y -y", "AXIS", "Ordinal axis up (see 'cxcs axes').", complete_ordinal_axis)
]

# classify, summarize
Title = Annotated[Str, option("--title -t", "TITLE", "Title, checked against the duties.")]
Explain = Annotated[
    bool, flag("--explain", "Add a table of phrase contributions (table, markdown, html).")
]
Batch = Annotated[
    Str, option("--batch -b", "FILE", "Classify each row of a JSONL, CSV or Parquet file.")
]
InputFormat = Annotated[
    Str, option("--input-format", "jsonl|csv|parquet", "Input file format.", complete_input_format)
]
Keep = Annotated[
    Many, option("--keep", "FIELD,...", "Batch: copy these input fields (repeatable).")
]
KeepAll = Annotated[bool, flag("--keep-all", "Batch: copy every input field.")]
Delimiter = Annotated[
    Str, typer.Option("--delimiter", metavar="CHAR", help="Batch: CSV delimiter (sniffed).")
]
Encoding = Annotated[
    Str, option("--encoding", "CODEC", "Batch: input text encoding, e.g. cp1252 [default: UTF-8].")
]
IdField = Annotated[Str, option("--id-field", "FIELD", "Batch: row id field [default: id].")]
TitleField = Annotated[
    Str, option("--title-field", "FIELD", "Batch: title field [default: title].")
]
TextField = Annotated[
    Str,
    option(
        "--text-field",
        "FIELD",
        "Batch: text field; a+b joins two, a,b takes the first found, a.b is nested "
        "[default: text,description].",
    ),
]
Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        metavar="N",
        min=0,
        max=64,
        help="Batch: worker processes, default 1 (0: one per CPU).",
    ),
]
"""None when not given, so that ``--jobs 1`` without ``--batch`` is refused too."""
