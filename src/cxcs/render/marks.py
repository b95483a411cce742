"""What the marks in a report's cells mean, for a report whose notes do not say.

A table, page or slide that shows ⚠ on a disputed cell or † on practitioner knowledge
explains the mark under it; :func:`notes` adds the explanation to a report's notes when
none of them gives it (``cxcs show``, ``metrics`` and ``validate`` showed the marks bare).
"""

from __future__ import annotations

import re

from cxcs.render.view import Report, cell_text

_DISPUTE_MARK = re.compile(r"⚠ (?:or:|disputed|same|near|far|overlap|different)")
"""⚠ as a dispute (``cxcs classify`` also uses it, on a line that says what it warns of)."""
_MINORITY = re.compile(r"⚠ or:")
_VERDICT = re.compile(r"⚠ (?:same|near|far|overlap|different)")


def dispute_note(*, minority: bool, verdicts: bool) -> str:
    """What ⚠ means, saying only what the report shows: the minority claims after
    '⚠ or:', verdicts with the minority's in brackets."""
    note = "⚠ disputed: the sources disagree on the value; the primary claim is shown first"
    if minority and verdicts:
        return (
            f"{note}, '⚠ or:' gives the minority claim, and a verdict in brackets is the "
            "one under it."
        )
    if minority:
        return f"{note} and '⚠ or:' gives the minority claim."
    if verdicts:
        return f"{note}; a verdict in brackets is the one under the minority claim."
    return f"{note}."


def _texts(report: Report) -> list[str]:
    texts = [report.title]
    for block in report.tables:
        texts += [block.title or "", block.caption or "", *(c.header for c in block.columns)]
        texts += [cell_text(value) for row in block.rows for value in row]
    return texts


def notes(report: Report) -> list[str]:
    """The report's notes, with the meaning of each mark its tables show and its notes do
    not explain (a note starting with the mark explains it)."""
    from cxcs.render.reports import PRACTICE_NOTE

    found = list(report.notes)
    texts = _texts(report)
    explained = {note.lstrip()[:1] for note in found} | {
        "⚠" for note in found if note.startswith("disputed:")
    }
    if "⚠" not in explained and any(_DISPUTE_MARK.search(text) for text in texts):
        found.append(
            dispute_note(
                minority=any(_MINORITY.search(text) for text in texts),
                verdicts=any(_VERDICT.search(text) for text in texts),
            )
        )
    if "†" not in explained and any("†" in text for text in texts):
        found.append(PRACTICE_NOTE)
    return found
