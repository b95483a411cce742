"""Turn what a user typed (an id, alias or abbreviation) into a function id."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from cxcs.errors import UsageError
from cxcs.knowledge.checks import normalize_name
from cxcs.models.knowledge import Knowledge

AMBIGUOUS = {"cs": "success"}
AMBIGUITY_NOTE = (
    "note: 'cs' is ambiguous in the sources (customer success in some, customer service in "
    "others); using 'success'. Ask for 'service' to get customer service."
)


@dataclass(frozen=True)
class Resolved:
    """A function id and, when the name was ambiguous, a note for stderr."""

    function_id: str
    note: str | None = None


def name_index(kb: Knowledge, *, hidden: bool = True) -> dict[str, str]:
    """Every lookup name (normalized) mapped to its function id; ``hidden=False`` leaves out
    the hidden aliases (names accepted on lookup but never shown, not even as a hint)."""
    index: dict[str, str] = {}
    for fid, function in kb.functions.items():
        names = [fid, function.name, *function.aliases]
        if hidden:
            names += function.hidden_aliases
        if function.abbreviation:
            names.append(function.abbreviation)
        for name in names:
            key = normalize_name(name)
            if key:  # a blank alias or abbreviation names nothing
                index.setdefault(key, fid)
    return index


def resolve_function(kb: Knowledge, name: str) -> Resolved:
    """Resolve ``name`` or raise a usage error with a "did you mean" hint."""
    key = normalize_name(name)
    if not key:
        raise UsageError("empty function name; give an id or alias, e.g. 'cx'")
    index = name_index(kb)
    if key in index:
        return Resolved(index[key])
    if key in AMBIGUOUS and AMBIGUOUS[key] in kb.functions:
        return Resolved(AMBIGUOUS[key], AMBIGUITY_NOTE)
    raise UsageError(
        f"unknown function '{name}'{did_you_mean(key, name_index(kb, hidden=False))}",
        known=sorted(kb.functions),
    )


def did_you_mean(key: str, index: dict[str, str]) -> str:
    """A ``"; did you mean 'x'?"`` suffix, or an empty string when nothing is close."""
    close = difflib.get_close_matches(key, list(index), n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; known: {', '.join(sorted(set(index.values())))}"
