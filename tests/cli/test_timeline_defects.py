"""Regression tests for the numbered defects of issue 17 ("One timeline"), as small CLI scenarios.

Each reproduces what the issue found on a fresh clone; before the fix they fail.
Dates are in 2026 (past); "the future" is counted from the machine's clock.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import Crm, Digest, team_today
from tests.timeline_scenarios import has_command

REPORT = "需求调研报告.pdf"
PAST = "2026-11-10"


def as_json(crm: Crm, *args: str) -> Any:
    return json.loads(crm.ok([*args, "-f", "json"]))


@pytest.fixture
def customer(crm: Crm) -> str:
    """A VIP customer of zhang.wei (weekly cadence), created on 2026-06-01."""
    return crm.add_customer("华东精工制造有限公司", "--tier", "VIP", "--at", "2026-06-01")


def new_deal(crm: Crm, customer: str, at: str, amount: str = "100000", *extra: str) -> str:
    return crm.ok(["opp", "add", customer, "--name", "年度设备采购", "--amount", amount,
                   "--close", "2026-12-31", "--at", at, *extra]).strip()  # fmt: skip


def to_negotiation(crm: Crm, deal: str, at: str, report: str) -> None:
    """lead → needs_analysis → proposal → negotiation, every move on day ``at``."""
    crm.ok(["opp", "stage", deal, "needs_analysis", "--at", at])
    crm.ok(["opp", "stage", deal, "proposal", "--artefact", f"needs_report={report}", "--at", at])
    crm.ok(["opp", "stage", deal, "negotiation", "--artefact", f"proposal={report}", "--at", at])
    crm.ok(["opp", "negotiate", deal, "--decision-maker", "李总", "--competitor", "竞品X"])


def win(crm: Crm, deal: str, signed: str, contract: str = "HT-2026-031", amount: str = "100000") -> None:
    crm.ok(["opp", "won", deal, "--contract", contract, "--amount", amount,
            "--payment-terms", "30%预付,验收后30天付清", "--signed", signed])  # fmt: skip


@pytest.fixture
def report_file(tmp_path: Any) -> str:
    path = tmp_path / REPORT
    path.write_bytes(b"%PDF-1.4 report\n")
    return str(path)


# -- 1. same-day moves: the state on a day is the last of its moves ------------------------------


@pytest.fixture
def won_in_a_day(crm: Crm, customer: str, report_file: str) -> str:
    """A deal added, moved through every stage and won, all on 2026-11-10."""
    deal = new_deal(crm, customer, PAST)
    to_negotiation(crm, deal, PAST, report_file)
    win(crm, deal, PAST)
    return deal


def test_a_deal_won_the_day_it_was_added_is_not_in_the_pipeline(crm: Crm, won_in_a_day: str) -> None:
    pipeline = as_json(crm, "report", "pipeline", "--as-of", PAST)
    assert [row for row in pipeline["rows"] if row["stage"] != "total" and row["deals"]] == []


def test_a_deal_won_the_day_it_was_added_converts(crm: Crm, won_in_a_day: str) -> None:
    conversion = as_json(crm, "report", "conversion", "--period", "2026Q4", "--as-of", PAST)
    assert conversion["summary"]["won"] == 1
    assert conversion["summary"]["lead_to_won_pct"] == 100
    assert {row["stage"]: row["reached"] for row in conversion["rows"]}["won"] == 1


def test_opp_list_where_stage_lead_leaves_out_a_deal_won_that_day(crm: Crm, won_in_a_day: str) -> None:
    assert as_json(crm, "opp", "list", "--where", "stage = lead", "--as-of", PAST) == []
    assert [row["stage"] for row in as_json(crm, "opp", "list", "--as-of", PAST)] == ["won"]


def test_a_reopen_and_a_rewin_on_one_day_end_won(crm: Crm, won_in_a_day: str) -> None:
    crm.ok(["opp", "reopen", won_in_a_day, "--reason", "合同更正", "--at", "2026-11-20"])
    win(crm, won_in_a_day, "2026-11-20", contract="HT-2026-032")
    assert [row["stage"] for row in as_json(crm, "opp", "list", "--as-of", "2026-11-20")] == ["won"]
    pipeline = as_json(crm, "report", "pipeline", "--as-of", "2026-11-20")
    assert [row for row in pipeline["rows"] if row["stage"] != "total" and row["deals"]] == []


# -- 2. conversion's summary agrees with its rows ------------------------------------------------


def test_conversion_summary_counts_a_deal_signed_in_the_quarter(
    crm: Crm, customer: str, report_file: str
) -> None:
    deal = new_deal(crm, customer, "2026-07-01")
    to_negotiation(crm, deal, "2026-08-20", report_file)  # the last steps on the signing day
    win(crm, deal, "2026-08-20")
    conversion = as_json(crm, "report", "conversion", "--period", "2026Q3", "--as-of", "2026-11-30")
    reached = {row["stage"]: row["reached"] for row in conversion["rows"]}
    summary = conversion["summary"]
    assert reached["won"] == summary["won"] == 1
    assert summary["lead_to_won_pct"] == 100 and summary["win_rate_pct"] == 100
    attainment = as_json(crm, "report", "attainment", "--period", "2026Q3", "--as-of", "2026-11-30")
    assert {row["member"]: row["won"] for row in attainment["rows"]}["zhang.wei"] == 100000


# -- 3. later events do not leak into "as of" -----------------------------------------------------


def test_remind_as_of_ignores_a_later_followup(crm: Crm, customer: str) -> None:
    crm.ok(["followup", "log", customer, "--via", "phone", "--at", "2026-11-20",
            "--content", "客户确认下月采购20台服务器,预算已批"])  # fmt: skip
    # As of 1 September its last contact was its creation on 1 June: weekly cadence, long overdue.
    assert customer in crm.ok(["remind", "--all", "--as-of", "2026-09-01"])


def test_opp_list_as_of_shows_the_stage_of_that_day(crm: Crm, customer: str) -> None:
    deal = new_deal(crm, customer, "2026-06-01")
    crm.ok(["opp", "lost", deal, "--reason", "价格过高", "--at", "2026-06-15"])
    rows = as_json(crm, "opp", "list", "--open", "--as-of", "2026-06-10")
    assert [(row["opportunity"], row["stage"]) for row in rows] == [(deal, "lead")]


def test_query_as_of_leaves_out_customers_created_later(crm: Crm) -> None:
    crm.add_customer("云帆信息技术有限公司", "--at", "2026-08-01")
    assert as_json(crm, "query", "tier = C", "--as-of", "2026-07-01") == []


def test_a_later_probability_does_not_change_the_pipeline_before_it(crm: Crm, customer: str) -> None:
    deal = new_deal(crm, customer, "2026-11-01")
    crm.ok(["opp", "stage", deal, "needs_analysis", "--probability", "90", "--at", "2026-11-25"])
    pipeline = as_json(crm, "report", "pipeline", "--as-of", "2026-11-24")
    total = next(row for row in pipeline["rows"] if row["stage"] == "total")
    assert (total["deals"], total["weighted"]) == (1, 10000)  # a lead at 10 % on the 24th


def test_a_deal_lost_then_reopened_later_stays_lost_in_that_month(crm: Crm, customer: str) -> None:
    deal = new_deal(crm, customer, "2026-10-01")
    crm.ok(["opp", "lost", deal, "--reason", "价格过高", "--at", "2026-11-12"])
    crm.ok(["opp", "reopen", deal, "--reason", "客户重新启动采购", "--at", "2026-11-20"])
    lost = as_json(crm, "report", "lost-reasons", "--period", "2026-11", "--as-of", "2026-11-15")
    assert {row["reason"]: row["lost"] for row in lost["rows"]}.get("价格过高") == 1
    review = crm.ok(["--lang", "en", "report", "review", "--period", "2026-11", "--as-of", "2026-11-15"])
    assert deal in review.split("## Lost in the period")[1].split("##")[0]


def test_a_won_deal_reopened_later_keeps_its_month_as_of_then(
    crm: Crm, customer: str, report_file: str
) -> None:
    deal = new_deal(crm, customer, "2026-09-01")
    to_negotiation(crm, deal, "2026-09-10", report_file)
    win(crm, deal, "2026-10-10")
    crm.ok(["opp", "reopen", deal, "--reason", "合同更正", "--at", "2026-11-05"])
    attainment = as_json(crm, "report", "attainment", "--period", "2026-10", "--as-of", "2026-10-31")
    assert {row["member"]: row["won"] for row in attainment["rows"]}["zhang.wei"] == 100000


# -- 4. impossible history is refused, and changes nothing ---------------------------------------


def future(days: int = 40) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


FUTURE_WRITES = {
    "followup log": lambda c: ["followup", "log", c, "--via", "phone", "--content", "客户确认下月采购20台服务器",
                               "--at", future()],
    "followup done": lambda c: ["followup", "done", f"{c}-T1", "--at", future()],
    "feedback add": lambda c: ["--as", "zhao.svc", "feedback", "add", c, "--content", "两台电脑屏幕闪烁", "--at",
                               future()],
    "customer add": lambda c: ["customer", "add", "明德教育集团", "--source", "官网", "--contact", "张老师",
                               "--phone", "13900000000", "--needs", "需要采购30台平板", "--at", future()],
    "customer set first_contact": lambda c: ["customer", "set", c, f"first_contact={future()}"],
    "tier review --apply": lambda c: ["--as", "li.na", "tier", "review", "--as-of", future(), "--apply"],
    "opp add": lambda c: ["opp", "add", c, "--name", "年度设备采购", "--amount", "100000", "--close",
                          future(90), "--at", future()],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(FUTURE_WRITES))
def test_a_date_in_the_future_is_refused(crm: Crm, customer: str, digest: Digest, name: str) -> None:
    crm.ok(["followup", "plan", customer, "--due", "2026-11-20T10:00", "--via", "visit",
            "--focus", "演示样机", "--goal", "确认配置"])  # fmt: skip
    before = digest(crm.root)
    result = crm(FUTURE_WRITES[name](customer))
    assert result.exit_code == 2, result.stdout
    assert result.stderr.startswith("error:")
    assert digest(crm.root) == before


BEFORE_THE_CUSTOMER = {
    "opp add": lambda c: ["opp", "add", c, "--name", "年度设备采购", "--amount", "100000",
                          "--close", "2026-12-31", "--at", "2026-05-01"],
    "followup log": lambda c: ["followup", "log", c, "--via", "phone", "--content", "客户确认下月采购20台服务器",
                               "--at", "2026-05-01"],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BEFORE_THE_CUSTOMER))
def test_a_date_before_the_customer_existed_is_refused(
    crm: Crm, customer: str, digest: Digest, name: str
) -> None:
    before = digest(crm.root)
    result = crm(BEFORE_THE_CUSTOMER[name](customer))
    assert result.exit_code == 2, result.stdout
    assert result.stderr.startswith("error:")
    assert digest(crm.root) == before


def test_a_refused_future_followup_leaves_the_overdue_reminder(crm: Crm, customer: str) -> None:
    crm(["followup", "log", customer, "--via", "phone", "--content", "客户确认下月采购20台服务器",
         "--at", future()])  # fmt: skip
    assert customer in crm.ok(["remind", "--all"])


# -- 5. correcting a won deal does not move it in time --------------------------------------------


@pytest.fixture
def won_in_october(crm: Crm, customer: str, report_file: str) -> str:
    deal = new_deal(crm, customer, "2026-09-01")
    to_negotiation(crm, deal, "2026-09-10", report_file)
    win(crm, deal, "2026-10-10")
    return deal


def october_won(crm: Crm, member: str = "zhang.wei", as_of: str = "2026-11-30") -> Any:
    attainment = as_json(crm, "report", "attainment", "--period", "2026-10", "--as-of", as_of)
    return {row["member"]: row["won"] for row in attainment["rows"]}[member]


def test_opp_amend_corrects_a_won_deal_in_its_own_month(crm: Crm, won_in_october: str) -> None:
    assert has_command("opp amend"), "salescrm opp amend OPP --amount … --reason … does not exist"
    crm.ok(["opp", "amend", won_in_october, "--amount", "90000", "--reason", "合同金额更正"])
    assert october_won(crm, as_of=team_today().isoformat()) == 90000  # corrected, still in October
    assert october_won(crm) == 100000  # as of 30 November the correction had not been made
    shown = as_json(crm, "opp", "show", won_in_october)
    assert shown["stage"] == "won" and "合同金额更正" in json.dumps(shown, ensure_ascii=False)


AMEND_REFUSED = {
    "an open deal": (None, ["--amount", "90000", "--reason", "合同金额更正"]),
    "no reason": ("won", ["--amount", "90000"]),
    "neither owner nor manager": ("won-by-other", ["--amount", "90000", "--reason", "合同金额更正"]),
}


@pytest.mark.parametrize("case", sorted(AMEND_REFUSED))
def test_opp_amend_refuses(crm: Crm, customer: str, won_in_october: str, digest: Digest, case: str) -> None:
    assert has_command("opp amend"), "salescrm opp amend does not exist"
    state, args = AMEND_REFUSED[case]
    deal = new_deal(crm, customer, "2026-11-01") if state is None else won_in_october
    user = "wang.fang" if state == "won-by-other" else "zhang.wei"
    before = digest(crm.root)
    result = crm(["opp", "amend", deal, *args], user=user)
    assert result.exit_code == 2 and result.stderr.startswith("error:"), result.stderr
    assert digest(crm.root) == before


# -- 6. credit: the deal's owner at the signed date, in every report ------------------------------


def test_industry_credits_the_deal_owner_like_attainment(crm: Crm, report_file: str) -> None:
    crm = Crm(crm.root, user="li.na")  # the manager opens a deal for zhang.wei on wang.fang's customer
    customer = crm.add_customer("华东精工制造有限公司", "--industry", "制造业", "--owner", "wang.fang",
                                "--at", "2026-06-01")  # fmt: skip
    deal = new_deal(crm, customer, "2026-09-01", "100000", "--owner", "zhang.wei")
    to_negotiation(crm, deal, "2026-09-10", report_file)
    win(crm, deal, "2026-10-10")
    assert october_won(crm, "zhang.wei") == 100000
    for member, won in (("zhang.wei", 100000), ("wang.fang", 0)):
        industry = as_json(crm, "report", "industry", "--period", "2026-10", "--as-of", "2026-11-30",
                           "--owner", member)  # fmt: skip
        rows = [row for row in industry["rows"] if row.get("industry") == "制造业"]
        assert sum(row.get("won", 0) for row in rows) == won, (member, industry["rows"])


# -- 7. editing an open deal, dated in its history ------------------------------------------------


def test_opp_set_changes_an_open_deal_from_its_day_on(crm: Crm, customer: str) -> None:
    assert has_command("opp set"), (
        "salescrm opp set OPP amount=… close=… probability=… owner=… does not exist"
    )
    deal = new_deal(crm, customer, "2026-11-01")
    crm.ok(["opp", "set", deal, "amount=200000", "probability=50", "--at", "2026-11-20"])
    before = next(r for r in as_json(crm, "report", "pipeline", "--as-of", "2026-11-19")["rows"]
                  if r["stage"] == "total")  # fmt: skip
    after = next(r for r in as_json(crm, "report", "pipeline", "--as-of", "2026-11-20")["rows"]
                 if r["stage"] == "total")  # fmt: skip
    assert (before["amount"], before["weighted"]) == (100000, 10000)
    assert (after["amount"], after["weighted"]) == (200000, 100000)


SET_REFUSED = {
    "a closed deal": ("won", ["amount=200000"]),
    "probability over 100": ("open", ["probability=120"]),
    "probability below 0": ("open", ["probability=-5"]),
    "an unknown field": ("open", ["colour=red"]),
}


@pytest.mark.parametrize("case", sorted(SET_REFUSED))
def test_opp_set_refuses(crm: Crm, customer: str, won_in_october: str, digest: Digest, case: str) -> None:
    assert has_command("opp set"), "salescrm opp set does not exist"
    state, args = SET_REFUSED[case]
    deal = won_in_october if state == "won" else new_deal(crm, customer, "2026-11-01")
    before = digest(crm.root)
    result = crm(["opp", "set", deal, *args])
    assert result.exit_code == 2 and result.stderr.startswith("error:"), result.stderr
    assert digest(crm.root) == before


def test_the_pipeline_and_the_review_flag_deals_past_their_close_date(crm: Crm, customer: str) -> None:
    deal = new_deal(crm, customer, "2026-09-01", "100000")  # expected to close 2026-12-31
    crm.ok(["opp", "set", deal, "close=2026-10-31", "--at", "2026-09-15"])
    before = as_json(crm, "report", "pipeline", "--as-of", "2026-10-31")["summary"]
    after = as_json(crm, "report", "pipeline", "--as-of", "2026-11-01")["summary"]
    assert (before["past_close_deals"], after["past_close_deals"]) == (0, 1)
    assert after["past_close_amount"] == 100000
    pack = crm.ok(["--lang", "en", "report", "review", "--period", "2026-11", "--as-of", "2026-11-30"])
    assert "open past their close date" in pack and "1 · 100,000" in pack
