"""Moving a customer to another number: every mention of the old number follows.

``sync`` needs it when a customer created locally (never pushed) took a number
that a teammate's pushed customer already holds.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from salescrm.core.ids import CUSTOMER_ID, next_customer_id


def renumber_data(data: Any, old: str, new: str) -> Any:
    """``data`` with the number ``old`` replaced by ``new`` in every string: the id,
    attachment paths (``attachments/OLD/…``) and references (``OLD-F2``)."""
    mention = re.compile(rf"{re.escape(old)}(?!\d)")
    if isinstance(data, dict):
        return {key: renumber_data(value, old, new) for key, value in data.items()}
    if isinstance(data, list):
        return [renumber_data(value, old, new) for value in data]
    if isinstance(data, str):
        return mention.sub(new, data)
    return data


def next_free_number(number: str, taken: set[str]) -> str:
    """The first number of ``number``'s month above every number taken in that month."""
    match = CUSTOMER_ID.match(number)
    if not match:
        raise ValueError(f"not a customer number: {number!r}")
    return next_customer_id(date(int(match.group(1)), int(match.group(2)), 1), taken)
