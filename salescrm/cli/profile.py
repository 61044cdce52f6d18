"""The text of ``customer show``: one customer on one screen."""

from __future__ import annotations

from salescrm.cli.render import Format, cell, table
from salescrm.core.config import Config
from salescrm.core.model import Customer
from salescrm.core.parse import format_when
from salescrm.core.safe_text import visible
from salescrm.i18n import heading, label, say, t


def profile_text(c: Customer, config: Config, lang: str, fmt: Format = Format.table) -> str:
    def field(key: str) -> str:
        return t(lang, "profile", f"field {key}")

    owner = next((m.name for m in config.members if m.id == c.owner), None)
    lines = [f"{c.id}  {c.name}" + (f"  {t(lang, 'profile', 'archived_mark')}" if c.archived else "")]
    pinned = f" {t(lang, 'profile', 'pinned_mark')}" if c.tier_pinned else ""
    facts = [
        (field("tier"), c.tier + pinned),
        (field("industry"), c.industry or "-"),
        (field("size"), label("size", c.size, lang) if c.size else "-"),
        (field("owner"), f"{owner} ({c.owner})" if owner else c.owner or t(lang, "profile", "the pool")),
    ]
    lines.append("  " + " · ".join(f"{k} {v}" for k, v in facts))
    lines.append(
        f"  {field('source')} {c.source} · {field('created')} {c.created}"
        + (f" · {field('first_contact')} {c.first_contact}" if c.first_contact else "")
    )
    if c.tags:
        lines.append(f"  {field('tags')} {', '.join(c.tags)}")
    lines.append(f"  {field('needs')} {c.needs}")
    text = "\n".join(map(visible, lines)) + "\n"  # names and needs came by git
    for key, headers, rows in _sections(c, lang):
        if rows:
            title = t(lang, "profile", key)
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
        [f"{c.id}-{k.id}", format_when(k.due), label("channel", k.via, lang), k.focus, k.goal, k.owner,
         label("task status", k.status, lang)]
        for k in c.tasks
    ]  # fmt: skip
    followups = [
        [f"{c.id}-{f.id}", format_when(f.at), label("channel", f.via, lang), f.by, f.content,
         cell(f.next), str(len(f.attachments) or "")]
        for f in c.followups[-10:]
    ]  # fmt: skip
    opportunities = [
        [f"{c.id}-{o.id}", o.name, label("stage", o.stage, lang), cell(o.amount), cell(o.close), o.owner,
         o.contract.number if o.contract else (o.lost_reason or "")]
        for o in c.opportunities
    ]  # fmt: skip
    feedback = [[f"{c.id}-{b.id}", format_when(b.at), b.by, label("department", b.dept, lang), b.content]
                for b in c.feedback]  # fmt: skip
    history = [[cell(h.at), h.from_tier, h.to_tier, say(h.reason, lang)] for h in c.tier_history]
    pool = t(lang, "profile", "pool")
    owners = [[format_when(h.at), h.by, h.old or pool, h.new or pool, say(h.reason or "", lang)]
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
