"""The columns and lines of a customer listing: what ``customer list`` and ``query`` print."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salescrm.cli.render import Format

if TYPE_CHECKING:
    from salescrm.core.listrows import Row

LIST_COLUMNS = [
    "id",
    "name",
    "tier",
    "industry",
    "owner",
    "contact",
    "phone",
    "source",
    "tags",
    "created",
]


def list_row(r: Row, lang: str, fmt: Format) -> dict[str, Any]:
    """One line of ``customer list`` and ``query``, from the customer's row."""
    return {
        "id": r.id,
        "name": r.name,
        "tier": r.tier,
        "industry": r.industry,
        "owner": r.owner,
        "contact": r.contact,
        "phone": r.phone,
        "source": r.source,
        "tags": r.tags if fmt != Format.table else " ".join(r.tags),
        "created": r.created_day,
        "archived": r.archived,
    }
