"""Queries on the rows kept in the cache index pick exactly what the query language picks on
whole customers, judged by the getters the language had before rows (``core/deals.py`` on
the parsed records)."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from salescrm.core import deals
from salescrm.core.listrows import Row, row_of
from salescrm.core.model import Customer, Opportunity
from salescrm.core.parse import day_of
from salescrm.core.query import And, Compare, Node, Not, Or, Query, QueryContext, parse_query, query_context
from salescrm.store import index
from salescrm.store.datadir import DataDir
from salescrm.store.generate import Plan, generate

ROOT = Path(__file__).resolve().parents[2]

EXPRESSIONS = [
    "tier = B and followups(3m) > 5 and tag = 需求明确",  # the sample team's saved filters
    "tier in (VIP, A) and days_since_contact > 14",
    "tier = B",
    "tier != C or pinned",
    "owner = me",
    "owner in (zhang.wei, wang.fang) and not tag = 价格敏感",
    "tag ~ 需求 or tags = 急需采购",
    "tag != 重点客户",
    "industry = IT服务 or industry = 制造业 or industry = 金融",
    "size in (large, enterprise) and source ~ 展会",
    "name ~ 科技 or needs ~ 采购 or id = CRM202405001",
    "archived",
    "archived or followups(1y) >= 3",
    "followups > 4",
    "followups(30d) >= 1",
    "followups(2w) = 0 and followups(1y) > 0",
    "followups(6m) < 3",
    "days_since_contact > 30",
    "days_since_contact <= 7",
    "created < 2025-01-01",
    "created >= 2026-03-01",
    "won > 0",
    "won(1y) >= 100000",
    "won(3m) > 0 or won(9999y) > 1000000",
    "stage = negotiation",
    "stage in (proposal, negotiation) and amount >= 100000",
    "stage != won and stage != lost and close <= 2026-12-31",
    "stage = lead",
    "amount > 50万",
    "amount <= 80000 and probability >= 40",
    "probability < 20",
    "opp_owner = zhang.wei and stage = won",
    "opened > 2026-06-01",
    "opened <= 2025-12-31 and not stage in (won, lost)",
    "not (tier = C or amount < 200000)",
]
AS_OF = [date(2026, 11, 27), date(2025, 6, 30), date(2024, 1, 15)]


# -- the getters the query language had before rows, on whole customers ----------------------
def _days_since_contact(c: Customer, o: Opportunity | None, ctx: QueryContext, start: date | None) -> int:
    days = [day_of(f.at) for f in c.followups if day_of(f.at) <= ctx.as_of]
    return (ctx.as_of - max(days, default=c.first_contact or c.created)).days


def _followups(c: Customer, o: Opportunity | None, ctx: QueryContext, start: date | None) -> int:
    return sum(
        1 for f in c.followups if (start is None or day_of(f.at) > start) and day_of(f.at) <= ctx.as_of
    )


def _probability(o: Opportunity, ctx: QueryContext) -> Decimal | None:
    if ctx.stage_probability is None:
        return o.probability
    return o.probability if o.probability is not None else ctx.stage_probability(o.stage)


def _deal(get: Any) -> Any:
    return lambda c, o, ctx, start: None if o is None else get(c, o, ctx)


OLD = {
    "days_since_contact": _days_since_contact,
    "followups": _followups,
    "won": lambda c, o, ctx, start: deals.won_between(c, start or date.min, ctx.as_of),
    "stage": _deal(lambda c, o, ctx: deals.stage_on(o, c, ctx.as_of)),
    "amount": _deal(lambda c, o, ctx: o.amount),
    "close": _deal(lambda c, o, ctx: o.close),
    "probability": _deal(lambda c, o, ctx: _probability(o, ctx)),
    "opp_owner": _deal(lambda c, o, ctx: o.owner),
    "opened": _deal(lambda c, o, ctx: deals.opened_on(o, c)),
    "tag": lambda c, o, ctx, start: c.tags,
    "pinned": lambda c, o, ctx, start: c.tier_pinned,
}


def _on_customers(node: Node) -> Node:
    """``node`` with every field read from (customer, opportunity) by the old getters."""
    if isinstance(node, (And, Or)):
        return type(node)(_on_customers(node.left), _on_customers(node.right))
    if isinstance(node, Not):
        return Not(_on_customers(node.inner))
    assert isinstance(node, Compare)
    name = node.field.name
    old = OLD.get(name) or (lambda c, o, ctx, start, name=name: getattr(c, name))
    field = dataclasses.replace(node.field, get=lambda s, ctx, start: old(s[0], s[1], ctx, start))
    return dataclasses.replace(node, field=field)


def old_selects(query: Query, customer: Customer, ctx: QueryContext) -> bool:
    root = _on_customers(query.root)
    if customer.archived and "archived" not in query.fields:
        return False
    if query.uses_opportunity:
        return any(root.test((customer, o), ctx) for o in customer.opportunities)  # type: ignore[arg-type]
    return root.test((customer, None), ctx)  # type: ignore[arg-type]


# -- the data: the sample team, and a generated one ---------------------------------------------
@pytest.fixture(scope="module", params=["sample", "generated"])
def team(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[Customer], list[Row]]:
    """Whole customers parsed from the files, and their rows as a warm cache's index holds them."""
    root = tmp_path_factory.mktemp(request.param) / "data"
    if request.param == "sample":
        shutil.copytree(ROOT / "data", root)
    else:
        generate(root, Plan(40, seed=7), workers=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(root.parent / "cache"))
        patch.setattr(index, "_now_ns", lambda: 2**62)  # every file settled: the index is trusted
        datadir = DataDir(root)
        datadir.load_all()  # parses every file and writes the index
        parsed = sorted(DataDir(root).load_all().customers, key=lambda c: c.id)
        patch.setattr(index, "read_row", _no_parsing)
        rows, problems = DataDir(root).load_summaries("list", date.max)
    assert not [p for p in problems if p.severity == "error"]
    return parsed, sorted(rows, key=lambda r: r.id)


def _no_parsing(*args: object) -> object:
    raise AssertionError("rows must come from the cache, not from the files")


def test_rows_from_the_cache_equal_rows_of_the_parsed_customers(
    team: tuple[list[Customer], list[Row]],
) -> None:
    customers, rows = team
    assert rows == [row_of(c) for c in customers]
    assert len(rows) >= 30 and any(r.deal_data != "[]" for r in rows)


@pytest.mark.parametrize("as_of", AS_OF)
def test_queries_on_cached_rows_pick_what_they_pick_on_whole_customers(
    team: tuple[list[Customer], list[Row]], as_of: date
) -> None:
    customers, rows = team
    config = DataDir(ROOT / "data").config
    picked_somewhere = 0
    for expression in EXPRESSIONS:
        query = parse_query(expression)
        for ctx in (query_context(as_of, "zhang.wei", config), QueryContext(as_of, "wang.fang")):
            expected = [c.id for c in customers if old_selects(query, c, ctx)]
            assert [r.id for r in rows if query.selects_row(r, ctx)] == expected, expression
            assert [c.id for c in customers if query.selects(c, ctx)] == expected, expression
            picked_somewhere += bool(expected) and len(expected) < len(customers)
    assert picked_somewhere >= len(EXPRESSIONS) // 2  # many pick some customers, not all
