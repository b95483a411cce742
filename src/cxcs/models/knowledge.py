"""The knowledge base: articles, axes, vocabularies, functions with their cells, journey
roles and metrics. The data rules are written once, in the header of data/functions.yaml."""

# No postponed annotations: pydantic evaluates each annotation string when the class is
# created, which every command that loads this model pays at start-up.

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BeforeValidator, Field, GetCoreSchemaHandler, field_validator, model_validator
from pydantic_core import core_schema

from cxcs.models.base import Frozen

CellValue = str | tuple[str, ...]
PRACTICE = "practice"
"""The article id standing for practitioner knowledge no article states."""
SOURCE_MARK = " § "
JOURNEY_AXIS = "journey_stages"
"""The set axis whose cell lists the journey stages a function takes part in (the journey
view takes each function's stages from it)."""
NonBlank = Annotated[str, Field(pattern=r"[^\s_-]")]
"""A name that is more than spaces, hyphens and underscores (so it names something)."""
NonEmpty = Annotated[str, Field(min_length=1)]
"""Text of at least one character. (Constraints are declared once, in ``Annotated`` types:
a ``Field(...)`` default on every field costs more to create, on every start.)"""
SnakeId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
"""An axis or metric id: lowercase snake_case."""


class Shorthand:
    """Marks a knowledge type whose YAML may be written short: ``expand`` turns the short form
    into the full one. Only Python input (parsed YAML, or objects a caller builds) is
    expanded. JSON input is the knowledge cache, which holds the full form cxcs wrote: it is
    validated without a call into Python for every object (each such call also makes pydantic
    turn that object's JSON into Python first; together they were most of the cost of reading
    the cache), and a short form there is refused like any other invalid value."""

    def __init__(self, expand: Callable[[Any], Any]) -> None:
        self.expand = expand

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        schema = handler(source)
        return core_schema.json_or_python_schema(
            json_schema=schema,
            python_schema=core_schema.no_info_before_validator_function(self.expand, schema),
        )


class Article(Frozen):
    """A source article; ``seed`` names its file when it is one of the shipped sources."""

    title: NonEmpty
    seed: str | None = None


class Source(Frozen):
    """Where a claim comes from: an article id and the section heading in it."""

    article: NonEmpty
    section: NonEmpty


def _source_from_text(data: Any) -> Any:
    """Accept ``"article-id § Section heading"``."""
    if isinstance(data, str):
        article, mark, section = data.partition(SOURCE_MARK.strip())
        if not mark:
            raise ValueError(f"a source is 'article § section', got {data!r}")
        return {"article": article.strip(), "section": section.strip()}
    return data


Sources = tuple[Annotated[Source, Shorthand(_source_from_text)], ...]
SomeSources = Annotated[Sources, Field(min_length=1)]
"""At least one source."""


def _articles(sources: tuple[Source, ...]) -> frozenset[str]:
    return frozenset(s.article for s in sources)


def is_practice(sources: tuple[Source, ...]) -> bool:
    """Whether these sources include practitioner knowledge (shown with a † marker)."""
    return any(s.article == PRACTICE for s in sources)


class Claim(Frozen):
    """One statement about a function on an axis, with its sources."""

    value: CellValue
    sources: SomeSources
    note: str | None = None

    @property
    def practice(self) -> bool:
        return is_practice(self.sources)


class Item(Frozen):
    """One item of a set cell with its own sources; ``disputed_by`` holds opposite claims."""

    sources: SomeSources
    note: str | None = None
    disputed_by: Sources = ()
    primary: Literal["in", "out"] = "in"
    reason: str | None = None

    @property
    def disputed(self) -> bool:
        return bool(self.disputed_by)

    @property
    def practice(self) -> bool:
        return is_practice(self.sources)


def _item_shorthand(data: Any) -> Any:
    """Accept a bare list of sources."""
    return {"sources": data} if isinstance(data, list | tuple) else data


