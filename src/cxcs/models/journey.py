"""Who leads and who contributes at each stage of the customer journey (``cxcs journey``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cxcs.models.base import Frozen
from cxcs.models.knowledge import Source


class JourneyPart(Frozen):
    """A function's part at one stage: at the stages its journey_stages cell lists (the
    stages compare and show list), with the role the journey roles give it there, if any."""

    role: Literal["leads", "contributes"] | None
    """None: the sources place the function at this stage but name no role for it."""
    sources: tuple[Source, ...]
    """The role's sources, or the journey_stages item's when no role is named."""
    note: str | None = None
    practice: bool = False
    """The stage rests on practitioner knowledge only (shown with a † marker)."""
    disputed: bool = False
    """Articles disagree on whether the function takes part at this stage."""


class JourneyStage(Frozen):
    """One stage, in journey order, and the parts of the chosen functions at it."""

    id: str
    name: str
    roles: dict[str, JourneyPart]
    """Function id -> its part; a function missing here has no part at this stage."""


class JourneyMap(Frozen):
    """The journey stages for the chosen functions."""

    functions: tuple[str, ...]
    stages: tuple[JourneyStage, ...]
    umbrella: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    """Function id -> the functions under its umbrella (among the chosen ones)."""
