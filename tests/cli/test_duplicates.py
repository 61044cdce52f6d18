"""查重 on the command line: customer add refuses a repeat (exit 4, naming only number and
owner), warns of a close name (--force adds it), checks credit codes; contacts are unique by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Crm, Digest

CODE = "91440400MA4UX1234P"


def add(crm: Crm, name: str, *extra: str, user: str = "zhang.wei") -> list[str]:
    args = ["customer", "add", name, "--source", "展会", "--contact", "王经理", "--needs", "采购电脑", *extra]
    return args if "--phone" in extra or "--email" in extra else [*args, "--phone", "13800138000"]


def test_a_repeat_is_refused_naming_number_and_owner_only(crm: Crm, digest: Digest) -> None:
    number = crm.ok(add(crm, "珠海横琴科技有限公司", "--credit-code", CODE)).strip()
    before = digest(crm.root)
    for repeat in (
        add(crm, "珠海横琴科技", "--phone", "13900000000"),  # the name without 有限公司
        add(crm, "别的公司", "--phone", "+86 138-0013-8000"),  # the phone, written otherwise
        add(crm, "第三家公司", "--phone", "13900000001", "--credit-code", CODE),
    ):
        result = crm(repeat, user="wang.fang")
        assert result.exit_code == 4, result.stderr
        first = result.stderr.splitlines()[0]
        assert first.startswith(f"error: customer {number} (owner zhang.wei) has the same ")
        assert "珠海" not in result.stderr and "王经理" not in result.stderr  # nothing of its details
    assert [c["id"] for c in json.loads(crm.ok("customer list -f json"))] == [number]
    assert digest(crm.root) == before


def test_a_close_name_is_a_warning_and_force_adds_it(crm: Crm, digest: Digest) -> None:
    number = crm.ok(add(crm, "横琴科技发展有限公司")).strip()
    before = digest(crm.root)
    result = crm(add(crm, "横琴科技有限公司", "--phone", "13900000000"))
    assert result.exit_code == 4
    assert (
        f"warning: '横琴科技有限公司' is close to the name of customer {number} (owner zhang.wei)"
        in result.stderr
    )
    assert "--force" in result.stderr
    assert digest(crm.root) == before
    added = crm.ok([*add(crm, "横琴科技有限公司", "--phone", "13900000000"), "--force"]).strip()
    assert added != number


def test_the_threshold_is_read_from_salescrm_yaml(crm: Crm) -> None:
    crm.ok(add(crm, "横琴科技发展有限公司"))
    config = crm.root / "salescrm.yaml"
    config.write_text(
        config.read_text("utf-8").replace("name_similarity: 90", "name_similarity: 95"), "utf-8"
    )
    crm.ok(add(crm, "横琴科技有限公司", "--phone", "13900000000"), user="li.na")


@pytest.mark.parametrize(
    ("code", "why"),
    [("91440400MA4UX1234", "17 characters, not 18"), ("91440400MA4UX1234Q", "check character is wrong"),
     ("91440400ma4ux1234p", "lowercase"), ("91440400MA4UZ1234P", "other than I, O, S, V, Z")],
)  # fmt: skip
def test_a_bad_credit_code_is_refused_and_nothing_written(
    crm: Crm, digest: Digest, code: str, why: str
) -> None:
    number = crm.ok(add(crm, "珠海横琴科技有限公司")).strip()
    before = digest(crm.root)
    for args in (add(crm, "另一家公司", "--phone", "13900000000", "--credit-code", code),
                 ["customer", "set", number, f"credit_code={code}"]):  # fmt: skip
        result = crm(args)
        assert (
            result.exit_code == 2
            and result.stderr.startswith("error: bad credit code")
            and why in result.stderr
        )
    assert digest(crm.root) == before


def test_a_credit_code_is_set_shown_and_cleared(crm: Crm) -> None:
    number = crm.ok(add(crm, "珠海横琴科技有限公司")).strip()
    crm.ok(["customer", "set", number, "credit_code=9144 0400 MA4U X123 4P"])
    assert json.loads(crm.ok(f"customer show {number} -f json"))["credit_code"] == CODE
    assert f"credit_code: {CODE}\n" in (crm.root / "customers" / f"{number}.yaml").read_text("utf-8")
    crm.ok(["customer", "set", number, "credit_code="])
    assert "credit_code" not in json.loads(crm.ok(f"customer show {number} -f json"))


def test_contacts_are_unique_by_name(crm: Crm, digest: Digest) -> None:
    number = crm.ok(add(crm, "珠海横琴科技有限公司")).strip()
    crm.ok(f"customer contact {number} add --name 陈老板 --phone 13911112222")
    before = digest(crm.root)
    twice = crm(f"customer contact {number} add --name 陈老板 --phone 13933334444")
    assert twice.exit_code == 4 and "already has a contact called '陈老板'" in twice.stderr
    assert digest(crm.root) == before
    path = crm.root / "customers" / f"{number}.yaml"  # a file written before the rule, by hand
    text = path.read_text("utf-8").replace(
        "contacts:\n", "contacts:\n- name: 陈老板\n  phone: 13955556666\n", 1
    )
    path.write_text(text, "utf-8")
    assert "two contacts are called '陈老板'" in crm("check").stdout
    before = digest(crm.root)
    ambiguous = crm(f"customer contact {number} set --name 陈老板 --title 总经理")
    assert ambiguous.exit_code == 2 and "2 contacts called '陈老板'" in ambiguous.stderr
    assert digest(crm.root) == before


def test_an_import_skips_repeats_and_close_names_naming_the_owner(crm: Crm, tmp_path: Path) -> None:
    first = crm.ok(add(crm, "横琴科技发展有限公司", "--credit-code", CODE)).strip()
    leads = tmp_path / "leads.csv"
    leads.write_text(
        "客户名称,联系人,电话,来源,需求,统一社会信用代码\n"
        "珠海横琴科技发展有限公司,李四,13900000001,展会,采购,\n"  # the name: a repeat
        "另一家公司,王五,13900000002,展会,采购,91440400MA4UX1234P\n"  # the credit code
        "横琴科技有限公司,赵六,13900000003,展会,采购,\n"  # a close name
        "全新公司,孙七,13900000004,展会,采购,91110108600037341D\n",
        "utf-8",
    )
    out = crm.ok(["import", "leads", str(leads)], user="wang.fang")
    assert f"row 2: rejected: duplicate: same name as {first} (owner zhang.wei)\n" in out
    assert f"row 3: rejected: duplicate: same credit code as {first} (owner zhang.wei)\n" in out
    assert f"row 4: rejected: close name to {first} (owner zhang.wei) (90/100); --force imports it\n" in out
    assert out.startswith("4 rows: 1 added, 0 updated, 3 rejected (3 duplicate skipped, 0 invalid)")
    added = json.loads(crm.ok("customer list -f json"))
    assert [c["name"] for c in added] == ["横琴科技发展有限公司", "全新公司"]
    forced = crm.ok(["import", "leads", str(leads), "--force"], user="wang.fang")
    assert forced.startswith("4 rows: 1 added") and "row 4" not in forced
