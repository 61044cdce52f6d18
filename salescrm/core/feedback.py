"""Feedback from after-sales and other departments: the record any member may add."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from salescrm.core.config import Member
from salescrm.core.ids import next_item_id
from salescrm.core.labels import DEPARTMENTS
from salescrm.core.model import Customer, Feedback
from salescrm.core.parse import When, as_datetime, day_of, parse_text
from salescrm.core.timeline import refuse_before


def add_feedback(
    customer: Customer,
    member: Member,
    content: str,
    at: When,
    attachments: list[str],
    dept: str | None = None,
) -> Feedback:
    """Append feedback by ``member``, tagged with their department (or ``dept``); returns it."""
    refuse_before(at, customer.created, "--at date", customer.id)
    item = Feedback(
        id=next_item_id("B", [b.id for b in customer.feedback]),
        at=at,
        by=member.id,
        dept=DEPARTMENTS.parse(dept) if dept else member.dept,
        content=parse_text(content, "feedback", 5000, multiline=True),
        attachments=attachments,
    )
    customer.feedback.append(item)
    return item


def feedback_rows(
    customers: Iterable[Customer],
    owner: str | None = None,
    dept: str | None = None,
    since: date | None = None,
) -> list[dict[str, object]]:
    """Feedback of ``customers`` as rows, oldest first; ``owner`` is the customer's owner (a rep
    reading what after-sales said about their customers), ``dept`` the department that wrote it."""
    wanted_dept = DEPARTMENTS.parse(dept) if dept else None
    rows: list[dict[str, object]] = []
    for c in customers:
        if owner and c.owner != owner:
            continue
        for b in c.feedback:
            if (wanted_dept and b.dept != wanted_dept) or (since and day_of(b.at) < since):
                continue
            row = {"ref": f"{c.id}-{b.id}", "customer": c.name, "owner": c.owner, "at": b.at, "by": b.by}
            rows.append(row | {"dept": b.dept, "content": b.content, "files": b.attachments})
    return sorted(rows, key=lambda row: (as_datetime(row["at"]), row["ref"]))  # type: ignore[arg-type]
