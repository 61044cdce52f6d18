"""The text of ``customer show``: one customer on one screen."""

from __future__ import annotations

from salescrm.cli.render import Format, cell, table
from salescrm.core.config import Config
from salescrm.core.labels import CHANNELS, SIZES, STAGES, TASK_STATUSES, heading
from salescrm.core.model import Customer
from salescrm.core.parse import format_when
from salescrm.core.safe_text import visible

_TITLES = {
    "contacts": "联系人",
    "tasks": "跟进计划",
    "followups": "跟进记录",
    "opportunities": "商机",
    "feedback": "反馈",
    "tier_history": "等级变更",
    "owner_history": "负责人变更",
}
_FIELDS = {
    "tier": "等级",
    "industry": "行业",
    "size": "规模",
    "owner": "负责人",
    "source": "来源",
    "created": "创建",
    "first_contact": "首次联系",
    "tags": "标签",
    "needs": "需求",
    "archived": "已归档",
}


def profile_text(c: Customer, config: Config, lang: str, fmt: Format = Format.table) -> str:
    zh = lang == "zh"

    def label(key: str) -> str:
        return _FIELDS.get(key, key) if zh else key

    owner = next((m.name for m in config.members if m.id == c.owner), None)
    lines = [f"{c.id}  {c.name}" + ("  [archived]" if c.archived else "")]
    facts = [
        (label("tier"), c.tier + (" (pinned)" if c.tier_pinned else "")),
        (label("industry"), c.industry or "-"),
        (label("size"), SIZES.label(c.size, lang) if c.size else "-"),
        (
            label("owner"),
            f"{owner} ({c.owner})" if owner else c.owner or ("公海" if lang == "zh" else "the pool"),
        ),
    ]
    lines.append("  " + " · ".join(f"{k} {v}" for k, v in facts))
    lines.append(
        f"  {label('source')} {c.source} · {label('created')} {c.created}"
        + (f" · {label('first_contact')} {c.first_contact}" if c.first_contact else "")
    )
    if c.tags:
        lines.append(f"  {label('tags')} {', '.join(c.tags)}")
    lines.append(f"  {label('needs')} {c.needs}")
    text = "\n".join(map(visible, lines)) + "\n"  # names and needs came by git
    for key, headers, rows in _sections(c, lang):
        if rows:
            title = _TITLES[key] if zh else key.replace("_", " ")
            text += f"\n{title}\n" + table(rows, [heading(h, lang) for h in headers], fmt)
    return text


def _sections(c: Customer, lang: str) -> list[tuple[str, list[str], list[list[str]]]]:
    contacts = [
        [
            x.name + (" *" if x.primary else ""),
            x.title or "",
            x.phone or "",
            x.email or "",
            x.birthday or "",
        ]
        for x in c.contacts
    ]
    tasks = [
        [f"{c.id}-{t.id}", format_when(t.due), CHANNELS.label(t.via, lang), t.focus, t.goal, t.owner,
         TASK_STATUSES.label(t.status, lang)]
        for t in c.tasks
    ]  # fmt: skip
    followups = [
        [f"{c.id}-{f.id}", format_when(f.at), CHANNELS.label(f.via, lang), f.by, f.content,
         cell(f.next), str(len(f.attachments) or "")]
        for f in c.followups[-10:]
    ]  # fmt: skip
    opportunities = [
        [f"{c.id}-{o.id}", o.name, STAGES.label(o.stage, lang), cell(o.amount), cell(o.close), o.owner,
         o.contract.number if o.contract else (o.lost_reason or "")]
        for o in c.opportunities
    ]  # fmt: skip
    feedback = [[f"{c.id}-{b.id}", format_when(b.at), b.by, b.dept, b.content] for b in c.feedback]
    history = [[cell(h.at), h.from_tier, h.to_tier, h.reason] for h in c.tier_history]
    pool = "公海" if lang == "zh" else "(pool)"
    owners = [[format_when(h.at), h.by, h.old or pool, h.new or pool, h.reason or ""]
              for h in c.changes if h.field == "owner"]  # fmt: skip
    return [
        ("contacts", ["name", "title", "phone", "email", "birthday"], contacts),
        ("tasks", ["task", "due", "via", "focus", "goal", "owner", "status"], tasks),
        ("followups", ["record", "at", "via", "by", "content", "next", "files"], followups),
        (
            "opportunities",
            ["opportunity", "name", "stage", "amount", "close", "owner", "contract/reason"],
            opportunities,
        ),
        ("feedback", ["record", "at", "by", "dept", "content"], feedback),
        ("tier_history", ["at", "from", "to", "reason"], history),
        ("owner_history", ["at", "who", "former_owner", "owner", "reason"], owners),  # docs/pool.md
    ]
