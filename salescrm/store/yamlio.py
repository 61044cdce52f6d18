"""YAML text ⇄ plain data, safely (DESIGN §6), fast (libyaml when present), normalised.

Only this module imports ``yaml``. Loading never constructs arbitrary objects
(safe loader), refuses anchors and aliases (no YAML bombs: customer files never
need them), and reports git conflict markers with their line.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from salescrm.core.errors import DamagedError, Msg, Problem

# Every character YAML allows, as PyYAML's pure-Python reader checks them (yaml/reader.py).
_PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


class _CompiledOnUse:
    """A pattern compiled when it is first used (``re`` keeps it compiled from then on)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __getattr__(self, name: str) -> Any:
        return getattr(re.compile(self.pattern), name)


@contextlib.contextmanager
def _printable_compiled_on_use() -> Iterator[None]:
    """While PyYAML is imported, its reader's pattern of every allowed character is handed a
    stand-in: compiling it costs ~7 ms (sre tabulates all of Unicode), half of the import, and
    only the pure-Python reader uses it, which salescrm never runs while libyaml is there."""
    compile_now = re.compile

    def compile_lazily(pattern: Any, flags: int = 0) -> Any:
        return _CompiledOnUse(pattern) if pattern == _PRINTABLE and not flags else compile_now(pattern, flags)

    setattr(re, "compile", compile_lazily)  # noqa: B010 - a function mypy would not let be assigned
    try:
        yield
    finally:
        setattr(re, "compile", compile_now)  # noqa: B010


with _printable_compiled_on_use():
    import yaml

try:  # libyaml's C parser and emitter are ~8x faster than pure Python
    from yaml import CSafeDumper as _BaseDumper
    from yaml import CSafeLoader as _BaseLoader

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

    HAVE_LIBYAML = False

_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(\s|$)", re.MULTILINE)


class _Loader(_BaseLoader):
    """The safe loader, refusing any node that is used twice (an alias)."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases are not allowed in salescrm files", node.start_mark
            )
        return super().construct_object(node, deep)


class _Dumper(_BaseDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the same date twice is written twice, never as an alias


def _represent_decimal(dumper: Any, value: Decimal) -> yaml.Node:
    # written so that YAML reads it back as a plain number: 256950.00 as 256950 (with its cents
    # it needed an explicit !!int tag that no loader accepts), 1E+3 as 1000, 1E-7 as 0.0000001
    if value == value.to_integral_value():
        return dumper.represent_scalar("tag:yaml.org,2002:int", format(value.to_integral_value(), "f"))
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


class _PythonDumper(yaml.SafeDumper):
    """The pure-Python emitter: libyaml escapes characters beyond U+FFFF (emoji) as ``\\U…``."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_Dumper.add_representer(Decimal, _represent_decimal)
_PythonDumper.add_representer(Decimal, _represent_decimal)


def load_text(text: str, file: str) -> Any:
    """The data in ``text``; DamagedError naming ``file:line`` when it is not sound YAML."""
    # (the pattern only where a marker's characters are: a search over every line start is
    # ~5 % of reading a file)
    marker = _CONFLICT.search(text) if "<<<<<<<" in text or "=======" in text or ">>>>>>>" in text else None
    if marker:
        line = text.count("\n", 0, marker.start()) + 1
        raise DamagedError(
            Msg("{file}:{line}: unresolved git conflict markers", file=file, line=line),
            hint=Msg("resolve the conflict (or run: salescrm sync), then: salescrm check"),
        )
    try:
        try:
            return _load_lines(text)
        except Exception:  # noqa: BLE001 - anything the line reader does not take: the events decide
            pass
        try:
            return _load_events(text)
        except _Unusual:
            # Anchors, aliases, tags, merge keys: the careful safe loader decides (and refuses).
            return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{file}:{mark.line + 1}" if mark else file
        raise DamagedError(
            Msg("{where}: bad YAML: {value}", where=where, value=error.problem or error.context)
        ) from None
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        raise DamagedError(Msg("{file}: bad YAML: {error}", file=file, error=error)) from None


class _Unusual(Exception):
    """The text holds something the plain path does not build: the careful loader must see it."""


_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_MERGE = "tag:yaml.org,2002:merge"
_NO_KEY = object()


def _load_events(text: str) -> Any:
    """The data of ``text`` built straight from libyaml's event stream.

    PyYAML's loader composes a node tree (asking a Python resolver about every scalar) and then
    walks it again in Python; building from the events is twice as fast on customer files, and
    gives the same data (a test compares both): plain scalars are resolved with PyYAML's own
    implicit-resolver table and constructors. Anything but plain data — an anchor, an alias, a
    tag, a merge key, a second document — raises ``_Unusual`` for the careful loader.
    """
    loader = _BaseLoader(text)
    try:
        return _build(loader.get_event)  # one C call an event (yaml.parse makes two, and a generator)
    finally:
        loader.dispose()