class Cell(Frozen):
    """A function's value on one axis.

    Three shapes: one claim (``value`` + ``sources``); a dispute (``primary`` + ``minority``);
    a set (``items``). Which shape an axis takes is its kind's rule (see ``models.kinds``).
    """

    value: str | None = None
    sources: Sources = ()
    items: dict[str, Annotated[Item, Shorthand(_item_shorthand)]] | None = None
    disputed: bool = False
    primary: Claim | None = None
    minority: Claim | None = None
    reason: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> "Cell":
        if self.items is not None:
            if self.value is not None or self.sources or self.primary or self.minority:
                raise ValueError("a set cell has 'items' only (each item carries its sources)")
            if not self.items:
                raise ValueError("a set cell needs at least one item")
            flagged = any(i.disputed for i in self.items.values())
            if flagged != self.disputed:
                raise ValueError(
                    "'disputed: true' must be set exactly when an item has 'disputed_by'"
                )
            return self
        if self.disputed:
            if self.primary is None or self.minority is None:
                raise ValueError("a disputed cell needs a 'primary' and a 'minority' claim")
            if self.value is not None or self.sources:
                raise ValueError("a disputed cell gives its values under 'primary' and 'minority'")
            return self
        if self.primary is not None or self.minority is not None:
            raise ValueError("'primary'/'minority' claims need 'disputed: true'")
        if self.value is None:
            raise ValueError("missing field 'value'")
        if not self.sources:
            raise ValueError("a cell needs at least one source")
        return self

    # ------------------------------------------------------------------ readings
    # (cached: a cell is frozen, and a comparison asks for its readings many times; so a
    # cell is never model_copy(update=...)-ed)
    @cached_property
    def claim(self) -> Claim:
        """The primary claim (the one verdicts and similarity use)."""
        if self.items is not None:
            return Claim.model_construct(
                value=self.item_ids("primary"), sources=self.sources_all, note=self.note
            )
        if self.primary is not None:
            return self.primary
        assert self.value is not None
        return Claim.model_construct(value=self.value, sources=self.sources, note=self.note)

    @cached_property
    def alternative(self) -> Claim | None:
        """The minority reading, or None when nothing is disputed."""
        if not self.disputed:
            return None
        if self.items is not None:
            return Claim.model_construct(
                value=self.item_ids("minority"), sources=self.sources_all, note=self.note
            )
        return self.minority

    @property
    def claims(self) -> tuple[Claim, ...]:
        """Every reading, primary first."""
        alternative = self.alternative
        return (self.claim,) if alternative is None else (self.claim, alternative)

    def item_ids(
        self, reading: Literal["primary", "minority", "any"] = "primary"
    ) -> tuple[str, ...]:
        """Item ids of a set cell under a reading (``any``: every item named)."""
        if self.items is None:
            return ()
        keep = []
        for item_id, item in self.items.items():
            inside = item.primary == "in"
            if reading == "any" or (
                inside if reading == "primary" or not item.disputed else not inside
            ):
                keep.append(item_id)
        return tuple(keep)

    @cached_property
    def sources_all(self) -> tuple[Source, ...]:
        """Every source cited by the cell, opposite claims included (each once)."""
        if self.items is not None:
            found = (s for i in self.items.values() for s in (*i.sources, *i.disputed_by))
            return tuple({(s.article, s.section): s for s in found}.values())
        if self.primary is not None and self.minority is not None:
            return (*self.primary.sources, *self.minority.sources)
        return self.sources

    @property
    def practice(self) -> bool:
        """Whether the primary reading rests (partly) on practitioner knowledge."""
        if self.items is not None:
            ids = set(self.item_ids("primary"))
            return any(i.practice for k, i in self.items.items() if k in ids)
        return self.claim.practice


def _list_value_is_items(data: Any) -> Any:
    """A list ``value`` is refused with a pointer to ``items``."""
    if isinstance(data, dict) and isinstance(data.get("value"), list):
        raise ValueError("a set cell lists its values under 'items' (item id -> sources)")
    return data


class Axis(Frozen):
    """A dimension functions are compared on; ``kind`` names one of ``models.kinds.KINDS``."""

    id: SnakeId
    name: NonEmpty
    question: NonEmpty
    kind: str
    scale: tuple[str, ...] | None = None
    vocabulary: str | None = None
    mutual: bool = False
    """Set axes only: the items are counterparts (teams a function works with), so two
    functions compared share the tie between them when either names the other's ``team``."""

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        from cxcs.models.kinds import KINDS

        if kind not in KINDS:
            raise ValueError(f"unknown kind '{kind}' (one of: {', '.join(KINDS)})")
        return kind

    @model_validator(mode="after")
    def _fits_kind(self) -> "Axis":
        from cxcs.models.kinds import KINDS

        problem = KINDS[self.kind].axis_problem(self)
        if problem:
            raise ValueError(problem)
        return self


