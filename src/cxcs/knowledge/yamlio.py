"""Strict, safe YAML reading: no aliases, no duplicate keys, no Python tags, bounded size.

Errors come out as :class:`~cxcs.errors.KnowledgeError` located as ``file:line``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import yaml

from cxcs.errors import KnowledgeError
from cxcs.knowledge.files import MAX_BYTES, read_text

__all__ = ["MAX_BYTES", "StrictLoader", "key_line", "line_of", "parse", "read_text"]

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(_BaseLoader):  # type: ignore[misc]
    """Safe loader (C-accelerated when available) that also rejects aliases and duplicate keys.

    Refusing to construct the same node twice defeats "billion laughs" alias bombs before
    anything is expanded.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "YAML aliases (*name) are not allowed in knowledge files",
                node.start_mark,
            )
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise yaml.constructor.ConstructorError(
                    None, None, "merge keys (<<) are not allowed", key_node.start_mark
                )
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def parse(text: str, name: str) -> Any:
    """Parse YAML text strictly; errors become ``KnowledgeError(name, line, ...)``."""
    try:
        return yaml.load(text, Loader=StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or "invalid YAML"
        if "could not determine a constructor" in problem:
            problem = "tags that build objects (e.g. !!python/...) are not allowed"
        raise KnowledgeError(name, line, problem) from None
    except yaml.reader.ReaderError as exc:  # a control character, e.g. a stray \x07
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character
        code = char if isinstance(char, int) else ord(char) if len(char) == 1 else 0
        problem = f"character U+{code:04X} is not allowed ({exc.reason})"
        raise KnowledgeError(name, line, problem) from None
    except yaml.YAMLError as exc:
        raise KnowledgeError(name, None, f"invalid YAML: {' '.join(str(exc).split())}") from None
    except ValueError as exc:  # a scalar its tag cannot hold: '!!int x', a 5,000-digit integer
        raise KnowledgeError(name, None, f"invalid value: {exc}") from None
    except RecursionError:
        raise KnowledgeError(name, None, "nesting too deep") from None


def line_of(text: str, path: Sequence[str | int]) -> int | None:
    """The 1-based line of the node at ``path`` (keys and list indexes) in YAML ``text``.

    Walks as far down the path as the document goes and returns that node's line, so an
    error about a missing key points at the mapping that lacks it.
    """
    node = _compose(text)
    line = 1
    for part in path:
        if node is None:
            break
        line = node.start_mark.line + 1
        node = _child(node, part)
    if node is not None:
        line = node.start_mark.line + 1
    return line


def key_line(text: str, path: Sequence[str | int]) -> int | None:
    """Like :func:`line_of` but points at the key itself rather than its value."""
    if not path:
        return 1
    node = _compose(text)
    for part in path[:-1]:
        if node is None:
            return None
        node = _child(node, part)
    if isinstance(node, yaml.MappingNode):
        for key, _ in node.value:
            if key.value == path[-1]:
                return int(key.start_mark.line) + 1
    return line_of(text, path)


@functools.lru_cache(maxsize=8)
def _compose(text: str) -> yaml.Node | None:
    """The node tree of ``text`` (cached: a file with many problems is composed once)."""
    try:
        return yaml.compose(text, Loader=_BaseLoader)
    except yaml.YAMLError:
        return None


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return value  # type: ignore[no-any-return]
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        return node.value[part] if 0 <= part < len(node.value) else None
    return None