def _build(next_event: Callable[[], Any]) -> Any:  # noqa: C901 - one loop on purpose
    """The data of an event stream, in one loop: a customer file is ~500 events, and a call
    per event and per step (put, place, check) was a third of reading it."""
    stack: list[list[Any]] = []  # [container, pending key] of each open mapping or list
    remembered = _PLAIN.get
    root: Any = None
    documents = 0
    while (event := next_event()) is not None:
        kind = event.__class__
        if kind is _SCALAR:
            if event.anchor is not None or event.tag is not None:
                raise _Unusual
            value = event.value
            if event.implicit[0] and not event.style:  # a plain scalar: resolved (most seen before)
                known = remembered(value, _NO_KEY)
                value = _plain(value) if known is _NO_KEY else known
        elif kind is _MAPPING or kind is _SEQUENCE:
            if event.anchor is not None or event.tag is not None:
                raise _Unusual
            stack.append([{}, _NO_KEY] if kind is _MAPPING else [[], None])
            continue
        elif kind is _MAPPING_END or kind is _SEQUENCE_END:
            value = stack.pop()[0]
        elif kind is _ALIAS:
            raise _Unusual
        else:
            if kind is _DOCUMENT:
                documents += 1
                if documents > 1:
                    raise _Unusual
            continue
        if not stack:
            root = value
            continue
        top = stack[-1]
        container = top[0]
        if container.__class__ is list:
            container.append(value)
        elif top[1] is _NO_KEY:
            if isinstance(value, (dict, list)):
                raise _Unusual  # a mapping or list as a key: the careful loader reports it
            top[1] = value
        else:
            container[top[1]] = value  # a key given twice keeps the last, as PyYAML does
            top[1] = _NO_KEY
    return root


_SCALAR, _ALIAS, _DOCUMENT = yaml.ScalarEvent, yaml.AliasEvent, yaml.DocumentStartEvent
_MAPPING, _MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQUENCE, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent


def _plain(value: str) -> Any:
    """A plain scalar as PyYAML's safe loader reads it: null, bool, int, float, date or text.
    Short ones are remembered: keys and days repeat in every file, and each value read is
    immutable (text, numbers, dates), so the same object may be handed out again."""
    known = _PLAIN.get(value, _NO_KEY)
    if known is not _NO_KEY:
        return known
    found: Any = value
    for tag, pattern in _RESOLVERS.get(value[0] if value else "", ()):
        if pattern.match(value):
            construct = _CONSTRUCTOR.yaml_constructors.get(tag)
            if tag == _MERGE or construct is None:  # "<<", or "=" (a tag with no safe constructor)
                raise _Unusual
            found = construct(_CONSTRUCTOR, yaml.ScalarNode(tag, value))
            break
    if len(value) <= _REMEMBERED_LENGTH and len(_PLAIN) < _REMEMBERED and found.__class__ in _IMMUTABLE:
        _PLAIN[value] = found
    return found


_PLAIN: dict[str, Any] = {}  # plain scalar → its value, for short ones (see _plain)
_REMEMBERED, _REMEMBERED_LENGTH = 50_000, 32
_IMMUTABLE = frozenset({str, int, float, bool, type(None), date, datetime})


# -- the fast path: the block layout salescrm itself writes, read line by line ------------------

