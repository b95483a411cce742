"""The pieces every ``cxcs`` command declaration shares: the Click command classes that add
the common options, the run's settings, and what a command body does with them
(:func:`respond`); plus the one command whose body is more than one call (``classify``).

No ``from __future__ import annotations``: Typer reads ``_common_options``'s annotations.
"""

import copy
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
import typer.core

from cxcs.entry import ERROR_FORMAT, Settings
from cxcs.errors import CxcsError, UsageError
from cxcs.output import present
from cxcs.params import (
    OVERLAY_DIRECTORY,
    InstallCompletion,
    ShowCompletion,
    complete_format,
    names_in,
    refuse_empty,
)

if TYPE_CHECKING:
    from cxcs.commands.outcome import Outcome

COMMON = ("fmt", "output", "kb", "quiet")
"""The options every command takes; :class:`Command` adds them and turns them into the
command's :class:`~cxcs.entry.Settings` (``settings(ctx)``)."""


HELP_WIDTH = max(min(shutil.get_terminal_size().columns, 80) - 2, 20)
"""How wide ``--help`` is wrapped: the terminal's width (``COLUMNS``, else the terminal's;
80 at most), less a margin as Click leaves. Click on its own never wraps narrower than 50
columns, so a 40-column terminal folded every line a second time."""


TERMINAL_HINT = (
    "reading the posting from the terminal; end it with Ctrl-D on an empty line "
    "(or Ctrl-D twice after text)"
)
"""What ``classify -`` says on a terminal: a terminal ends input on one Ctrl-D only at the
start of a line (after text, the first Ctrl-D just sends that text)."""


def hint_typed(run: Settings, source: str | None, hint: str) -> None:
    """When ``source`` is ``-`` and stdin a terminal, say ``hint`` (how to end what is
    typed) before reading, unless ``-q``: cxcs would otherwise wait without a word."""
    if source == "-" and run.env.stdin_isatty and not run.env.quiet:
        run.env.say(hint)


def rows_hint(what: str) -> str:
    """The hint for rows typed on a terminal (``what``: "the rows", "the batch output"):
    each row ends with its newline, so only a Ctrl-D on an empty line ends them."""
    return f"reading {what} from the terminal; end it with Ctrl-D on an empty line"


def _common_options(
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            callback=refuse_empty(),
            autocompletion=complete_format,
            help="The output format. Default: from --output's extension, else table on a "
            "terminal, markdown when piped.",
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE (atomically) instead of stdout; '-' is stdout.",
        ),
    ] = None,
    kb: Annotated[
        list[str] | None,
        typer.Option(
            "--kb",
            metavar="DIR",
            callback=refuse_empty(OVERLAY_DIRECTORY),
            help="Overlay directory with your own functions/metrics/signals YAML (repeatable; "
            "default: $CXCS_KB).",
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No notes on stderr (warnings stay).")
    ] = False,
) -> None:
    """Declares the common options (Typer builds them; :class:`Command` borrows them)."""


def _build_common() -> list[Any]:
    holder = typer.Typer(add_completion=False)
    holder.command()(_common_options)
    return list(typer.main.get_command(holder).params)


COMMON_OPTIONS = _build_common()


def _completion_options(
    install_completion: InstallCompletion = None, show_completion: ShowCompletion = None
) -> None:
    """Declares ``--install-completion [SHELL]`` and ``--show-completion [SHELL]``, which
    :class:`Group` shows and reads in place of Typer's flags of those names."""


def _build_completion() -> dict[str, Any]:
    holder = typer.Typer(add_completion=False)
    holder.command()(_completion_options)
    return {p.name: p for p in typer.main.get_command(holder).params}


COMPLETION_OPTIONS = _build_completion()


def shell_optional(args: list[str], commands: "Iterable[str]") -> list[str]:
    """``--show-completion`` and ``--install-completion`` take an optional SHELL: one
    alone (last on the line, or before another option or the command name) is given the
    empty value, which names the shell cxcs runs in."""
    flags = {name for option in COMPLETION_OPTIONS.values() for name in option.opts}
    line, names = list(args), set(commands)
    for i, word in enumerate(line):
        if word == "--" or word in names:
            break
        after = line[i + 1] if i + 1 < len(line) else None
        if word in flags and (after is None or after.startswith("-") or after in names):
            line[i] = f"{word}="
    return line


