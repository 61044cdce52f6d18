"""``opp list`` reads rows from the index (core/opprows.py, the list rows for --where); for
random team histories (tests/timeline_scenarios.py), a cut day and every option, it prints what
the full-record path prints: every customer decoded, rewound to the day, each opportunity
filtered and --where run over the whole customer (tests/core/test_opp_rows.py holds that path)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from salescrm.cli.opp_view import LIST_COLUMNS
from salescrm.cli.render import Format, render
from salescrm.core.listrows import LiveDeal
from salescrm.core.model import Customer, Opportunity
from salescrm.core.opportunities import OpportunityFilter
from salescrm.core.query import parse_query, query_context
from salescrm.store.datadir import DataDir
from tests.core.test_opp_rows import whole_record_rows
from tests.timeline_scenarios import MANAGER, Builder, Histories, each_scenario, isolated_builder

# (options, the filter they mean for the acting manager, --where) for a day D
Line = tuple[list[str], OpportunityFilter, str | None]


def lines(day: date, first: str) -> list[Line]:
    before = day + timedelta(days=30)
    return [
        ([], OpportunityFilter(), None),
        (["--open", "--owner", "zhang.wei"], OpportunityFilter(owner="zhang.wei", open_only=True), None),
        (["--stage", "商务谈判"], OpportunityFilter(stage="商务谈判"), None),
        (["--closing-before", f"{before}"], OpportunityFilter(closing_before=before), None),
        (["--stale", "5"], OpportunityFilter(stale_days=5), None),
        (["--stale", "stage", "--owner", "me"], OpportunityFilter(stale_by_stage=True, owner=MANAGER), None),
        (["--customer", first], OpportunityFilter(customer=first), None),
        (["--where", "tier = B or amount >= 100000"], OpportunityFilter(), "tier = B or amount >= 100000"),
        (["--open", "--where", "stage = lead and owner = me"], OpportunityFilter(open_only=True),
         "stage = lead and owner = me"),
        (["--where", "followups(30d) >= 1 or days_since_contact > 20 or archived"], OpportunityFilter(),
         "followups(30d) >= 1 or days_since_contact > 20 or archived"),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def builder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builder]:
    with isolated_builder(tmp_path_factory) as made:
        yield made


def where_over_whole_customers(
    expression: str | None, day: date
) -> Callable[[Customer, Opportunity], bool] | None:
    if expression is None:
        return None
    query, context = parse_query(expression), query_context(day, MANAGER)
    return lambda c, o: query.matches_deal(query.row_of(c), LiveDeal(o, c), context)


def test_rows_print_what_whole_customers_print(builder: Builder) -> None:
    def same(histories: Histories, events: list[Any]) -> None:
        day, crm = histories.day, histories.full
        data = DataDir(crm.root)
        team = data.load_all().customers
        first = team[0].id if team else "CRM202601001"
        for options, wanted, where in lines(day, first):
            for fmt in (Format.json, Format.table):
                line = ["opp", "list", *options, "--as-of", f"{day}", "-f", fmt.value]
                result = crm(line)
                if wanted.customer and not any(c.id == first and c.created <= day for c in team):
                    assert result.exit_code == 3  # not there yet on that day
                    continue
                rows = whole_record_rows(team, wanted, day, fmt, data.config, "en",
                                         where_over_whole_customers(where, day))  # fmt: skip
                assert (result.exit_code, result.stdout) == (0, render(rows, LIST_COLUMNS, fmt, "en")), line

    each_scenario(builder, same)
