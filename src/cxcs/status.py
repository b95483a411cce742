"""Every exit status cxcs uses, by name (after httpie's ``ExitStatus``)."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """How a run ended: 0 ok, 1 domain error, 2 usage error, 130 interrupted (Ctrl-C)."""

    OK = 0
    DOMAIN = 1
    USAGE = 2
    INTERRUPTED = 130
