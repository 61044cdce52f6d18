"""The query language: the seed's filters, every operator, and errors that point at the fault."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salescrm.core.listrows import LiveDeal, row_of
from salescrm.core.query import QueryContext, QueryError, parse_query
from tests.scenario import customer, deal, followups

AS_OF = date(2026, 11, 27)
CTX = QueryContext(AS_OF, me="zhang.wei")


def names(expression: str, customers: list) -> list[str]:  # type: ignore[type-arg]
    query = parse_query(expression)
    return [c.name for c in customers if query.matches(c, CTX)]


def test_the_high_potential_filter_wants_more_than_five_follow_ups_in_three_months() -> None:
    six = customer("CRM202601001", "六次跟进", tier="B", tags=["需求明确"], followups=followups(6, AS_OF))
    five = customer("CRM202601002", "五次跟进", tier="B", tags=["需求明确"], followups=followups(5, AS_OF))
    old = customer("CRM202601003", "旧跟进", tier="B", tags=["需求明确"],
                   followups=followups(6, date(2026, 11, 27), every_days=20))  # fmt: skip
    untagged = customer("CRM202601004", "没标签", tier="B", followups=followups(6, AS_OF))
    assert names("tier = B and followups(3m) > 5 and tag = 需求明确", [six, five, old, untagged]) == [
        "六次跟进"
    ]


def test_the_issue_s_expressions() -> None:
    it = customer("CRM202601001", "甲", industry="IT服务", followups=followups(1, date(2026, 10, 1)),
                  opportunities=[deal("O1", [("lead", "2026-01-05"), ("negotiation", "2026-09-01")], amount="150000")])  # fmt: skip
    factory = customer("CRM202601002", "乙", owner="wang.fang", industry="制造业",
                       followups=followups(1, date(2026, 11, 20)),
                       opportunities=[deal("O1", [("lead", "2026-01-05"), ("won", "2026-03-01")],
                                           amount="120000", signed=("120000", "2026-03-01"))])  # fmt: skip
    archived = customer("CRM202601003", "丙", industry="金融")
    archived.archived = True
    everyone = [it, factory, archived]
    assert names("industry in (IT服务, 制造业) and days_since_contact > 30", everyone) == ["甲"]
    assert names("stage = 商务谈判 and amount >= 100000", everyone) == ["甲"]
    assert names("owner = me", everyone) == ["甲", "丙"]
    assert names("needs ~ 采购", everyone) == ["甲", "乙", "丙"]
    assert names("not archived", everyone) == ["甲", "乙"]
    assert names("won(12m) >= 100000", everyone) == ["乙"]
    assert names("(industry = 金融 or owner != me) and not (tag in (x, y))", everyone) == ["乙", "丙"]
    assert names("created >= 2026-01-05 and industry != IT服务", everyone) == ["乙", "丙"]


def test_opportunity_fields_must_hold_for_the_same_deal() -> None:
    c = customer("CRM202601001", "甲", opportunities=[
        deal("O1", [("lead", "2026-01-05"), ("negotiation", "2026-09-01")], amount="50000"),
        deal("O2", [("lead", "2026-01-05")], amount="200000")])  # fmt: skip
    assert names("stage = negotiation and amount >= 100000", [c]) == []
    query = parse_query("stage = lead")
    row = row_of(c, packed=False)
    assert [o.id for o in c.opportunities if query.matches_deal(row, LiveDeal(o, c), CTX)] == ["O2"]


@pytest.mark.parametrize(
    ("expression", "reason", "column"),
    [
        ("tier = B and colour = red", "unknown field 'colour'", 13),
        ("(tier = B or tier = A", "unclosed parenthesis", 0),
        ("followups(3x) > 5", "bad duration '3x'", 10),
        ("industry > 5", "industry is text: it cannot be compared with >", 11),
        ("amount >= 十万", "amount is a number; '十万' is text", 10),
        ("tier = B and", "expected a field or '(', found the end", 12),
        ("tier = B tier = C", "unexpected 'tier'; expected and, or, or the end", 9),
        ("tag = 'open", "unclosed quote", 6),
        ("", "the query is empty", 0),
    ],
)
def test_errors_carry_the_column_of_the_fault(expression: str, reason: str, column: int) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(expression)
    assert (caught.value.reason, caught.value.column, caught.value.exit_code) == (reason, column, 2)


def test_the_caret_sits_under_the_fault_even_after_chinese_text() -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("标签 = 需求明确 and foo > 1")
    assert (
        caught.value.message
        == "bad query: unknown field 'foo'\n  标签 = 需求明确 and foo > 1\n                      ^"
    )


@given(st.text(max_size=40))
def test_any_text_parses_or_raises_a_query_error(text: str) -> None:
    with contextlib.suppress(QueryError):
        parse_query(text)


def test_selects_leaves_archived_customers_out_unless_the_query_names_archived() -> None:
    live = customer("CRM202601001", "甲", tier="B")
    gone = customer("CRM202601002", "乙", tier="B")
    gone.archived = True

    def selected(expression: str) -> list[str]:
        query = parse_query(expression)
        return [c.name for c in (live, gone) if query.selects(c, CTX)]

    assert selected("tier = B") == ["甲"]
    assert selected("name ~ archived or tier = B") == ["甲"]  # the word in a value is not the field
    assert selected("archived") == ["乙"]
    assert selected("tier = B and (archived or not archived)") == ["甲", "乙"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("(" * 33 + "tier = B" + ")" * 33, "nested more than 32 levels deep"),
        ("not " * 33 + "tier = B", "nested more than 32 levels deep"),
        (" and ".join(["tier = B"] * 201), "more than 200 comparisons in one query"),
        ("(" * 3000 + "tier = B" + ")" * 3000, "nested more than 32 levels deep"),
    ],
)
def test_a_query_nested_or_chained_past_the_limits_is_refused(text: str, said: str) -> None:
    with pytest.raises(QueryError) as raised:
        parse_query(text)
    assert raised.value.reason == said and raised.value.exit_code == 2


def test_a_query_at_the_limits_parses() -> None:
    parse_query("(" * 32 + "tier = B" + ")" * 32)
    parse_query(" or ".join(["tier = B"] * 200))


def test_folded_values_keep_their_type_whatever_was_folded_before() -> None:
    """True, 1 and Decimal(1) are equal keys: the fold cache must not hand one for another."""
    from decimal import Decimal

    from salescrm.core.query import _folded

    assert type(_folded((Decimal(1),), None)[0]) is Decimal
    assert _folded((True,), None)[0] is True
