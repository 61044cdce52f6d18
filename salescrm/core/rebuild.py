"""Records back from data that was already checked (the derived index, store/index.py).

``records.customer_from_data`` checks every value of a hand-edited file and is
worth its cost once per change. Data that ``records.customer_to_data`` wrote
and nobody touched since needs no checks: this module turns it back into the
same records an order of magnitude faster, through their constructors. The
builders are derived from the dataclasses of ``model`` (their field types), so a
field added there is rebuilt too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from salescrm.core import model
from salescrm.core.causes import Cause
from salescrm.core.parse import When

Build = Callable[[Any], Any]
# Keys of the file format that differ from the field they fill.
_RENAMED: dict[type, dict[str, str]] = {
    model.TierChange: {"from": "from_tier", "to": "to_tier"},
    model.Change: {"from": "old", "to": "new"},
}
_BUILDERS: dict[type, Build] = {}


def _pool_owner(values: dict[str, Any]) -> None:
    """``owner: null`` is a customer in the pool, read as "" (``records._owner``)."""
    if values.get("owner", "") is None:
        values["owner"] = ""


def _owner_change(values: dict[str, Any]) -> None:
    """A change of owner from or to null is one from or to the pool, "" (``records._change``)."""
    if values.get("field") == "owner":
        values["old"], values["new"] = values.get("old") or "", values.get("new") or ""


# Values the file format writes as null that the records hold otherwise.
_NULLS: dict[type, Callable[[dict[str, Any]], None]] = {
    model.Customer: _pool_owner,
    model.Change: _owner_change,
}

# The records whose note may be an event (core/causes.py): the field its ``cause:`` goes into.
_CAUSED: dict[type, str] = {model.TierChange: "reason", model.Change: "reason", model.StageMove: "note",
                            model.Task: "note"}  # fmt: skip


def cause_of(data: dict[str, Any], note: str | None) -> Cause:
    """The event of a ``cause:`` mapping, with the user's ``note`` beside it."""
    return Cause(str(data["kind"]), {k: v for k, v in data.items() if k != "kind"}, note=note)


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
    """How to build one record class: conversions, known fields, renamed keys."""

    converters: list[tuple[str, Build]]
    known: set[str]
    renamed: dict[str, str]
    keeps_extra: bool


def _plan(cls: type) -> _Plan:
    plan = _Plan([], set(), _RENAMED.get(cls, {}), False)
    for f in dataclasses.fields(cls):
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
    values: dict[str, Any] = {}
    for key, value in data.items():
        name = plan.renamed.get(key, key)
        if name in plan.known:
            values[name] = value
        else:
            extra[key] = value
    return values


def builder(cls: type) -> Build:
    """A function: data of one ``cls`` record → the record (missing fields get their defaults)."""
    if cls in _BUILDERS:
        return _BUILDERS[cls]
    plan = _plan(cls)
    simple = not plan.renamed
    nulls = _NULLS.get(cls)
    caused = _CAUSED.get(cls)

    def build(data: dict[str, Any]) -> Any:
        extra: dict[str, Any] = {}
        usual = simple and plan.known.issuperset(data)  # then copied in C
        values = dict(data) if usual else _sorted_out(plan, data, extra)
        for name, convert in plan.converters:
            if name in values:
                values[name] = convert(values[name])
        if plan.keeps_extra:
            values["extra"] = extra
        if nulls is not None:
            nulls(values)
        if caused is not None and data.get("cause") is not None:  # the event beside the user's words
            values[caused] = cause_of(data["cause"], values.get(caused))
        return cls(**values)

    _BUILDERS[cls] = build
    return build
