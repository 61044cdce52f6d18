"""Reminder digests as text (screen and mail) and JSON."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import fields
from datetime import date
from functools import cache, partial
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import typer

from salescrm.cli.render import plain, table_lines, to_json
from salescrm.core.config import Config
from salescrm.core.reminders import Digest, Reminder
from salescrm.core.safe_text import visible
from salescrm.i18n import label, t

if TYPE_CHECKING:  # a chat message is built only for --push (its module signs: hashlib, hmac)
    from salescrm.core.pool_rules import Clock
    from salescrm.formats.chat import ChatMessage

_COLUMNS = ["reference", "customer", "what", "due", "when"]


def clock_text(clock: Clock, lang: str) -> str:
    """Why a customer goes back to the pool (``60天未跟进(最近 2026-10-04)``)."""
    last = clock.last.isoformat() if clock.last else t(lang, "pool", "none")
    return t(lang, "pool", f"clock {clock.kind}", days=clock.days, last=last)


def _when(section: str, days: int, lang: str) -> str:
    if section == "stale":
        return t(lang, "remind", "idle_days", days=days)
    if section in ("feedback", "claims"):
        return t(lang, "remind", "days_ago", days=days)
    if days == 1:
        return t(lang, "remind", "day_overdue", days=days)
    if days > 0:
        return t(lang, "remind", "days_overdue", days=days)
    if days == 0:
        return t(lang, "remind", "when_today")
    if days == -1:
        return t(lang, "remind", "in_day", days=1)
    return t(lang, "remind", "in_days", days=-days)


def _what(r: Reminder, lang: str, labels: _Labels) -> str:
    kind = r.kind
    if kind == "task":
        text = f"{labels.channel[r.via or 'other']} {r.what}"
        return f"{text} -> {r.detail}" if r.detail else text
    if kind == "cadence":
        return _template(lang, "cadence").format(what=r.what, limit=r.limit_days, since=_WHEN_TEXT[r.since])
    if kind == "stale":
        stage, since = labels.stage[r.detail], _WHEN_TEXT[r.since]
        return _template(lang, "stale").format(what=r.what, stage=stage, since=since, limit=r.limit_days)
    if kind == "recycle":
        from salescrm.core.pool_rules import Clock

        return clock_text(Clock(r.what, r.limit_days or 0, r.since), lang)
    if kind == "payment":
        return _template(lang, "payment").format(line=r.what, owed=r.detail)
    if kind == "overplanned":
        planned, contract = r.detail.split(" ")
        return t(lang, "remind", "overplanned", what=r.what, planned=planned, contract=contract)
    if kind == "review":
        return t(lang, "remind", "review_what", what=r.what)
    return f"{r.what} ({r.detail})" if r.detail else r.what


@cache
def _template(lang: str, key: str) -> str:
    """A reminder's text before its values are filled in, looked up once: a team's digests
    fill in 20,000 (``t`` would look each up in the catalogue again)."""
    return t(lang, "remind", key)


class _Texts(dict[Any, str]):
    """A value's text, made once: 25,000 rows share a few hundred days and labels."""

    def __init__(self, make: Callable[[Any], str]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, value: Any) -> str:
        text = self[value] = self.make(value)
        return text


_REFERENCE, _CUSTOMER = attrgetter("reference"), attrgetter("customer_name")
_DUE, _DAYS = attrgetter("due"), attrgetter("days")
_WHEN_TEXT = _Texts(lambda when: str(plain(when)))  # a day or moment as the table shows it


class _Labels:
    """Channel and stage labels in one language, each looked up once."""

    def __init__(self, lang: str) -> None:
        self.channel = _Texts(partial(label, "channel", lang=lang))
        self.stage = _Texts(partial(label, "stage", lang=lang))


def digest_text(digest: Digest, config: Config, as_of: date, lang: str, colour: bool = False) -> str:
    """One member's digest: a heading, then one aligned table per section that has items."""
    lines = [_style(visible(_heading(digest, config, as_of, lang)), colour)]
    for title, columns in _sections(digest, lang):
        table = table_lines(columns, [t(lang, "remind", f"column {c}") for c in _COLUMNS])
        while not table[-1]:  # a last row of empty cells: trimmed away, as from any text's end
            table.pop()
        lines += ["", _style(title, colour), *table]
    return "\n".join(lines) + "\n"


def digest_message(digest: Digest, config: Config, as_of: date, lang: str) -> ChatMessage:
    """One member's digest for a team chat: a heading line per section, then one line per item."""
    from salescrm.formats.chat import ChatLine, ChatMessage

    lines: list[ChatLine] = []
    for title, columns in _sections(digest, lang):
        lines.append(ChatLine(title, "heading"))
        lines += [ChatLine(visible(" · ".join(cells))) for cells in zip(*columns, strict=True)]
    return ChatMessage(visible(_heading(digest, config, as_of, lang)), tuple(lines))


def _heading(digest: Digest, config: Config, as_of: date, lang: str) -> str:
    name = next((m.name for m in config.members if m.id == digest.owner), digest.owner)
    return t(lang, "remind", "heading", name=name, member=digest.owner, day=as_of.isoformat())


def _sections(digest: Digest, lang: str) -> Iterator[tuple[str, list[list[str]]]]:
    """Each section that has items: its title with the count, and its five columns."""
    labels = _Labels(lang)
    for section, items in digest.sections():
        if not items:
            continue
        whats = [_what(r, lang, labels) for r in items]
        if section in ("escalated", "recycle"):
            whats = [f"[{r.owner}] {text}" for r, text in zip(items, whats, strict=True)]
        whens = _Texts(partial(_when, section, lang=lang))
        columns = [
            list(map(_REFERENCE, items)),
            list(map(_CUSTOMER, items)),
            whats,
            list(map(_WHEN_TEXT.__getitem__, map(_DUE, items))),
            list(map(whens.__getitem__, map(_DAYS, items))),
        ]
        yield f"{t(lang, 'remind', section)} ({len(items)})", columns


def _style(text: str, colour: bool) -> str:
    return typer.style(text, bold=True) if colour else text


# A reminder as a dict: its fields are plain values, so asdict's deep copy is not needed.
_FIELDS = [f.name for f in fields(Reminder)]
_VALUES = attrgetter(*_FIELDS)


def digests_json(digests: list[Digest], config: Config, as_of: date) -> str:
    names = {m.id: m.name for m in config.members}
    data: dict[str, Any] = {
        "as_of": as_of,
        "owners": [
            {
                "owner": d.owner,
                "name": names.get(d.owner),
                **{
                    section: [dict(zip(_FIELDS, _VALUES(r), strict=True)) for r in items]
                    for section, items in d.sections()
                },
            }
            for d in digests
        ],
    }
    return to_json(data)


def mail_subject(digest: Digest, as_of: date, lang: str) -> str:
    due = len(digest.today) + len(digest.upcoming)
    return t(lang, "remind", "subject", day=as_of, overdue=len(digest.overdue), due=due,
             escalated=len(digest.escalated))  # fmt: skip
