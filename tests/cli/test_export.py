"""``salescrm export csv|json|vcard|sqlite``: complete, safe for spreadsheets, redactable."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from salescrm.core.model import Feedback, FollowUp, Task
from salescrm.core.redact import mask_email, mask_name, mask_phone
from salescrm.store.datadir import DataDir
from tests.conftest import Crm

FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture
def team(crm: Crm) -> Crm:
    crm.add_customer(FORMULA, "--at", "2024-05-03", "--phone", "13812345678", "--email", "wang@example.com",
                     "--title", "采购总监")  # fmt: skip
    crm.add_customer("某某科技有限公司", "--at", "2024-05-04", "--phone", "021-5555-5678")
    crm.ok(["customer", "contact", "CRM202405002", "add", "--name", "李总", "--phone", "13900001111"])
    datadir = DataDir(crm.root)
    with datadir.transaction("test data", "zhang.wei") as tx:
        customer = datadir.read_customer("CRM202405002")
        customer.tasks.append(Task("T1", datetime(2024, 5, 10, 10), "visit", "演示", "确认配置", "zhang.wei"))
        customer.followups += [
            FollowUp("F1", datetime(2024, 5, 4, 9), "phone", "zhang.wei", "客户希望下月交付", task="T1"),
            FollowUp("F2", datetime(2024, 5, 9, 9), "visit", "zhang.wei", "现场演示两台样机"),
        ]
        customer.feedback.append(
            Feedback("B1", datetime(2024, 9, 2, 15), "zhao.svc", "after-sales", "屏幕闪烁")
        )
        tx.save(customer)
    return crm


def test_csv_is_utf8_with_bom_and_formulas_are_text(team: Crm) -> None:
    stdout = team.ok(["export", "csv"])
    assert stdout.startswith("\ufeffid,name,tier,")
    rows = list(csv.DictReader(stdout.removeprefix("\ufeff").splitlines()))
    assert [r["name"] for r in rows] == ["'" + FORMULA, "某某科技有限公司"]
    assert (rows[1]["contact"], rows[1]["followups"], rows[1]["last_followup"]) == (
        "王经理",
        "2",
        "2024-05-09T09:00",
    )


def test_csv_to_a_file_is_bytes_excel_reads(team: Crm, tmp_path: Path) -> None:
    target = tmp_path / "客户.csv"
    assert team.ok(["export", "csv", "--out", str(target)]) == f"exported 2 customers to {target}\n"
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,name,")
    assert '\'=HYPERLINK(""http://x"",""y"")' in raw.decode("utf-8-sig")


def test_json_is_complete(team: Crm) -> None:
    data = json.loads(team.ok(["export", "json"]))
    assert [c["id"] for c in data] == ["CRM202405001", "CRM202405002"]
    second = data[1]
    assert [f["id"] for f in second["followups"]] == ["F1", "F2"]
    assert second["feedback"] == [{"id": "B1", "at": "2024-09-02T15:00", "by": "zhao.svc", "dept": "after-sales",
                                   "content": "屏幕闪烁"}]  # fmt: skip


def test_sqlite_row_counts_equal_the_data_directory(team: Crm, tmp_path: Path) -> None:
    target = tmp_path / "crm.sqlite"
    team.ok(["export", "sqlite", "--out", str(target)])
    customers = DataDir(team.root).load_all().customers
    expected = {
        "customers": len(customers),
        "contacts": sum(len(c.contacts) for c in customers),
        "tasks": sum(len(c.tasks) for c in customers),
        "followups": sum(len(c.followups) for c in customers),
        "opportunities": sum(len(c.opportunities) for c in customers),
        "feedback": sum(len(c.feedback) for c in customers),
    }
    assert expected == {
        "customers": 2,
        "contacts": 3,
        "tasks": 1,
        "followups": 2,
        "opportunities": 0,
        "feedback": 1,
    }
    with sqlite3.connect(target) as db:
        counts = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in expected}
        assert counts == expected
        assert db.execute("SELECT name FROM customers WHERE id = 'CRM202405001'").fetchone() == (FORMULA,)


def test_vcard_has_one_card_per_contact(team: Crm) -> None:
    text = team.ok(["export", "vcard"]).replace("\r\n", "\n")
    assert text.count("BEGIN:VCARD") == 3
    assert "FN:王经理\n" in text and "ORG:某某科技有限公司\n" in text and "TEL:13900001111\n" in text
    assert "TITLE:采购总监\n" in text and "EMAIL:wang@example.com\n" in text


def test_redact_masks_names_phones_and_emails(team: Crm) -> None:
    rows = list(csv.DictReader(team.ok(["export", "csv", "--redact"]).removeprefix("\ufeff").splitlines()))
    assert [(r["contact"], r["phone"], r["email"]) for r in rows] == [
        ("王*理", "138****5678", "w***@example.com"),
        ("王*理", "021-****-5678", ""),
    ]
    vcard = team.ok(["export", "vcard", "--redact"])
    assert "李*" in vcard and "13900001111" not in vcard and "139****1111" in vcard


def test_masks() -> None:
    assert (mask_name("王经理"), mask_name("李总"), mask_name("欧阳经理")) == ("王*理", "李*", "欧**理")
    assert (mask_phone("13812345678"), mask_phone("+86 138 1234 5678"), mask_phone("12345")) == (
        "138****5678", "+86 1** **** 5678", "***45")  # fmt: skip
    assert mask_email("wang@example.com") == "w***@example.com"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["export", "csv", "--out", "{root}/customers/x.csv"],
         "error: --out {root}/customers/x.csv: is inside customers/, where only salescrm's own files belong"),
        (["export", "sqlite"], "error: a SQLite export needs a file"),
        (["export", "xml"], "error: Invalid value for 'csv|json|vcard|sqlite|ics': "),
        (["export", "json", "--out", "{root}/nowhere/x.json"], "error: --out {root}/nowhere/x.json: the folder {root}/nowhere does not exist"),
    ],
)  # fmt: skip
def test_bad_input_changes_nothing(team: Crm, digest, args, error) -> None:
    before = digest(team.root)
    result = team([a.format(root=team.root) for a in args])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(error.format(root=team.root))
    assert digest(team.root) == before
