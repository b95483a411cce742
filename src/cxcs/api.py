"""The public Python API: load a knowledge base, compare functions, classify postings.

Everything returned is a frozen pydantic model (``.model_dump()`` gives plain data)::

    from cxcs import load_knowledge, compare, classify

    kb = load_knowledge()                      # or load_knowledge(["my-overlay"])
    pair = compare(kb, "cx", "success")        # PairComparison: .similarity, .axes
    result = classify(kb, posting_text)        # Classification: .label, .decision, ...

These are the commands of :mod:`cxcs.commands` (the ones the command line runs) returning
just their result; call ``cxcs.commands.compare(...)`` for the whole
:class:`~cxcs.commands.Outcome` with its notes and warnings. Errors are
:class:`cxcs.errors.CxcsError` subclasses: ``KnowledgeError`` (a knowledge file is wrong,
located as ``file:line``) and ``UsageError`` (an unknown function or axis, a function
or an axis named twice).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from os import PathLike
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cxcs.models.classify import Classification
    from cxcs.models.compare import PairComparison
    from cxcs.models.knowledge import Knowledge
    from cxcs.models.matrix import MatrixComparison

__all__ = ["classify", "compare", "load_knowledge"]


def load_knowledge(overlays: Iterable[str | PathLike[str]] = ()) -> Knowledge:
    """The shipped knowledge base, with overlay directories layered on top in order.

    Each overlay directory holds any of ``functions.yaml``, ``metrics.yaml`` and
    ``signals.yaml`` (see ``examples/overlay``). Unlike the command line, ``$CXCS_KB`` is
    not read: pass the overlays you want. Raises ``UsageError`` for an overlay that is not a
    directory and ``KnowledgeError`` (``file:line``) when a file is malformed or the merged
    knowledge is inconsistent.
    """
    from cxcs.commands import open_knowledge

    return open_knowledge(overlays)


def compare(
    kb: Knowledge | None,
    *functions: str,
    axes: Sequence[str] | None = None,
    differences: bool = False,
) -> PairComparison | MatrixComparison:
    """Compare functions axis by axis; names may be ids, aliases, names or abbreviations.

    Two functions give a :class:`~cxcs.models.compare.PairComparison` (a verdict per axis
    and an overall ``similarity``); three or more give a
    :class:`~cxcs.models.matrix.MatrixComparison`. ``axes`` limits the comparison to those
    axis ids, in that order; ``differences`` keeps only the axes where the functions differ
    (``hidden_axes`` names the others; the similarity still covers them all). The ambiguous
    name ``"cs"`` means customer success. Raises ``UsageError`` for fewer than two
    functions, an unknown name, one function named twice (``"cx"`` and ``"customer
    experience"``), an unknown axis or one axis named twice.
    """
    from cxcs import commands

    return commands.compare(kb, *functions, axes=axes, differences=differences).result


def classify(
    kb: Knowledge | None, text: str, title: str | None = None, *, detect_title: bool = True
) -> Classification:
    """Classify a job posting by the customer-facing function its duties describe.

    ``title``, when given, is scored on its own and checked against the duties. Otherwise
    (or when it is blank, as an empty cell is in a batch) a short first line is taken as
    the title unless ``detect_title`` is false. Never raises on any text: too little
    evidence gives ``decision == "insufficient"`` and ``label is None``; a role that is
    not customer-facing gives ``"not_customer_facing"``.
    """
    from cxcs import commands

    if title is not None and not title.strip():
        title = None  # an empty title cell, as in a batch: the title is detected
    return commands.classify(kb, text, title, detect_title=detect_title).result
