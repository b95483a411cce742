"""The journey view: stage × function -> leads / contributes / takes part / no part. Pure.

Which stages a function takes part in comes from its journey_stages cell (the stages compare
and show list); the journey roles add who leads and who contributes where the sources say."""

from __future__ import annotations

from collections.abc import Sequence

from cxcs.models.journey import JourneyMap, JourneyPart, JourneyStage
from cxcs.models.knowledge import JOURNEY_AXIS, PRACTICE, Item, Knowledge, Role


def journey(kb: Knowledge, function_ids: Sequence[str] = ()) -> JourneyMap:
    """Every journey stage in order, with the parts of ``function_ids`` (default: all)."""
    chosen = tuple(dict.fromkeys(function_ids)) or tuple(kb.functions)
    labels = kb.vocabularies.get("stages", {})
    stages = []
    for stage in kb.journey.stages:
        roles = kb.journey.roles.get(stage, {})
        parts = {
            fid: part
            for fid in chosen
            if (part := _part(roles.get(fid), _item(kb, fid, stage))) is not None
        }
        stages.append(JourneyStage(id=stage, name=labels.get(stage, stage), roles=parts))
    umbrella = {
        fid: below for fid in chosen if (below := tuple(f for f in kb.umbrella(fid) if f in chosen))
    }
    return JourneyMap(functions=chosen, stages=tuple(stages), umbrella=umbrella)


def _item(kb: Knowledge, fid: str, stage: str) -> Item | None:
    """The stage's item in the function's journey_stages cell (None: not listed)."""
    cell = kb.functions[fid].cells.get(JOURNEY_AXIS)
    return (cell.items or {}).get(stage) if cell is not None else None


def _part(role: Role | None, item: Item | None) -> JourneyPart | None:
    """A function's part at a stage: the role where one is named (with its sources), else
    the journey_stages item (with its sources) and no role; None when neither exists."""
    given = role or item
    if given is None:
        return None
    membership = item or given  # the claim that the function is active at the stage
    return JourneyPart(
        role=role.role if role is not None else None,
        sources=given.sources,
        note=given.note,
        practice=all(s.article == PRACTICE for s in membership.sources),
        disputed=item is not None and item.disputed,
    )
