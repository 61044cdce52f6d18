from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from salescrm.core.errors import UsageError
from salescrm.core.ids import (
    check_customer_id,
    customer_id,
    is_customer_id,
    next_customer_id,
    next_item_id,
    parse_reference,
)


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


# ---- numbering never repeats (hypothesis) ----------------------------------------------------

months = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
sequences = st.integers(min_value=1, max_value=1200)


@given(taken=st.lists(st.tuples(months, sequences), max_size=30), created=months, deleted=st.data())
def test_a_new_customer_number_was_never_taken_even_after_deletions(
    taken: list[tuple[date, int]], created: date, deleted: st.DataObject
) -> None:
    numbers = {customer_id(month, sequence) for month, sequence in taken}
    ever = set(numbers)
    for _ in range(3):  # add one, delete some, add again: no number comes back
        new = next_customer_id(created, numbers)
        assert new not in ever and is_customer_id(new) and new.startswith(f"CRM{created:%Y%m}")
        numbers.add(new)
        ever.add(new)
        gone = deleted.draw(st.sets(st.sampled_from(sorted(numbers))))
        # the month's highest by sequence: as text, CRM200001101 sorts after CRM2000011002
        highest = max((n for n in numbers if n.startswith(f"CRM{created:%Y%m}")), key=lambda n: int(n[9:]))
        # Customers are archived, never deleted (no command deletes a file); a file deleted by
        # hand below the month's highest never brings its number back.
        numbers -= gone - {highest}


@example(taken=["²", "５", "", "x"], kind="T")
@given(
    taken=st.lists(st.one_of(st.integers(1, 10**6).map(str), st.text(max_size=4)), max_size=20),
    kind=st.sampled_from(["T", "F", "O", "B"]),
)
def test_a_new_item_id_is_past_every_taken_one_and_never_crashes(taken: list[str], kind: str) -> None:
    items = [f"{kind}{t}" for t in taken]  # junk too: "T²", "T", "Tx" must not crash or count
    new = next_item_id(kind, items)
    assert new not in items and new[0] == kind and new[1:].isascii() and new[1:].isdigit()
    numbered = [int(i[1:]) for i in items if i[1:].isascii() and i[1:].isdigit()]
    assert int(new[1:]) == max(numbered, default=0) + 1
