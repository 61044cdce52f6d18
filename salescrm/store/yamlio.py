"""YAML text ⇄ plain data, safely (DESIGN §6), fast (libyaml when present), normalised.

Only this module imports ``yaml``. Loading never constructs arbitrary objects
(safe loader), refuses anchors and aliases (no YAML bombs: customer files never
need them), and reports git conflict markers with their line.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import yaml

from salescrm.core.errors import DamagedError, Problem

try:  # libyaml's C parser and emitter are ~8x faster than pure Python
    from yaml import CSafeDumper as _BaseDumper
    from yaml import CSafeLoader as _BaseLoader

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

    HAVE_LIBYAML = False

MAX_FILE_BYTES = 5 * 1024 * 1024  # a customer file this large is not a customer file
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(\s|$)", re.MULTILINE)


class _Loader(_BaseLoader):
    """The safe loader, refusing any node that is used twice (an alias)."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases are not allowed in salescrm files", node.start_mark
            )
        return super().construct_object(node, deep)


class _PlainLoader(_BaseLoader):
    """The safe loader as it is: used for texts that cannot hold an anchor or an alias."""


class _Dumper(_BaseDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the same date twice is written twice, never as an alias


def _represent_decimal(dumper: Any, value: Decimal) -> yaml.Node:
    tag = "tag:yaml.org,2002:int" if value == value.to_integral_value() else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, str(value))


class _PythonDumper(yaml.SafeDumper):
    """The pure-Python emitter: libyaml escapes characters beyond U+FFFF (emoji) as ``\\U…``."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_Dumper.add_representer(Decimal, _represent_decimal)
_PythonDumper.add_representer(Decimal, _represent_decimal)


def load_text(text: str, file: str) -> Any:
    """The data in ``text``; DamagedError naming ``file:line`` when it is not sound YAML."""
    marker = _CONFLICT.search(text)
    if marker:
        line = text.count("\n", 0, marker.start()) + 1
        raise DamagedError(
            f"{file}:{line}: unresolved git conflict markers",
            hint="resolve the conflict (or run: salescrm sync), then: salescrm check",
        )
    # Anchors need '&' and aliases '*': without either, the faster plain safe loader is as safe.
    loader = _Loader if ("&" in text or "*" in text) else _PlainLoader
    try:
        return yaml.load(text, Loader=loader)  # both are safe loaders
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{file}:{mark.line + 1}" if mark else file
        raise DamagedError(f"{where}: bad YAML: {error.problem or error.context}") from None
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        raise DamagedError(f"{file}: bad YAML: {error}") from None


def dump_text(data: Any) -> str:
    """Normalised YAML: keys in the given order, Chinese and emoji as they are, no line folding."""
    text = _dump(data, _Dumper)
    if "\\U" in text:  # an emoji escaped by libyaml: write it readably
        text = _dump(data, _PythonDumper)
    return text


def _dump(data: Any, dumper: type[Any]) -> str:
    return yaml.dump(
        data, Dumper=dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000
    )


def line_of(text: str, keys: tuple[str | int, ...]) -> int | None:
    """The 1-based line of the value at ``keys`` in ``text`` (its nearest known parent)."""
    try:
        node = yaml.compose(text, Loader=_BaseLoader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    line = 1
    for key in keys:
        found = _child(node, key)
        if found is None:
            break
        line, node = found
    return line


def _child(node: yaml.Node, key: str | int) -> tuple[int, yaml.Node] | None:
    """(line, node) of one step down: a mapping's key line, or a list item's line."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return key_node.start_mark.line + 1, value_node
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        item = node.value[key]
        return item.start_mark.line + 1, item
    return None


def duplicate_keys(text: str, file: str) -> list[Problem]:
    """Keys given twice in one mapping: YAML keeps the last silently, check says so."""
    try:
        root = yaml.compose(text, Loader=_BaseLoader)
    except yaml.YAMLError:
        return []
    problems: list[Problem] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                if key_node.value in seen:
                    line = key_node.start_mark.line + 1
                    problems.append(Problem(file, f"key {key_node.value!r} is given twice", line=line))
                seen.add(key_node.value)
                stack.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return problems
