from datetime import date

import pytest

from salescrm.core.errors import UsageError
from salescrm.core.ids import check_customer_id, next_customer_id, next_item_id, parse_reference


def test_first_number_of_a_month() -> None:
    assert next_customer_id(date(2024, 5, 3), []) == "CRM202405001"


def test_numbers_follow_the_highest_of_their_month_only() -> None:
    taken = ["CRM202405001", "CRM202405007", "CRM202406003"]
    assert next_customer_id(date(2024, 5, 30), taken) == "CRM202405008"
    assert next_customer_id(date(2024, 7, 1), taken) == "CRM202407001"


def test_the_thousandth_customer_gets_four_digits() -> None:
    taken = [f"CRM202405{n:03d}" for n in range(1, 1000)]
    assert next_customer_id(date(2024, 5, 1), taken) == "CRM2024051000"
    assert next_customer_id(date(2024, 5, 1), [*taken, "CRM2024051000"]) == "CRM2024051001"


@pytest.mark.parametrize(
    "bad", ["../../etc/passwd", "/tmp/x", "CRM2024", "CRM202413001", "CRM20240501", "crm 202405001"]
)
def test_bad_customer_numbers(bad: str) -> None:
    with pytest.raises(UsageError, match="bad customer number"):
        check_customer_id(bad)


def test_references() -> None:
    ref = parse_reference("crm202405001-o12", "O")
    assert (ref.customer, ref.item, str(ref)) == ("CRM202405001", "O12", "CRM202405001-O12")
    for bad in ("CRM202405001-T1", "CRM202405001", "../CRM202405001-O1", "CRM202405001-O1/x"):
        with pytest.raises(UsageError):
            parse_reference(bad, "O")


def test_item_ids_are_never_reused() -> None:
    assert next_item_id("T", []) == "T1"
    assert next_item_id("T", ["T1", "T3"]) == "T4"
