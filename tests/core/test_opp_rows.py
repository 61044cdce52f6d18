"""``opp list`` from rows (core/opprows.py, what the index keeps) equals ``opp list`` from whole
customers (the filter over each customer's opportunities, as the command ran before the rows),
for random customers, options and days, as the index hands them out: a customer with events
after the day rewound and summarised again, the others summarised as they are."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from salescrm.cli.opp_view import list_rows
from salescrm.cli.render import Format
from salescrm.core.config import Config
from salescrm.core.labels import OPEN_STAGES, STAGES
from salescrm.core.model import Contract, Customer, FollowUp, Opportunity, StageMove
from salescrm.core.opportunities import OpportunityFilter, idle_days, is_stale, probability_of
from salescrm.core.opprows import filter_deals, opp_rows_of
from salescrm.core.timeline import customers_as_of, last_event_day
from salescrm.i18n import label
from salescrm.store.index import SUMMARIES

CONFIG = Config()
START = date(2026, 1, 1)
DAYS = st.integers(0, 120).map(lambda n: START + timedelta(days=n))
STAGE_NAMES = ("lead", "needs_analysis", "proposal", "negotiation", "won", "lost")
OWNERS = ("zhang.wei", "wang.fang")


@st.composite
def deals(draw: st.DrawFn, number: int, created: date) -> Opportunity:
    moves = sorted(draw(st.lists(st.tuples(DAYS, st.sampled_from(STAGE_NAMES)), max_size=3)))
    history = [StageMove(stage, max(day, created), "zhang.wei") for day, stage in moves]
    stage = history[-1].stage if history else draw(st.sampled_from(STAGE_NAMES))
    signed = history[-1].at if history else created
    return Opportunity(
        f"O{number}", f"商机{number}", draw(st.decimals(0, 10**7, places=2)), draw(DAYS),
        draw(st.sampled_from(OWNERS)), stage=stage,
        created=draw(st.none() | st.just(history[0].at if history else created)),
        probability=draw(st.none() | st.sampled_from([Decimal(0), Decimal("37.5"), Decimal(90)])),
        stage_history=history,
        contract=Contract(f"HT-{number}", Decimal(1000), "一次付清", signed) if stage == "won" else None,
        lost_reason="价格过高" if stage == "lost" else None,
    )  # fmt: skip


@st.composite
def customers(draw: st.DrawFn, number: int) -> Customer:
    created = draw(DAYS)
    times = st.integers(0, 100).map(
        lambda n: datetime.combine(created + timedelta(days=n), datetime.min.time())
    )
    followups = [FollowUp(f"F{i}", at, "phone", "zhang.wei", "报价已发送,客户确认了数量")
                 for i, at in enumerate(sorted(draw(st.lists(times, max_size=3))), 1)]  # fmt: skip
    return Customer(
        f"CRM2026010{number:02d}", f"客户{number}", "展会", "电脑", draw(st.sampled_from(OWNERS)), created,
        archived=draw(st.booleans()), followups=followups,
        opportunities=[draw(deals(i, created)) for i in range(1, draw(st.integers(0, 3)) + 1)],
    )  # fmt: skip


TEAMS = st.integers(1, 4).flatmap(lambda n: st.tuples(*(customers(i) for i in range(1, n + 1))))
FILTERS = st.builds(
    OpportunityFilter,
    stage=st.none() | st.sampled_from(["lead", "商务谈判", "won", "lost"]),
    owner=st.none() | st.sampled_from(OWNERS),
    customer=st.none() | st.just("CRM202601001"),
    open_only=st.booleans(),
    closing_before=st.none() | DAYS,
    stale_days=st.none() | st.integers(0, 40),
    stale_by_stage=st.booleans(),
)


def from_the_index(team: tuple[Customer, ...], day: date) -> list[Any]:
    """The rows ``DataDir.load_summaries("opps", day)`` hands out, through the index's data."""
    kind = SUMMARIES["opps"]
    rows = []
    for c in team:
        standing = [c] if last_event_day(c) <= day else customers_as_of(c, day)
        rows += [
            kind.from_data(kind.to_data(kind.of(customer)))
            for customer in standing
            if customer.created <= day
        ]
    return rows


