"""What ``opp show`` and ``opp list`` print: one opportunity on one screen, and list rows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from salescrm.cli.render import Format, cell, table
from salescrm.core.config import Config
from salescrm.core.labels import OPEN_STAGES
from salescrm.core.model import Customer, Opportunity
from salescrm.core.opportunities import probability_of
from salescrm.core.opprows import OppDeal, OppRows
from salescrm.core.records import customer_to_data
from salescrm.core.safe_text import visible
from salescrm.core.stages import missing_to_leave
from salescrm.i18n import label, t
from salescrm.i18n import say as said

LIST_COLUMNS = [
    "opportunity",
    "customer",
    "name",
    "stage",
    "amount",
    "probability",
    "close",
    "owner",
    "idle_days",
]


def list_rows(
    pairs: Iterable[tuple[OppRows, OppDeal]], config: Config, today: date, lang: str, fmt: Format
) -> list[dict[str, Any]]:
    """The rows of ``opp list``; json keeps the stored stage key, other formats show the label."""
    day = today.toordinal()
    stages: dict[str, str] = {}  # each stage's label, looked up once for 18,000 rows
    rows = []
    for c, d in pairs:
        stage = stages.get(d.stage)
        if stage is None:
            stage = stages[d.stage] = d.stage if fmt == Format.json else label("stage", d.stage, lang)
        rows.append({
            "opportunity": f"{c.id}-{d.id}",
            "customer": c.name,
            "customer_id": c.id,
            "name": d.name,
            "stage": stage,
            "amount": Decimal(d.amount),
            "probability": d.win_probability(config),
            "close": date.fromordinal(d.close),
            "owner": d.owner,
            "idle_days": d.idle_on(day) if d.stage in OPEN_STAGES else None,
            "contract": d.contract,
            "lost_reason": d.lost_reason,
        })  # fmt: skip
    return rows


def opportunity_data(c: Customer, o: Opportunity, config: Config) -> dict[str, Any]:
    """``opp show -f json``: the stored record with its reference, customer and what its gate lacks."""
    stored = customer_to_data(c)["opportunities"][c.opportunities.index(o)]
    return {
        "opportunity": f"{c.id}-{o.id}",
        "customer": c.id,
        "customer_name": c.name,
        **stored,
        "win_probability": probability_of(o, config),
        "gate_missing": [m.name for m in missing_to_leave(o, o.stage, config)]
        if o.stage in OPEN_STAGES
        else [],
    }


def opportunity_text(c: Customer, o: Opportunity, config: Config, lang: str, fmt: Format) -> str:
    def say(word: str) -> str:
        return t(lang, "opp", word)

    owner = next((f"{m.name} ({m.id})" for m in config.members if m.id == o.owner), o.owner)
    lines = [
        f"{c.id}-{o.id}  {o.name}",
        f"  {say('customer')} {c.id} {c.name} · {say('owner')} {owner}",
        f"  {say('stage')} {label('stage', o.stage, lang)} · {say('amount')} {cell(o.amount)} "
        f"{config.currency} · {say('probability')} {probability_of(o, config)}% · {say('close')} {o.close}",
    ]
    if o.stage in OPEN_STAGES:
        missing = missing_to_leave(o, o.stage, config)
        state = f"{say('missing')} {', '.join(str(m) for m in missing)}" if missing else say("gate met")
        lines.append(f"  {say('gate')}: {state}")
    if o.contract:
        k = o.contract
        lines.append(f"  {say('contract')} {k.number} · {cell(k.amount)} · {k.payment_terms} · {k.signed}")
    if o.lost_reason:
        lost_to = f" · {say('to')} {o.lost_to}" if o.lost_to else ""
        lines.append(
            f"  {say('lost')} {o.lost_reason}{lost_to}" + (f" · {o.lost_note}" if o.lost_note else "")
        )
    talks = [
        f"  {_talk_label(key, lang)}: {', '.join(values)}"
        for key, values in vars(o.negotiation).items()
        if values
    ]
    if talks:
        lines += ["", say("negotiation"), *talks]
    text = "\n".join(map(visible, lines)) + "\n"  # names and notes came by git
    artefacts = [[t(lang, "artefact", name), config.artefacts.get(name, ""), path]
                 for name, path in sorted(o.artefacts.items())]  # fmt: skip
    if artefacts:
        text += f"\n{say('artefacts')}\n" + table(artefacts, [say("name"), say("label"), say("file")], fmt)
    history = [[label("stage", m.stage, lang), cell(m.at), m.by, said(m.note, lang) if m.note else ""]
               for m in o.stage_history]  # fmt: skip
    text += f"\n{say('history')}\n" + table(history, [say(h) for h in ("stage", "at", "by", "note")], fmt)
    return text


def _talk_label(key: str, lang: str) -> str:
    return t(lang, "opp", key)
