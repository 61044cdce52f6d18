"""``salescrm find`` and CUSTOMER arguments given as a name, pinyin, initials or phone."""

from __future__ import annotations

import json

import pytest

from salescrm.store.datadir import DataDir
from tests.conftest import Crm, Digest


@pytest.fixture
def two(crm: Crm) -> tuple[str, str]:
    qiming = crm.add_customer("上海启明科技有限公司", "--phone", "021-5555-5678")
    star = crm.add_customer("启明星辰信息技术", "--owner", "wang.fang", user="li.na")
    return qiming, star


def test_find_lists_hits_best_first(crm: Crm, two: tuple[str, str]) -> None:
    qiming, star = two
    assert crm.ok(["--lang", "zh", "find", "启明"]).splitlines() == [
        "编号          名称                  等级    负责人",
        "------------  --------------------  ------  ---------",
        f"{star}  启明星辰信息技术      C       wang.fang",
        f"{qiming}  上海启明科技有限公司  C       zhang.wei",
    ]
    rows = json.loads(crm.ok(["find", "qmkj", "-f", "json"]))
    assert rows == [{"id": qiming, "name": "上海启明科技有限公司", "tier": "C", "owner": "zhang.wei"}]
    assert json.loads(crm.ok(["find", "5678", "-f", "json"]))[0]["id"] == qiming


def test_find_with_no_hit_exits_3_with_the_closest(crm: Crm, two: tuple[str, str]) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    result = crm(["find", "qimingxingchenn"])  # the test team speaks zh (locale: zh_CN)
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "error: 没有客户匹配 'qimingxingchenn'",
        f"hint: 是否要找 {two[1]} 启明星辰信息技术?",
    ]
    english = crm(["find", "qimingxingchenn", "--lang", "en"])
    assert english.stderr.splitlines() == [
        "error: no customer matches 'qimingxingchenn'",
        f"hint: did you mean {two[1]} 启明星辰信息技术?",
    ]


def test_find_of_only_punctuation_is_bad_usage(crm: Crm, two: tuple[str, str]) -> None:
    result = crm(["find", "·-·"])
    assert (result.exit_code, result.stderr.splitlines()[0]) == (2, "error: nothing to search for in '·-·'")


def test_a_customer_argument_takes_a_name_pinyin_or_initials(crm: Crm, two: tuple[str, str]) -> None:
    qiming, star = two
    assert crm.ok(["customer", "show", "qmkj"]).startswith(f"{qiming}  上海启明科技有限公司")
    assert crm.ok(["customer", "show", "星辰"]).startswith(f"{star}  启明星辰信息技术")
    assert crm.ok(["customer", "tag", "shanghaiqiming", "+急需采购"]) == "急需采购\n"
    reference = crm.ok(
        ["followup", "log", "5555", "--via", "电话", "--content", "王经理确认采购300台,12月10日前报价"]
    )
    assert reference == f"{qiming}-F1\n"
    assert crm.ok(
        ["opp", "add", "qmxc", "--name", "二期", "--amount", "1000", "--close", "2099-01-01"], user="li.na"
    ) == (f"{star}-O1\n")
    assert (
        json.loads(crm.ok(["opp", "list", "--customer", "启明星辰", "-f", "json"]))[0]["opportunity"]
        == f"{star}-O1"
    )
    assert DataDir(crm.root).read_customer(qiming).tags == ["急需采购"]


def test_an_ambiguous_customer_lists_them_and_changes_nothing(
    crm: Crm, two: tuple[str, str], digest: Digest
) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    qiming, star = two
    before = digest(crm.root)
    result = crm(["customer", "set", "qiming", "tier=B"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: 'qiming' 匹配到 2 个客户: {star} 启明星辰信息技术, {qiming} 上海启明科技有限公司",
        "hint: 请给出客户编号,或更完整的名称(salescrm find 可列出)",
    ]
    english = crm(["--lang", "en", "customer", "set", "qiming", "tier=B"])
    assert english.stderr.splitlines() == [
        f"error: 'qiming' matches 2 customers: {star} 启明星辰信息技术, {qiming} 上海启明科技有限公司",
        "hint: give the customer number, or more of the name (salescrm find lists them)",
    ]
    assert digest(crm.root) == before


def test_an_unknown_name_is_exit_3_and_changes_nothing(
    crm: Crm, two: tuple[str, str], digest: Digest
) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    before = digest(crm.root)
    result = crm(["feedback", "add", "华为", "--content", "x"], user="zhao.svc")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (3, "error: 没有客户匹配 '华为'")
    assert digest(crm.root) == before


def test_a_renamed_customer_is_found_by_its_new_name(crm: Crm, two: tuple[str, str]) -> None:
    crm.ok(["customer", "set", two[0], "name=北京启明科技有限公司"])
    assert crm.ok(["find", "bjqm", "-f", "csv"]).splitlines()[1].startswith(f"{two[0]},北京启明科技有限公司")
    assert crm(["find", "shqm"]).exit_code == 3
