"""Reminder digests as text (screen and mail) and JSON."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

import typer

from salescrm.cli.render import plain, table, to_json
from salescrm.core.config import Config
from salescrm.core.labels import CHANNELS, STAGES
from salescrm.core.reminders import Digest, Reminder

_TITLES = {
    "en": {"overdue": "Overdue", "today": "Due today", "upcoming": "Upcoming", "birthdays": "Birthdays",
           "stale": "Stale deals", "escalated": "Escalated: your team's tasks overdue",
           "feedback": "Feedback since your last follow-up", "review": "Quarterly tier review due"},
    "zh": {"overdue": "逾期", "today": "今日到期", "upcoming": "即将到期", "birthdays": "客户生日",
           "stale": "停滞商机", "escalated": "上报:团队逾期任务",
           "feedback": "新反馈(上次跟进后)", "review": "季度客户等级评审待完成"},
}  # fmt: skip
_HEADERS = {
    "en": ["reference", "customer", "what", "due", "when"],
    "zh": ["编号", "客户", "事项", "日期", "状态"],
}


def _when(section: str, r: Reminder, lang: str) -> str:
    zh = lang == "zh"
    if section == "stale":
        return f"停滞{r.days}天" if zh else f"idle {r.days} days"
    if section == "feedback":
        return f"{r.days}天前" if zh else f"{r.days} days ago"
    if r.days > 0:
        return f"逾期{r.days}天" if zh else f"{r.days} day{'s' if r.days != 1 else ''} overdue"
    if r.days == 0:
        return "今天" if zh else "today"
    return f"{-r.days}天后" if zh else f"in {-r.days} day{'s' if r.days != -1 else ''}"


def _what(section: str, r: Reminder, lang: str) -> str:
    zh = lang == "zh"
    if r.kind == "task":
        text = f"{CHANNELS.label(r.via or 'other', lang)} {r.what}" + (f" -> {r.detail}" if r.detail else "")
    elif r.kind == "cadence":
        text = (
            f"{r.what} 每{r.limit_days}天跟进, 最近联系 {r.since}"
            if zh
            else f"{r.what} every {r.limit_days} days, last contact {r.since}"
        )
    elif r.kind == "stale":
        stage = STAGES.label(r.detail, lang)
        text = (
            f"{r.what} ({stage}, {r.since}起无进展, 上限{r.limit_days}天)"
            if zh
            else f"{r.what} ({stage}, untouched since {r.since}, limit {r.limit_days} days)"
        )
    elif r.kind == "review":
        text = f"本季度末前完成: {r.what}" if zh else f"before the quarter ends: {r.what}"
    else:
        text = f"{r.what} ({r.detail})" if r.detail else r.what
    return f"[{r.owner}] {text}" if section == "escalated" else text


def digest_text(digest: Digest, config: Config, as_of: date, lang: str, colour: bool = False) -> str:
    """One member's digest: a heading, then one aligned table per section that has items."""
    name = next((m.name for m in config.members if m.id == digest.owner), digest.owner)
    heading = f"{name} ({digest.owner}) — {'提醒' if lang == 'zh' else 'reminders for'} {as_of.isoformat()}"
    parts = [_style(heading, colour)]
    titles = _TITLES.get(lang, _TITLES["en"])
    for section, items in digest.sections():
        if not items:
            continue
        rows = [
            [r.reference, r.customer_name, _what(section, r, lang), _day(r), _when(section, r, lang)]
            for r in items
        ]
        title = _style(f"{titles[section]} ({len(items)})", colour)
        parts.append(f"{title}\n{table(rows, _HEADERS.get(lang, _HEADERS['en']))}".rstrip("\n"))
    return "\n\n".join(parts) + "\n"


def _day(r: Reminder) -> str:
    return str(plain(r.due))


def _style(text: str, colour: bool) -> str:
    return typer.style(text, bold=True) if colour else text


def digests_json(digests: list[Digest], config: Config, as_of: date) -> str:
    names = {m.id: m.name for m in config.members}
    data: dict[str, Any] = {
        "as_of": as_of,
        "owners": [
            {
                "owner": d.owner,
                "name": names.get(d.owner),
                **{section: [asdict(r) for r in items] for section, items in d.sections()},
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