class Umbrella(Frozen):
    """The function this one sits under (the articles put success, service, support under CX)."""

    function: NonEmpty
    sources: SomeSources
    note: str | None = None


class Function(Frozen):
    """A customer-facing function (CX, customer success, ...) and its cells, one per axis."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
    name: NonEmpty
    abbreviation: str = ""
    aliases: tuple[NonBlank, ...] = ()
    hidden_aliases: tuple[NonBlank, ...] = ()
    summary: NonEmpty
    under: Umbrella | None = None
    team: str | None = None
    """The item that stands for this function's own team on ``mutual`` axes."""
    cells: dict[str, Annotated[Cell, Shorthand(_list_value_is_items)]]


class Role(Frozen):
    """What a function does at one journey stage."""

    role: Literal["leads", "contributes"]
    sources: SomeSources
    note: str | None = None


class Journey(Frozen):
    """Journey stages in order, and who leads or contributes at each."""

    stages: tuple[str, ...] = ()
    roles: dict[str, dict[str, Role]] = Field(default_factory=dict)


class Metric(Frozen):
    """A metric, its formula and the functions that own it."""

    id: SnakeId
    name: NonEmpty
    abbreviation: str = ""
    definition: NonEmpty
    formula: NonEmpty
    unit: NonEmpty
    direction: Literal["higher", "lower"]
    owners: Annotated[tuple[str, ...], Field(min_length=1)]
    disputed: bool = False
    note: str | None = None
    sources: SomeSources


def metric_label(metric: Metric) -> str:
    """How a metric is named in a set: its abbreviation for the survey scores (NPS, CSAT),
    else its name."""
    if metric.abbreviation and metric.name.endswith(("Score", "Scale")):
        return metric.abbreviation
    return metric.name


def _as_signals(value: Any) -> Any:
    """The classifier signals validated by their own model, which is imported (and its
    validator built) only when a knowledge base carries signals: the commands that do not
    classify load knowledge without them and never pay for those models."""
    if value is None:
        return None
    from cxcs.models.signals import Signals

    return value if isinstance(value, Signals) else Signals.model_validate(value)


if TYPE_CHECKING:
    from cxcs.models.signals import Signals

    OptionalSignals = Signals | None
else:  # for pydantic: validated by _as_signals, serialized as the Signals model it holds
    OptionalSignals = Annotated[Any, BeforeValidator(_as_signals)]


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
    vocabularies: dict[str, dict[str, str]] = Field(default_factory=dict)
    journey: Journey = Journey()
    functions: dict[str, Function]
    metrics: dict[str, Metric]
    signals: OptionalSignals = None
    """The classifier signals (None: loaded without them, see ``load_knowledge``)."""
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

    def vocabulary(self, axis: Axis) -> dict[str, str]:
        """Item id -> label for a set axis (metric ids -> metric names for ``metrics``)."""
        if axis.vocabulary == "metrics":
            return dict(self.metric_labels)
        return self.vocabularies.get(axis.vocabulary or "", {})

    @cached_property
    def metric_labels(self) -> dict[str, str]:
        """Metric id -> label (see :func:`metric_label`); worked out once, as a comparison
        asks for the labels of a metrics axis many times (so a knowledge base is never
        model_copy(update=...)-ed; callers use :meth:`vocabulary`, which hands out a copy)."""
        return {mid: metric_label(m) for mid, m in self.metrics.items()}

    def label(self, axis_id: str, item: str) -> str:
        """How an item of a set axis is shown (its id when no vocabulary defines it)."""
        return self.vocabulary(self.axis(axis_id)).get(item, item)

    def umbrella(self, function_id: str) -> tuple[str, ...]:
        """The functions that sit under ``function_id``'s umbrella."""
        return tuple(
            fid for fid, f in self.functions.items() if f.under and f.under.function == function_id
        )
