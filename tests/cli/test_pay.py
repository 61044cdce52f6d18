"""``salescrm pay …`` end to end: plans, receipts, amendments, and bad input changing nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Crm, Digest

SIGNED = "2026-08-10"


def attachments(crm: Crm) -> Path:
    """The documents the stages need, beside the data directory."""
    folder = crm.root.parent / "files"
    folder.mkdir(exist_ok=True)
    (folder / "needs.pdf").write_bytes(b"%PDF needs")
    (folder / "proposal.docx").write_bytes(b"proposal")
    return folder


def negotiating_deal(crm: Crm, name: str = "某某科技有限公司", amount: str = "375000") -> str:
    files = attachments(crm)
    customer = crm.add_customer(name, "--at", "2026-07-01")
    ref = crm.ok(["opp", "add", customer, "--name", "服务器采购", "--amount", amount, "--close", "2026-08-31",
                  "--at", "2026-07-01"]).strip()  # fmt: skip
    crm.ok(["opp", "stage", ref, "needs_analysis", "--at", "2026-07-05"])
    crm.ok(
        [
            "opp",
            "stage",
            ref,
            "proposal",
            "--at",
            "2026-07-10",
            "--artefact",
            f"needs_report={files}/needs.pdf",
        ]
    )
    crm.ok(["opp", "stage", ref, "negotiation", "--at", "2026-07-20", "--artefact",
            f"proposal={files}/proposal.docx"])  # fmt: skip
    crm.ok(["opp", "negotiate", ref, "--decision-maker", "李总", "--competitor", "竞品X"])
    return ref


def won_deal(crm: Crm, name: str = "某某科技有限公司", number: str = "HT〔2026〕101号") -> str:
    """The worked example's deal (docs/reports.md): a 375,000 contract signed on 2026-08-10."""
    ref = negotiating_deal(crm, name)
    crm.ok(["opp", "won", ref, "--contract", number, "--amount", "375000", "--payment-terms",
            "30%签约后付,验收后60天付70%", "--signed", SIGNED])  # fmt: skip
    return ref


@pytest.fixture
def deal(crm: Crm) -> str:
    return won_deal(crm)


def worked_example(crm: Crm, ref: str) -> None:
    """30 % on signing, 70 % 60 days after acceptance (2026-08-31), one late partial payment."""
    crm.ok(["pay", "plan", ref, "--split", "30%@signed,70%@2026-10-30", "--at", SIGNED])
    crm.ok(["pay", "receive", ref, "--amount", "112500", "--at", "2026-08-14", "--ref", "B20260814-01"])
    crm.ok(["pay", "receive", ref, "--amount", "150000", "--at", "2026-11-20"])


def shown(crm: Crm, ref: str, as_of: str) -> dict:
    return json.loads(crm.ok(["pay", "show", ref, "--as-of", as_of, "-f", "json"]))


def test_plan_receive_and_show(crm: Crm, deal: str) -> None:
    out = crm.ok(["pay", "plan", deal, "--split", "30%@signed,70%@+81d", "--at", SIGNED])
    assert out == f"{deal}-P1 2026-08-10 112500\n{deal}-P2 2026-10-30 262500\n"
    assert crm.ok(["pay", "receive", deal, "--amount", "112500", "--at", "2026-08-14"]) == (
        f"{deal}-R1 2026-08-14 112500 pays {deal}-P1\n"
    )
    late = crm.ok(["pay", "receive", deal, "--amount", "150000", "--at", "2026-11-20", "--ref", "B-1"])
    assert late == f"{deal}-R2 2026-11-20 150000 pays {deal}-P2\n"
    data = shown(crm, deal, "2026-11-27")
    assert data["figures"]["owed"] == 112500 and data["figures"]["days_0_30"] == 112500
    assert [(line["line"], line["open"], line["status"]) for line in data["plan"]] == [
        (f"{deal}-P1", 0, "paid"),
        (f"{deal}-P2", 112500, "overdue"),
    ]
    assert data["receipts"][1]["bank_ref"] == "B-1"


