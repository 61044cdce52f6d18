"""Reminders from a customer's Facts equal reminders from the whole customer, and the
cache hands out Facts that equal those of the files."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from salescrm.core.parse import day_of
from salescrm.core.reminders import (
    build_digests,
    calendar_reminders,
    concerning,
    facts_from_data,
    facts_of,
    facts_to_data,
)
from salescrm.store.datadir import DataDir
from salescrm.store.generate import Plan, generate
from salescrm.store.index import pack, unpack

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    target = tmp_path_factory.mktemp("sample") / "data"
    shutil.copytree(ROOT / "data", target)
    return DataDir(target)


def _full(datadir: DataDir) -> list:  # type: ignore[type-arg]
    return [datadir.read_customer(i) for i in datadir.customer_ids()]


@pytest.mark.parametrize("days", [-400, -60, -7, 0, 3, 30, 200])
def test_facts_give_the_same_digests(sample: DataDir, days: int) -> None:
    customers = _full(sample)
    facts = [facts_from_data(unpack(pack(facts_to_data(facts_of(c))), tuples=True)) for c in customers]
    as_of = datetime(2026, 11, 27, 9, 0) + timedelta(days=days)
    for within in (0, 7, 60):
        assert build_digests(facts, sample.config, as_of, within) == build_digests(
            customers, sample.config, as_of, within
        )
    assert calendar_reminders(facts, sample.config, as_of) == calendar_reminders(
        customers, sample.config, as_of
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    target = tmp_path_factory.mktemp("generated") / "data"
    generate(target, Plan(80, seed=11), workers=1)
    return DataDir(target)


@pytest.mark.parametrize("team", ["sample", "generated"])
def test_one_members_digest_from_the_customers_concerning_them(
    team: str, request: pytest.FixtureRequest
) -> None:
    datadir: DataDir = request.getfixturevalue(team)
    config = datadir.config
    facts = [facts_of(c) for c in _full(datadir)]
    found = 0
    for days in (-30, 0, 45):
        as_of = datetime(2026, 11, 27, 9, 0) + timedelta(days=days)
        for within in (0, 7):
            everyone = build_digests(facts, config, as_of, within)
            for member in config.members:
                mine = build_digests(concerning(facts, member.id, config), config, as_of, within)
                assert mine.get(member.id) == everyone.get(member.id), (member.id, as_of, within)
                found += member.id in everyone
    assert found > 10  # the comparison saw real digests (managers' escalations among them)


def test_tasks_and_deals_on_someone_elses_customers_concern_their_owners(sample: DataDir) -> None:
    # Customers owned by someone outside the team: only the tasks' and deals' own owners
    # (and the task owners' managers) make them concern a member.
    config = sample.config
    facts = [facts_of(c)._replace(owner="outsider") for c in _full(sample)]
    as_of = datetime(2027, 3, 1, 9, 0)  # long after: tasks escalated, deals stale
    everyone = build_digests(facts, config, as_of)
    members = [m.id for m in config.members if m.id in everyone]
    assert {"escalated", "stale", "overdue"} <= {
        name for m in members for name, items in everyone[m].sections() if items
    }
    for member in members:
        assert build_digests(concerning(facts, member, config), config, as_of).get(member) == everyone[member]


def test_facts_round_trip_through_plain_data(sample: DataDir) -> None:
    for customer in _full(sample):
        facts = facts_of(customer)
        kept = unpack(pack(facts_to_data(facts)), tuples=True)  # as the cache keeps them
        assert facts_from_data(kept) == facts
    big = sample.read_customer("CRM202405001")
    assert len(big.followups) > 20 and len(facts_to_data(facts_of(big))) == 17  # not one a follow-up


def test_the_cache_hands_out_facts(sample: DataDir) -> None:
    cold, problems = sample.load_summaries("remind", date.max)
    warm, _ = sample.load_summaries("remind", date.max)
    expected = [facts_of(c) for c in _full(sample)]
    assert cold == expected and warm == expected and problems == []
    as_of = date(2026, 11, 27)
    assert build_digests(warm, sample.config, as_of) == build_digests(_full(sample), sample.config, as_of)


@pytest.mark.parametrize("escalate_after", [-5, 0, 3])
@pytest.mark.parametrize("days", [-60, 0, 30])
def test_digests_file_every_follow_up_the_rules_make(sample: DataDir, escalate_after: int, days: int) -> None:
    """The digests build only the follow-ups and installments they keep: the same as filing every one."""
    config = dataclasses.replace(sample.config, escalate_after_days=escalate_after)
    managers = {m.id: m.manager for m in config.members}
    customers = _full(sample)
    as_of = date(2026, 11, 27) + timedelta(days=days)
    for within in (0, 7, 60):
        expected: dict[tuple[str, str], list[str]] = {}
        for r in calendar_reminders(customers, config, as_of):
            if r.kind not in ("task", "cadence", "payment"):
                continue
            section = "overdue" if r.days > 0 else "today" if r.days == 0 else "upcoming"
            if section != "upcoming" or -r.days <= within:
                expected.setdefault((r.owner, section), []).append(r.reference)
            if r.kind in ("task", "payment") and r.days > escalate_after and managers.get(r.owner):
                expected.setdefault((managers[r.owner], "escalated"), []).append(r.reference)
        digests = build_digests(customers, config, as_of, within)
        found = {
            (owner, section): [r.reference for r in items]
            for owner, digest in digests.items()
            for section, items in digest.sections()
            if items and section in ("overdue", "today", "upcoming", "escalated")
        }
        assert {key: sorted(refs) for key, refs in found.items()} == {
            key: sorted(refs) for key, refs in expected.items()
        }
        tasks = [r for digest in digests.values() for r in digest.escalated if r.kind == "task"]
        assert bool(tasks) == (days >= 0)


def test_upcoming_follow_ups_sort_by_day_then_reference(sample: DataDir) -> None:
    digests = build_digests(_full(sample), sample.config, date(2026, 11, 27), within=60)
    upcoming = [r for d in digests.values() for r in d.upcoming]
    assert len(upcoming) > 5
    for d in digests.values():
        assert d.upcoming == sorted(d.upcoming, key=lambda r: (day_of(r.due), r.reference))
        assert d.overdue == sorted(d.overdue, key=lambda r: (-r.days, r.reference))
