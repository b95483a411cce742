"""JSON: one envelope carrying schema, tool and knowledge versions, and the result."""

from __future__ import annotations

import json
from typing import Any

from cxcs.render.view import Report
from cxcs.safe_text import json_text

SCHEMA_VERSION = 1


def envelope(command: str, meta: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """The document every JSON output shares."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "cxcs", "version": meta["tool_version"]},
        "knowledge": meta["knowledge"],
        "command": command,
        "result": result,
    }


def render(report: Report) -> str:
    """The report's payload inside the envelope."""
    return dumps(envelope(report.command, report.meta, report.data()))


def dumps(document: dict[str, Any]) -> str:
    """Pretty JSON with a trailing newline; no raw control a terminal acts on
    (:func:`cxcs.safe_text.json_text`)."""
    return json_text(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


def error_document(error: dict[str, Any], tool_version: str) -> str:
    """The JSON document printed on failure under ``--format json``."""
    return dumps(
        {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "cxcs", "version": tool_version},
            "error": error,
        }
    )