def test_one_installment_at_a_time_warns_while_below_the_contract(crm: Crm, deal: str) -> None:
    result = crm(["pay", "plan", deal, "--due", "2026-08-20", "--amount", "100000", "--note", "预付款"])
    assert result.exit_code == 0 and result.stdout == f"{deal}-P1 2026-08-20 100000\n"
    assert "plan totals 100000, 275000 below the contract amount" in result.stderr
    result = crm(["pay", "plan", deal, "--due", "2026-12-20", "--amount", "275000"])
    assert result.exit_code == 0 and result.stderr == ""


def test_a_receipt_goes_to_the_earliest_open_line_unless_told(crm: Crm, deal: str) -> None:
    crm.ok(["pay", "plan", deal, "--split", "30%@signed,70%@+60d", "--at", SIGNED])
    assert crm.ok(
        ["pay", "receive", deal, "--amount", "1000", "--at", "2026-08-12", "--plan", "p2"]
    ).endswith(f"pays {deal}-P2\n")
    data = shown(crm, deal, "2026-12-01")
    assert [line["paid"] for line in data["plan"]] == [0, 1000]
    assert data["plan"][0]["status"] == "overdue" and data["plan"][0]["days_late"] == 113


def test_overpay_needs_a_reason(crm: Crm, deal: str) -> None:
    crm.ok(["pay", "plan", deal, "--split", "100%@signed", "--at", SIGNED])
    out = crm.ok(["pay", "receive", deal, "--amount", "375100", "--at", "2026-08-12", "--overpay",
                  "--reason", "客户多付运费"])  # fmt: skip
    assert out.startswith(f"{deal}-R1 2026-08-12 375100")
    assert shown(crm, deal, "2026-08-12")["figures"]["owed"] == -100


def test_a_manager_amends_with_history_and_the_past_stays(crm: Crm, deal: str) -> None:
    worked_example(crm, deal)
    before = crm.ok(["pay", "list", "--as-of", "2026-11-27", "-f", "json"])
    refused = crm(["pay", "amend", f"{deal}-P2", "--due", "2026-11-15", "--reason", "验收推迟"])
    assert refused.exit_code == 2
    assert "may not amend a payment plan line or receipt" in refused.stderr and "li.na" in refused.stderr
    assert crm.ok(
        ["pay", "amend", f"{deal}-P2", "--due", "2026-11-15", "--reason", "验收推迟"], user="li.na"
    ) == (f"{deal}-P2 due=2026-11-15\n")
    assert crm.ok(["pay", "list", "--as-of", "2026-11-27", "-f", "json"]) == before  # amended today, not then
    assert shown(crm, deal, "2026-12-01")["amendments"] == []  # as of then, it had not happened
    lines = json.loads(crm.ok(["pay", "list", "-f", "json"]))
    assert lines[1]["due"] == "2026-11-15"


def test_list_overdue_and_owner(crm: Crm, deal: str) -> None:
    worked_example(crm, deal)
    rows = json.loads(crm.ok(["pay", "list", "--overdue", "--as-of", "2026-12-15", "-f", "json"]))
    assert [(r["ref"], r["open"], r["days_late"]) for r in rows] == [(f"{deal}-P2", 112500, 46)]
    assert json.loads(crm.ok(["pay", "list", "--owner", "wang.fang", "-f", "json"])) == []
    assert crm.ok(["pay", "list", "--overdue", "--as-of", "2026-10-30", "-f", "json"]) == "[]\n"


