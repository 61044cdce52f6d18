"""``remind`` worked out in SQL (store/remind_index.py) equals the rules run in Python over every
customer's facts (``core.reminders.build_digests``, the reference): over random facts and team
rules in an index of their own, and over generated teams read through ``DataDir`` at several
as-of days (customers with later events rewound), for the whole team and for each member."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salescrm.core.config import Config
from salescrm.core.pool_rules import RecycleRule
from salescrm.core.reminders import (
    Due,
    Facts,
    build_digests,
    concerning,
    due_digests,
    least_days,
    people_of,
)
from salescrm.store import index, remind_index
from salescrm.store.datadir import DataDir
from salescrm.store.generate import Plan, generate

ROOT = Path(__file__).resolve().parent.parent.parent
TODAY = date(2026, 11, 27).toordinal()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    target = tmp_path_factory.mktemp("sample") / "data"
    shutil.copytree(ROOT / "data", target)
    return DataDir(target)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    target = tmp_path_factory.mktemp("generated") / "data"
    generate(target, Plan(120, seed=5), workers=1)
    return DataDir(target)


def _reference(datadir: DataDir, as_of: date, within: int, member: str | None) -> dict[str, Any]:
    """The Python path remind took before: every customer's facts, rewound, through the rules."""
    facts, _ = datadir.load_summaries("remind", as_of)
    if member is not None:
        facts = concerning(facts, member, datadir.config)
    return build_digests(facts, datadir.config, as_of, within)


def _pushed(datadir: DataDir, as_of: date, within: int, member: str | None) -> dict[str, Any]:
    config = datadir.config
    people = None if member is None else people_of(member, config)
    due, _ = datadir.reminders_due(as_of, least_days(config, within), people)
    if member is not None:
        due = due._replace(
            rare=concerning(due.rare, member, config), whole=concerning(due.whole, member, config)
        )
    return due_digests(due, config, as_of, within)


@pytest.mark.parametrize("team", ["sample", "generated"])
@pytest.mark.parametrize("days", [-400, -120, -30, -1, 0, 15, 90, 400])
def test_the_index_finds_what_the_rules_find(team: str, days: int, request: pytest.FixtureRequest) -> None:
    datadir: DataDir = request.getfixturevalue(team)
    as_of = date(2026, 11, 27) + timedelta(days=days)
    seen = 0
    for within in (0, 7, 60):
        for member in [None, *(m.id for m in datadir.config.members)]:
            expected = _reference(datadir, as_of, within, member)
            found = _pushed(datadir, as_of, within, member)
            if member is not None:  # one member's digest is what remind prints of it
                assert found.get(member) == expected.get(member), (team, as_of, within, member)
            else:
                assert found == expected, (team, as_of, within)
            seen += bool(expected)
    assert seen  # the comparison saw real digests


def test_later_events_are_rewound_not_read_from_the_tables(generated: DataDir) -> None:
    as_of = date(2026, 6, 30)
    due, _ = generated.reminders_due(as_of, least_days(generated.config, 0))
    late = generated.index.late(as_of)
    assert late and {f.id for f in due.whole} <= late  # created after the day: none
    assert not late & {row[0] for rows in (due.tasks, due.cadence, due.payments, due.stale) for row in rows}


# -- random facts in an index of their own ------------------------------------------------------

MEMBERS = ("li.na", "zhang.wei", "wang.fang", "zhao.svc")
OWNERS = (*MEMBERS, "", "outsider")
TIERS = ("VIP", "A", "B", "C", "X")  # X: a tier the team's rules do not name
STAGES = ("lead", "needs_analysis", "proposal", "negotiation", "other")
TEXT = st.text(alphabet="ab张伟客户 \ud800", max_size=4)  # a lone surrogate: a customer held whole


# Days that meet the rules' limits (cadence 7, 14, 30, 90; stale 14, 21, 30; pool 60, 90, 180;
# warnings 7 ahead): a cadence due on a task's day, a pool clock one day ahead, a deal idle
# exactly its stage's days.
LIMITS = (0, 1, 6, 7, 8, 13, 14, 15, 20, 21, 22, 29, 30, 31, 53, 54, 59, 60, 61, 83, 90, 173, 180)
NEAR = sorted({TODAY + sign * k for k in LIMITS for sign in (-1, 1)})


