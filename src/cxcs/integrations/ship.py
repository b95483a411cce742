"""Ship a knowledge base from the driver to workers, and check what arrives.

The driver pickles its validated :class:`~cxcs.models.knowledge.Knowledge` once (about
100 KB); each worker process unpickles it once (a few milliseconds) and keeps it for every
later partition. Workers therefore never load knowledge files and never write a cache
under their home. Before a worker classifies anything it checks that the payload arrived
intact and that it runs the same cxcs version as the driver: a cluster with another wheel
installed would otherwise label rows with different rules and say nothing.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cxcs.errors import CxcsError

if TYPE_CHECKING:
    from cxcs.models.knowledge import Knowledge

__all__ = ["ShippedKnowledge", "WorkerMismatchError", "ship", "unship"]


class WorkerMismatchError(CxcsError):
    """A worker cannot run the driver's knowledge: another cxcs version, or a damaged payload."""

    code = "worker_mismatch"


@dataclass(frozen=True)
class ShippedKnowledge:
    """A pickled knowledge base with what the worker must check before using it."""

    data: bytes
    digest: str
    tool_version: str
    kb_version: str
    kb_sha256: str


_UNPICKLED: dict[str, Knowledge] = {}
"""Knowledge bases this process has received, by payload digest (one unpickle per worker)."""


def ship(kb: Knowledge) -> ShippedKnowledge:
    """The payload to broadcast from the driver."""
    from cxcs import __version__

    data = pickle.dumps(kb, protocol=pickle.HIGHEST_PROTOCOL)
    return ShippedKnowledge(
        data=data,
        digest=hashlib.sha256(data).hexdigest(),
        tool_version=__version__,
        kb_version=kb.origin.version,
        kb_sha256=kb.origin.sha256,
    )


def unship(shipped: ShippedKnowledge) -> Knowledge:
    """The knowledge base in ``shipped``, checked; raises :class:`WorkerMismatchError`."""
    known = _UNPICKLED.get(shipped.digest)
    if known is not None:
        return known
    from cxcs import __version__
    from cxcs.models.knowledge import Knowledge

    if __version__ != shipped.tool_version:
        raise WorkerMismatchError(
            f"a worker runs cxcs {__version__} but the driver runs {shipped.tool_version}; "
            "install the same cxcs wheel on the driver and every worker",
            worker=__version__,
            driver=shipped.tool_version,
        )
    if hashlib.sha256(shipped.data).hexdigest() != shipped.digest:
        raise WorkerMismatchError("the knowledge base sent to a worker arrived damaged")
    kb = pickle.loads(shipped.data)
    if (
        not isinstance(kb, Knowledge)
        or kb.origin.sha256 != shipped.kb_sha256
        or kb.origin.version != shipped.kb_version
    ):
        raise WorkerMismatchError(
            "a worker unpacked another knowledge base than the driver sent "
            f"(expected {shipped.kb_version} {shipped.kb_sha256[:12]})"
        )
    _UNPICKLED[shipped.digest] = kb
    return kb