def test_receivables_as_of_a_day_do_not_change_when_later_receipts_come(crm: Crm, deal: str) -> None:
    crm.ok(["pay", "plan", deal, "--split", "30%@signed,70%@2026-10-30", "--at", SIGNED])
    crm.ok(["pay", "receive", deal, "--amount", "112500", "--at", "2026-08-14"])
    before = [crm.ok(["pay", "list", "--as-of", "2026-11-19", "-f", "json"]),
              crm.ok(["pay", "show", deal, "--as-of", "2026-11-19", "-f", "json"])]  # fmt: skip
    crm.ok(["pay", "receive", deal, "--amount", "150000", "--at", "2026-11-20"])
    after = [crm.ok(["pay", "list", "--as-of", "2026-11-19", "-f", "json"]),
             crm.ok(["pay", "show", deal, "--as-of", "2026-11-19", "-f", "json"])]  # fmt: skip
    assert before == after


# -- bad input: a clear error, the exit code of DESIGN §3, and nothing written ---------------


def refused(
    crm: Crm, digest: Digest, args: list[str], code: int, message: str, user: str = "default"
) -> None:
    files = digest(crm.root)
    result = crm(args, user=user)
    assert result.exit_code == code, result.stderr
    assert result.stderr.startswith("error: ") and message in result.stderr, result.stderr
    assert digest(crm.root) == files


def test_no_plan_or_receipt_on_an_open_or_lost_deal(crm: Crm, digest: Digest) -> None:
    ref = negotiating_deal(crm)
    refused(crm, digest, ["pay", "plan", ref, "--due", "2026-09-01", "--amount", "1000"], 2, "not won")
    refused(crm, digest, ["pay", "receive", ref, "--amount", "1000", "--at", "2026-08-01"], 2, "not won")
    crm.ok(["opp", "lost", ref, "--reason", "价格过高", "--at", "2026-08-01"])
    refused(crm, digest, ["pay", "plan", ref, "--split", "100%@+30d"], 2, "is lost (失败), not won")


def test_a_deal_with_money_against_it_is_not_reopened(crm: Crm, deal: str, digest: Digest) -> None:
    worked_example(crm, deal)
    refused(
        crm,
        digest,
        ["opp", "reopen", deal, "--reason", "客户重新启动采购"],
        2,
        "has a payment plan or receipts",
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [("0", "must be more than zero"), ("-5", "must be more than zero"), ("abc", "not an amount"),
     ("1.234", "more than two decimals"), ("375001", "above the contract amount 375000")],
)  # fmt: skip
def test_bad_plan_amounts(crm: Crm, deal: str, digest: Digest, amount: str, message: str) -> None:
    refused(crm, digest, ["pay", "plan", deal, "--due", "2026-09-01", "--amount", amount], 2, message)


def test_plans_above_the_contract(crm: Crm, deal: str, digest: Digest) -> None:
    crm.ok(["pay", "plan", deal, "--due", "2026-09-01", "--amount", "300000"])
    refused(crm, digest, ["pay", "plan", deal, "--split", "30%@signed,70%@+60d"], 2, "would total 675000")


@pytest.mark.parametrize(
    ("split", "message"),
    [("30%@signed,60%@+60d", "sum to 90%, not 100%"), ("30%@signed,80%@+60d", "not 100%"),
     ("30%,70%@+60d", "no @WHEN"), ("abc%@signed", "not a number"), ("100%@someday", "bad --split date")],
)  # fmt: skip
def test_bad_splits(crm: Crm, deal: str, digest: Digest, split: str, message: str) -> None:
    refused(crm, digest, ["pay", "plan", deal, "--split", split], 2, message)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--amount", "375001", "--at", "2026-08-14"], 2, "above what CRM202607001-O1 still owes (375000)"),
        (["--amount", "-1", "--at", "2026-08-14"], 2, "must be more than zero"),
        (["--amount", "12.345", "--at", "2026-08-14"], 2, "more than two decimals"),
        (["--amount", "100", "--at", "2026-08-09"], 2, "is before the contract existed"),
        (["--amount", "100", "--at", "2099-01-01"], 2, "is in the future"),
        (
            ["--amount", "100", "--at", "2026-08-14", "--plan", "P9"],
            3,
            "no such plan line CRM202607001-O1-P9",
        ),
        (["--amount", "100", "--at", "2026-08-14", "--overpay"], 2, "--overpay needs --reason"),
    ],
)
def test_bad_receipts(crm: Crm, deal: str, digest: Digest, args: list[str], code: int, message: str) -> None:
    crm.ok(["pay", "plan", deal, "--split", "30%@signed,70%@+60d", "--at", SIGNED])
    refused(crm, digest, ["pay", "receive", deal, *args], code, message)


