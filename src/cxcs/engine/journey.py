"""The journey view: stage × function -> leads / contributes / no part. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from cxcs.models.journey import JourneyMap, JourneyStage
from cxcs.models.knowledge import Knowledge


def journey(kb: Knowledge, function_ids: Sequence[str] = ()) -> JourneyMap:
    """Every journey stage in order, with the roles of ``function_ids`` (default: all)."""
    chosen = tuple(dict.fromkeys(function_ids)) or tuple(kb.functions)
    labels = kb.vocabularies.get("stages", {})
    stages = tuple(
        JourneyStage(
            id=stage,
            name=labels.get(stage, stage),
            roles={
                fid: role for fid, role in kb.journey.roles.get(stage, {}).items() if fid in chosen
            },
        )
        for stage in kb.journey.stages
    )
    umbrella = {
        fid: below for fid in chosen if (below := tuple(f for f in kb.umbrella(fid) if f in chosen))
    }
    return JourneyMap(functions=chosen, stages=stages, umbrella=umbrella)
