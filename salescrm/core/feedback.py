"""Feedback from after-sales and other departments: the record any member may add."""

from __future__ import annotations

from salescrm.core.config import Member
from salescrm.core.ids import next_item_id
from salescrm.core.labels import DEPARTMENTS
from salescrm.core.model import Customer, Feedback
from salescrm.core.parse import When, parse_text
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
