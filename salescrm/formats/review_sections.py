"""The review pack laid out once, as titled tables of text with their charts.

``review_html`` and ``review_md`` both draw these sections, so the HTML and the
Markdown always hold the same figures, formatted the same way (amounts with
thousands separators, percentages with one decimal).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from salescrm.core.labels import CHANNELS, OPEN_STAGES
from salescrm.core.reminders import Reminder
from salescrm.core.reports import NONE, TOTAL, Report
from salescrm.core.review import ClosedDeal, ReviewPack
from salescrm.formats.charts import Bar, format_amount
from salescrm.formats.report_charts import report_bars
from salescrm.i18n import label, say, t


def text(key: str, lang: str, **values: Any) -> str:
    """A word of the review pack in ``lang`` (the catalogue's "review" context)."""
    return t(lang, "review", key, **values)


@dataclass
class Section:
    """One section of the review pack, as both Markdown and HTML render it."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[str]]
    empty: str = ""  # said instead of an empty table
    notes: list[str] = field(default_factory=list)  # short lines under the title
    chart: str = ""  # bars | funnel
    legend: str = ""  # explains the chart (HTML only: Markdown has no charts)
    bars: list[Bar] = field(default_factory=list)


def amount(value: Any) -> str:
    return "" if value is None else format_amount(value)


def pct(value: Any) -> str:
    return "" if value is None else f"{Decimal(str(value)):.1f}%"


def title_line(pack: ReviewPack, lang: str) -> str:
    owner = f" · {text('owner_only', lang)} {_name(pack, pack.owner)}" if pack.owner else ""
    return f"{pack.team} · {text('review', lang)} {pack.period.label}{owner}"


def period_line(pack: ReviewPack, lang: str) -> str:
    period = f"{pack.period.start.isoformat()} — {pack.period.end.isoformat()}"
    return f"{period} · {text('as_of', lang)} {pack.as_of.isoformat()}"


def key_figures(pack: ReviewPack, lang: str) -> list[tuple[str, str]]:
    """The figures at the top of the pack: the team's line of attainment, pipeline, counts."""
    team = pack.attainment.rows[-1]  # the team's line (the owner's, with --owner)
    pipeline_total = pack.pipeline.rows[-1]
    figures = [
        (text("target", lang), amount(team["target"])),
        (text("won_amount", lang), amount(team["won"])),
        (text("attainment_pct", lang), pct(team["attainment_pct"])),
        (text("pipeline_amount", lang), amount(pipeline_total["amount"])),
        (text("weighted", lang), amount(pipeline_total["weighted"])),
        (
            text("past_close", lang),
            f"{pack.pipeline.summary['past_close_deals']} · "
            f"{amount(pack.pipeline.summary['past_close_amount'])}",
        ),  # fmt: skip
        (text("won", lang), str(len(pack.won))),
        (text("lost", lang), str(len(pack.lost))),
        (text("overdue", lang), str(len(pack.overdue))),
        (text("stale", lang), str(len(pack.stale))),
    ]
    return [(label, value or "—") for label, value in figures]  # no target set: a dash, not a gap


def review_sections(pack: ReviewPack, lang: str = "zh") -> list[Section]:
    """Every section of the pack in meeting order."""
    return [
        _attainment(pack, lang),
        _pipeline(pack, lang),
        _conversion(pack, lang),
        _closed(pack, lang, "won", pack.won),
        _closed(pack, lang, "lost", pack.lost),
        _lost_reasons(pack, lang),
        _industry(pack, lang),
        _activity(pack, lang),
        _overdue(pack, lang),
        _stale(pack, lang),
        _saved_filter(pack, lang),
        _tier_proposals(pack, lang),
        _tier_moves(pack, lang),
        _receivables(pack, lang),
        _forecast(pack, lang),
    ]


def _headers(lang: str, *keys: str) -> list[str]:
    return [text(key, lang) for key in keys]


def _name(pack: ReviewPack, member: str | None) -> str:
    return pack.members.get(member or "", member or "")


def _total_label(value: Any, lang: str) -> str:
    if value == TOTAL:
        return text("total", lang)
    return text("none", lang) if value == NONE else str(value)


def _attainment(pack: ReviewPack, lang: str) -> Section:
    rows = [
        [
            f"{text('total', lang)} · {r['name']}" if r["member"] == TOTAL else str(r["name"]),
            amount(r["target"]),
            amount(r["won"]),
            pct(r["attainment_pct"]),
            amount(r["gap"]),
            amount(r["pipeline_weighted"]),
        ]  # fmt: skip
        for r in pack.attainment.rows
    ]
    headers = _headers(lang, "member", "target", "won_amount", "attainment_pct", "gap", "pipeline_weighted")
    return Section("attainment", text("attainment", lang), headers, rows, legend=text("target_tick", lang),
                   chart="bars", bars=report_bars(pack.attainment, lang))  # fmt: skip


def stage_totals(report: Report) -> dict[str, tuple[int, Decimal, Decimal]]:
    """The pipeline report's rows (stage × close month) summed per stage: deals, amount, weighted."""
    sums: dict[str, list[Any]] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    for row in report.rows:
        if row["stage"] in OPEN_STAGES:
            entry = sums[row["stage"]]
            entry[0] += row["deals"]
            entry[1] += row["amount"]
            entry[2] += row["weighted"]
    return {stage: (n, a, w) for stage, (n, a, w) in ((s, sums[s]) for s in OPEN_STAGES if s in sums)}


def _pipeline(pack: ReviewPack, lang: str) -> Section:
    stages = stage_totals(pack.pipeline)
    rows = [
        [label("stage", stage, lang), str(n), amount(a), amount(w)] for stage, (n, a, w) in stages.items()
    ]
    total = pack.pipeline.rows[-1]
    rows.append(
        [text("total", lang), str(total["deals"]), amount(total["amount"]), amount(total["weighted"])]
    )
    bars = [Bar(label("stage", stage, lang), n, note=amount(a)) for stage, (n, a, _) in stages.items()]
    return Section("pipeline", text("pipeline", lang), _headers(lang, "stage", "deals", "amount", "weighted"),
                   rows, empty=text("none", lang), chart="funnel", bars=bars)  # fmt: skip


def _conversion(pack: ReviewPack, lang: str) -> Section:
    rows = [
        [
            label("stage", r["stage"], lang),
            str(r["reached"]),
            pct(r["pct_of_previous"]),
            pct(r["pct_of_created"]),
            "" if r["median_days"] is None else str(r["median_days"]),
        ]  # fmt: skip
        for r in pack.conversion.rows
    ]
    summary = pack.conversion.summary
    notes = [
        f"{text('opened', lang)} {summary['opened']} · {text('won_count', lang)} {summary['won']} · "
        f"{text('lost_count', lang)} {summary['lost']} · {text('lead_to_won_pct', lang)} "
        f"{pct(summary['lead_to_won_pct']) or '—'} · {text('win_rate_pct', lang)} "
        f"{pct(summary['win_rate_pct']) or '—'}"
    ]
    headers = _headers(lang, "stage", "reached", "pct_of_previous", "pct_of_created", "median_days")
    return Section("conversion", text("conversion", lang), headers, rows, notes=notes)


def _closed(pack: ReviewPack, lang: str, kind: str, deals: list[ClosedDeal]) -> Section:
    if kind == "won":
        headers = _headers(lang, "ref", "customer", "opportunity", "owner", "amount", "signed", "contract")
        rows = [[d.reference, d.customer, d.name, _name(pack, d.owner), amount(d.amount), d.day.isoformat(),
                 d.detail] for d in deals]  # fmt: skip
    else:
        headers = _headers(lang, "ref", "customer", "opportunity", "owner", "amount", "lost_on", "reason",
                           "stage")  # fmt: skip
        rows = [[d.reference, d.customer, d.name, _name(pack, d.owner), amount(d.amount), d.day.isoformat(),
                 d.detail, label("stage", d.stage, lang)] for d in deals]  # fmt: skip
    notes = [text("count", lang, n=len(deals), amount=amount(sum((d.amount for d in deals), Decimal(0))))]
    return Section(kind, text(kind, lang), headers, rows, empty=text("none", lang), notes=notes)


def _lost_reasons(pack: ReviewPack, lang: str) -> Section:
    report = pack.lost_reasons
    rows = [
        [
            _total_label(r["reason"], lang),
            str(r["lost"]),
            pct(r["lost_share_pct"]),
            amount(r["amount"]),
            pct(r["amount_share_pct"]),
        ]  # fmt: skip
        for r in report.rows
    ]
    if len(rows) == 1 and report.rows[0]["lost"] == 0:
        rows = []  # only an empty total row
    headers = _headers(lang, "reason", "lost_count", "share", "amount", "amount_share")
    bars = [Bar(_total_label(b.label, lang), b.value, note=b.note) for b in report_bars(report, lang)]
    return Section("lost_reasons", text("lost_reasons", lang), headers, rows, empty=text("none", lang),
                   chart="bars", bars=bars)  # fmt: skip


def _industry(pack: ReviewPack, lang: str) -> Section:
    report = pack.industry
    tiers = report.columns[2:-3]
    rows = [
        [
            _total_label(r["industry"], lang),
            str(r["customers"]),
            *(str(r[t]) for t in tiers),
            pct(r["customer_share_pct"]),
            amount(r["won"]),
            pct(r["won_share_pct"]),
        ]  # fmt: skip
        for r in report.rows
    ]
    headers = [text("industry_col", lang), text("customers", lang), *tiers, text("share", lang),
               text("won_amount", lang), text("amount_share", lang)]  # fmt: skip
    bars = [
        Bar(
            _total_label(r["industry"], lang),
            r["customers"],
            note=f"{text('won_amount', lang)} {amount(r['won'])}",
        )
        for r in report.rows
        if r["industry"] != TOTAL
    ]
    return Section("industry", text("industry", lang), headers, rows, chart="bars", bars=bars)


def _activity(pack: ReviewPack, lang: str) -> Section:
    counts = ["followups", *CHANNELS.keys, "tasks_on_time", "tasks_late", "overdue_now"]
    rows = [[_name(pack, r["member"]), *(str(r[c]) for c in counts)] for r in pack.activity.rows]
    headers = [
        text("member", lang), text("followups", lang), *(label("channel", c, lang) for c in CHANNELS.keys),
        text("tasks_on_time", lang), text("tasks_late", lang), text("overdue_now", lang),
    ]  # fmt: skip
    bars = [Bar(_name(pack, r["member"]), r["followups"]) for r in pack.activity.rows]
    return Section("activity", text("activity", lang), headers, rows, empty=text("none", lang),
                   chart="bars", bars=bars)  # fmt: skip


def _what(reminder: Reminder, lang: str) -> str:
    if reminder.kind == "cadence":
        return text("cadence", lang, tier=reminder.tier, days=reminder.limit_days)
    via = label("channel", reminder.via, lang) + " " if reminder.via else ""
    return f"{via}{reminder.what}"


def _overdue(pack: ReviewPack, lang: str) -> Section:
    rows = [
        [r.reference, r.customer_name, _name(pack, r.owner), _what(r, lang), _day(r.due), str(r.days)]
        for r in pack.overdue
    ]
    headers = _headers(lang, "ref", "customer", "owner", "what", "due", "days_overdue")
    return Section("overdue", text("overdue", lang), headers, rows, empty=text("none", lang))


def _day(when: Any) -> str:
    return when.isoformat()[:10]


def _stale(pack: ReviewPack, lang: str) -> Section:
    rows = [
        [
            r.reference,
            r.customer_name,
            r.what,
            _name(pack, r.owner),
            label("stage", r.detail, lang),
            _day(r.since),
            str(r.days),
        ]  # fmt: skip
        for r in pack.stale
    ]
    headers = _headers(lang, "ref", "customer", "opportunity", "owner", "stage", "since", "idle_days")
    return Section("stale", text("stale", lang), headers, rows, empty=text("none", lang))


def _saved_filter(pack: ReviewPack, lang: str) -> Section:
    saved = pack.saved_filter
    title = f"{text('saved_filter', lang)}: {saved.name}"
    headers = _headers(lang, "ref", "customer", "tier", "industry_col", "owner", "tags")
    if saved.expression is None:
        return Section("saved_filter", title, headers, [], empty=text("no_filter", lang, name=saved.name))
    rows = [[c.id, c.name, c.tier, c.industry or "", _name(pack, c.owner), ", ".join(c.tags)]
            for c in saved.customers]  # fmt: skip
    notes = [f"{text('filter_expr', lang)}: {saved.expression}"]
    return Section("saved_filter", title, headers, rows, empty=text("none", lang), notes=notes)


def _tier_proposals(pack: ReviewPack, lang: str) -> Section:
    rows = [
        [
            p.customer.id,
            p.customer.name,
            _name(pack, p.customer.owner),
            p.from_tier,
            p.to_tier,
            amount(p.amount),
            text("pinned", lang) if p.pinned else "",
        ]  # fmt: skip
        for p in pack.tier_proposals
    ]
    headers = _headers(lang, "ref", "customer", "owner", "from", "to", "won_12m", "note")
    return Section("tiers", text("tiers", lang), headers, rows, empty=text("none", lang))


def _tier_moves(pack: ReviewPack, lang: str) -> Section:
    rows = [
        [
            m.change.at.isoformat(),
            m.customer.id,
            m.customer.name,
            m.change.from_tier,
            m.change.to_tier,
            say(m.change.reason, lang),
        ]  # fmt: skip
        for m in pack.tier_moves
    ]
    headers = _headers(lang, "date", "ref", "customer", "from", "to", "reason")
    return Section("tier_moves", text("tier_moves", lang), headers, rows, empty=text("none", lang))


def _receivables(pack: ReviewPack, lang: str) -> Section:
    columns = ["owed", "not_due", "overdue", "days_0_30", "days_31_60", "days_61_90", "days_over_90"]
    rows = [[_total_label(r["member"], lang) if r["member"] == TOTAL else _name(pack, str(r["member"])),
             *(amount(r[c]) for c in columns)] for r in pack.receivables.rows]  # fmt: skip
    bars = [Bar(_name(pack, str(r["member"])), r["owed"], note=amount(r["overdue"]))
            for r in pack.receivables.rows if r["member"] != TOTAL]  # fmt: skip
    headers = _headers(lang, "member", "owed", "not_due", "overdue_amount", *columns[3:])
    return Section("receivables", text("receivables", lang), headers, rows, empty=text("none", lang),
                   chart="bars", legend=text("overdue_tick", lang), bars=bars)  # fmt: skip


def _forecast(pack: ReviewPack, lang: str) -> Section:
    columns = ["target", "won", "commit", "best_case", "pipeline", "remaining_target"]
    rows = [[_total_label(r["member"], lang) if r["member"] == TOTAL else _name(pack, str(r["member"])),
             *(amount(r[c]) for c in columns), "" if r["coverage"] is None else str(r["coverage"])]
            for r in pack.forecast.rows]  # fmt: skip
    bars = [Bar(_name(pack, str(r["member"])), r["commit"], r["target"] or None, amount(r["best_case"]))
            for r in pack.forecast.rows if r["member"] != TOTAL]  # fmt: skip
    headers = _headers(lang, "member", "target", "won_amount", "commit", "best_case", "pipeline_amount",
                       "remaining_target", "coverage")  # fmt: skip
    title = text("forecast", lang, quarter=pack.forecast.period)
    return Section(
        "forecast", title, headers, rows, chart="bars", legend=text("forecast_tick", lang), bars=bars
    )