def test_bad_amendments(crm: Crm, deal: str, digest: Digest) -> None:
    worked_example(crm, deal)
    as_manager = {"user": "li.na"}
    refused(crm, digest, ["pay", "amend", f"{deal}-P7", "--amount", "1", "--reason", "x"], 3, "no such plan line",
            **as_manager)  # fmt: skip
    refused(crm, digest, ["pay", "amend", f"{deal}-P1", "--amount", "200000", "--reason", "x"], 2,
            "above the contract amount", **as_manager)  # fmt: skip
    refused(crm, digest, ["pay", "amend", f"{deal}-R1", "--due", "2026-09-01", "--reason", "x"], 2,
            "nothing to amend", **as_manager)  # fmt: skip
    refused(crm, digest, ["pay", "amend", f"{deal}-X1", "--amount", "1", "--reason", "x"], 2,
            "bad plan line or receipt", **as_manager)  # fmt: skip


def test_an_unknown_forecast_category(crm: Crm, digest: Digest) -> None:
    ref = negotiating_deal(crm)
    refused(crm, digest, ["opp", "set", ref, "forecast=maybe"], 2, "unknown forecast category 'maybe'")
    assert crm.ok(["opp", "set", ref, "forecast=承诺"]) == f"{ref} forecast=commit\n"


def test_contract_numbers_are_unique_after_normalising(crm: Crm, digest: Digest) -> None:
    won_deal(crm)
    other = negotiating_deal(crm, "另一家公司")
    refused(crm, digest, ["opp", "won", other, "--contract", "ＨＴ[2026]101号", "--amount", "1000",
                          "--payment-terms", "现结", "--signed", SIGNED], 4, "is already used by")  # fmt: skip


def test_remind_shows_installments_to_the_owner_and_escalates_them(crm: Crm, deal: str) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    worked_example(crm, deal)
    soon = json.loads(crm.ok(["remind", "--all", "--as-of", "2026-10-25", "--within", "7", "-f", "json"]))
    mine = next(o for o in soon["owners"] if o["owner"] == "zhang.wei")
    assert [(r["kind"], r["reference"], r["detail"], r["days"]) for r in mine["upcoming"]] == [
        ("payment", f"{deal}-P2", "262500", -5)
    ]
    late = json.loads(crm.ok(["remind", "--all", "--as-of", "2026-12-01", "-f", "json"]))
    by_owner = {o["owner"]: o for o in late["owners"]}
    assert [(r["reference"], r["detail"], r["days"]) for r in by_owner["zhang.wei"]["overdue"] if
            r["kind"] == "payment"] == [(f"{deal}-P2", "112500", 32)]  # fmt: skip
    assert [r["reference"] for r in by_owner["li.na"]["escalated"]] == [f"{deal}-P2"]  # the manager
    text = crm.ok(["remind", "--owner", "zhang.wei", "--as-of", "2026-12-01"])
    assert f"{deal}-P2" in text and "回款 服务器采购: 待收 112500" in text
    crm.ok(["pay", "receive", deal, "--amount", "112500", "--at", "2026-12-01"])
    paid = json.loads(crm.ok(["remind", "--all", "--as-of", "2026-12-01", "-f", "json"]))
    assert not [
        r for o in paid["owners"] for s in ("overdue", "escalated") for r in o[s] if r["kind"] == "payment"
    ]


