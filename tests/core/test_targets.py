"""Targets: the yearly split, overrides, pro rata weeks, the team's sum, bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salescrm.core.errors import DamagedError, UsageError
from salescrm.core.periods import parse_period
from salescrm.core.targets import (
    Targets,
    parse_split,
    plan_year,
    targets_from_data,
    with_month,
    with_quarter,
    year_target_to_data,
)

D = Decimal


def test_an_even_split_gives_each_quarter_a_quarter_and_each_month_a_third_of_it() -> None:
    plan = plan_year(2026, D(1_200_000), parse_split("even"))
    assert plan.quarters == (D(300_000),) * 4
    assert plan.month_amounts() == [D(100_000)] * 12


def test_weights_split_the_year_and_the_last_quarter_takes_the_rounding() -> None:
    assert plan_year(2026, D(600_000), parse_split("4,3,2,1")).quarters == (
        D(240_000),
        D(180_000),
        D(120_000),
        D(60_000),
    )
    thirds = plan_year(2026, D(100_000), parse_split("1,1,1,0")).quarters
    assert thirds == (D("33333.33"), D("33333.33"), D("33333.34"), D(0))


def test_a_month_set_on_its_own_leaves_the_rest_of_its_quarter_to_the_others() -> None:
    plan = with_month(plan_year(2026, D(1_200_000), parse_split("even")), 9, D(120_000))
    assert plan.month_amounts()[6:9] == [D(90_000), D(90_000), D(120_000)]
    assert plan.quarters[2] == D(300_000)
    assert year_target_to_data(plan)["months"] == {9: 120000}


def test_a_quarter_override_makes_the_year_the_sum_of_its_quarters() -> None:
    plan = with_quarter(plan_year(2026, D(1_200_000), parse_split("even")), 3, D(450_000))
    assert plan.amount == D(1_350_000)
    assert plan.month_amounts()[6:9] == [D(150_000)] * 3


@pytest.mark.parametrize("split", ["1,2,3", "1,2,3,-4", "0,0,0,0", "a,b,c,d", "1,2,3,4,5"])
def test_bad_split_weights_are_refused(split: str) -> None:
    with pytest.raises(UsageError, match="bad --split"):
        parse_split(split)


def test_targets_for_any_period_and_the_team_sum() -> None:
    targets = targets_from_data({"zhang.wei": {2026: {"amount": 1200000}},
                                 "wang.fang": {2026: {"amount": 600000, "quarters": {"Q1": 240000, "Q2": 180000,
                                                                                     "Q3": 120000, "Q4": 60000}}}})  # fmt: skip
    assert targets.of("zhang.wei", parse_period("2026Q1")) == D(300_000)
    assert targets.of("zhang.wei", parse_period("2026-W48")) == D(23_333.33).quantize(D("0.01"))
    assert targets.of("zhang.wei", parse_period("2025")) is None
    assert targets.team(parse_period("2026Q1")) == D(540_000)
    assert targets.team_year(2026) is not None and targets.team_year(2026).quarters[3] == D(360_000)


def test_the_teams_own_target_wins_over_the_sum() -> None:
    targets = Targets()
    targets.plans = {"team": {2026: plan_year(2026, D(4_000_000), parse_split("even"))},
                     "zhang.wei": {2026: plan_year(2026, D(1_200_000), parse_split("even"))}}  # fmt: skip
    assert targets.team(parse_period("2026")) == D(4_000_000)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"zhang.wei": {2026: {"amount": -5}}},
            "targets.zhang.wei.2026.amount: expected a non-negative amount",
        ),
        ({"zhang.wei": {2026: {"amount": "lots"}}}, "targets.zhang.wei.2026.amount: expected an amount"),
        ({"zhang.wei": {"next": {"amount": 5}}}, "targets.zhang.wei.next: expected a year such as 2026"),
    ],
)
def test_a_damaged_targets_section_names_the_entry(raw: dict, message: str) -> None:
    with pytest.raises(DamagedError) as caught:
        targets_from_data(raw)
    assert message in caught.value.message
