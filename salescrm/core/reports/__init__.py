"""The reports a sales manager reads, each a pure function returning a ``Report``.

One module per report (attainment, conversion, industry, lost_reasons, pipeline,
activity); definitions are written down in docs/reports.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from salescrm.core.parse import normal_amount

TOTAL = "total"  # the label of a report's total row
NONE = "(none)"  # the label of a group with no value (no industry, no loss reason)


@dataclass
class Report:
    """A report's rows, its columns in order, and its key figures."""

    name: str
    period: str | None
    columns: list[str]
    rows: list[dict[str, Any]]
    summary: dict[str, Any] = field(default_factory=dict)  # key figures beside the table


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """``part`` as a percentage of ``whole``, to one decimal; None when ``whole`` is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def total(values: Iterable[Decimal]) -> Decimal:
    return normal_amount(sum(values, Decimal(0)))
