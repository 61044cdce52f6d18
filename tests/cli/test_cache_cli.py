"""Read commands through the cache: damaged files are still warned about; check still reports them."""

from __future__ import annotations

import pytest

from salescrm.store.datadir import DataDir
from tests.conftest import Crm, Digest


def test_a_damaged_file_is_warned_about_and_checked_cold_and_warm(crm: Crm) -> None:
    good = crm.add_customer("好公司")
    bad = crm.add_customer("坏公司")
    (crm.root / f"customers/{bad}.yaml").write_text(f"id: {bad}\nname: [oops\n", "utf-8")
    for _ in range(2):  # the first run fills the cache, the second answers from it
        listed = crm("customer list")
        assert listed.exit_code == 0
        assert good in listed.stdout and bad not in listed.stdout
        assert listed.stderr == (
            f"warning: skipped customers/{bad}.yaml:3: bad YAML: "
            "did not find expected ',' or ']' (salescrm check lists every problem)\n"
        )
        checked = crm("check")
        assert checked.exit_code == 1
        assert checked.stdout.startswith(f"customers/{bad}.yaml:3: bad YAML")


def test_a_change_made_by_hand_shows_at_once(crm: Crm) -> None:
    number = crm.add_customer("甲公司")
    assert "甲公司" in crm.ok("customer list")
    path = crm.root / f"customers/{number}.yaml"
    path.write_text(path.read_text("utf-8").replace("甲公司", "乙公司"), "utf-8")
    assert "乙公司" in crm.ok("customer list")


def test_customer_add_reads_no_customer_record(crm: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    crm.add_customer("甲公司", "--phone", "13800000001")

    def refuse(self: DataDir) -> None:
        raise AssertionError("customer add must not load every customer")

    monkeypatch.setattr(DataDir, "load_all", refuse)
    assert crm.add_customer("乙公司", "--phone", "13800000002").startswith("CRM")


def test_customer_add_still_finds_a_duplicate_through_the_index(crm: Crm, digest: Digest) -> None:
    first = crm.add_customer("甲公司", "--phone", "13800000001")
    crm.ok("customer list")  # the cache now holds 甲公司
    before = digest(crm.root)
    again = crm(["customer", "add", "另一家", "--source", "展会", "--contact", "李", "--phone",
                 "138-0000-0001", "--needs", "需要采购50台办公电脑"])  # fmt: skip
    assert again.exit_code == 4
    assert again.stderr.startswith(f"error: customer {first} (owner zhang.wei) has the same phone\n")
    assert digest(crm.root) == before
