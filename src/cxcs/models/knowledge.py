"""The knowledge base: articles, axes, functions with their cells, and metrics."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from cxcs.models.base import Frozen
from cxcs.models.signals import Signals

AxisKind = Literal["ordinal", "set", "text"]
CellValue = str | tuple[str, ...]
NonBlank = Annotated[str, Field(pattern=r"[^\s_-]")]
"""A name that is more than spaces, hyphens and underscores (so it names something)."""


class Article(Frozen):
    """A source article; ``seed`` names its file when it is one of the shipped sources."""

    title: str = Field(min_length=1)
    seed: str | None = None


class Source(Frozen):
    """Where a claim comes from: an article id and the section heading in it."""

    article: str = Field(min_length=1)
    section: str = Field(min_length=1)


class Claim(Frozen):
    """One statement about a function on an axis, with its sources."""

    value: CellValue
    sources: tuple[Source, ...] = Field(min_length=1)
    note: str | None = None


class Cell(Frozen):
    """A function's value on one axis: one claim, or several conflicting ones (disputed)."""

    claims: tuple[Claim, ...] = Field(min_length=1)
    disputed: bool = False

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        """Accept ``{value, sources, note}`` as a cell with a single claim."""
        if isinstance(data, dict) and "claims" not in data and "value" in data:
            claim = {k: v for k, v in data.items() if k in {"value", "sources", "note"}}
            rest = {k: v for k, v in data.items() if k not in claim}
            return {"claims": [claim], **rest}
        return data

    @model_validator(mode="after")
    def _dispute_is_consistent(self) -> Cell:
        distinct = {_freeze(c.value) for c in self.claims}
        if self.disputed and len(distinct) < 2:
            raise ValueError("a disputed cell needs at least two claims with different values")
        if not self.disputed and len(self.claims) > 1:
            raise ValueError("several claims on one cell: mark it 'disputed: true'")
        return self

    @property
    def primary(self) -> Claim:
        """The first claim, used where a single value is needed."""
        return self.claims[0]

    @property
    def sources(self) -> tuple[Source, ...]:
        """Every source of every claim."""
        return tuple(s for c in self.claims for s in c.sources)


def _freeze(value: CellValue) -> CellValue:
    return tuple(sorted(value)) if isinstance(value, tuple) else value


class Axis(Frozen):
    """A dimension functions are compared on."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    question: str = Field(min_length=1)
    kind: AxisKind
    scale: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _scale_matches_kind(self) -> Axis:
        if self.kind == "ordinal" and (not self.scale or len(self.scale) < 2):
            raise ValueError("an ordinal axis needs a 'scale' of at least two positions")
        if self.kind != "ordinal" and self.scale is not None:
            raise ValueError(f"a {self.kind} axis takes no 'scale'")
        if self.scale and len(set(self.scale)) != len(self.scale):
            raise ValueError("scale positions must be distinct")
        return self


class Function(Frozen):
    """A customer-facing function (CX, customer success, ...) and its cells, one per axis."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    name: str = Field(min_length=1)
    abbreviation: str = ""
    aliases: tuple[NonBlank, ...] = ()
    hidden_aliases: tuple[NonBlank, ...] = ()
    summary: str = Field(min_length=1)
    cells: dict[str, Cell]


class Metric(Frozen):
    """A metric, its formula and the functions that own it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    abbreviation: str = ""
    definition: str = Field(min_length=1)
    formula: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    direction: Literal["higher", "lower"]
    owners: tuple[str, ...] = Field(min_length=1)
    disputed: bool = False
    note: str | None = None
    sources: tuple[Source, ...] = Field(min_length=1)


class KnowledgeFiles(Frozen):
    """Where a knowledge base came from and its fingerprint."""

    files: tuple[str, ...]
    sha256: str
    version: str


class Knowledge(Frozen):
    """A validated knowledge base."""

    version: str
    articles: dict[str, Article]
    axes: tuple[Axis, ...]
    functions: dict[str, Function]
    metrics: dict[str, Metric]
    signals: Signals | None = None
    origin: KnowledgeFiles

    def axis(self, axis_id: str) -> Axis:
        """The axis with this id (KeyError when unknown)."""
        for axis in self.axes:
            if axis.id == axis_id:
                return axis
        raise KeyError(axis_id)

    @property
    def axis_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.axes)
