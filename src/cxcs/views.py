"""What each command's outcome looks like in each format it offers.

A :class:`View` names, per format, which kind of view to build: a ``report`` (tables, see
:mod:`cxcs.render.reports`), a ``picture`` (a rich renderable: the map's grid) or
``records`` (flat rows: classifications). Builders import their renderers when called.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from cxcs.formats import Kind

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cxcs.commands.outcome import Outcome
    from cxcs.render.view import Report

REPORT_FORMATS: Mapping[str, Kind] = {
    "table": "report",
    "markdown": "report",
    "json": "report",
    "csv": "report",
    "html": "report",
}


class View(NamedTuple):
    """How one command is shown: the formats it offers and the builders behind them."""

    formats: Mapping[str, Kind]
    report: Callable[[Outcome[Any]], Report] | None = None
    picture: Callable[[Outcome[Any]], tuple[RenderableType, str]] | None = None
    records: Callable[[Outcome[Any]], list[dict[str, object]]] | None = None
    document: Callable[[Outcome[Any], str], str | bytes] | None = None
    """Builds a finished file (SVG, HTML, PNG) for a ``document`` format."""
    default: str | None = None
    """The format when neither --format nor --output's extension names one (None: table
    on a terminal, markdown in a pipe)."""
    streamed: bool = False
    """The command wrote its records itself as it went (a batch): only messages remain."""


def _list(o: Outcome[Any]) -> Report:
    from cxcs.render.reports import list_report

    return list_report(o.kb)  # type: ignore[arg-type]


def _show(o: Outcome[Any]) -> Report:
    from cxcs.render.reports import show_report

    return show_report(o.kb, o.result.id)  # type: ignore[arg-type]


def _compare(o: Outcome[Any]) -> Report:
    from cxcs.render.reports import compare_report

    return compare_report(o.kb, o.result)  # type: ignore[arg-type]


def _journey(o: Outcome[Any]) -> Report:
    from cxcs.render.reports import journey_report

    return journey_report(o.kb, o.result.functions)  # type: ignore[arg-type]


def _axes(o: Outcome[Any]) -> Report:
    from cxcs.render.reports import axes_report

    return axes_report(o.kb)  # type: ignore[arg-type]


def _metrics(o: Outcome[Any]) -> Report:
    from cxcs.render.reports import metrics_report

    return metrics_report(o.kb, o.result.function)  # type: ignore[arg-type]


def _metric(o: Outcome[Any]) -> Report:
    from cxcs.render.reports import metric_report

    return metric_report(o.kb, o.result)  # type: ignore[arg-type]


def _validate(o: Outcome[Any]) -> Report:
    from cxcs.render.reports import validate_report

    return validate_report(o.result)


def _classify(o: Outcome[Any]) -> Report:
    from cxcs.render.reports import classify_report

    return classify_report(o.kb, o.result, bool(o.options.get("explain")))  # type: ignore[arg-type]


def _classify_rows(o: Outcome[Any]) -> list[dict[str, object]]:
    """The classification as the one output row (:func:`cxcs.records.output_columns`)."""
    from cxcs.records import RowMaker

    return [RowMaker(o.kb).result_row(o.result)]  # type: ignore[arg-type]


def _summarize(o: Outcome[Any]) -> Report:
    from cxcs.summary import summary_report

    report: Report = summary_report(o.result)
    return report


def _map(o: Outcome[Any]) -> Report:
    from cxcs.render.chart import map_report

    return map_report(o.kb, o.result)  # type: ignore[arg-type]


def _map_document(o: Outcome[Any], fmt: str) -> str | bytes:
    from cxcs.render import svgmap

    if fmt == "html":
        return svgmap.html_page(o.kb, o.result)  # type: ignore[arg-type]
    from cxcs.render.reports import footer

    if fmt == "svg":
        return svgmap.svg(o.kb, o.result, footer=footer(o.kb))  # type: ignore[arg-type]
    from cxcs.browser import screenshot
    from cxcs.render.pngtext import with_text

    kb = o.kb
    assert kb is not None  # map loads the knowledge
    picture = svgmap.picture_page(kb, o.result, footer=footer(kb))
    return with_text(screenshot(*picture), svgmap.versions(kb))


def _compare_document(o: Outcome[Any], fmt: str) -> str | bytes:
    from cxcs.render.report_html import compare_html

    return compare_html(o.kb, o.result)  # type: ignore[arg-type]


def _map_picture(o: Outcome[Any]) -> tuple[RenderableType, str]:
    from cxcs.render.chart import picture, title

    return picture(o.result, o.kb), title(o.result)


VIEWS: dict[str, View] = {
    "list": View(REPORT_FORMATS, _list),
    "show": View(REPORT_FORMATS, _show),
    "compare": View({**REPORT_FORMATS, "html": "document"}, _compare, document=_compare_document),
    "journey": View(REPORT_FORMATS, _journey),
    "axes": View(REPORT_FORMATS, _axes),
    "metrics": View(REPORT_FORMATS, _metrics),
    "metric": View(REPORT_FORMATS, _metric),
    "validate": View(REPORT_FORMATS, _validate),
    "classify": View({**REPORT_FORMATS, "jsonl": "records"}, _classify, records=_classify_rows),
    "map": View(
        {
            **REPORT_FORMATS,
            "table": "picture",
            "html": "document",
            "svg": "document",
            "png": "document",
        },
        _map,
        picture=_map_picture,
        document=_map_document,
    ),
    "summarize": View(REPORT_FORMATS, _summarize),
    "classify_batch": View(
        {"jsonl": "records", "csv": "records", "json": "records", "parquet": "records"},
        default="jsonl",
        streamed=True,
    ),
}
"""Every command's view, by command name (a new command adds its entry here)."""


def register(command: str, view: View) -> None:
    """Add (or replace) the view of ``command``."""
    VIEWS[command] = view


def offered(command: str) -> list[str]:
    """The format names ``command`` can write, in registry order."""
    return list(VIEWS[command].formats)
