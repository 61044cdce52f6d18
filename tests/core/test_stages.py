"""The pipeline state machine and its gates, without a disk."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from salescrm.core.config import Config, StageRule
from salescrm.core.dealrows import rows_of
from salescrm.core.errors import ConflictError, UsageError
from salescrm.core.model import Contract, Customer, Opportunity, StageMove
from salescrm.core.stages import (
    Loss,
    Move,
    artefact_names,
    check_gate,
    contract_key,
    lose,
    loss_reason,
    missing_to_leave,
    move_stage,
    parse_artefact_name,
    parse_contract_number,
    reopen,
    taken_contracts,
    win,
)

CONFIG = Config()
REF = "CRM202405001-O1"
TODAY = date(2024, 9, 1)


def deal(stage: str = "lead", **extra: object) -> Opportunity:
    o = Opportunity(
        "O1", "办公设备采购", Decimal(250000), date(2024, 8, 30), "zhang.wei", stage=stage, **extra
    )  # type: ignore[arg-type]
    o.stage_history = [StageMove(stage, date(2024, 5, 3), "zhang.wei")]
    return o


def step(target: str, **extra: object) -> Move:
    return Move(target=target, by="zhang.wei", at=date(2024, 6, 1), **extra)  # type: ignore[arg-type]


def test_one_step_forward_is_recorded() -> None:
    o = deal()
    move_stage(o, REF, step("needs_analysis", note="电话沟通需求"), CONFIG)
    assert o.stage == "needs_analysis"
    assert o.stage_history[-1] == StageMove("needs_analysis", date(2024, 6, 1), "zhang.wei", "电话沟通需求")


def test_leaving_needs_analysis_names_the_report_and_its_option() -> None:
    o = deal("needs_analysis")
    with pytest.raises(UsageError) as caught:
        move_stage(o, REF, step("proposal"), CONFIG)
    assert caught.value.message == (
        "CRM202405001-O1 cannot leave needs_analysis (需求分析): "
        "missing needs_report (客户需求调研报告; give --artefact needs_report=FILE)"
    )
    assert caught.value.hint == (
        "attach on the way: salescrm opp stage CRM202405001-O1 proposal --artefact needs_report=FILE"
    )
    assert o.stage == "needs_analysis" and len(o.stage_history) == 1


def test_leaving_negotiation_names_both_records() -> None:
    o = deal("negotiation")
    o.negotiation.decision_makers.append("李总")
    assert [m.name for m in missing_to_leave(o, "negotiation", CONFIG)] == ["competitors"]
    o.negotiation.decision_makers.clear()
    with pytest.raises(UsageError) as caught:
        check_gate(o, REF, CONFIG, "salescrm opp won CRM202405001-O1")
    assert (
        "missing decision_makers (决策人; give --decision-maker NAME), competitors (竞争对手; give --competitor NAME)"
        in caught.value.message
    )
    assert caught.value.hint == (
        "record them first: salescrm opp negotiate CRM202405001-O1 --decision-maker NAME --competitor NAME"
    )


def test_a_configured_gate_is_the_one_applied() -> None:
    config = Config()
    config.stages = {**config.stages, "lead": StageRule("lead", Decimal(10), ("site_survey",))}
    o = deal()
    assert [m.option for m in missing_to_leave(o, "lead", config)] == ["--artefact site_survey=FILE"]
    assert "site_survey" in artefact_names(config)
    o.artefacts["site_survey"] = "attachments/CRM202405001/survey.pdf"
    move_stage(o, REF, step("needs_analysis"), config)
    assert o.stage == "needs_analysis"


def test_skipping_is_refused_and_names_the_next_stage() -> None:
    with pytest.raises(
        UsageError, match="cannot skip from lead to proposal; the next stage is needs_analysis"
    ):
        move_stage(deal(), REF, step("proposal"), CONFIG)


def test_a_rep_may_not_force() -> None:
    with pytest.raises(UsageError, match="only a manager may --force"):
        move_stage(deal(), REF, step("proposal", force=True, reason="老客户直接要方案"), CONFIG)


def test_a_manager_skips_with_force_and_reason() -> None:
    o = deal()
    with pytest.raises(UsageError, match="cannot skip"):
        move_stage(o, REF, step("proposal", force=True, is_manager=True), CONFIG)
    move_stage(o, REF, step("proposal", force=True, is_manager=True, reason="老客户直接要方案"), CONFIG)
    assert o.stage == "proposal"
    assert o.stage_history[-1].note == "skipped needs_analysis; 老客户直接要方案"


def test_moving_back_needs_a_reason_and_passes_no_gate() -> None:
    o = deal("proposal")
    with pytest.raises(UsageError, match="needs a reason"):
        move_stage(o, REF, step("lead"), CONFIG)
    move_stage(o, REF, step("lead", reason="客户预算冻结"), CONFIG)
    assert (o.stage, o.stage_history[-1].note) == ("lead", "客户预算冻结")


def test_moving_to_the_same_stage_or_to_a_closed_one_is_refused() -> None:
    with pytest.raises(UsageError, match="already in lead"):
        move_stage(deal(), REF, step("lead"), CONFIG)
    with pytest.raises(UsageError, match="closed with its own command"):
        move_stage(deal(), REF, step("won"), CONFIG)


def test_a_move_cannot_predate_the_deal_s_last_event() -> None:
    with pytest.raises(UsageError, match="last changed on 2024-05-03; 2024-05-01 is earlier"):
        move_stage(deal(), REF, Move("needs_analysis", "zhang.wei", date(2024, 5, 1)), CONFIG)
    # (a moment in the future is refused where the clock is read: tests/cli/test_timeline.py)


def test_a_stage_move_ends_a_probability_override_unless_given_again() -> None:
    o = deal(probability=Decimal(40))
    move_stage(o, REF, step("needs_analysis"), CONFIG)
    assert o.probability is None
    o.artefacts["needs_report"] = "attachments/CRM202405001/needs.pdf"
    move_stage(o, REF, step("proposal", probability=Decimal(60)), CONFIG)
    assert o.probability == Decimal(60)


CONTRACT = Contract("HT-2024-031", Decimal(248000), "30%预付,验收后30天付清", date(2024, 8, 20))


def ready_to_win() -> Opportunity:
    o = deal("negotiation", probability=Decimal(90))
    o.negotiation.decision_makers.append("李总")
    o.negotiation.competitors.append("竞品X")
    return o


def test_win_closes_with_the_contract() -> None:
    o = ready_to_win()
    win(o, REF, CONTRACT, "zhang.wei", {}, CONFIG)
    assert (o.stage, o.contract, o.probability) == ("won", CONTRACT, None)
    assert o.stage_history[-1] == StageMove("won", date(2024, 8, 20), "zhang.wei", "contract HT-2024-031")


def test_win_only_from_negotiation() -> None:
    with pytest.raises(UsageError, match=r"is in proposal \(方案制定\); only a deal in negotiation"):
        win(deal("proposal"), REF, CONTRACT, "zhang.wei", {}, CONFIG)


def test_a_contract_number_is_used_once_whatever_its_case() -> None:
    other = Customer("CRM202404002", "乙公司", "展会", "电脑", "wang.fang", date(2024, 4, 1))
    taken_deal = ready_to_win()
    taken_deal.contract = Contract("ht-2024-031", Decimal(1000), "现结", date(2024, 4, 2))
    other.opportunities.append(taken_deal)
    taken = taken_contracts([rows_of(other)])
    o = ready_to_win()
    with pytest.raises(ConflictError, match="HT-2024-031 is already used by CRM202404002-O1"):
        win(o, REF, CONTRACT, "zhang.wei", taken, CONFIG)
    assert o.stage == "negotiation" and o.contract is None


@pytest.mark.parametrize("bad", ["", "HT 2024", "../x", "H" * 51])
def test_bad_contract_numbers(bad: str) -> None:
    with pytest.raises(UsageError, match="bad contract number"):
        parse_contract_number(bad)


def test_contract_numbers_are_kept_as_written_and_compared_normalised() -> None:
    assert parse_contract_number(" ＨＴ-2024-031 ") == "ＨＴ-2024-031"
    assert contract_key("ＨＴ-2024-031") == contract_key("ht-2024-031")
    chinese = ["HT〔2026〕101号", "HT[2026]101号", "ＨＴ（2026）101号", "ht【2026】101号"]
    assert [parse_contract_number(n) for n in chinese] == chinese
    assert len({contract_key(n) for n in chinese}) == 1
    assert parse_contract_number("合同2026第101号") == "合同2026第101号"
    assert contract_key("HT〔2026〕101号") != contract_key("HT〔2026〕102号")
    assert contract_key("HT-2026-101") != contract_key("HT〔2026〕101号")  # another way, another number


def test_loss_reasons() -> None:
    assert loss_reason("价格过高", None, CONFIG) == "价格过高"
    assert loss_reason(None, "客户被收购", CONFIG) == "客户被收购"
    with pytest.raises(UsageError, match="needs its reason"):
        loss_reason(None, None, CONFIG)
    with pytest.raises(UsageError, match="unknown loss reason '太贵'"):
        loss_reason("太贵", None, CONFIG)
    with pytest.raises(UsageError, match="not both"):
        loss_reason("价格过高", "别的", CONFIG)


def test_lose_from_an_open_stage_records_reason_and_competitor() -> None:
    o = deal("proposal", probability=Decimal(30))
    lose(
        o,
        REF,
        Loss("选择竞品", "zhang.wei", date(2024, 7, 1), competitor="竞品Y", note="对方报价低15%"),
    )
    assert (o.stage, o.lost_reason, o.lost_to, o.lost_note) == ("lost", "选择竞品", "竞品Y", "对方报价低15%")
    assert o.negotiation.competitors == ["竞品Y"] and o.probability is None
    assert o.stage_history[-1] == StageMove("lost", date(2024, 7, 1), "zhang.wei", "选择竞品; 对方报价低15%")


def test_a_closed_deal_only_reopens() -> None:
    o = ready_to_win()
    win(o, REF, CONTRACT, "zhang.wei", {}, CONFIG)
    with pytest.raises(UsageError, match=r"is closed \(won \(成交\)\); it cannot change"):
        move_stage(o, REF, step("proposal", reason="x"), CONFIG)
    with pytest.raises(UsageError, match="is closed"):
        lose(o, REF, Loss("价格过高", "zhang.wei", TODAY))
    back = reopen(o, REF, "合同作废,重新谈判", "li.na", TODAY)
    assert (back, o.stage, o.contract) == ("negotiation", "negotiation", None)
    assert o.stage_history[-1].note == "reopened (was won, contract HT-2024-031): 合同作废,重新谈判"


def test_reopening_a_lost_deal_returns_to_its_last_open_stage() -> None:
    o = deal("proposal")
    lose(o, REF, Loss("预算不足", "zhang.wei", date(2024, 7, 1), competitor="竞品Y"))
    assert reopen(o, REF, "预算已批", "zhang.wei", TODAY) == "proposal"
    assert (o.lost_reason, o.lost_to) == (None, None)
    with pytest.raises(UsageError, match="is open"):
        reopen(o, REF, "again", "zhang.wei", TODAY)


def test_artefacts_are_named_by_key_or_label() -> None:
    assert parse_artefact_name("客户需求调研报告", CONFIG) == "needs_report"
    assert parse_artefact_name("Proposal", CONFIG) == "proposal"
    with pytest.raises(UsageError, match="unknown artefact 'decision_makers'"):
        parse_artefact_name("decision_makers", CONFIG)
