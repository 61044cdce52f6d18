"""Duplicate keys (core/identity.py): names, phones, e-mails and credit codes as compared,
and the pairs ``customer dupes`` lists, checked against a brute-force comparison."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescrm.core import identity
from salescrm.core.errors import UsageError
from salescrm.core.identity import (
    Identity,
    close_name,
    find_duplicate,
    likely_pairs,
    normal_company,
    normal_email,
    normal_phone,
    parse_credit_code,
    same_keys,
    similarity,
)

SAME_COMPANY = [
    ("珠海横琴科技", "珠海横琴科技有限公司"),
    ("某某 科技（上海）有限公司", "某某科技(上海)有限公司"),
    ("某某科技（北京）有限公司", "北京某某科技有限公司"),
    ("广东省深圳市腾飞科技有限公司", "腾飞科技股份有限公司"),
    ("ＡＢＣ科技集团有限公司", "abc科技"),
    ("华东制造有限责任公司", "华东制造"),
]
OTHER_COMPANIES = [
    ("朝阳科技", "深圳科技"),  # a generic word alone names no one: the city stays
    ("上海银行", "北京银行"),
    ("华东制造", "华南制造"),
]


@pytest.mark.parametrize(("a", "b"), SAME_COMPANY)
def test_ways_of_writing_one_company_compare_equal(a: str, b: str) -> None:
    assert normal_company(a) == normal_company(b)


@pytest.mark.parametrize(("a", "b"), OTHER_COMPANIES)
def test_other_companies_stay_apart(a: str, b: str) -> None:
    assert normal_company(a) != normal_company(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("+86 138-0013-8000", "13800138000"), ("0086 13800138000", "138 0013 8000"),
     ("+86 21 5555 5678", "021-5555-5678"), ("８６１３８００１３８０００", "13800138000")],
)  # fmt: skip
def test_phones_compare_without_country_code_dashes_and_spaces(a: str, b: str) -> None:
    assert normal_phone(a) == normal_phone(b)


def test_emails_compare_without_case_and_width() -> None:
    assert normal_email(" Wang@Example.COM ") == normal_email("ｗａｎｇ@example.com")


def test_a_credit_code_is_checked_by_stdnum() -> None:
    assert parse_credit_code("91440400MA4UX1234P") == "91440400MA4UX1234P"
    assert parse_credit_code("9144 0400-MA4U X1234P") == "91440400MA4UX1234P"


@pytest.mark.parametrize(
    ("bad", "why"),
    [("91440400MA4UX1234", "17 characters, not 18"), ("91440400MA4UX1234Q", "check character is wrong"),
     ("91440400ma4ux1234p", "lowercase letters are not allowed"),
     ("91440400MA4UO1234P", "other than I, O, S, V, Z")],
)  # fmt: skip
def test_a_bad_credit_code_says_what_is_wrong(bad: str, why: str) -> None:
    with pytest.raises(UsageError, match=why):
        parse_credit_code(bad)


def mine(name: str = "", phones: tuple[str, ...] = (), code: str = "") -> Identity:
    return Identity("CRM000001001", name, frozenset(phones), frozenset(), code)


def test_the_most_telling_match_is_named() -> None:
    other = Identity("CRM202401001", "横琴科技", ["13800138000"], [], "91440400MA4UX1234P")
    assert find_duplicate(mine("横琴科技", ("13800138000",), "91440400MA4UX1234P"), [other]) == (
        "CRM202401001",
        "credit code",
    )
    assert find_duplicate(mine("横琴科技", ("13800138000",)), [other]) == ("CRM202401001", "name")
    assert find_duplicate(mine("别的", ("13800138000",)), [other]) == ("CRM202401001", "phone")
    assert find_duplicate(mine("别的", ("13900000000",)), [other]) is None


def test_a_close_name_is_found_above_the_threshold_only() -> None:
    names = [("CRM202401001", "横琴科技发展"), ("CRM202401002", "华南制造")]
    assert close_name(mine("横琴科技"), names, 90) == ("CRM202401001", 90.0)
    assert close_name(mine("横琴科技"), names, 95) is None


names = st.sampled_from(["横琴科技", "横琴科技发展", "华南制造", "华东制造", "星河电子", "星海电子", ""])
phones = st.frozensets(st.sampled_from(["13800138000", "02155555678", "13900139000"]), max_size=2)
identities = st.lists(st.tuples(names, phones, st.sampled_from(["", "91440400MA4UX1234P"])), max_size=8).map(
    lambda rows: [Identity(f"CRM2024010{i:02d}", n, p, frozenset(), c) for i, (n, p, c) in enumerate(rows)]
)


@settings(max_examples=150, deadline=None)
@given(identities, st.integers(70, 100))
def test_likely_pairs_are_every_pair_a_brute_force_finds(found: list[Identity], threshold: int) -> None:
    expected = {}
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            shared = same_keys(a, b)
            close = a.name and b.name and a.name != b.name and similarity(a.name, b.name) >= threshold
            if shared or close:
                expected[(a.customer_id, b.customer_id)] = bool(shared)
    pairs = likely_pairs(found, threshold)
    assert {(p.first, p.second): not p.reasons[0].startswith("similar") for p in pairs} == expected


# Names from few characters, so that many pairs are alike at every threshold; each way of
# finding close names (keys of subsequences, or rapidfuzz over every pair) is forced in turn.
made_names = st.lists(
    st.text("横琴科技发展华南0", min_size=1, max_size=12), min_size=2, max_size=25, unique=True
)


@settings(max_examples=200, deadline=None)
@given(made_names, st.integers(50, 100), st.sampled_from([0, 4, 10**9]))
def test_blocked_close_names_are_the_all_pairs_close_names(
    texts: list[str], threshold: int, pairs_per_key: int
) -> None:
    found = [Identity(f"CRM2024010{i:02d}", text, frozenset(), frozenset()) for i, text in enumerate(texts)]
    expected = {
        (a.customer_id, b.customer_id)
        for i, a in enumerate(found)
        for b in found[i + 1 :]
        if similarity(a.name, b.name) >= threshold
    }
    with patch.object(identity, "_PAIRS_PER_KEY", pairs_per_key):
        pairs = likely_pairs(found, threshold)
    assert {(p.first, p.second) for p in pairs} == expected


@given(st.text(alphabet="北京上海市省江苏南龙黑吉林广东深圳区自治壮族回维吾尔科技有限公司", max_size=12))
def test_a_leading_place_is_found_as_a_scan_of_every_place_finds_it(text: str) -> None:
    from salescrm.core.identity import _strip_place
    from salescrm.core.places import PLACES

    place = next((p for p in PLACES if text.startswith(p)), "")
    assert _strip_place(text) == text[len(place) :]
