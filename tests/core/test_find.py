"""core/find.py: a customer by number, name fragment, pinyin, initials, contact or phone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescrm.core.errors import NotFoundError, UsageError
from salescrm.core.find import (
    SearchKeys,
    as_number,
    choose,
    keys_from_data,
    keys_of,
    keys_to_data,
    search,
    spell,
)
from salescrm.core.model import Contact
from tests.scenario import customer

QIMING = customer("CRM202405001", "上海启明科技有限公司")
QIMING.contacts = [
    Contact("王建国", phone="021-5555-5678", primary=True),
    Contact("李工", phone="13900001111"),
]
CHONGQING = customer("CRM202405002", "重庆长安物流有限公司")
IBM = customer("CRM202406001", "IBM中国")
QIMING_STAR = customer("CRM202406002", "启明星辰")
ALL = [keys_of(c) for c in (QIMING, CHONGQING, IBM, QIMING_STAR)]


def ids(text: str) -> list[str]:
    return [hit.keys.id for hit in search(text, ALL)]


def test_keys_hold_the_pinyin_initials_contacts_and_phone_digits() -> None:
    keys = keys_of(QIMING)
    assert (keys.plain, keys.spelled, keys.initials) == (
        "上海启明科技有限公司", "shanghaiqimingkejiyouxiangongsi", "shqmkjyxgs"
    )  # fmt: skip
    assert (keys.contacts, keys.phones) == (["王建国", "李工"], ["02155555678", "13900001111"])
    assert keys_from_data(keys_to_data(keys)) == keys  # what the cache keeps is the same


@pytest.mark.parametrize(
    ("text", "spelled"),
    [("重庆长安", ("chongqingchangan", "cqca")), ("IBM中国", ("ibmzhongguo", "ibmzg")),
     ("A-1 科技", ("a1keji", "a1kj"))],
)  # fmt: skip
def test_spell_reads_phrases_and_keeps_latin_whole(text: str, spelled: tuple[str, str]) -> None:
    assert spell(text) == spelled


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("qmkj", ["CRM202405001"]),
        ("QMKJ", ["CRM202405001"]),
        ("qiming", ["CRM202406002", "CRM202405001"]),  # the shorter name it is more of
        ("qimingxingchen", ["CRM202406002"]),
        ("启明", ["CRM202406002", "CRM202405001"]),  # most of the name ranks first
        ("cqca", ["CRM202405002"]),
        ("ibm", ["CRM202406001"]),
        ("王建国", ["CRM202405001"]),
        ("5555-5678", ["CRM202405001"]),
        ("1111", ["CRM202405001"]),
        ("202406", ["CRM202406001", "CRM202406002"]),
        ("xyz", []),
    ],
)
def test_search_finds_and_ranks(text: str, found: list[str]) -> None:
    assert ids(text) == found


def test_two_digits_are_not_a_phone_fragment() -> None:
    assert ids("11") == []


def test_choose_takes_the_one_hit_or_the_one_whole_match() -> None:
    assert choose("qmkj", ALL) == "CRM202405001"
    assert choose("启明星辰", ALL) == "CRM202406002"  # also a fragment of nothing else
    assert choose("qmxc", ALL) == "CRM202406002"


def test_a_whole_name_wins_over_names_it_is_part_of() -> None:
    short = keys_of(customer("CRM202407001", "启明"))
    assert choose("启明", [*ALL, short]) == "CRM202407001"
    assert choose("qm", [*ALL, short]) == "CRM202407001"  # its whole initials


def test_choose_lists_several_hits_as_bad_usage() -> None:
    with pytest.raises(UsageError) as error:
        choose("qiming", ALL)
    assert error.value.exit_code == 2
    assert (
        error.value.message
        == "'qiming' matches 2 customers: CRM202406002 启明星辰, CRM202405001 上海启明科技有限公司"
    )


def test_choose_without_a_hit_is_not_found_and_suggests_the_closest() -> None:
    with pytest.raises(NotFoundError) as error:
        choose("qimng", ALL)
    assert (
        error.value.exit_code == 3 and error.value.hint == "did you mean CRM202405001 上海启明科技有限公司?"
    )
    with pytest.raises(NotFoundError) as error:
        choose("完全不同", ALL)
    assert "salescrm find" in (error.value.hint or "")


def test_many_hits_are_counted_past_the_eighth() -> None:
    many = [
        SearchKeys(f"CRM2024050{i:02d}", f"启明{i}", "C", "li.na", f"启明{i}", "", "", [], [])
        for i in range(10)
    ]
    with pytest.raises(UsageError, match=r"matches 10 customers: .*启明7, … \+2$"):
        choose("启明", many)


@pytest.mark.parametrize("text", ["", "   ", "·.,-()", "！？"])
def test_nothing_to_search_for_is_bad_usage(text: str) -> None:
    with pytest.raises(UsageError, match="nothing to search for"):
        search(text, ALL)


@pytest.mark.parametrize(
    ("text", "number"),
    [("CRM202405001", "CRM202405001"), (" crm202405001 ", "CRM202405001"), ("启明", None), ("CRM2024", None),
     ("CUS202405001", None)],
)  # fmt: skip
def test_a_number_is_taken_as_it_is(text: str, number: str | None) -> None:
    assert as_number(text) == number


@pytest.mark.parametrize("text", ["../CRM202405001", "CRM202405001/..", "a\\b", "CRM-202405001", "CRM202413001",
                                  "启明\x00", "CRM²⁰²⁴⁰⁵⁰⁰¹"])  # fmt: skip
def test_a_mangled_number_or_a_path_is_never_searched(text: str) -> None:
    with pytest.raises(UsageError, match="bad customer number"):
        as_number(text)


def _spelled_by_pypinyin(text: str) -> tuple[str, str]:
    """``spell`` as pypinyin's own ``lazy_pinyin`` reads ``text``, nothing remembered."""
    from pypinyin import lazy_pinyin

    from salescrm.core.find import normalise

    full, initials = [], []
    for piece in lazy_pinyin(text, errors=lambda chunk: "\0" + chunk):
        kept = normalise(piece[1:]) if piece.startswith("\0") else None
        full.append(piece if kept is None else kept)
        initials.append(piece[:1] if kept is None else kept)
    return "".join(full), "".join(initials)


# Words that repeat across names, polyphones whose reading depends on the word (银行 háng,
# 行业 háng, 重庆 chóng), a character pypinyin has no reading for, Latin and digits.
_NAME_PARTS = st.sampled_from(
    [
        "有限公司",
        "科技",
        "北京",
        "重庆",
        "银行",
        "行业",
        "长安",
        "启明",
        "星辰",
        "乐",
        "了",
        "㐀",
        "IBM",
        "01",
        " ",
        "-",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_NAME_PARTS, max_size=6).map("".join))
def test_spell_remembering_words_reads_as_pypinyin_does(text: str) -> None:
    for _ in range(2):  # the second time from what was remembered
        assert spell(text) == _spelled_by_pypinyin(text)
