"""listrows.Row: what lists and queries read of a customer, as plain cache data."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import msgpack
from hypothesis import given
from hypothesis import strategies as st

from salescrm.core import deals
from salescrm.core.listrows import deal_of, row_from_data, row_of, row_to_data
from salescrm.core.model import Contact, StageMove
from tests.scenario import customer, deal, followups

DAY = date(2026, 11, 27)


def test_a_row_holds_what_the_list_prints_and_survives_msgpack() -> None:
    c = customer("CRM202601001", "甲", tier="B", tags=["需求明确"], followups=followups(3, DAY),
                 opportunities=[deal("O1", [("lead", "2026-01-05"), ("won", "2026-03-01")],
                                     amount="120000", signed=("118000.50", "2026-03-01"))])  # fmt: skip
    c.contacts = [
        Contact("李总", email="li@example.com"),
        Contact("王经理", phone="13800138000", primary=True),
    ]
    row = row_of(c)
    assert (row.contact, row.phone, row.created_day, row.tags) == (
        "王经理",
        "13800138000",
        date(2026, 1, 5),
        ["需求明确"],
    )
    assert list(row.followup_days) == [(DAY - timedelta(days=d)).toordinal() for d in (14, 7, 0)]
    [won] = row.deals
    assert (won.stage, won.amount, won.won, won.won_value) == (
        "won",
        "120000",
        date(2026, 3, 1).toordinal(),
        "118000.50",
    )
    data = msgpack.unpackb(msgpack.packb(row_to_data(row), use_bin_type=True), raw=False)
    assert row_from_data(data) == row


def test_counts_and_sums_over_windows() -> None:
    c = customer("CRM202601001", "甲", created=date(2026, 1, 5), followups=followups(3, DAY, every_days=10),
                 opportunities=[deal("O1", [("lead", "2026-01-05"), ("won", "2026-03-01")],
                                     signed=("100000", "2026-03-01")),
                                deal("O2", [("lead", "2026-02-05"), ("won", "2026-11-01")],
                                     signed=("50000", "2026-11-01"))])  # fmt: skip
    row = row_of(c)
    today = DAY.toordinal()
    assert row.followups_between(today - 10, today) == 1  # the one 10 days back is outside
    assert row.followups_between(0, today - 1) == 2
    assert row.last_contact(today - 1) == today - 10
    assert row.last_contact(today - 100) == date(2026, 1, 5).toordinal()  # none yet: the first contact
    assert row.won_between(date(2026, 3, 1).toordinal(), today) == Decimal("50000")
    assert row.won_between(0, today) == Decimal("150000")


def test_partial_rows_leave_the_long_lists_empty() -> None:
    c = customer(
        "CRM202601001",
        "甲",
        followups=followups(2, DAY),
        opportunities=[deal("O1", [("lead", "2026-01-05")])],
    )
    row = row_of(c, followups=False, deals=False)
    assert (list(row.followup_days), row.deals) == ([], [])
    assert row._replace(followup_data=b"", deal_data="") == row_of(c)._replace(
        followup_data=b"", deal_data=""
    )


STAGES = ["lead", "needs_analysis", "proposal", "negotiation", "won", "lost"]


@given(
    moves=st.lists(st.tuples(st.sampled_from(STAGES), st.integers(0, 40)), max_size=6),
    created=st.one_of(st.none(), st.integers(0, 40)),
    day=st.integers(-5, 45),
)
def test_the_stage_on_a_day_is_the_one_deals_computes(
    moves: list[tuple[str, int]], created: int | None, day: int
) -> None:
    start = date(2026, 1, 1)
    opp = deal("O1", [("lead", "2026-01-01")])
    opp.stage_history = [StageMove(stage, start + timedelta(days=d), "zhang.wei") for stage, d in moves]
    opp.stage = moves[-1][0] if moves else "proposal"
    opp.created = None if created is None else start + timedelta(days=created)
    c = customer("CRM202601001", "甲", created=start + timedelta(days=3))
    on = start + timedelta(days=day)
    assert deal_of(opp, c).stage_on(on.toordinal()) == deals.stage_on(opp, c, on)