class Group(typer.core.TyperGroup):
    """The ``cxcs`` group: an unknown command name gets the one closest command name; an
    error before the command has read its own options (the group's options, the command
    name, ``--version``) gets the JSON error document when the line asks for
    ``--format json``, wherever on the line."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The group's options, with ``--install-completion`` and ``--show-completion``
        taking a SHELL (Typer adds them as flags that take none)."""
        return [COMPLETION_OPTIONS.get(p.name, p) for p in super().get_params(ctx)]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """The options, as a command shows them (narrow terminals too), then the commands."""
        write_params(self.get_params(ctx), ctx, formatter)
        self.format_commands(ctx, formatter)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        line = list(args)  # parsing consumes args; the line is read only if an error asks
        ctx.meta[ERROR_FORMAT] = lambda: Command(name=None).format_given(ctx, line)
        try:
            refuse_glued(self.get_params(ctx), line, before_command=True)
            return super().parse_args(ctx, shell_optional(args, self.commands))
        except CxcsError as exc:  # a check of the group's options: make_context never
            exc.ctx = ctx  # returned, so the error carries the context, as Click's do
            raise
        except Exception as exc:
            did_you_mean_option(exc)
            self._say_where_it_goes(exc, line)
            raise

    def _say_where_it_goes(self, exc: Exception, line: list[str]) -> None:
        """An option of a command given before the command name (``cxcs -f json list``):
        Click's "No such option: -f" also says where it goes (Click's ``NoSuchOption``,
        known by its public ``option_name`` and ``message``)."""
        name = getattr(exc, "option_name", None)
        if not isinstance(name, str) or not isinstance(getattr(exc, "message", None), str):
            return
        if any(name in p.opts + p.secondary_opts for p in self.params):
            return  # the group's own option, used wrongly ('cxcs --kb' with no value)
        named = next((a for a in line if a in self.commands), None)
        commands = [self.commands[named]] if named else list(self.commands.values())
        if not any(name in p.opts for c in commands for p in c.params):
            return
        exc.message = (  # type: ignore[attr-defined]
            f"No such option: {name} here; it goes after the command name: "
            f"'cxcs {named or 'COMMAND'} {name} ...'"
        )

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except Exception as exc:
            if args and isinstance(getattr(exc, "message", None), str):
                exc.message = no_such_command(args[0], self.commands)  # type: ignore[attr-defined]
            raise


def no_such_command(name: str, commands: "Iterable[str]") -> str:
    """``No such command 'comapre'; did you mean 'compare'?`` (else: see ``cxcs --help``)."""
    from cxcs.suggest import did_you_mean

    return f"No such command '{name}'{did_you_mean(name, commands, see='cxcs --help', limit=1)}"


def show_help(ctx: Any, topic: list[str] | None) -> NoReturn:
    """``cxcs help [COMMAND]`` (as git and gh take it): what ``cxcs [COMMAND] --help``
    shows, on stdout, exit 0; an unknown command name is a usage error."""
    group, names = ctx.parent, topic or []
    if len(names) > 1:
        raise UsageError(f"help takes one command name, e.g. 'cxcs help {names[0]}'")
    command = group.command.get_command(group, names[0]) if names else group.command
    if command is None:
        raise UsageError(no_such_command(names[0], group.command.commands))
    shown = type(ctx)(command, info_name=names[0], parent=group) if names else group
    typer.echo(command.get_help(shown))
    raise typer.Exit()


def write_params(params: list[Any], ctx: Any, formatter: Any) -> None:
    """A command's help sections: its arguments by metavar and help (no type
    placeholders), then its options."""
    arguments = [(_label(p), getattr(p, "help", None) or "") for p in params if _is_argument(p)]
    options = [r for p in params if not _is_argument(p) if (r := p.get_help_record(ctx))]
    # Click's name column is up to 30 wide; on a narrow terminal that left ~10 columns
    # for the text, cut mid-word: a long name then gets a line of its own instead.
    col_max = min(30, max(12, formatter.width - 48))
    for title, rows in (("Arguments", arguments), ("Options", options)):
        if rows:
            with formatter.section(title):
                formatter.write_dl(rows, col_max=col_max)


