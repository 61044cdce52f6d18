"""``report receivables|collection`` and attainment on both bases: the payments worked example
of docs/reports.md, every figure checked, and the time-travel property of receivables."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from tests.cli.test_pay import won_deal, worked_example
from tests.conftest import Crm

DOCS = Path(__file__).resolve().parents[2] / "docs" / "reports.md"
SECTION = "## Worked example: payment collection (回款)"


@pytest.fixture
def example(crm: Crm) -> Crm:
    crm.ok(["target", "set", "zhang.wei", "--year", "2026", "--amount", "1500000"], user="li.na")
    worked_example(crm, won_deal(crm))
    return crm


def report(crm: Crm, *args: str) -> dict:
    return json.loads(crm.ok(["report", *args, "-f", "json"]))


def test_every_figure_of_the_worked_example(example: Crm) -> None:
    owed = report(example, "receivables", "--as-of", "2026-12-01")
    assert owed["rows"][0] == {"customer": "CRM202607001", "name": "某某科技有限公司", "owner": "zhang.wei",
                               "contract": 375000, "received": 262500, "owed": 112500, "not_due": 0,
                               "overdue": 112500, "days_0_30": 0, "days_31_60": 112500, "days_61_90": 0,
                               "days_over_90": 0}  # fmt: skip
    assert owed["summary"] == {"owed": 112500, "overdue": 112500, "overdue_pct": 100.0}
    before_due = report(example, "receivables", "--as-of", "2026-10-30")["rows"][0]
    assert (before_due["owed"], before_due["not_due"], before_due["overdue"]) == (262500, 262500, 0)
    collected = report(example, "collection", "--period", "2026Q4", "--as-of", "2026-12-01")
    assert [
        (r["member"], r["month"], r["planned"], r["received"], r["collection_pct"]) for r in collected["rows"]
    ] == [
        ("zhang.wei", "2026-10", 262500, 0, 0.0),
        ("zhang.wei", "2026-11", 0, 150000, None),
        ("total", "", 262500, 150000, 57.1),
    ]
    signed = report(example, "attainment", "--period", "2026Q3", "--as-of", "2026-09-30", "--basis", "signed")
    cash = report(
        example, "attainment", "--period", "2026Q3", "--as-of", "2026-09-30", "--basis", "collected"
    )
    assert (signed["rows"][0]["won"], signed["rows"][0]["attainment_pct"]) == (375000, 100.0)
    assert (cash["rows"][0]["won"], cash["rows"][0]["attainment_pct"], cash["rows"][0]["gap"]) == (
        112500,
        30.0,
        262500,
    )
    q4 = report(example, "attainment", "--period", "2026Q4", "--as-of", "2026-12-01", "--basis", "collected")
    assert (q4["rows"][0]["won"], q4["rows"][0]["attainment_pct"]) == (150000, 40.0)


def test_the_total_is_contract_amounts_less_receipts(example: Crm) -> None:
    other = won_deal(example, "另一家公司", "HT-2026-102")
    example.ok(["pay", "plan", other, "--split", "50%@+10d,50%@+100d", "--at", "2026-08-10"])
    example.ok(["pay", "receive", other, "--amount", "20000", "--at", "2026-09-01"])
    rows = report(example, "receivables", "--as-of", "2026-12-01")["rows"]
    assert rows[-1]["owed"] == 375000 * 2 - 112500 - 150000 - 20000
    assert rows[-1]["owed"] == rows[-1]["not_due"] + rows[-1]["overdue"]
    buckets = ("days_0_30", "days_31_60", "days_61_90", "days_over_90")
    assert all(row["overdue"] == sum(row[b] for b in buckets) for row in rows)
    members = report(example, "receivables", "--as-of", "2026-12-01", "--by", "member")["rows"]
    assert members[0]["member"] == "zhang.wei" and members[0]["owed"] == rows[-1]["owed"]


def test_reports_as_of_a_day_stay_when_later_receipts_are_recorded(crm: Crm) -> None:
    ref = won_deal(crm)
    crm.ok(["pay", "plan", ref, "--split", "30%@signed,70%@2026-10-30", "--at", "2026-08-10"])
    commands = [["receivables", "--as-of", "2026-11-19"], ["collection", "--period", "2026Q4", "--as-of", "2026-11-19"],
                ["attainment", "--period", "2026", "--as-of", "2026-11-19", "--basis", "collected"]]  # fmt: skip
    before = [crm.ok(["report", *c, "-f", "json"]) for c in commands]
    crm.ok(["pay", "receive", ref, "--amount", "150000", "--at", "2026-11-20"])
    assert [crm.ok(["report", *c, "-f", "json"]) for c in commands] == before


def test_an_unknown_basis(crm: Crm) -> None:
    result = crm(["report", "attainment", "--basis", "paid"])
    assert result.exit_code == 2 and "unknown --basis 'paid'" in result.stderr


def test_the_worked_example_in_the_docs_is_what_the_commands_print(example: Crm) -> None:
    text = DOCS.read_text(encoding="utf-8").split(SECTION)[1]
    blocks = re.findall(r"```console\n\$ salescrm (.*?)\n(.*?)```", text, re.S)
    assert len(blocks) == 4
    for command, shown in blocks:
        assert example.ok(shlex.split(command)) == shown, command


def test_the_review_pack_has_receivables_and_the_forecast(example: Crm) -> None:
    example.lang = None  # the team's locale (zh_CN)
    md = example.ok(
        ["--lang", "en", "report", "review", "--period", "2026-11", "--as-of", "2026-12-01", "-f", "md"]
    )
    receivables = md.split("## Receivables (payment collection)")[1].split("##")[0]
    assert "| 张伟 | 112,500 | 0 | 112,500 | 0 | 112,500 | 0 | 0 |" in receivables
    forecast = md.split("## This quarter's forecast, 2026Q4")[1]
    assert "| 张伟 | 375,000 | 0 | 0 | 0 | 0 | 375,000 |" in forecast
    html = example.ok(["report", "review", "--period", "2026-11", "--as-of", "2026-12-01", "-f", "html"])
    section = html.split("应收账款(回款)")[1].split("</section>")[0]
    assert "<svg" in section and "112,500" in section