# A line of a mapping: a plain key (short: YAML caps an implicit key at 1024 characters) and
# its value on the same line, or nothing after the colon (a block below, or null).
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]{0,99}):(?: (.*))?")
# A plain value's first character that YAML reads as an indicator, or a space to strip.
_NOT_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@` ")


def _load_lines(text: str) -> Any:
    """The data of ``text`` when it is laid out as salescrm writes it (a mapping at the top,
    block mappings and lists, one value a line: plain, simply quoted, ``[]`` or ``{}``), read
    line by line without libyaml's event objects: ~2.5x faster on customer files. Anything
    else (a comment, a blank line, a flow collection, a block scalar, an escape, a value that
    goes on below, a character Python does not call printable) raises ``_Unusual`` for the
    event-stream loader, which reads every text; a test compares the two."""
    if not text.endswith("\n"):
        raise _Unusual
    lines = text.split("\n")
    lines.pop()
    if not all(map(str.isprintable, lines)):  # YAML refuses controls; Python's printable is narrower
        raise _Unusual
    reader = _Lines(lines)
    data = reader.mapping(0, 0)
    if reader.pos != len(lines):
        raise _Unusual
    return data


class _Lines:
    """The lines of a text, read from ``pos`` on: one method a block kind."""

    __slots__ = ("lines", "pos")

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.pos = 0

    def mapping(self, indent: int, first: int) -> dict[Any, Any]:
        """The block mapping at ``indent`` from the current line; its first line's key starts at
        ``first`` (after a list item's ``- ``), the others' after ``indent`` spaces."""
        lines, count, pad = self.lines, len(self.lines), " " * indent
        remembered, key_line = _PLAIN.get, _KEY_LINE.fullmatch
        found: dict[Any, Any] = {}
        pos = self.pos
        match = key_line(lines[pos], first) if pos < count else None
        while match is not None:
            key, rest = match.groups()
            if (resolved := remembered(key, _NO_KEY)) is _NO_KEY:
                resolved = _plain(key)
            pos += 1
            if rest is not None:
                if (value := remembered(rest, _NO_KEY)) is _NO_KEY:
                    value = _scalar(rest)
            elif pos < count and lines[pos].startswith(pad):  # below: a block, or nothing (null)
                line = lines[pos]
                below = len(line) - len(line.lstrip(" "))
                self.pos = pos
                if line.startswith("- ", below):
                    value = self.sequence(below)
                elif below > indent:
                    value = self.mapping(below, below)
                else:
                    value = None
                pos = self.pos
            else:
                value = None
            found[resolved] = value
            if pos == count or not lines[pos].startswith(pad):
                break  # the end, or a line less indented: this mapping ends
            match = key_line(lines[pos], indent)
            if match is None:  # indented more, a list item here, a comment, a blank line, …
                raise _Unusual
        self.pos = pos
        return found

    def sequence(self, indent: int) -> list[Any]:
        """The block list at ``indent`` from the current line (each item ``- …``)."""
        lines, count = self.lines, len(self.lines)
        item = " " * indent + "- "
        remembered, key_line = _PLAIN.get, _KEY_LINE.fullmatch
        found: list[Any] = []
        pos = self.pos
        while pos < count and lines[pos].startswith(item):
            line = lines[pos]
            if key_line(line, indent + 2) is not None:
                self.pos = pos
                found.append(self.mapping(indent + 2, indent + 2))
                pos = self.pos
                continue
            rest = line[indent + 2 :]
            if (value := remembered(rest, _NO_KEY)) is _NO_KEY:
                value = _scalar(rest)
            found.append(value)
            pos += 1
        self.pos = pos  # a line indented more after an item: the mapping around refuses it
        return found


def _scalar(text: str) -> Any:
    """One value written on its line (not a remembered plain one), as YAML reads it, or
    ``_Unusual``."""
    first = text[:1]
    if first == "'":
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != "'" or "'" in inner.replace("''", ""):
            raise _Unusual
        return inner.replace("''", "'")
    if first == '"':
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != '"' or '"' in inner or "\\" in inner:
            raise _Unusual
        return inner
    if text == "[]":
        return []
    if text == "{}":
        return {}
    if not text or first in _NOT_PLAIN_START or text[-1] in " :" or ": " in text or " #" in text:
        raise _Unusual
    return _plain(text)


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


def duplicate_keys(text: str, file: str) -> list[Problem]:  # noqa: C901 - one loop on purpose
    """Keys given twice in one mapping (YAML keeps the last silently) and text holding control
    characters or bidi overrides, each with its line: what ``check`` adds to loading a file.

    Read from the parser's events, never a node tree: an alias is one event however much it
    names (a 12-line alias bomb names 10^8 paths), no scalar is resolved, and nesting deeper
    than any salescrm file is reported instead of followed. One loop, as ``_build``: a customer
    file is ~500 events. Text is searched value by value only when the file holds a backslash
    (a YAML escape) or an unsafe character as it is."""
    from salescrm.core.safe_text import is_safe, unsafe_characters

    search_values = "\\" in text or not is_safe(text, multiline=True)
    loader = _BaseLoader(text)
    next_event: Callable[[], Any] = loader.get_event  # events typed loosely, as in _build
    problems: list[Problem] = []
    stack: list[list[Any]] = []  # each open collection: [keys seen (None: a list), a key comes next]
    top: list[Any] | None = None
    try:
        while (event := next_event()) is not None:
            kind = event.__class__
            if kind is _MAPPING_END or kind is _SEQUENCE_END:
                stack.pop()
                top = stack[-1] if stack else None
                continue
            is_key = False
            if top is not None and top[0] is not None:
                is_key = top[1]
                top[1] = not is_key  # key, value, key, value …
            if kind is _SCALAR:
                value = event.value
                if is_key:
                    if value in top[0]:  # type: ignore[index]
                        line = event.start_mark.line + 1
                        problems.append(
                            Problem(file, Msg("key {key!r} is given twice", key=value), line=line)
                        )
                    top[0].add(value)  # type: ignore[index]
                if search_values and (found := unsafe_characters(value)):
                    message = Msg("text holds control characters or bidi controls: {found}", found=found)
                    problems.append(Problem(file, message, line=event.start_mark.line + 1))
            elif kind is _MAPPING or kind is _SEQUENCE:
                top = [set() if kind is _MAPPING else None, True]
                stack.append(top)
                if len(stack) > MAX_DEPTH:
                    line = event.start_mark.line + 1
                    problems.append(
                        Problem(file, Msg("nested deeper than {depth} levels", depth=MAX_DEPTH), line=line)
                    )
                    break
    except yaml.YAMLError:
        pass  # the parse reports it
    finally:
        loader.dispose()
    return sorted(problems, key=lambda p: p.line or 0)


MAX_DEPTH = 64  # a customer file nests 5 deep; salescrm.yaml's filters and targets a few more
