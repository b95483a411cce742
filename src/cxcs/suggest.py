"""One "did you mean" for every lookup: functions, metrics, axes and command names."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

MAX_SUGGESTIONS = 3


def normalize(name: str) -> str:
    """Lookup form of a name: lowercase, runs of space/-/_ folded to one '-'."""
    return re.sub(r"[\s_\-]+", "-", name.strip().lower())


def suggestions(word: str, candidates: Iterable[str], limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Names close to ``word``: those containing it as a part (``churn`` →
    ``customer_churn_rate``), else those one edit away (``xc`` → ``cx``: two letters swapped,
    one added, dropped or changed), then those spelled alike (``comapre`` → ``compare``)."""
    names = list(dict.fromkeys(candidates))
    key = normalize(word)
    if key:  # whole parts: "churn", "net promoter" (in "Net Promoter Score"), not "promo"
        parts = [n for n in names if f"-{key}-" in f"-{normalize(n)}-"]
        if parts:
            return parts[:limit]
    import difflib  # only when a name is unknown

    close = [n for n in names if one_edit(key, normalize(n))]
    close += difflib.get_close_matches(word, names, n=limit, cutoff=0.6)
    return list(dict.fromkeys(close))[:limit]


def closest_ids(word: str, names: Mapping[str, str], limit: int = MAX_SUGGESTIONS) -> list[str]:
    """The ids whose names (``names``: every lookup name, normalized, to its id) are close
    to ``word`` (see :func:`suggestions`), one per id, closest first: ``net promotor
    score`` → ``nps``, as a display name is as much a name as the id."""
    close = suggestions(word, names, limit=len(names))
    return list(dict.fromkeys(names[name] for name in close))[:limit]


def one_edit(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one edit: two neighbouring letters swapped (any length:
    difflib misses ``xc`` for ``cx``), or, when both have three letters or more, one letter
    added, dropped or changed (in a two-letter name a changed letter is half the name)."""
    if a == b or not a or not b:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 2 and diffs[1] == diffs[0] + 1:
            i, j = diffs
            return a[i] == b[j] and a[j] == b[i]
        return len(diffs) == 1 and len(a) >= 3
    if abs(len(a) - len(b)) != 1 or min(len(a), len(b)) < 3:
        return False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


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