class Plain(typer.core.TyperCommand):
    """A command whose help shows each argument by its metavar, exactly as declared."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """``[OPTIONS]`` then each argument by its metavar, exactly as declared."""
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [_label(p) for p in self.get_params(ctx) if _is_argument(p)]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """Arguments by metavar and help (no type placeholders), then the options."""
        write_params(self.get_params(ctx), ctx, formatter)


class Command(Plain):
    """A ``cxcs`` command: remembers where to read the ``--format`` asked for (the error
    document follows it, even when parsing fails) and checks ``--format``/``--output``
    before any work."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        line = list(args)  # parsing consumes args; the line is read only if an error asks
        ctx.meta[ERROR_FORMAT] = lambda: self.format_given(ctx, line)
        try:
            refuse_glued(self.get_params(ctx), line)
            return super().parse_args(ctx, args)
        except CxcsError as exc:
            exc.ctx = ctx  # the error document follows this command's --format
            raise
        except Exception as exc:
            did_you_mean_option(exc)
            self._say_what_it_takes(exc, ctx)
            _say_it_goes_before(exc, ctx)
            raise

    def _say_what_it_takes(self, exc: Exception, ctx: Any) -> None:
        """Click's "Got unexpected extra argument(s) (ux)" (known by its public ``message``)
        as "show takes FUNCTION; unexpected: ux; see 'cxcs show --help'"."""
        import re

        message = getattr(exc, "message", None)
        found = re.fullmatch(r"Got unexpected extra \S+ \((.*)\)", str(message), re.DOTALL)
        if found is None:
            return
        extra = found.group(1)
        takes = " ".join(_label(p) for p in self.get_params(ctx) if _is_argument(p))
        exc.message = (  # type: ignore[attr-defined]
            f"{self.name} takes {takes or 'no arguments'}; unexpected: {extra}; "
            f"see 'cxcs {self.name} --help'"
        )

    def format_given(self, ctx: Any, args: list[str]) -> str | None:
        """``--format``'s value as Click's own parser reads ``args`` (the last one wins),
        ignoring every other option, known or not, a flag given a value (``--quiet=1``,
        on which Click's parser stops) and an option left without its value at the end of
        the line (``-f json --batch``, on which it fails)."""
        flags = {n for p in self.get_params(ctx) if getattr(p, "is_flag", False) for n in p.opts}
        words = [w for w in args if not (w.startswith("--") and w.partition("=")[0] in flags)]
        for line in (words, words[:-1]):
            parser = self.make_parser(ctx)
            parser.ignore_unknown_options = True
            parser.allow_interspersed_args = True  # options after arguments (maybe a group)
            try:
                options, _, _ = parser.parse_args(list(line))
            except Exception:
                continue
            value = options.get("fmt")
            return value if isinstance(value, str) else None
        return None

    without: tuple[str, ...] = ()
    """Common options this command does not take."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        known = {p.name for p in self.params} | set(self.without)
        for param in COMMON_OPTIONS:
            if param.name not in known:
                self.params.append(self._own(param))

    def _own(self, param: Any) -> Any:
        """The ``--format`` option lists the formats of this command; others are shared."""
        from cxcs.views import VIEWS

        if param.name != "fmt" or self.name not in VIEWS:
            return param
        param = copy.copy(param)
        names = ", ".join(VIEWS[self.name].formats)
        batch = VIEWS.get(f"{self.name}_batch")
        extra = f"; with --batch: {', '.join(batch.formats)}" if batch else ""
        param.help = (
            f"{names}{extra}. Default: from --output's extension, else table on a terminal, "
            "markdown when piped."
        )
        return param

    def invoke(self, ctx: Any) -> Any:
        from cxcs.output import check

        common = {name: ctx.params.pop(name, None) for name in COMMON}
        base = ctx.find_object(Settings) or Settings.of()
        overlays = [Path(k) for k in common["kb"] or ()]
        run = base.narrowed(overlays, bool(common["quiet"]))
        ctx.obj = run._replace(format=common["fmt"], output=common["output"])
        if not ctx.params.get("batch"):
            check(self.name or "", ctx.obj.format, ctx.obj.output, ctx.obj.env)
        return super().invoke(ctx)


class DirectoryCommand(Command):
    """A command that reads no knowledge base (``validate`` reads the directory it is given,
    ``summarize`` a batch output), so takes no ``--kb``."""

    without = ("kb",)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """``cxcs validate --kb DIR``: refused as before the command name, not with Click's
        bare "No such option: --kb"."""
        try:
            return super().parse_args(ctx, args)
        except Exception as exc:
            if getattr(exc, "option_name", None) == "--kb":
                raise self._no_kb() from None
            raise

    def invoke(self, ctx: Any) -> Any:
        """Refuse ``cxcs --kb DIR validate|summarize``: the overlay would be ignored (and
        ``validate`` would report the shipped files valid, not DIR)."""
        if settings(ctx).overlays:
            raise self._no_kb()
        return super().invoke(ctx)

    def _no_kb(self) -> UsageError:
        hint = (
            "give the directory itself: 'cxcs validate DIR'"
            if self.name == "validate"
            else "it reads a batch output, not the knowledge"
        )
        return UsageError(f"--kb does not apply to {self.name}; {hint}")


def refuse_glued(params: list[Any], args: list[str], before_command: bool = False) -> None:
    """``-q=1`` and ``-f=json`` are usage errors that say how to write them: Click reads
    ``-q=1`` as the options ``-q -= -1`` and gives ``-f`` the value ``=json`` (``-o=x.json``
    wrote a file named ``=x.json``). ``before_command``: the group's options, which end at
    the command name. A value (``--title -q=1``) and what follows ``--`` are left alone."""
    options = [p for p in params if not _is_argument(p)]
    short = {name: p for p in options for name in p.opts if len(name) == 2}
    valued = {name for p in options if not p.is_flag for name in p.opts}
    words = iter(args)
    for word in words:
        if word == "--" or (before_command and not word.startswith("-")):
            return
        if word in valued or (word[:2] in valued and len(word) == 2):
            next(words, None)  # the option's value, whatever it looks like
            continue
        name, glued, value = word.partition("=")
        if not glued or name not in short:
            continue
        param = short[name]
        if param.is_flag:
            raise UsageError(f"{word}: {name} takes no value; write '{name}'")
        long = next((o for o in param.opts if o.startswith("--")), name)
        raise UsageError(
            f"{word}: a short option takes its value after a space: '{name} {value}' "
            f"(or '{long}={value}')"
        )


def _say_it_goes_before(exc: Exception, ctx: Any) -> None:
    """An option of ``cxcs`` itself given after the command name (``cxcs list -V``):
    Click's "No such option: -V" also says where it goes (Click's ``NoSuchOption``, known
    by its public ``option_name`` and ``message``)."""
    name, group = getattr(exc, "option_name", None), getattr(ctx.parent, "command", None)
    if not isinstance(name, str) or group is None:
        return
    if any(name in p.opts for p in ctx.command.get_params(ctx)):
        return  # the command's own option, used wrongly ('--quiet=1')
    if any(name in p.opts for p in group.get_params(ctx.parent)):
        exc.message = (  # type: ignore[attr-defined]
            f"No such option: {name} here; it goes before the command name: 'cxcs {name}'"
        )


def did_you_mean_option(exc: Exception) -> None:
    """Click's "No such option: --axe (Possible options: --axes)" in cxcs's words: "No such
    option: --axe; did you mean '--axes'?" (Click's ``NoSuchOption``, known by its public
    ``option_name``, ``possibilities`` and ``message``)."""
    name, close = getattr(exc, "option_name", None), getattr(exc, "possibilities", None)
    ctx = getattr(exc, "ctx", None)
    known = [o for p in ctx.command.get_params(ctx) for o in p.opts] if ctx is not None else []
    started = [o for o in known if isinstance(name, str) and len(name) > 2 and o.startswith(name)]
    close = started or close  # '--bat': '--batch', not also '--kb' and '--format'
    if isinstance(name, str) and close and isinstance(getattr(exc, "message", None), str):
        from cxcs.suggest import hint

        exc.message = f"No such option: {name}{hint(list(close))}"  # type: ignore[attr-defined]
        exc.possibilities = None  # type: ignore[attr-defined]


def _is_argument(param: Any) -> bool:
    return bool(param.param_type_name == "argument")


def _label(param: Any) -> str:
    return str(param.metavar or (param.name or "").upper())


def settings(ctx: Any) -> Settings:
    """The settings of the running command: the run's, its own options applied."""
    found = ctx.find_object(Settings)
    return found if found is not None else Settings.of()