def _day(draw: Any, spread: int = 40) -> int:
    """A day near TODAY, or one a limit away from it: days and limits often meet."""
    return draw(st.one_of(st.sampled_from(NEAR), st.integers(TODAY - spread, TODAY + spread // 4)))


def _moment(draw: Any, day: int) -> str:
    when = date.fromordinal(day)
    if draw(st.booleans()):
        return when.isoformat()
    return datetime(when.year, when.month, when.day, draw(st.integers(0, 23)), 30).isoformat(
        timespec="minutes"
    )


CADENCE = {"VIP": 7, "A": 14, "B": 30, "C": 90, "X": 90}  # data/salescrm.yaml's; X falls back to C


@st.composite
def facts(  # noqa: C901 - one small maker a kind of row
    draw: Any, number: int
) -> Facts:
    """A customer's facts whose days often meet the rules' limits exactly: its cadence due on
    its first task's day, a pool clock running out a day or a week ahead, a deal idle exactly
    its stage's days."""

    def rows(make: Any, most: int = 3) -> tuple[tuple[Any, ...], ...]:
        return tuple(make(i) for i in range(draw(st.integers(0, most))))

    def seldom(make: Any) -> tuple[tuple[Any, ...], ...]:
        """Rows for a rare rule, in one customer in four: another rare rule does not hide
        a customer the index should have named for this one."""
        return (make(0),) if draw(st.integers(0, 3)) == 0 else ()

    owners = st.sampled_from(OWNERS)
    tier = draw(st.sampled_from(TIERS + ("B", "C")))
    anchor = TODAY

    def near(days: int) -> int:
        """A day ``days`` (a limit) before a day around TODAY."""
        return anchor - days + draw(st.sampled_from([-1, 0, 1, 2, 7, 8]))

    def day(*limits: int, spread: int = 40) -> int:
        if draw(st.integers(0, 3)) == 0:
            return _day(draw, spread)
        return near(draw(st.sampled_from(limits)))

    last = None if draw(st.integers(0, 3)) == 0 else day(CADENCE[tier], 60, 90)
    first_contact = day(CADENCE[tier], 60, 90, spread=120)
    since = last or first_contact
    cadence_due = since + CADENCE[tier]

    def task(i: int) -> tuple[Any, ...]:
        due = draw(st.one_of(st.builds(lambda: _day(draw)), st.sampled_from([cadence_due, cadence_due + 1])))
        via = draw(st.sampled_from([None, "phone", "visit"]))
        return (f"T{i + 1}", _moment(draw, due), due, via, draw(TEXT), draw(TEXT), draw(owners))

    def deal(i: int) -> tuple[Any, ...]:
        return (f"O{i + 1}", draw(TEXT), draw(owners), draw(st.sampled_from(STAGES)), day(14, 21, 30))

    def news(i: int) -> tuple[Any, ...]:
        when = day(0, 1, -1, spread=20)
        return (f"B{i + 1}", _moment(draw, when), when, draw(owners), "after-sales", draw(TEXT))

    def claim(i: int) -> tuple[Any, ...]:
        when = day(0, 7, spread=30)
        return (_moment(draw, when), when, draw(owners), draw(owners), _moment(draw, when - 1))

    def installment(i: int) -> tuple[Any, ...]:
        return (f"O1-P{i + 1}", day(0, 3, 4), str(draw(st.integers(1, 9)) * 1000), draw(owners), draw(TEXT))

    def birthday(i: int) -> tuple[Any, ...]:
        when = date.fromordinal(day(0, -7, -8))  # within the birthday window, or just out of it
        return (draw(TEXT), when.month, draw(st.sampled_from([when.day, 29, 30, 31])), draw(TEXT))

    latest_next = draw(st.one_of(st.none(), st.builds(lambda: day(0)), st.just(cadence_due)))
    return Facts(
        f"CRM2026{number:05d}", draw(TEXT), tier, draw(owners), draw(st.booleans()), first_contact, last,
        latest_next, rows(task), seldom(birthday), rows(deal), seldom(news), day(60, 90, 180, spread=200),
        draw(st.one_of(st.none(), st.builds(lambda: day(180, spread=200)))), seldom(claim), rows(installment),
        seldom(lambda i: (f"O{i + 1}", "deal", draw(owners), "200", "100")),
    )  # fmt: skip


@st.composite
def teams(draw: Any) -> list[tuple[Facts, bool, bool]]:
    """Customers' facts, each usable or not, each with events after the day or not."""
    count = draw(st.integers(0, 12))
    return [(draw(facts(i)), draw(st.booleans()) or i % 3 > 0, draw(st.booleans()) and i % 2 > 0)
            for i in range(count)]  # fmt: skip


def _rules(sample: DataDir, escalate: int, warn: int, never_b: bool) -> Config:
    config = sample.config
    pool = config.pool
    recycle = {**pool.recycle, "B": RecycleRule()} if never_b else pool.recycle
    return dataclasses.replace(
        config, escalate_after_days=escalate, pool=dataclasses.replace(pool, warn_days=warn, recycle=recycle)
    )


def _index_of(team: list[tuple[Facts, bool, bool]]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", isolation_level=None)
    for statement in index._TABLES.split(";"):
        db.execute(statement)
    held: list[tuple[bytes | None, remind_index.Head, remind_index.Rows]] = []
    for i, (f, usable, late) in enumerate(team):
        name = f"{i:03d}.yaml".encode()
        last_event = TODAY + 1 if late else TODAY - 1000
        db.execute(
            "INSERT INTO files (name, read_ns, usable, customer_id, last_event) VALUES (?, 0, ?, ?, ?)",
            (name, int(usable), f.id.encode(), last_event),
        )
        rows = remind_index.rows_of(f)
        held.append((name, remind_index.head_of(usable, last_event, f.archived, rows), rows))
    remind_index.replace(db, [[n] for n, _, _ in held], held)
    return db


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    team=teams(),
    days=st.sampled_from([0, 0, 0, -1, 1, -7, 7]),
    within=st.sampled_from([0, 1, 7, 45]),
    escalate=st.integers(-3, 10),
    warn=st.sampled_from([7, 7, 0, 1, 30]),
    never_b=st.booleans(),
    member=st.sampled_from([None, *MEMBERS]),
)
def test_random_facts_give_the_digests_the_rules_give(
    sample: DataDir,
    team: list[tuple[Facts, bool, bool]],
    days: int,
    within: int,
    escalate: int,
    warn: int,
    never_b: bool,
    member: str | None,
) -> None:
    config = _rules(sample, escalate, warn, never_b)
    today = date.fromordinal(TODAY + days)
    usable = [f for f, ok, _ in team if ok]
    by_name = {f"{i:03d}.yaml".encode(): f for i, (f, _, _) in enumerate(team)}
    db = _index_of(team)
    # Customers with events after the day: the tables cannot say what they were then. Here
    # their "rewound" facts are their facts, so both sides must agree on them as well.
    later = {f.id for f, ok, late in team if ok and late and today.toordinal() < TODAY + 1}
    people = None if member is None else people_of(member, config)
    found = remind_index.due(db, config, today, least_days(config, within), people)
    assert {by_name[n].id for n in found.late} == later
    rare = [by_name[n] for n in found.rare]
    whole = [by_name[n] for n in (*found.whole, *found.late)]
    if member is not None:
        rare, whole = concerning(rare, member, config), concerning(whole, member, config)
    rows = found.rows
    due = Due(rows["tasks"], rows["cadence"], rows["payments"], rows["stale"], rare, whole)
    expected = build_digests(concerning(usable, member, config) if member else usable, config, today, within)
    digests = due_digests(due, config, today, within)
    if member is not None:
        assert digests.get(member) == expected.get(member)
    else:
        assert digests == expected
