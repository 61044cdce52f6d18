"""The cache's note of each customer's latest event: whom "as of" a day must rewind.

Apart from core/timeline.py so that a warm read, which decodes these, imports no model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from salescrm.core.model import Customer


def settled_of(customer: Customer) -> tuple[str, int]:
    """(number, ordinal of ``timeline.last_event_day``): from that day on, nothing changes."""
    from salescrm.core.timeline import last_event_day  # parsing has imported the model already

    return customer.id, last_event_day(customer).toordinal()


def settled_to_data(settled: tuple[str, int]) -> list[Any]:
    return list(settled)


def settled_from_data(data: list[Any]) -> tuple[str, int]:
    return data[0], data[1]
