"""What every command returns: its result model plus the messages meant for stderr."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from cxcs.models.knowledge import Knowledge

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """The answer of one command.

    ``result`` is the typed result (a frozen pydantic model, or a small dataclass);
    ``notes`` are remarks a user may silence (``-q``), ``warnings`` are always shown;
    ``failed`` marks a run that produced output yet must exit 1 (a batch with failed rows).
    ``kb`` is the knowledge the result was computed with (its version and hash go into
    every output).
    """

    command: str
    result: T
    kb: Knowledge | None = None
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    failed: bool = False
    options: dict[str, object] = field(default_factory=dict)
    """Presentation choices made by the caller (e.g. ``explain`` for classify)."""

    def with_messages(
        self, notes: tuple[str, ...] = (), warnings: tuple[str, ...] = ()
    ) -> Outcome[T]:
        """A copy with ``notes`` and ``warnings`` put before this outcome's own."""
        return replace(self, notes=notes + self.notes, warnings=warnings + self.warnings)
