"""Load the shipped knowledge files, layer user overlays on top, and validate the result.

Every problem is reported as ``file:line: what is wrong``; the raw pydantic error is never
shown. Files in a directory: ``functions.yaml``, ``metrics.yaml`` and ``signals.yaml``; an
overlay directory may hold any subset of them. How files are layered is
:mod:`cxcs.knowledge.merge`'s, imported only when files are parsed (not on a cache hit).
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError

from cxcs.errors import KnowledgeError
from cxcs.knowledge.checks import findings, sorted_key_problems
from cxcs.knowledge.files import read_text
from cxcs.models.knowledge import Knowledge

if TYPE_CHECKING:
    from cxcs.knowledge.merge import Document, Merged

T = TypeVar("T")
FILES = ("functions.yaml", "metrics.yaml", "signals.yaml")
KB_ENV = "CXCS_KB"
MAX_PROBLEMS = 200
"""Problems reported one by one; beyond this they are only counted (a broken file may have
tens of thousands, and locating each one costs a walk of its file)."""


@functools.cache
def data_dir() -> Path:
    """The shipped knowledge directory (inside the wheel, or ``data/`` in a checkout),
    resolved; found once per process."""
    packaged = Path(__file__).resolve().parent.parent / "data"
    if (packaged / "functions.yaml").is_file():
        return packaged.resolve()
    return (Path(__file__).resolve().parents[3] / "data").resolve()


def _yamlio() -> Any:
    """The YAML module, imported on first use (a cache hit never needs it)."""
    from cxcs.knowledge import yamlio

    return yamlio


def kb_dirs_from_env(explicit: Iterable[Path] = ()) -> list[Path]:
    """Overlay directories: those given explicitly, else ``$CXCS_KB`` (``os.pathsep``-separated)."""
    dirs = list(explicit)
    if not dirs and os.environ.get(KB_ENV):
        dirs = [Path(p) for p in os.environ[KB_ENV].split(os.pathsep) if p]
    return dirs


def load_knowledge(
    overlays: Iterable[Path | str] = (), *, base: Path | None = None, signals: bool = True
) -> Knowledge:
    """Load and validate the shipped knowledge base, with ``overlays`` layered on top in order.

    ``signals=False`` skips parsing the classifier signals (commands that do not classify
    start faster); they still count in the knowledge hash, which is the same either way.
    """
    from cxcs.knowledge import cache

    sources = _read_texts(base or data_dir(), required=("functions.yaml", "metrics.yaml"))
    for overlay in overlays:
        sources += _read_texts(Path(overlay), required=())
    key = cache.cache_key([(label, text) for label, _, text in sources], signals)
    cached = cache.read(key)
    if cached is not None:
        return cached
    knowledge = build([_parse(label, name, text, signals) for label, name, text in sources])
    cache.write(key, knowledge)
    return knowledge


def validate_dir(directory: Path, *, base: Path | None = None) -> Knowledge:
    """Validate a directory: a complete knowledge base, or an overlay over the shipped one.

    A directory is a complete knowledge base when it has both ``functions.yaml`` and
    ``metrics.yaml``, its ``functions.yaml`` declares a ``version``, and it defines every one
    of its functions in full (each has a ``name``). Anything else is an overlay, validated
    layered on top of the shipped knowledge (or ``base``).
    """
    documents = _read_dir(directory, required=())
    if _is_complete(documents):
        return build(documents)
    shipped = _read_dir(base or data_dir(), required=("functions.yaml", "metrics.yaml"))
    return build(shipped + documents)


def _is_complete(documents: Sequence[Document]) -> bool:
    by_file = {Path(d.name).name: d.data for d in documents}
    functions_doc = by_file.get("functions.yaml")
    if functions_doc is None or "metrics.yaml" not in by_file or "version" not in functions_doc:
        return False
    functions = functions_doc.get("functions")
    if not isinstance(functions, dict):
        return True
    return all(not isinstance(f, dict) or "name" in f for f in functions.values())


SHIPPED_LABEL = "cxcs/data"
"""How results and messages name the shipped knowledge files (never a machine path)."""


def file_label(directory: Path, name: str) -> str:
    """A knowledge file's name in results and messages: package-relative for the shipped
    files (``cxcs/data/functions.yaml``), as given for anyone else's."""
    if directory == data_dir() or directory.resolve() == data_dir():
        return f"{SHIPPED_LABEL}/{name}"
    return str(directory / name)