def whole_record_rows(
    team: Iterable[Customer],
    wanted: OpportunityFilter,
    day: date,
    fmt: Format,
    config: Config = CONFIG,
    lang: str = "zh",
    where: Callable[[Customer, Opportunity], bool] | None = None,
) -> list[Any]:
    """What ``opp list`` printed before the rows: its filter and row over whole customers (and
    ``where``, its --where, over each deal of a whole customer)."""
    stage = STAGES.parse(wanted.stage) if wanted.stage else None
    pairs = [
        (c, o)
        for customer in team
        for c in customers_as_of(customer, day)
        if not wanted.customer or c.id == wanted.customer
        for o in c.opportunities
        if (where is None or where(c, o))
        and not (
            (stage and o.stage != stage)
            or (wanted.owner and o.owner != wanted.owner)
            or (wanted.open_only and o.stage not in OPEN_STAGES)
            or (wanted.closing_before and not o.close < wanted.closing_before)
            or (wanted.stale_days is not None and not is_stale(o, c, config, day, wanted.stale_days))
            or (wanted.stale_by_stage and not is_stale(o, c, config, day))
        )
    ]
    pairs.sort(key=lambda pair: (pair[1].close, pair[0].id, int(pair[1].id[1:])))
    return [
        {"opportunity": f"{c.id}-{o.id}", "customer": c.name, "customer_id": c.id, "name": o.name,
         "stage": o.stage if fmt == Format.json else label("stage", o.stage, lang), "amount": o.amount,
         "probability": probability_of(o, config), "close": o.close, "owner": o.owner,
         "idle_days": idle_days(o, c, day) if o.stage in OPEN_STAGES else None,
         "contract": o.contract.number if o.contract else None, "lost_reason": o.lost_reason}
        for c, o in pairs
    ]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(TEAMS, FILTERS, DAYS, st.sampled_from([Format.json, Format.table]))
def test_rows_list_what_whole_customers_list(
    team: tuple[Customer, ...], wanted: OpportunityFilter, day: date, fmt: Format
) -> None:
    rows = filter_deals(from_the_index(team, day), wanted, CONFIG, day)
    listed = list_rows(rows, CONFIG, day, "zh", fmt)
    assert listed == whole_record_rows(team, wanted, day, fmt)
    for printed in listed:  # each value of the type the whole record gives (the renderer formats by type)
        assert isinstance(printed["amount"], Decimal) and isinstance(printed["close"], date)


def test_a_deal_s_latest_activity_counts_its_moves_creation_and_the_customer_s_follow_ups() -> None:
    c = Customer("CRM202601001", "甲", "展会", "电脑", "zhang.wei", date(2026, 1, 1))
    c.opportunities = [
        Opportunity("O1", "甲", Decimal(1), date(2026, 6, 1), "zhang.wei", created=date(2026, 1, 5),
                    stage_history=[StageMove("lead", date(2026, 1, 5), "zhang.wei"),
                                   StageMove("proposal", date(2026, 2, 1), "zhang.wei")]),
        Opportunity("O2", "乙", Decimal(1), date(2026, 6, 1), "zhang.wei"),  # an old record: nothing dated
    ]  # fmt: skip
    rows = opp_rows_of(c)
    assert [d.idle_on(date(2026, 2, 11).toordinal()) for d in rows.deals] == [10, None]
    c.followups = [FollowUp("F1", datetime(2026, 2, 10, 9, 0), "phone", "zhang.wei", "确认了采购数量")]
    assert [d.idle_on(date(2026, 2, 11).toordinal()) for d in opp_rows_of(c).deals] == [1, 1]
