"""What every command returns: its result model plus the messages meant for stderr."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

if TYPE_CHECKING:
    from cxcs.models.knowledge import Knowledge

T = TypeVar("T")


class Outcome(NamedTuple, Generic[T]):
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
    options: Mapping[str, object] = MappingProxyType({})
    """Presentation choices made by the caller (e.g. ``explain`` for classify)."""

    def with_messages(
        self, notes: tuple[str, ...] = (), warnings: tuple[str, ...] = ()
    ) -> Outcome[T]:
        """A copy with ``notes`` and ``warnings`` put before this outcome's own."""
        return self._replace(notes=notes + self.notes, warnings=warnings + self.warnings)