def _read_dir(directory: Path, required: Sequence[str]) -> list[Document]:
    """Each knowledge file present in ``directory``, parsed."""
    return [_parse(*source) for source in _read_texts(directory, required)]


def _read_texts(directory: Path, required: Sequence[str]) -> list[tuple[str, str, str]]:
    """(label, file name, text) of each knowledge file present in ``directory``."""
    if not directory.exists():
        raise KnowledgeError(str(directory), None, "no such directory")
    if not directory.is_dir():
        raise KnowledgeError(str(directory), None, "not a directory")
    found = []
    for name in FILES:
        path = directory / name
        if not path.exists():
            if name in required:
                raise KnowledgeError(str(path), None, "missing")
            continue
        _refuse_link_outside(directory, path)
        label = file_label(directory, name)
        found.append((label, name, read_text(path, label)))
    if not found:
        raise KnowledgeError(str(directory), None, f"holds none of {', '.join(FILES)}")
    return found


def _refuse_link_outside(directory: Path, path: Path) -> None:
    """A knowledge file is read only from inside its own directory: a symlink leading out
    of it (e.g. to another user's file, or to ``/etc``) is refused (the shipped directory
    is trusted as installed)."""
    if directory == data_dir() or not path.is_symlink():
        return
    target = path.resolve()
    if target.is_file() and not target.is_relative_to(directory.resolve()):
        raise KnowledgeError(
            str(path), None, "is a symbolic link to a file outside its directory; copy it in"
        )


def _parse(label: str, name: str, text: str, signals: bool = True) -> Document:
    """Parse one file (signals only when asked for: they still count in the hash)."""
    from cxcs.knowledge.merge import Document

    if name == "signals.yaml" and not signals:
        return Document(label, text, {})
    data = _yamlio().parse(text, label)
    if not isinstance(data, dict):
        raise KnowledgeError(label, 1, "the top level must be a mapping")
    return Document(label, text, data)


def build(documents: Sequence[Document]) -> Knowledge:
    """Merge raw documents in order and validate them into a :class:`Knowledge`; else raise
    the first problem in file order, the others' messages in its ``more`` detail and how
    many there are in ``count``."""
    from cxcs.knowledge.merge import merge

    problems = [
        KnowledgeError(doc.name, _yamlio().key_line(doc.text, path), problem)
        for doc in documents
        for path, problem in sorted_key_problems(doc.data)
    ]
    merged = merge(documents)
    _stamp_origin(merged.data, documents)
    knowledge, errors = _validated(merged.data)
    errors = _without_misspelt_missing(errors)
    unlocated = _add_located(problems, errors, lambda err: _from_pydantic(merged, err))
    if knowledge is not None:
        unlocated += _add_located(
            problems,
            findings(knowledge),
            lambda found: KnowledgeError(*merged.site(found[0], found[2]), found[1]),
        )
    if problems:
        raise _first_in_file_order(problems, unlocated, documents)
    assert knowledge is not None
    return knowledge


def _stamp_origin(data: dict[str, Any], documents: Sequence[Document]) -> None:
    """Set the merged ``version`` (the files' versions joined by ``+`` when they differ,
    ``0`` when none has one) and ``origin``: the files, a SHA-256 of their names and texts,
    and that version."""
    digest = hashlib.sha256()
    for doc in documents:
        digest.update(Path(doc.name).name.encode() + b"\0" + doc.text.encode() + b"\0")
    versions = [str(d.data["version"]) for d in documents if "version" in d.data]
    data.setdefault("version", versions[0] if versions else "0")
    if len(set(versions)) > 1:
        data["version"] = "+".join(dict.fromkeys(versions))
    data["origin"] = {
        "files": [d.name for d in documents],
        "sha256": digest.hexdigest(),
        "version": str(data["version"]),
    }


def _validated(data: dict[str, Any]) -> tuple[Knowledge | None, list[Any]]:
    """The :class:`Knowledge` of the merged ``data``, or None and pydantic's errors (the
    signals are validated on their own, so that each of their problems keeps its place)."""
    errors: list[Any] = []
    signals = data.pop("signals", None)
    if signals is not None:
        signals, errors = _validated_signals(signals)
    try:
        knowledge = Knowledge.model_validate(data | {"signals": signals})
    except ValidationError as exc:
        return None, exc.errors(include_url=False) + errors
    return (None, errors) if errors else (knowledge, [])


