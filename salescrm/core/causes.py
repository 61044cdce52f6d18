"""What made a history note: an event stored in the file, its words made when it is read.

A note salescrm writes itself (a won deal's contract, a reopening, a release to the pool, the
tier review's reason …) is kept as its event, ``cause: {kind: contract, number: HT-2026-031}``,
beside the user's own words (``note:``/``reason:``, as typed). A ``Cause`` is a ``Msg``: its
text is English, and the edge says it in the reader's language (salescrm.i18n.say), so a
Chinese team's history reads in Chinese and an English reader's in English.

Files written before causes hold English note strings: they load and show as they are.

Example: str(Cause("reopened", {"was": "won", "contract": "HT-1"}, note="客户追加"))
         == "reopened (was won, contract HT-1): 客户追加"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from salescrm.core.errors import Msg


class Cause(Msg):
    """An event (``kind`` and its ``facts``) and the user's own ``note`` beside it, if any."""

    kind: str
    facts: dict[str, Any]
    note: str | None

    def __new__(cls, kind: str, facts: Mapping[str, Any] | None = None, note: str | None = None) -> Cause:
        facts = {name: _exact(value) for name, value in (facts or {}).items()}
        words = _words(kind, facts)
        if note:
            cause = super().__new__(cls, "{event}: {note}", event=words, note=note)
        else:
            cause = super().__new__(cls, words.template, **words.values)
        cause.kind, cause.facts, cause.note = kind, facts, note or None
        return cause

    def __reduce__(self) -> tuple[Any, ...]:  # copy and pickle build it again from its event
        return (Cause, (self.kind, self.facts, self.note))

    def data(self) -> dict[str, Any]:
        """The mapping stored in the file: ``kind`` first, then the facts in a fixed order."""
        return {"kind": self.kind, **dict(sorted(self.facts.items()))}


def recycled(clock: str, days: int, last: Any) -> Cause:
    """The recycle rule that sent a customer back to the pool (core/pool_rules.Clock)."""
    return Cause(
        "recycled", {"clock": clock, "days": days, "last": last} if last else {"clock": clock, "days": days}
    )


def _words(kind: str, facts: Mapping[str, Any]) -> Msg:
    """The English words of an event (each a literal template, so Babel extracts it)."""
    words = _WORDS.get(kind)
    if words is not None:
        return words(_Facts(facts))
    # A kind this version does not know (a newer teammate's): its name and facts as they are.
    shown = ", ".join(f"{name} {value}" for name, value in sorted(facts.items()))
    return Msg("{kind} ({facts})", kind=kind, facts=shown) if shown else Msg("{kind}", kind=kind)


def _reopened(f: _Facts) -> Msg:
    if f["was"] == "won":
        return Msg("reopened (was won, contract {contract})", contract=f["contract"])
    return Msg("reopened (was lost: {reason})", reason=f["reason"])


def _recycled(f: _Facts) -> Msg:
    days, last = f["days"], f.get("last")
    if f["clock"] == "won":
        if last is None:
            return Msg("recycled: no won deal for {days} days (none yet)", days=days)
        return Msg("recycled: no won deal for {days} days (last {last})", days=days, last=last)
    if last is None:
        return Msg("recycled: no follow-up for {days} days (none yet)", days=days)
    return Msg("recycled: no follow-up for {days} days (last {last})", days=days, last=last)


def _exact(value: Any) -> Any:
    """An amount as the file reads it back (35000.50 → 35000.5): written and read, the same."""
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal) and value.is_finite():
        text = format(value, "f")
        return Decimal(text.rstrip("0").rstrip(".") if "." in text else text)
    return value


def _amount(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):.2f}"
    except InvalidOperation:
        return str(value)


class _Facts(dict[str, Any]):
    """A hand-edited file may lack a fact: it reads as ``?``, never as a crash."""

    def __missing__(self, key: str) -> str:
        return "?"


_WORDS: dict[str, Callable[[_Facts], Msg]] = {
    "contract": lambda f: Msg("contract {number}", number=f["number"]),
    "reopened": _reopened,
    "released": lambda f: Msg("released to the pool"),
    "claimed": lambda f: Msg("claimed from the pool"),
    "recycled": _recycled,
    "left": lambda f: Msg("{member} left the team", member=f["member"]),
    "set_by": lambda f: Msg("set by {member}", member=f["member"]),
    "review": lambda f: Msg("trailing-12-month won {won}", won=_amount(f["won"])),
    "merged": lambda f: Msg("merged {number}", number=f["number"]),
}
