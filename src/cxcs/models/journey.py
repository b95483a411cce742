"""Who leads and who contributes at each stage of the customer journey (``cxcs journey``)."""

from __future__ import annotations

from pydantic import Field

from cxcs.models.base import Frozen
from cxcs.models.knowledge import Role


class JourneyStage(Frozen):
    """One stage, in journey order, and the roles of the chosen functions at it."""

    id: str
    name: str
    roles: dict[str, Role]
    """Function id -> role; a function missing here has no part at this stage."""


class JourneyMap(Frozen):
    """The journey stages for the chosen functions."""

    functions: tuple[str, ...]
    stages: tuple[JourneyStage, ...]
    umbrella: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    """Function id -> the functions under its umbrella (among the chosen ones)."""