def start(ctx: Any, kb: list[str] | None, quiet: bool, version: bool) -> None:
    """The options before the command name: keep them for the command (``--kb``, ``-q``);
    ``--version`` answers and ends the run; no command at all shows the help (exit 2)."""
    ctx.obj = Settings.of(tuple(Path(k) for k in kb or ()), quiet)
    if version:  # not eager, so that 'cxcs --kb DIR -V' reports the overlaid knowledge
        print_version(ctx.obj)
    if ctx.invoked_subcommand is None and not ctx.resilient_parsing:
        typer.echo(ctx.get_help(), err=True)
        raise typer.Exit(2)


def respond(
    ctx: Any, outcome_of: "Callable[[Settings], Outcome[Any]]", reads: str | None = None
) -> None:
    """The body of a command: ``outcome_of`` the run's settings (one call of
    :mod:`cxcs.commands`), presented in the format and to the output asked for. ``reads``:
    the batch output it reads (``-``: stdin; on a terminal, a hint says how to end it)."""
    run = settings(ctx)
    hint_typed(run, reads, rows_hint("the batch output"))
    present(outcome_of(run), run.format, run.output, run.env)


def print_version(settings: Settings) -> NoReturn:
    """``--version``: the tool's version, then the version and hash of the knowledge base
    with the ``--kb`` overlays given; ends the run."""
    from cxcs import __version__

    try:
        kb = settings.knowledge(signals=False)
    except UsageError:  # a --kb that is no directory: exit 2, as for any command
        raise
    except Exception as exc:  # broken knowledge files: the tool's version still helps
        knowledge = f"knowledge: unavailable ({getattr(exc, 'message', exc)})"
    else:
        knowledge = f"knowledge {kb.origin.version} (sha256 {kb.origin.sha256})"
    typer.echo(f"cxcs {__version__}\n{knowledge}")
    raise typer.Exit()


