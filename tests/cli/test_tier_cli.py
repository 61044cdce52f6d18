"""``salescrm tier review [--apply]``: one commit with every change and its history."""

from __future__ import annotations

import json
import subprocess
from datetime import date

from salescrm.store.yamlio import load_text
from tests.scenario import customer, deal, write_customers


def won(customer_id: str, amount: str, tier: str = "C", pinned: bool = False):  # type: ignore[no-untyped-def]
    c = customer(customer_id, f"客户{customer_id[-3:]}", tier=tier, opportunities=[
        deal("O1", [("lead", "2026-01-05"), ("won", "2026-06-30")], amount=amount, signed=(amount, "2026-06-30"))])  # fmt: skip
    c.tier_pinned = pinned
    return c


CUSTOMERS = [won("CRM202601001", "600000"), won("CRM202601002", "100000"), won("CRM202601003", "99999.99", "A"),
             won("CRM202601004", "9999", "B"), won("CRM202601005", "600000", "B", pinned=True),
             customer("CRM202601006", "从未成交客户", tier="VIP")]  # fmt: skip


def commits(root) -> int:  # type: ignore[no-untyped-def]
    return int(subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=root, capture_output=True,
                              text=True, check=True).stdout)  # fmt: skip


def test_the_review_lists_and_apply_writes_history_in_one_commit(git_crm, digest) -> None:  # type: ignore[no-untyped-def]
    git_crm.lang = None  # the team's locale (zh_CN)
    write_customers(git_crm.root, CUSTOMERS)
    before = digest(git_crm.root)
    listed = json.loads(git_crm.ok("tier review --as-of 2026-09-28 -f json", user="li.na"))
    assert [(r["id"], r["from"], r["to"], r["won_12m"], r["note"]) for r in listed] == [
        ("CRM202601001", "C", "VIP", 600000, ""), ("CRM202601002", "C", "A", 100000, ""),
        ("CRM202601003", "A", "B", 99999.99, ""), ("CRM202601004", "B", "C", 9999, ""),
        ("CRM202601005", "B", "VIP", 600000, "pinned: kept")]  # fmt: skip
    assert digest(git_crm.root) == before
    count = commits(git_crm.root)
    out = git_crm.ok("tier review --as-of 2026-09-28 --apply", user="li.na")
    assert out.endswith("截至 2026-09-28: 已执行 4 项等级调整\n")
    assert git_crm.ok("--lang en tier review --as-of 2026-09-28", user="li.na").endswith(
        "0 tier changes to apply (with --apply) as of 2026-09-28\n"
    )
    assert commits(git_crm.root) == count + 1
    data = load_text((git_crm.root / "customers" / "CRM202601003.yaml").read_text(), "x")
    assert data["tier"] == "B"
    assert data["tier_history"] == [{"at": date(2026, 9, 28), "from": "A", "to": "B",
                                     "cause": {"kind": "review", "won": 99999.99}}]  # fmt: skip
    shown = git_crm.ok("customer show CRM202601003", user="li.na")
    assert "近12个月成交 99999.99" in shown and "trailing" not in shown
    assert "trailing-12-month won 99999.99" in git_crm.ok(
        "--lang en customer show CRM202601003", user="li.na"
    )
    pinned = load_text((git_crm.root / "customers" / "CRM202601005.yaml").read_text(), "x")
    assert pinned["tier"] == "B" and not pinned.get("tier_history")
    never = load_text((git_crm.root / "customers" / "CRM202601006.yaml").read_text(), "x")
    assert never["tier"] == "VIP"
    assert "last_tier_review: 2026-09-28" in (git_crm.root / "salescrm.yaml").read_text()
    again = json.loads(git_crm.ok("tier review --as-of 2026-09-28 -f json", user="li.na"))
    assert [r["id"] for r in again] == ["CRM202601005"]  # only the pinned one is left


def test_a_bad_as_of_date_is_refused(crm, digest) -> None:  # type: ignore[no-untyped-def]
    before = digest(crm.root)
    result = crm("tier review --as-of 2026-13-01 --apply", user="li.na")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (2, "error: bad --as-of date '2026-13-01'")
    assert digest(crm.root) == before
