"""Reminders from a customer's Facts equal reminders from the whole customer, and the
cache hands out Facts that equal those of the files."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from salescrm.core.reminders import (
    build_digests,
    calendar_reminders,
    facts_from_data,
    facts_of,
    facts_to_data,
)
from salescrm.store.datadir import DataDir

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
    facts = [facts_from_data(facts_to_data(facts_of(c))) for c in customers]
    as_of = datetime(2026, 11, 27, 9, 0) + timedelta(days=days)
    for within in (0, 7, 60):
        assert build_digests(facts, sample.config, as_of, within) == build_digests(
            customers, sample.config, as_of, within
        )
    assert calendar_reminders(facts, sample.config, as_of) == calendar_reminders(
        customers, sample.config, as_of
    )


def test_facts_round_trip_through_plain_data(sample: DataDir) -> None:
    for customer in _full(sample):
        facts = facts_of(customer)
        assert facts_from_data(facts_to_data(facts)) == facts
    big = sample.read_customer("CRM202405001")
    assert len(big.followups) > 20 and len(facts_to_data(facts_of(big))) == 12


def test_the_cache_hands_out_facts(sample: DataDir) -> None:
    cold, problems = sample.load_facts()
    warm, _ = sample.load_facts()
    expected = [facts_of(c) for c in _full(sample)]
    assert cold == expected and warm == expected and problems == []
    as_of = date(2026, 11, 27)
    assert build_digests(warm, sample.config, as_of) == build_digests(_full(sample), sample.config, as_of)
