"""The pieces every ``cxcs`` command declaration shares: the Click command classes, argument
checks, per-run settings and shell completion."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
import typer.core

from cxcs.entry import ERROR_FORMAT, Settings
from cxcs.errors import UsageError

COMMON = ("fmt", "output", "kb", "quiet")
"""The options every command takes; :class:`Command` adds them and turns them into the
command's :class:`~cxcs.entry.Settings` (``settings(ctx)``)."""


def nonempty(value: Any) -> Any:
    """Refuse an empty string (or an empty item of a list) as a usage error."""
    items = value if isinstance(value, list | tuple) else [value]
    if any(isinstance(v, str) and not v.strip() for v in items):
        raise typer.BadParameter("must not be empty")
    return value


def _common_options(
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            callback=nonempty,
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
        list[Path] | None,
        typer.Option(
            "--kb",
            metavar="DIR",
            help="Overlay directory with your own functions/metrics/signals YAML (repeatable; "
            "default: $CXCS_KB).",
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No notes on stderr (warnings stay).")
    ] = False,
) -> None:
    """Declares the common options (Typer builds them; :class:`Command` borrows them)."""


def argument(metavar: str, text: str, complete: Any = None) -> Any:
    """A Typer argument shown as ``metavar``; an empty value is a usage error."""
    return typer.Argument(metavar=metavar, callback=nonempty, help=text, autocompletion=complete)


def option(names: str, metavar: str, text: str, complete: Any = None) -> Any:
    """A Typer option (``names``: its flags, space-separated); an empty value is a usage
    error."""
    return typer.Option(
        *names.split(), metavar=metavar, callback=nonempty, help=text, autocompletion=complete
    )


def _build_common() -> list[Any]:
    holder = typer.Typer(add_completion=False)
    holder.command()(_common_options)
    return list(typer.main.get_command(holder).params)


COMMON_OPTIONS = _build_common()


class Group(typer.core.TyperGroup):
    """The ``cxcs`` group: an unknown command name gets the one closest command name."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except Exception as exc:
            if args and isinstance(getattr(exc, "message", None), str):
                from cxcs.suggest import did_you_mean

                hint = did_you_mean(args[0], list(self.commands), see="cxcs --help", limit=1)
                exc.message = f"No such command '{args[0]}'{hint}"  # type: ignore[attr-defined]
            raise


class Command(typer.core.TyperCommand):
    """A ``cxcs`` command: remembers the ``--format`` asked for (the error document follows
    it, even when parsing fails) and checks ``--format``/``--output`` before any work."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.meta[ERROR_FORMAT] = self._format_given(ctx, args)
        return super().parse_args(ctx, args)

    def _format_given(self, ctx: Any, args: list[str]) -> str | None:
        """``--format``'s value as Click's own parser reads ``args`` (the last one wins),
        ignoring every other option, known or not."""
        parser = self.make_parser(ctx)
        parser.ignore_unknown_options = True
        try:
            options, _, _ = parser.parse_args(list(args))
        except Exception:
            return None
        value = options.get("fmt")
        return value if isinstance(value, str) else None

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """``[OPTIONS]`` then each argument by its metavar, exactly as declared."""
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [_label(p) for p in self.get_params(ctx) if _is_argument(p)]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """Arguments by metavar and help (no type placeholders), then the options."""
        params = self.get_params(ctx)
        arguments = [(_label(p), getattr(p, "help", None) or "") for p in params if _is_argument(p)]
        options = [r for p in params if not _is_argument(p) if (r := p.get_help_record(ctx))]
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

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
        base = ctx.find_object(Settings) or Settings()
        run = base.narrowed(common["kb"], bool(common["quiet"]))
        ctx.obj = replace(run, format=common["fmt"], output=common["output"])
        if not ctx.params.get("batch"):
            check(self.name or "", ctx.obj.format, ctx.obj.output, ctx.obj.env)
        return super().invoke(ctx)


class DirectoryCommand(Command):
    """A command that reads no knowledge base (``validate`` reads the directory it is given,
    ``summarize`` a batch output), so takes no ``--kb``."""

    without = ("kb",)


def _is_argument(param: Any) -> bool:
    return bool(param.param_type_name == "argument")


def _label(param: Any) -> str:
    return str(param.metavar or (param.name or "").upper())


def settings(ctx: Any) -> Settings:
    """The settings of the running command: the run's, its own options applied."""
    found = ctx.find_object(Settings)
    return found if found is not None else Settings()


def print_version(settings: Settings) -> NoReturn:
    """``--version``: the tool's version, then the version and hash of the knowledge base
    with the ``--kb`` overlays given; ends the run."""
    from cxcs import __version__

    typer.echo(f"cxcs {__version__}")
    try:
        kb = settings.knowledge(signals=False)
    except Exception as exc:
        typer.echo(f"knowledge: unavailable ({getattr(exc, 'message', exc)})")
    else:
        typer.echo(f"knowledge {kb.origin.version} (sha256 {kb.origin.sha256})")
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


def _kb_names(kind: str) -> list[str]:
    try:
        kb = Settings().knowledge(signals=False)
    except Exception:
        return []
    if kind == "function":
        return list(kb.functions)
    if kind == "axis":
        return list(kb.axis_ids)
    return list(kb.metrics)


def complete_function(incomplete: str) -> list[str]:
    """Shell completion: function ids."""
    return [n for n in _kb_names("function") if n.startswith(incomplete)]


def complete_axis(incomplete: str) -> list[str]:
    """Shell completion: axis ids (after the last comma of an ``--axes`` list)."""
    done, _, last = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    return [prefix + n for n in _kb_names("axis") if n.startswith(last)]


def complete_metric(incomplete: str) -> list[str]:
    """Shell completion: metric ids."""
    return [n for n in _kb_names("metric") if n.startswith(incomplete)]
