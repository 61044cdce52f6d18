"""An amount written to a customer file reads back as the same number, without a tag."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from salescrm.store.yamlio import dump_text, load_text

amounts = st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False, places=2)


@given(amounts)
def test_an_amount_written_reads_back_as_the_same_number(value: Decimal) -> None:
    text = dump_text({"amount": value})
    assert "!!" not in text
    assert Decimal(str(load_text(text, "x.yaml")["amount"])) == value


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_any_decimal_is_written_as_a_plain_number(value: Decimal) -> None:
    read = load_text(dump_text({"n": value}), "x.yaml")["n"]
    assert isinstance(read, int | float)


def test_an_integral_amount_with_cents_is_written_plainly() -> None:
    assert dump_text({"amount": Decimal("256950.00")}) == "amount: 256950\n"
