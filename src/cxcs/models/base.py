"""Shared model configuration."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Immutable model that rejects unknown fields.

    ``defer_build``: a model's validator is built on its first use, not when the class is
    defined, so a command pays only for the models it validates (start-up)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
