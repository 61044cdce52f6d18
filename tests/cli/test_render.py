"""The table renderer prints exactly what tabulate's "simple" format prints, only faster."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from tabulate import tabulate
from wcwidth import wcswidth

from salescrm.cli.render import Format, _plain_or_wide, _width, columns_table, table

CELL = st.text(alphabet=st.sampled_from(list("ab 1,.-张伟某科技有限公司采购😀，（“\u302a")), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(st.lists(CELL, min_size=n, max_size=n),
                                                     st.lists(st.lists(CELL, min_size=n, max_size=n), max_size=6))))  # fmt: skip
def test_same_as_tabulate(case: tuple[list[str], list[list[str]]]) -> None:
    headers, body = case
    expected = tabulate(body, headers=headers, tablefmt="simple", disable_numparse=True) + "\n"
    assert table(body, headers, Format.table) == expected


def test_chinese_columns_line_up() -> None:
    text = table([["张伟", "240,000"], ["Wang Fang", "60,000"]], ["成员", "成交额"])
    assert text == "成员       成交额\n---------  --------\n张伟       240,000\nWang Fang  60,000\n"


def test_the_fast_width_agrees_with_wcwidth_on_every_character_it_takes() -> None:
    taken = [chr(c) for c in range(0x10000) if _plain_or_wide(chr(c))]
    assert len(taken) > 20_000
    assert [c for c in taken if wcswidth(c) != (1 if c.isascii() else 2)] == []
    for text in ("张伟 -> 确认配置", "逾期20天", "（VIP）客户", "ab\tc", "a😀b", "é", "e\u0301", "“引号”"):
        expected = wcswidth(text)
        assert _width(text) == (expected if expected >= 0 else len(text)), text


def test_columns_table_is_table_by_columns() -> None:
    body = [["CRM1", "张伟", "逾期3天"], ["CRM22", "Wang", ""], ["", "x\ny", "a"]]
    columns = [list(c) for c in zip(*body, strict=True)]
    assert columns_table(columns, ["a", "b", "c"]) == table(body, ["a", "b", "c"])
    assert columns_table(columns[:2], ["编号", "客户"]) == table([r[:2] for r in body], ["编号", "客户"])
    assert columns_table([], ["a", "b"]) == table([], ["a", "b"]) == "a    b\n---  ---\n"