def test_an_ics_event_for_each_installment_due(crm: Crm, deal: str) -> None:
    crm.ok(["pay", "plan", deal, "--split", "30%@signed,70%@2026-10-30", "--at", SIGNED])
    calendar = crm.ok(["export", "ics", "--as-of", "2026-08-11"])
    assert f"UID:{deal}-P1-payment@salescrm" in calendar and f"UID:{deal}-P2-payment@salescrm" in calendar
    assert "DTSTART;VALUE=DATE:20261030" in calendar


def test_exports_carry_payments_and_receivables(crm: Crm, deal: str, tmp_path: Path) -> None:
    import csv
    import io
    import sqlite3

    worked_example(crm, deal)
    rows = list(
        csv.DictReader(io.StringIO(crm.ok(["export", "csv", "--as-of", "2026-12-01"]).lstrip("\ufeff")))
    )
    assert (rows[0]["receivable"], rows[0]["overdue"]) == ("112500", "112500")
    before = list(
        csv.DictReader(io.StringIO(crm.ok(["export", "csv", "--as-of", "2026-10-01"]).lstrip("\ufeff")))
    )
    assert (before[0]["receivable"], before[0]["overdue"]) == ("262500", "0")
    opportunity = json.loads(crm.ok(["export", "json"]))[0]["opportunities"][0]
    assert [p["id"] for p in opportunity["plan"]] == ["P1", "P2"] and len(opportunity["receipts"]) == 2
    target = crm.root.parent / "out.sqlite"
    crm.ok(["export", "sqlite", "--out", str(target), "--as-of", "2026-12-01"])
    with sqlite3.connect(target) as db:
        plan = db.execute("SELECT id, amount, paid, open, days_late FROM payment_plan ORDER BY id").fetchall()
        assert plan == [("P1", 112500, 112500, 0, 0), ("P2", 262500, 150000, 112500, 32)]
        assert db.execute("SELECT count(*), sum(amount) FROM receipts").fetchone() == (2, 262500)
        owed = db.execute("SELECT contract, received, owed, days_31_60 FROM receivables").fetchall()
        assert owed == [(375000, 262500, 112500, 112500)]


def test_opp_show_shows_the_collection_as_pay_show_does(crm: Crm, deal: str) -> None:
    worked_example(crm, deal)
    for day in ("2026-08-12", "2026-11-19", "2026-11-27"):
        whole = json.loads(crm.ok(["opp", "show", deal, "--as-of", day, "-f", "json"]))
        paid = shown(crm, deal, day)
        assert whole["collection"] == {
            key: paid[key] for key in ("figures", "plan", "receipts", "amendments")
        }
        received = sum(r["amount"] for r in whole["collection"]["receipts"])
        assert whole["collection"]["figures"]["owed"] == 375000 - received
    early = json.loads(crm.ok(["opp", "show", deal, "--as-of", "2026-11-19", "-f", "json"]))
    assert [r["receipt"] for r in early["collection"]["receipts"]] == [f"{deal}-R1"]  # R2 came 11-20
    text = crm.ok(["--lang", "en", "opp", "show", deal, "--as-of", "2026-11-27"])
    collection = text.split("\ncollection\n", 1)[1]
    assert f"{deal}-P2  2026-10-30  262,500" in collection and "overdue" in collection
    assert f"{deal}-R2  2026-11-20  150,000" in collection
    assert "owed          112,500" in collection


def test_opp_show_of_an_open_deal_has_no_collection(crm: Crm) -> None:
    ref = negotiating_deal(crm)
    assert json.loads(crm.ok(["opp", "show", ref, "-f", "json"]))["collection"] is None
    assert "collection" not in crm.ok(["--lang", "en", "opp", "show", ref])


@pytest.mark.parametrize(
    ("as_of", "code", "message"),
    [("2026-13-01", 2, "bad --as-of date"), ("2026-06-30", 3, "no such opportunity")],
)
def test_opp_show_bad_as_of(crm: Crm, deal: str, digest: Digest, as_of: str, code: int, message: str) -> None:
    refused(crm, digest, ["opp", "show", deal, "--as-of", as_of], code, message)
