"""Reminder digests as text (screen and mail) and JSON."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import date
from functools import partial
from operator import attrgetter
from typing import Any

import typer

from salescrm.cli.render import plain, table_lines, to_json
from salescrm.core.config import Config
from salescrm.core.labels import CHANNELS, STAGES
from salescrm.core.reminders import Digest, Reminder
from salescrm.core.safe_text import visible

_TITLES = {
    "en": {"overdue": "Overdue", "today": "Due today", "upcoming": "Upcoming", "birthdays": "Birthdays",
           "stale": "Stale deals", "escalated": "Escalated: your team's tasks overdue",
           "feedback": "Feedback since your last follow-up", "review": "Quarterly tier review due",
           "recycle": "Going back to the pool (客户公海) unless followed up",
           "claims": "Claims lost: a teammate claimed first"},
    "zh": {"overdue": "逾期", "today": "今日到期", "upcoming": "即将到期", "birthdays": "客户生日",
           "stale": "停滞商机", "escalated": "上报:团队逾期任务",
           "feedback": "新反馈(上次跟进后)", "review": "季度客户等级评审待完成",
           "recycle": "即将退回公海(请及时跟进)", "claims": "认领未成功:同事先认领"},
}  # fmt: skip
_HEADERS = {
    "en": ["reference", "customer", "what", "due", "when"],
    "zh": ["编号", "客户", "事项", "日期", "状态"],
}


def _when(section: str, days: int, lang: str) -> str:
    zh = lang == "zh"
    if section == "stale":
        return f"停滞{days}天" if zh else f"idle {days} days"
    if section in ("feedback", "claims"):
        return f"{days}天前" if zh else f"{days} days ago"
    if days > 0:
        return f"逾期{days}天" if zh else f"{days} day{'s' if days != 1 else ''} overdue"
    if days == 0:
        return "今天" if zh else "today"
    return f"{-days}天后" if zh else f"in {-days} day{'s' if days != -1 else ''}"


def _what(r: Reminder, lang: str, labels: _Labels) -> str:
    kind = r.kind
    if kind == "task":
        text = f"{labels.channel[r.via or 'other']} {r.what}"
        return f"{text} -> {r.detail}" if r.detail else text
    zh = lang == "zh"
    if kind == "cadence":
        since = _WHEN_TEXT[r.since]
        if zh:
            return f"{r.what} 每{r.limit_days}天跟进, 最近联系 {since}"
        return f"{r.what} every {r.limit_days} days, last contact {since}"
    if kind == "stale":
        stage, since = labels.stage[r.detail], _WHEN_TEXT[r.since]
        if zh:
            return f"{r.what} ({stage}, {since}起无进展, 上限{r.limit_days}天)"
        return f"{r.what} ({stage}, untouched since {since}, limit {r.limit_days} days)"
    if kind == "recycle":
        from salescrm.core.pool_rules import Clock

        return Clock(r.what, r.limit_days or 0, r.since).text(lang)
    if kind in ("payment", "overplanned"):
        return _money_what(r, zh)
    if kind == "review":
        return f"本季度末前完成: {r.what}" if zh else f"before the quarter ends: {r.what}"
    return f"{r.what} ({r.detail})" if r.detail else r.what


def _money_what(r: Reminder, zh: bool) -> str:
    """An installment to collect, or a plan above its contract (a manager amends it)."""
    if r.kind == "payment":
        return f"回款 {r.what}: 待收 {r.detail}" if zh else f"collect {r.detail}: {r.what}"
    planned, contract = r.detail.split(" ")
    if zh:
        return f"回款计划 {planned} 超出合同 {contract}: {r.what} (pay amend)"
    return f"plan {planned} above the contract {contract}: {r.what} (pay amend)"


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
        self.channel = _Texts(partial(CHANNELS.label, lang=lang))
        self.stage = _Texts(partial(STAGES.label, lang=lang))


def digest_text(digest: Digest, config: Config, as_of: date, lang: str, colour: bool = False) -> str:
    """One member's digest: a heading, then one aligned table per section that has items."""
    name = next((m.name for m in config.members if m.id == digest.owner), digest.owner)
    heading = f"{name} ({digest.owner}) — {'提醒' if lang == 'zh' else 'reminders for'} {as_of.isoformat()}"
    lines = [_style(visible(heading), colour)]
    titles = _TITLES.get(lang, _TITLES["en"])
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
        table = table_lines(columns, _HEADERS.get(lang, _HEADERS["en"]))
        while not table[-1]:  # a last row of empty cells: trimmed away, as from any text's end
            table.pop()
        lines += ["", _style(f"{titles[section]} ({len(items)})", colour), *table]
    return "\n".join(lines) + "\n"


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
    counts = (len(digest.overdue), len(digest.today) + len(digest.upcoming), len(digest.escalated))
    if lang == "zh":
        return f"salescrm 提醒 {as_of}: 逾期 {counts[0]}, 待办 {counts[1]}, 上报 {counts[2]}"
    return f"salescrm reminders {as_of}: {counts[0]} overdue, {counts[1]} due, {counts[2]} escalated"
