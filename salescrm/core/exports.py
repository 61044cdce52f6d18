"""What an export holds: one flat row per customer for CSV (the other formats take the model)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from salescrm.core.labels import CLOSED_STAGES
from salescrm.core.model import Customer
from salescrm.core.parse import as_datetime, format_when

CSV_COLUMNS = ["id", "name", "tier", "industry", "size", "owner", "source", "tags", "created",
               "first_contact", "contact", "title", "phone", "email", "needs", "followups", "last_followup",
               "open_opportunities", "archived", "receivable", "overdue"]  # fmt: skip


def customer_row(c: Customer, as_of: date | None = None) -> dict[str, Any]:
    """One customer as a CSV row; receivable and overdue (回款) as of ``as_of`` (the day the
    customer was rewound to), empty without one."""
    contact = c.primary_contact
    last = max(c.followups, key=lambda f: as_datetime(f.at), default=None)
    return {
        "id": c.id,
        "name": c.name,
        "tier": c.tier,
        "industry": c.industry or "",
        "size": c.size or "",
        "owner": c.owner,
        "source": c.source,
        "tags": ";".join(c.tags),
        "created": c.created.isoformat(),
        "first_contact": c.first_contact.isoformat() if c.first_contact else "",
        "contact": contact.name if contact else "",
        "title": (contact.title or "") if contact else "",
        "phone": (contact.phone or "") if contact else "",
        "email": (contact.email or "") if contact else "",
        "needs": c.needs,
        "followups": len(c.followups),
        "last_followup": format_when(last.at) if last else "",
        "open_opportunities": sum(1 for o in c.opportunities if o.stage not in CLOSED_STAGES),
        "archived": "yes" if c.archived else "",
        **_receivable(c, as_of),
    }


def _receivable(c: Customer, as_of: date | None) -> dict[str, Any]:
    """What the customer's won contracts still owe, and how much of it is overdue."""
    won = [o for o in c.opportunities if o.stage == "won" and o.contract is not None]
    if as_of is None or not won:
        return {"receivable": "", "overdue": ""}
    from salescrm.core.reports.receivables import deal_figures

    figures = [deal_figures(o, as_of) for o in won]
    return {"receivable": str(sum((f["owed"] for f in figures), Decimal(0))),
            "overdue": str(sum((f["overdue"] for f in figures), Decimal(0)))}  # fmt: skip
