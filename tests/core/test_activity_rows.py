"""``report activity`` from the index's activity rows (core/activityrows.py) equals the report
counted over whole customers, the way it was counted before the rows existed (``_reference``):
over generated customers, periods, --by and --owner, and over a generated team read through
``DataDir`` at several days (customers with later events rewound)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescrm.core.activityrows import activity_from_data, activity_of, activity_to_data
from salescrm.core.config import Config, Member
from salescrm.core.model import Customer, FollowUp, Task
from salescrm.core.parse import day_of
from salescrm.core.periods import Period, buckets, parse_period
from salescrm.core.reports import TOTAL, Report
from salescrm.core.reports.activity import COLUMNS, COUNTS, activity
from salescrm.core.timeline import customers_as_of
from salescrm.store.datadir import DataDir
from salescrm.store.generate import Plan, generate
from salescrm.store.index import SUMMARIES, pack, unpack
from tests.scenario import customer

MEMBERS = ("zhang.wei", "wang.fang", "li.na")
CONFIG = Config(members=[Member("li.na", "李娜", dept="management", role="manager"),
                         Member("zhang.wei", "张伟"), Member("wang.fang", "王芳")])  # fmt: skip
PERIODS = ("2026", "2026Q4", "2026-11", "2026-12", "2026-W48", "2026-W01", "2025-12")
FIRST, LAST = date(2025, 11, 1), date(2027, 1, 31)


def _reference(
    customers: list[Customer], period: Period, as_of: date, by: str, owner: str | None, config: Config | None
) -> Report:
    """The report as counted over whole customers before activity rows (the oracle)."""
    parts = buckets(period, by)
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    overdue: Counter[str] = Counter()

    def count(member: str, day: date, what: str) -> None:
        if day in period and day <= as_of and owner in (None, member):
            counts[member, next(p.label for p in parts if day in p)][what] += 1

    for c in customers:
        for f in c.followups:
            count(f.by, day_of(f.at), "followups")
            count(f.by, day_of(f.at), f.via)
        for t in c.tasks:
            if t.status == "done":
                closed = day_of(t.closed or t.due)
                count(t.owner, closed, "tasks_on_time" if closed <= day_of(t.due) else "tasks_late")
            elif t.status == "open" and day_of(t.due) < as_of and owner in (None, t.owner):
                overdue[t.owner] += 1
    listed = {owner} if owner else {m.id for m in config.members if m.dept == "sales"} if config else set()
    rows: list[dict[str, Any]] = []
    for member in sorted({m for m, _ in counts} | set(overdue) | listed):
        mine = [label for m, label in sorted(counts) if m == member]
        rows += [{"member": member, "period": label, **{k: counts[member, label][k] for k in COUNTS}}
                 for label in mine]  # fmt: skip
        summed = sum((counts[member, label] for label in mine), Counter())
        rows.append({"member": member, "period": TOTAL, **{k: summed[k] for k in COUNTS},
                     "overdue_now": overdue[member]})  # fmt: skip
    return Report("activity", period.label, COLUMNS, rows)


DAYS = st.dates(FIRST, LAST)


def _when(draw: Any) -> date | datetime:
    day = draw(DAYS)
    return day if draw(st.booleans()) else datetime(day.year, day.month, day.day, draw(st.integers(0, 23)))


@st.composite
def customers(draw: Any) -> list[Customer]:
    team = []
    for n in range(draw(st.integers(0, 5))):
        c = customer(f"CRM2026{n:05d}", f"客户{n}", owner=draw(st.sampled_from(MEMBERS)))
        vias = st.sampled_from(["phone", "visit", "wechat", "email", "meeting", "other", "fax"])
        c.followups = [FollowUp(f"F{i + 1}", _when(draw), draw(vias), draw(st.sampled_from(MEMBERS)), "通话")
                       for i in range(draw(st.integers(0, 8)))]  # fmt: skip
        for i in range(draw(st.integers(0, 6))):
            status = draw(st.sampled_from(["open", "done", "done", "cancelled"]))
            due = _when(draw)
            closed = None
            if status != "open" and draw(st.integers(0, 4)):  # done without a closing moment: its due day
                closed = day_of(due) + timedelta(days=draw(st.integers(-3, 5)))
            c.tasks.append(Task(f"T{i + 1}", due, "phone", "报价", "确认价格", draw(st.sampled_from(MEMBERS)),
                                status, closed=closed))  # fmt: skip
        team.append(c)
    return team


@settings(max_examples=300, deadline=None)
@given(
    team=customers(),
    period=st.sampled_from(PERIODS),
    as_of=st.dates(date(2025, 12, 1), date(2027, 1, 15)),
    by=st.sampled_from(["week", "month"]),
    owner=st.sampled_from([None, *MEMBERS]),
    config=st.sampled_from([None, CONFIG]),
)
def test_rows_give_the_report_whole_customers_give(
    team: list[Customer], period: str, as_of: date, by: str, owner: str | None, config: Config | None
) -> None:
    chosen = parse_period(period)
    expected = _reference(team, chosen, as_of, by, owner, config)
    assert activity(team, chosen, as_of, by, owner, config) == expected
    # as the index holds them: packed, read back as tuples
    kind = SUMMARIES["activity"]
    rows = [activity_from_data(unpack(pack(activity_to_data(activity_of(c))), tuples=True)) for c in team]
    assert rows == [kind.of(c) for c in team]
    assert activity(rows, chosen, as_of, by, owner, config) == expected


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    target: Path = tmp_path_factory.mktemp("activity") / "data"
    generate(target, Plan(80, seed=11), workers=1)
    return DataDir(target)


@pytest.mark.parametrize("as_of", [date(2024, 6, 30), date(2025, 12, 31), date(2026, 11, 27)], ids=str)
def test_a_team_read_from_the_index_gives_the_report_its_customers_give(
    generated: DataDir, as_of: date
) -> None:
    rows, problems = generated.load_summaries("activity", as_of)
    whole = [rewound for c in generated.load_all().customers for rewound in customers_as_of(c, as_of)]
    assert problems == [] and len(rows) == len(whole)
    config = generated.config
    owners = [None, *sorted({c.owner for c in whole})[:2]]
    periods = [
        str(as_of.year),
        f"{as_of.year}-{as_of.month:02d}",
        f"{as_of.isocalendar()[0]}-W{as_of.isocalendar()[1]:02d}",
    ]
    counted = 0
    for period in map(parse_period, periods):
        for by in ("week", "month"):
            for owner in owners:
                expected = _reference(whole, period, as_of, by, owner, config)
                assert activity(rows, period, as_of, by, owner, config) == expected
                counted += sum(row["followups"] for row in expected.rows if row["period"] == TOTAL)
    assert counted > 0 or as_of.year < 2025  # the generated team works in the years read