def _add_located(
    problems: list[KnowledgeError], found: Iterable[T], locate: Callable[[T], KnowledgeError]
) -> int:
    """Append each of ``found``, located, to ``problems`` while it holds fewer than
    :data:`MAX_PROBLEMS`; the number of the rest (counted, not located: that costs a walk
    of a file each)."""
    unlocated = 0
    for item in found:
        if len(problems) < MAX_PROBLEMS:
            problems.append(locate(item))
        else:
            unlocated += 1
    return unlocated


def _first_in_file_order(
    problems: list[KnowledgeError], unlocated: int, documents: Sequence[Document]
) -> KnowledgeError:
    """The first of ``problems`` in file order, the others' messages in its ``more``
    detail (and the ``unlocated`` ones counted there) and how many there are in ``count``."""
    order = {doc.name: i for i, doc in enumerate(documents)}
    problems.sort(key=lambda p: (order.get(p.file, len(order)), p.line or 0))
    first = problems[0]
    first.details["more"] = [p.message for p in problems[1:]]
    if unlocated:
        first.details["more"].append(f"... and {unlocated:,} more problems")
    first.details["count"] = len(problems) + unlocated
    return first


def _validated_signals(data: Any) -> tuple[Any, list[Any]]:
    """The signals model for ``data``, or None and pydantic's errors (located under
    ``signals``)."""
    from cxcs.models.signals import Signals

    try:
        return Signals.model_validate(data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        return None, [err | {"loc": ("signals", *err["loc"])} for err in errors]


def _without_misspelt_missing(errors: list[Any]) -> list[Any]:
    """``errors`` less each missing required field that an unknown field beside it is a
    misspelling of (``phrase:`` for ``phrases:``): the unknown field's did-you-mean says it."""
    from cxcs.suggest import suggestions

    meant = {
        (*err["loc"][:-1], close[0])
        for err in errors
        if err["type"] == "extra_forbidden"
        for close in [suggestions(str(err["loc"][-1]), _field_names_at(err["loc"][:-1]), 1)]
        if close
    }
    return [e for e in errors if not (e["type"] == "missing" and tuple(e["loc"]) in meant)]


def _from_pydantic(merged: Merged, err: Any) -> KnowledgeError:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    name, line = merged.locate(loc)
    where = ".".join(str(p) for p in loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        from cxcs.suggest import did_you_mean

        inside = f" in {'.'.join(map(str, loc[:-1]))}" if len(loc) > 1 else ""
        hint = did_you_mean(str(loc[-1]), _field_names_at(loc[:-1]), limit=1)
        problem = f"unknown field '{loc[-1]}'{inside}{hint}"
    elif kind == "missing":
        problem = f"missing field '{where}'"
    else:
        msg = str(err["msg"]).removeprefix("Value error, ")
        problem = f"{where}: {msg}" if where else msg
    return KnowledgeError(name, line, problem)


def _field_names_at(loc: tuple[Any, ...]) -> list[str]:
    """The fields the model at ``loc`` (a path into the knowledge, as pydantic gives it)
    takes: what a misspelt one may have meant (none when the path leads to no model)."""
    from cxcs.models.signals import Signals

    node: Any = Knowledge
    if loc[:1] == ("signals",):  # validated by its own model (see _validated)
        node, loc = Signals, loc[1:]
    for step in loc:
        node = _inner_type(node, step)
    return _model_fields(node)


def _inner_type(node: Any, step: object) -> Any:
    """The type at ``step`` inside the type ``node``: a model's field, a dict's value, a
    sequence's item, or that of the arm of a union (``X | None``) that has it; else None."""
    if isinstance(node, type) and issubclass(node, BaseModel):
        found = node.model_fields.get(str(step))
        return found.annotation if found is not None else None
    origin, args = get_origin(node), get_args(node)
    if origin is dict:
        return args[1]
    if origin in (list, tuple, set, frozenset, Sequence):
        return args[0]
    for arm in args:
        inner = _inner_type(arm, step)
        if inner is not None:
            return inner
    return None


def _model_fields(node: Any) -> list[str]:
    """The field names of the model ``node`` is (or a union of it holds)."""
    if isinstance(node, type) and issubclass(node, BaseModel):
        return list(node.model_fields)
    return [name for arm in get_args(node) for name in _model_fields(arm)]
