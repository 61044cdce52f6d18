"""The daily writes that used to read every customer's record read rows instead: `opp won`
and `opp amend --contract` the deal rows (contract numbers), `pool claim` the reminder facts
(owners) and the customers with an event that day (claims), `member leave` the reminder facts
(open deals and tasks). Each answer from rows equals the answer from whole records, over
generated customers with colliding contract numbers, owners, tasks and claims."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescrm.core import pool
from salescrm.core.config import Config, Member
from salescrm.core.dealrows import rows_of
from salescrm.core.errors import CrmError
from salescrm.core.labels import CLOSED_STAGES
from salescrm.core.model import Change, Contract, Customer
from salescrm.core.pool_rules import PoolRules
from salescrm.core.reminders import facts_of
from salescrm.core.stages import contract_key, taken_contracts
from salescrm.core.timeline import last_event_day
from salescrm.store.generate import Plan, build_customer

PEOPLE = ["zhang.wei", "wang.fang", "li.na", "chen.jie", pool.POOL]
NUMBERS = ["HT-2024-031", "ht-2024-031", "ＨＴ-2024-031", "HT〔2026〕101号", "HT[2026]101号", "HT-9"]
NOW = datetime(2026, 11, 27, 15, 0)


@st.composite
def teams(draw: st.DrawFn) -> list[Customer]:
    """A few generated customers, then owners, deal and task owners, archiving, contract
    numbers (alike in case, width and brackets) and owner changes from the pool redrawn."""
    plan = Plan(draw(st.integers(1, 8)), seed=draw(st.integers(0, 50)))
    team = [build_customer(plan, i) for i in range(plan.customers)]
    for c in team:
        c.owner = draw(st.sampled_from(PEOPLE))
        c.archived = draw(st.booleans())
        for o in c.opportunities:
            o.owner = draw(st.sampled_from(PEOPLE[:-1]))
            if draw(st.booleans()):
                number = draw(st.sampled_from(NUMBERS))
                o.contract = Contract(number, o.amount, "全款", o.close)
        for t in c.tasks:
            t.owner = draw(st.sampled_from(PEOPLE[:-1]))
            t.status = draw(st.sampled_from(["open", "done"]))
        for _ in range(draw(st.integers(0, 2))):
            at = NOW - timedelta(days=draw(st.integers(0, 2)), hours=draw(st.integers(0, 12)))
            new, by = draw(st.sampled_from(PEOPLE[:-1])), draw(st.sampled_from(PEOPLE[:-1]))
            c.changes.append(Change(at, by, "owner", pool.POOL, new))
    return team


def taken_from_records(customers: list[Customer]) -> dict[str, str]:
    """What ``taken_contracts`` answered when it read every record."""
    taken: dict[str, str] = {}
    for customer in customers:
        for o in customer.opportunities:
            if o.contract:
                taken.setdefault(contract_key(o.contract.number), f"{customer.id}-{o.id}")
    return taken


def holds_in_record(customer: Customer, member: str) -> bool:
    """What ``pool.holds`` answered when it read the record."""
    return not customer.archived and (
        customer.owner == member
        or any(o.owner == member and o.stage not in CLOSED_STAGES for o in customer.opportunities)
        or any(t.owner == member and t.status == "open" for t in customer.tasks)
    )


@settings(max_examples=60, deadline=None)
@given(teams())
def test_taken_contracts_from_deal_rows_equal_those_from_records(team: list[Customer]) -> None:
    assert taken_contracts([rows_of(c) for c in team]) == taken_from_records(team)


@settings(max_examples=60, deadline=None)
@given(teams(), st.sampled_from(PEOPLE[:-1]))
def test_who_holds_what_from_facts_equals_from_records(team: list[Customer], leaver: str) -> None:
    from_facts = [facts.id for facts in map(facts_of, team) if pool.holds(facts, leaver)]
    assert from_facts == [c.id for c in team if holds_in_record(c, leaver)]


def outcome(check: object, *args: object) -> str:
    try:
        check(*args)  # type: ignore[operator]
    except CrmError as refused:
        return f"{type(refused).__name__}: {refused.message}"
    return "claimed"


@settings(max_examples=80, deadline=None)
@given(teams(), st.sampled_from(["zhang.wei", "wang.fang", "li.na"]), st.integers(0, 3), st.integers(1, 3))
def test_claim_limits_from_facts_and_todays_customers_equal_those_from_records(
    team: list[Customer], member: str, most: int, per_day: int
) -> None:
    config = Config(
        members=[
            Member("li.na", "李娜", role="manager"),
            Member("zhang.wei", "张伟"),
            Member("wang.fang", "王芳"),
        ],
        pool=PoolRules(max_customers=most, claims_per_day=per_day),
    )
    claimed = copy.deepcopy(team[0])
    claimed.owner, claimed.archived = pool.POOL, False
    recent = [c for c in team if last_event_day(c) >= NOW.date()]  # what the index's column picks
    facts = [facts_of(c) for c in team]
    whole = outcome(pool.check_claim, claimed, config.member(member), config, team, team, NOW)
    assert outcome(pool.check_claim, claimed, config.member(member), config, facts, recent, NOW) == whole


def test_the_generated_claims_reach_the_limits() -> None:
    """The property above meets refusals, not only claims (else it could not fail)."""
    team = [build_customer(Plan(3, seed=1), i) for i in range(3)]
    for c in team:
        c.owner = "zhang.wei"
        c.changes.append(Change(NOW - timedelta(hours=1), "zhang.wei", "owner", pool.POOL, "zhang.wei"))
    config = Config(members=[Member("zhang.wei", "张伟")], pool=PoolRules(max_customers=9, claims_per_day=3))
    claimed = copy.deepcopy(team[0])
    claimed.owner = pool.POOL
    recent = [c for c in team if last_event_day(c) >= NOW.date()]
    assert len(recent) == 3
    with pytest.raises(CrmError, match="claimed 4 customers on 2026-11-27"):
        pool.check_claim(claimed, config.member("zhang.wei"), config, map(facts_of, team), recent, NOW)
    assert date(2026, 11, 27) == NOW.date()
