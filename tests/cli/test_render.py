"""The table renderer prints exactly what tabulate's "simple" format prints, only faster."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from tabulate import tabulate

from salescrm.cli.render import Format, table

CELL = st.text(alphabet=st.sampled_from(list("ab 1,.-张伟某科技有限公司采购😀")), max_size=12)


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