def stderr_is_terminal() -> bool:
    """Whether stderr is a terminal (the batch summary table goes there)."""
    from cxcs.progress import stderr_is_terminal as on_terminal

    return on_terminal()


def refuse(active: bool, reason: str, **given: object) -> None:
    """When ``active``, any option in ``given`` that was set is a usage error."""
    if not active:
        return
    for name, value in given.items():
        if value not in (None, False):
            raise UsageError(f"--{name.replace('_', '-')} {reason}")


def classify(
    run: Settings, source: str | None, title: str | None, explain: bool, batch: str | None,
    *, input_format: str | None, keep: list[str] | None, keep_all: bool, delimiter: str | None,
    encoding: str | None, id_field: str | None, title_field: str | None,
    text_field: str | None, jobs: int | None,
) -> None:  # fmt: skip
    """``cxcs classify``: one posting (``source``), or every row of ``batch``; options that
    apply only to the other mode are refused."""
    if batch is not None and source is not None:
        raise UsageError("give either FILE or --batch FILE, not both")
    refuse(batch is not None, "does not apply with --batch", title=title, explain=explain)
    refuse(batch is None, "applies only with --batch", id_field=id_field, title_field=title_field,
           text_field=text_field, input_format=input_format, jobs=jobs is not None, keep=keep,
           keep_all=keep_all, delimiter=delimiter, encoding=encoding)  # fmt: skip
    from cxcs import commands

    if batch is None:
        from cxcs.commands.classify import check_explain
        from cxcs.output import check

        check_explain(explain, check("classify", run.format, run.output, run.env))
        hint_typed(run, source, TERMINAL_HINT)
        from cxcs.output import target

        outcome = commands.classify_file(
            run.knowledge(signals=True), source, title, explain=explain, output=target(run.output)
        )
        present(outcome, run.format, run.output, run.env)
        return
    if keep is not None and keep_all:
        raise UsageError("give --keep FIELD,... or --keep-all, not both")
    kept = [k.strip() for k in names_in(keep) or () if k.strip()]
    if keep is not None and not kept:
        raise UsageError("--keep names no field")
    from cxcs.output import check, target

    chosen = check("classify_batch", run.format, run.output, run.env)
    hint_typed(run, batch, rows_hint("the rows"))
    table = stderr_is_terminal() and not run.env.quiet
    summary = commands.classify_batch(
        run.knowledge(signals=True), batch, format=chosen, output=target(run.output),
        input_format=input_format, id_field=id_field or "id", title_field=title_field or "title",
        text_field=text_field, keep=kept, keep_all=keep_all,
        delimiter="\t" if delimiter in {"\\t", "tab"} else delimiter, encoding=encoding,
        jobs=1 if jobs is None else jobs,
        on_failure=run.env.say, progress=not run.env.quiet, brief=table,
        overlays=[str(o) for o in run.overlays],
    )  # fmt: skip
    if table and summary.result.rows:
        from cxcs.summary import print_table

        print_table(summary.result)
    present(summary, chosen, run.output, run.env)
