"""Reading plain data (what YAML gives) into typed values, collecting every problem.

A ``Reader`` never raises on bad data: it records a ``Problem`` with the key path
and returns a fallback, so one pass reports everything wrong with a file.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from salescrm.core.errors import CrmError, Msg, Problem
from salescrm.core.parse import When, normal_amount, parse_when

T = TypeVar("T")
Keys = tuple[str | int, ...]
_A_MAPPING = Msg("a mapping")


class Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self._path: list[str | int] = []

    # -- where we are -------------------------------------------------------
    def at(self, key: str | int) -> _At:
        """``with reader.at(key):`` problems found inside are placed under ``key``."""
        return _At(self._path, key)

    def problem(self, message: str, key: str | int | None = None, severity: str = "error") -> None:
        keys: Keys = tuple(self._path) + ((key,) if key is not None else ())
        label = _dotted(keys if severity == "error" else tuple(self._path))
        text = Msg("{label}: {message}", label=label, message=message) if label else message
        self.problems.append(Problem(self.file, text, keys=keys, severity=severity))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    # -- typed getters --------------------------------------------------------
    def mapping(self, value: Any, what: str = _A_MAPPING) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.problem(Msg("expected {what}, found {found}", what=what, found=_kind(value)))
        return {}

    def text(self, data: dict[str, Any], key: str, required: bool = False) -> str | None:
        value = data.get(key)
        if value.__class__ is str and value:  # most values: text as it is (~200 a file)
            return value
        if value is None or value == "":
            if required:
                self.problem(Msg("is required"), key)
            return None
        if isinstance(value, (bool, dict, list)):
            self.problem(Msg("expected text, found {found}", found=_kind(value)), key)
            return None
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        return str(value)

    def required_text(self, data: dict[str, Any], key: str) -> str:
        return self.text(data, key, required=True) or ""

    def flag(self, data: dict[str, Any], key: str) -> bool:
        value = data.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(Msg("expected true or false, found {value!r}", value=value), key)
            return False
        return value

    def whole(self, data: dict[str, Any], key: str, default: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(Msg("expected a whole number, found {value!r}", value=value), key)
            return default
        return value

    def amount(self, data: dict[str, Any], key: str, required: bool = False) -> Decimal | None:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(Msg("is required"), key)
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            self.problem(Msg("expected an amount, found {found}", found=_kind(value)), key)
            return None
        try:
            amount = Decimal(str(value).replace(",", ""))
        except InvalidOperation:
            self.problem(Msg("expected an amount, found {found}", found=repr(value)), key)
            return None
        if not amount.is_finite() or amount < 0:
            self.problem(Msg("expected a non-negative amount, found {value!r}", value=value), key)
            return None
        try:
            return normal_amount(amount)
        except InvalidOperation:  # more digits than an amount holds (a crafted file: make fuzz)
            self.problem(Msg("expected an amount, found {found}", found=repr(value)), key)
            return None

    def day(self, data: dict[str, Any], key: str, required: bool = False) -> date | None:
        moment = self.when(data, key, required)
        if isinstance(moment, datetime):
            return moment.date()
        return moment

    def when(self, data: dict[str, Any], key: str, required: bool = False) -> When | None:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(Msg("is required"), key)
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None, second=0, microsecond=0)
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return parse_when(value)
            except CrmError:
                pass  # reported below, as a problem of this file
        self.problem(Msg("expected a date (YYYY-MM-DD[THH:MM]), found {value!r}", value=value), key)
        return None

    def texts(self, data: dict[str, Any], key: str) -> list[str]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or any(isinstance(v, (dict, list)) for v in value):
            self.problem(Msg("expected a list of texts, found {found}", found=_kind(value)), key)
            return []
        return [str(v) for v in value if v is not None]

    def items(self, data: dict[str, Any], key: str, build: Callable[[dict[str, Any]], T]) -> list[T]:
        """Each mapping of the list ``data[key]`` built by ``build``, read at its position."""
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(Msg("expected a list, found {found}", found=_kind(value)), key)
            return []
        built: list[T] = []
        with self.at(key):
            for index, item in enumerate(value):
                with self.at(index):
                    if not isinstance(item, dict):
                        self.problem(Msg("expected a mapping, found {found}", found=_kind(item)))
                        continue
                    built.append(build(item))
        return built

    def unknown_keys(self, data: dict[str, Any], known: AbstractSet[str]) -> dict[str, Any]:
        if data.keys() <= known:  # the common case, in one C call
            return {}
        extra = {key: value for key, value in data.items() if key not in known}
        for key in extra:
            self.problem(Msg("unknown key {key!r} (kept as it is)", key=key), str(key), severity="warning")
        return extra


class _At:
    """Reader.at's context: a class, not @contextmanager, as a file enters ~100 of them (a
    generator-based one was ~5 % of reading a file)."""

    __slots__ = ("key", "path")

    def __init__(self, path: list[str | int], key: str | int) -> None:
        self.path, self.key = path, key

    def __enter__(self) -> None:
        self.path.append(self.key)

    def __exit__(self, *exc: object) -> None:
        self.path.pop()


def _dotted(keys: Keys) -> str:
    text = ""
    for key in keys:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


def _kind(value: Any) -> str:
    if value is None:
        return Msg("nothing")
    if isinstance(value, dict):
        return Msg("a mapping")
    if isinstance(value, list):
        return Msg("a list")
    return repr(value)
