"""Which bars each report draws: rows of a Report → chart Bars (terminal and HTML alike)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from salescrm.core.labels import STAGES
from salescrm.core.reports import TOTAL, Report
from salescrm.formats.charts import Bar
from salescrm.i18n import label

CHARTED = ("attainment", "pipeline", "lost-reasons", "industry", "conversion")


def _pct(value: Any) -> str:
    return "" if value is None else f"{value}%"


def report_bars(report: Report, lang: str = "zh") -> list[Bar]:
    """The bars of ``report``: attainment against target, pipeline by stage, losses, industries."""
    rows = [r for r in report.rows if r.get(_label_key(report)) != TOTAL]
    if report.name == "attainment":
        return [
            Bar(str(r.get("name") or r["member"]), r["won"], r["target"] or None, _pct(r["attainment_pct"]))
            for r in rows
        ]
    if report.name == "pipeline":
        return _pipeline_bars(report.rows, lang)
    if report.name == "lost-reasons":
        key = _label_key(report)
        return [
            Bar(str(r[key]), r["amount"], note=f"{r['lost']} · {_pct(r['amount_share_pct'])}") for r in rows
        ]
    if report.name == "industry":
        return [Bar(str(r["industry"]), r["won"], note=f"{r['customers']} · {_pct(r['won_share_pct'])}")
                for r in rows]  # fmt: skip
    if report.name == "conversion":
        return [Bar(label("stage", str(r["stage"]), lang), r["reached"], note=_pct(r["pct_of_previous"]))
                for r in rows]  # fmt: skip
    return []


def _label_key(report: Report) -> str:
    return report.columns[0]


def _pipeline_bars(rows: list[dict[str, Any]], lang: str) -> list[Bar]:
    """One bar per open stage: amount, with the weighted amount as the note."""
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    weighted: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        stage = str(row.get("stage", ""))
        if stage in STAGES.keys:
            amounts[stage] += Decimal(str(row["amount"]))
            weighted[stage] += Decimal(str(row["weighted"]))
    return [
        Bar(label("stage", stage, lang), amounts[stage], note=f"≈ {weighted[stage]:,.0f}")
        for stage in STAGES.keys
        if stage in amounts
    ]
