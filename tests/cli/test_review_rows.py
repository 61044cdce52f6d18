"""``report review`` reads rows from the index (deal and activity rows, remind's query, list
rows, money rows: cli/review.py), and prints byte for byte the pack built from the whole
customers as they stood that day (``core.review.review_pack`` of customers, the reference):
over the sample data and a generated team, at several days, periods and owners."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from salescrm.core.periods import parse_period
from salescrm.core.query import parse_query
from salescrm.core.review import HIGH_POTENTIAL, review_pack
from salescrm.core.targets import targets_from_data
from salescrm.core.timeline import customers_as_of
from salescrm.formats.review_html import review_html
from salescrm.formats.review_md import review_markdown
from salescrm.store.datadir import DataDir
from salescrm.store.generate import Plan, generate
from tests.conftest import Crm

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Crm:
    target = tmp_path_factory.mktemp("sample") / "data"
    shutil.copytree(ROOT / "data", target)
    return Crm(target, user="li.na")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Crm:
    target = tmp_path_factory.mktemp("generated") / "data"
    generate(target, Plan(80, seed=7), workers=1)
    config = DataDir(target).config
    return Crm(target, user=next(m.id for m in config.members if m.role == "manager"))


def _reference(crm: Crm, period: str, day: date, owner: str | None, fmt: str) -> str:
    """The pack of the customers as they stood on ``day``, each decoded whole."""
    datadir = DataDir(crm.root)
    config = datadir.config
    whole = [rewound for c in datadir.load_all().customers for rewound in customers_as_of(c, day)]
    expression = config.filters.get(HIGH_POTENTIAL)
    me = crm.user if expression and parse_query(expression).uses_me else None
    pack = review_pack(whole, config, targets_from_data(config.targets), parse_period(period), day, owner,
                       HIGH_POTENTIAL, me)  # fmt: skip
    text = review_html(pack, crm.lang or "en") if fmt == "html" else review_markdown(pack, crm.lang or "en")
    return text


CASES = [
    ("2026-11", date(2026, 11, 27), None, "md"),
    ("2026-W48", date(2026, 11, 27), None, "md"),
    ("2026", date(2026, 11, 27), None, "html"),
    ("2026Q1", date(2026, 2, 10), None, "md"),
    ("2025-12", date(2025, 12, 31), None, "md"),
    ("2025", date(2025, 6, 30), None, "md"),
    ("2026-11", date(2026, 11, 27), "owner", "md"),
]


@pytest.mark.parametrize("team", ["sample", "generated"])
@pytest.mark.parametrize(("period", "day", "owner", "fmt"), CASES)
def test_the_pack_from_rows_equals_the_pack_of_whole_customers(
    request: pytest.FixtureRequest, team: str, period: str, day: date, owner: str | None, fmt: str
) -> None:
    crm: Crm = request.getfixturevalue(team)
    if owner is not None:  # a sales member who owns customers
        owner = min(c.owner for c in DataDir(crm.root).load_all().customers if c.owner)
    args = ["report", "review", "--period", period, "--as-of", day.isoformat(), "-f", fmt]
    printed = crm.ok([*args, *(["--owner", owner] if owner else [])])
    expected = _reference(crm, period, day, owner, fmt)
    assert printed == expected
    assert len(printed) > 1000
