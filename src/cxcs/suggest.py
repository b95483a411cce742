"""One "did you mean" for every lookup: functions, metrics, axes and command names."""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_SUGGESTIONS = 3


def normalize(name: str) -> str:
    """Lookup form of a name: lowercase, runs of space/-/_ folded to one '-'."""
    return re.sub(r"[\s_\-]+", "-", name.strip().lower())


def suggestions(word: str, candidates: Iterable[str], limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Names close to ``word``: those containing it as a part (``churn`` →
    ``customer_churn_rate``), else those spelled alike (``comapre`` → ``compare``)."""
    names = list(dict.fromkeys(candidates))
    key = normalize(word)
    if key:
        parts = [n for n in names if key in normalize(n).split("-")]
        if parts:
            return parts[:limit]
    import difflib  # only when a name is unknown

    return difflib.get_close_matches(word, names, n=limit, cutoff=0.6)


def did_you_mean(
    word: str, candidates: Iterable[str], see: str | None = None, limit: int = MAX_SUGGESTIONS
) -> str:
    """A ``"; did you mean 'x' or 'y'?"`` suffix; else ``"; see 'cxcs …'"`` or nothing."""
    return hint(suggestions(word, candidates, limit), see)


def hint(close: list[str], see: str | None = None) -> str:
    """``"; did you mean 'x' or 'y'?"`` for ``close``; else ``"; see '…'"`` or nothing."""
    if close:
        return "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return f"; see '{see}'" if see else ""
