"""Records back from data that was already checked (the parsed-record cache).

``records.customer_from_data`` checks every value of a hand-edited file and is
worth its cost once per change. Data that ``records.customer_to_data`` wrote
and nobody touched since needs no checks: this module turns it back into the
same records an order of magnitude faster, by filling each record's
``__dict__`` directly. The builders are derived from the dataclasses of
``model`` (their field types), so a field added there is rebuilt too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from salescrm.core import model
from salescrm.core.parse import When

Build = Callable[[Any], Any]
# Keys of the file format that differ from the field they fill.
_RENAMED: dict[type, dict[str, str]] = {
    model.TierChange: {"from": "from_tier", "to": "to_tier"},
    model.Change: {"from": "old", "to": "new"},
}
_CACHE: dict[tuple[type, frozenset[str]], Build] = {}


def when_of(value: Any) -> When:
    """A moment as ``format_when`` wrote it (``2024-05-03`` or ``2024-05-03T10:00``)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    return value


def _converter(type_text: str) -> Build | None:
    """How to rebuild a field of the given (string) annotation; None: as it is."""
    text = type_text.replace(" | None", "").strip()
    if text == "When":
        return lambda value: None if value is None else when_of(value)
    if text.startswith("list[") and isinstance(getattr(model, text[5:-1], None), type):
        item = builder(getattr(model, text[5:-1]))
        return lambda values: [item(v) for v in values]
    record = getattr(model, text, None)
    if isinstance(record, type) and dataclasses.is_dataclass(record):  # looked up when used: a
        return lambda value: None if value is None else builder(record)(value)  # record may nest its kind
    return None


@dataclasses.dataclass
class _Plan:
    """How to fill one record class: defaults, factories, conversions, renamed keys."""

    defaults: dict[str, Any]
    factories: list[tuple[str, Callable[[], Any]]]
    converters: list[tuple[str, Build]]
    known: set[str]
    renamed: dict[str, str]
    keeps_extra: bool


def _plan(cls: type, absent: frozenset[str]) -> _Plan:
    plan = _Plan({}, [], [], set(), _RENAMED.get(cls, {}), False)
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            plan.defaults[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING and f.name not in absent:
            plan.factories.append((f.name, f.default_factory))
        convert = _converter(str(f.type))
        if convert is not None:
            plan.converters.append((f.name, convert))
        if f.name == "extra":
            plan.keeps_extra = True
        else:
            plan.known.add(f.name)
    return plan


def _sorted_out(plan: _Plan, data: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Field values from ``data`` (renamed keys followed), unknown keys into ``extra``."""
    values = {**plan.defaults}
    for key, value in data.items():
        name = plan.renamed.get(key, key)
        if name in plan.known:
            values[name] = value
        else:
            extra[key] = value
    return values


def builder(cls: type, absent: frozenset[str] = frozenset()) -> Build:
    """A function: data of one ``cls`` record → the record.

    Fields named in ``absent`` and missing from the data are left unset (the
    cache fills them on first use); any other missing field gets its default.
    """
    if (cls, absent) in _CACHE:
        return _CACHE[cls, absent]
    plan = _plan(cls, absent)
    new = object.__new__

    simple = not plan.renamed

    def build(data: dict[str, Any]) -> Any:
        extra: dict[str, Any] = {}
        if simple and plan.known.issuperset(data):  # the usual case, done in C; the data's keys
            values = {**data, **plan.defaults, **data}  # first, in its order, as a parsed record has them
        else:
            values = _sorted_out(plan, data, extra)
        for name, convert in plan.converters:
            if name in values:
                values[name] = convert(values[name])
        for name, factory in plan.factories:
            if name not in values:
                values[name] = factory()
        if plan.keeps_extra:
            values["extra"] = extra
        record: Any = new(cls)
        record.__dict__ = values
        return record

    _CACHE[cls, absent] = build
    return build


def field_builder(cls: type, name: str) -> Build:
    """How to rebuild one field of ``cls`` from its data (for fields decoded on first use)."""
    for f in dataclasses.fields(cls):
        if f.name == name:
            return _converter(str(f.type)) or (lambda value: value)
    raise KeyError(name)
