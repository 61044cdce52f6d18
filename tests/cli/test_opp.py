"""``salescrm opp …`` end to end: the seed's walk, every gate, and bad input changing nothing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import Crm, Digest, Result

PAY = ["--payment-terms", "30%预付,验收后30天付清"]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "需求调研报告.pdf").write_bytes(b"%PDF needs")
    (folder / "方案 v2.docx").write_bytes(b"proposal")
    return folder


def customer_with_deal(crm: Crm, name: str = "某某科技有限公司", close: str = "2024-08-30") -> str:
    customer = crm.add_customer(name, "--at", "2024-05-03")
    return crm.ok(
        ["opp", "add", customer, "--name", "A公司2024年度办公设备采购", "--amount", "250000",
         "--close", close, "--at", "2024-05-03"]
    ).strip()  # fmt: skip


def to_negotiation(crm: Crm, ref: str, files: Path) -> None:
    crm.ok(["opp", "stage", ref, "需求分析", "--at", "2024-05-10"])
    crm.ok(
        [
            "opp",
            "stage",
            ref,
            "proposal",
            "--at",
            "2024-05-20",
            "--artefact",
            f"needs_report={files}/需求调研报告.pdf",
        ]
    )
    crm.ok(
        [
            "opp",
            "stage",
            ref,
            "negotiation",
            "--at",
            "2024-06-01",
            "--artefact",
            f"proposal={files}/方案 v2.docx",
        ]
    )


def stored(crm: Crm, ref: str) -> dict:
    customer, item = ref.split("-")
    data = yaml.safe_load((crm.root / "customers" / f"{customer}.yaml").read_text("utf-8"))
    return next(o for o in data["opportunities"] if o["id"] == item)


def won(crm: Crm, ref: str, number: str = "HT-2024-031", amount: str = "248000") -> Result:
    return crm(["opp", "won", ref, "--contract", number, "--amount", amount, *PAY, "--signed", "2024-08-20"])


def test_the_seed_walk_from_lead_to_won(crm: Crm, files: Path) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    ref = customer_with_deal(crm)
    assert ref == "CRM202405001-O1"
    to_negotiation(crm, ref, files)
    assert crm.ok(
        [
            "opp",
            "negotiate",
            ref,
            "--decision-maker",
            "李总",
            "--competitor",
            "竞品X",
            "--obstacle",
            "预算偏紧",
            "--solution",
            "分期付款",
        ]
    ) == (f"{ref}: 新增 决策人 李总, 竞争对手 竞品X, 障碍 预算偏紧, 解决方案 分期付款\n")
    assert crm.ok(["--lang", "en", "opp", "negotiate", ref, "--competitor", "竞品X", "--competitor", "竞品Y"]) == (
        f"{ref}: added competitor 竞品Y\n")  # fmt: skip
    result = won(crm, ref)
    assert (result.exit_code, result.stdout) == (0, f"{ref} 成交 HT-2024-031\n")
    o = stored(crm, ref)
    assert o["stage"] == "won"
    assert [(m["stage"], str(m["at"])) for m in o["stage_history"]] == [
        ("lead", "2024-05-03"),
        ("needs_analysis", "2024-05-10"),
        ("proposal", "2024-05-20"),
        ("negotiation", "2024-06-01"),
        ("won", "2024-08-20"),
    ]
    assert all(m["by"] == "zhang.wei" for m in o["stage_history"])
    assert {k: str(v) for k, v in o["contract"].items()} == {
        "number": "HT-2024-031",
        "amount": "248000",
        "payment_terms": "30%预付,验收后30天付清",
        "signed": "2024-08-20",
    }
    assert o["artefacts"] == {
        "needs_report": "attachments/CRM202405001/需求调研报告.pdf",
        "proposal": "attachments/CRM202405001/方案_v2.docx",
    }
    assert (crm.root / o["artefacts"]["proposal"]).read_bytes() == b"proposal"
    assert o["negotiation"] == {"decision_makers": ["李总"], "competitors": ["竞品X", "竞品Y"],
                                "obstacles": ["预算偏紧"], "solutions": ["分期付款"]}  # fmt: skip
    assert crm("check").exit_code == 0


@pytest.mark.parametrize(
    ("stage", "target", "missing"),
    [
        (
            "needs_analysis",
            "proposal",
            "missing needs_report (客户需求调研报告; give --artefact needs_report=FILE)",
        ),
        ("proposal", "negotiation", "missing proposal (解决方案建议书; give --artefact proposal=FILE)"),
    ],
)
def test_each_artefact_gate_refuses_and_changes_nothing(
    crm: Crm, files: Path, digest: Digest, stage: str, target: str, missing: str
) -> None:
    ref = customer_with_deal(crm)
    crm.ok(["opp", "stage", ref, "needs_analysis", "--at", "2024-05-10"])
    if stage == "proposal":
        crm.ok(["opp", "stage", ref, "proposal", "--artefact", f"needs_report={files}/需求调研报告.pdf"])
    before = digest(crm.root)
    result = crm(["opp", "stage", ref, target])
    assert result.exit_code == 2
    assert (
        result.stderr.splitlines()[0]
        == f"error: {ref} cannot leave {stage} ({ {'needs_analysis': '需求分析', 'proposal': '方案制定'}[stage] }): {missing}"
    )
    assert digest(crm.root) == before


def test_the_negotiation_gate_refuses_won(crm: Crm, files: Path, digest: Digest) -> None:
    ref = customer_with_deal(crm)
    to_negotiation(crm, ref, files)
    crm.ok(["opp", "negotiate", ref, "--competitor", "竞品X"])
    before = digest(crm.root)
    result = won(crm, ref)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {ref} cannot leave negotiation (商务谈判): missing decision_makers (决策人; give --decision-maker NAME)",
        f"hint: record them first: salescrm opp negotiate {ref} --decision-maker NAME",
    ]
    assert digest(crm.root) == before


def test_won_only_from_negotiation(crm: Crm, digest: Digest) -> None:
    ref = customer_with_deal(crm)
    before = digest(crm.root)
    result = won(crm, ref)
    assert result.exit_code == 2
    assert "only a deal in negotiation (商务谈判) can be won" in result.stderr
    assert digest(crm.root) == before


@pytest.mark.parametrize("missing", ["--contract", "--amount", "--payment-terms"])
def test_won_needs_contract_amount_and_terms(crm: Crm, files: Path, digest: Digest, missing: str) -> None:
    ref = customer_with_deal(crm)
    given = {"--contract": "HT-1", "--amount": "1000", "--payment-terms": "现结"}
    del given[missing]
    before = digest(crm.root)
    result = crm(["opp", "won", ref, *[part for pair in given.items() for part in pair]])
    assert result.exit_code == 2 and result.stderr.startswith("error: ") and missing in result.stderr
    assert digest(crm.root) == before


def test_a_contract_number_used_twice_is_a_conflict(crm: Crm, files: Path, digest: Digest) -> None:
    first = customer_with_deal(crm)
    second = customer_with_deal(crm, "乙方贸易有限公司")
    for ref in (first, second):
        to_negotiation(crm, ref, files)
        crm.ok(["opp", "negotiate", ref, "--decision-maker", "李总", "--competitor", "竞品X"])
    assert won(crm, first).exit_code == 0
    before = digest(crm.root)
    result = won(crm, second, number="ht-2024-031")
    assert result.exit_code == 4
    assert result.stderr.splitlines()[0] == f"error: contract number ht-2024-031 is already used by {first}"
    assert digest(crm.root) == before


def test_lost_needs_a_configured_reason_or_other(crm: Crm, digest: Digest) -> None:
    ref = customer_with_deal(crm)
    before = digest(crm.root)
    result = crm(["opp", "lost", ref])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: a lost deal needs its reason: --reason REASON or --other TEXT",
        "hint: reasons: 价格过高, 选择竞品, 需求取消, 预算不足, 联系中断",
    ]
    assert crm(["opp", "lost", ref, "--reason", "太贵了"]).exit_code == 2
    assert digest(crm.root) == before
    assert crm.ok(
        ["opp", "lost", ref, "--reason", "选择竞品", "--competitor", "竞品Y", "--at", "2024-06-01"]
    ) == (f"{ref} lost 选择竞品\n")
    o = stored(crm, ref)
    assert (o["stage"], o["lost_reason"], o["lost_to"]) == ("lost", "选择竞品", "竞品Y")
    assert o["stage_history"][-1] == {
        "stage": "lost",
        "at": o["stage_history"][-1]["at"],
        "by": "zhang.wei",
        "note": "选择竞品",
    }


def test_lost_with_other_reason(crm: Crm) -> None:
    ref = customer_with_deal(crm)
    crm.ok(["opp", "lost", ref, "--other", "客户被收购", "--note", "新母公司统一采购"])
    o = stored(crm, ref)
    assert (o["lost_reason"], o["lost_note"]) == ("客户被收购", "新母公司统一采购")


def test_a_closed_deal_changes_only_by_reopen(crm: Crm, digest: Digest) -> None:
    ref = customer_with_deal(crm)
    crm.ok(["opp", "stage", ref, "needs_analysis", "--at", "2024-05-10"])
    crm.ok(["opp", "lost", ref, "--reason", "预算不足", "--at", "2024-06-01"])
    before = digest(crm.root)
    for command in (
        ["opp", "stage", ref, "lead", "--reason", "x"],
        ["opp", "negotiate", ref, "--competitor", "竞品X"],
        ["opp", "lost", ref, "--reason", "价格过高"],
        ["opp", "won", ref, "--contract", "HT-9", "--amount", "1", *PAY],
    ):
        result = crm(command)
        assert result.exit_code == 2, command
        assert result.stderr.splitlines() == [
            f"error: {ref} is closed (lost (失败)); it cannot change",
            f"hint: reopen it first: salescrm opp reopen {ref} --reason TEXT",
        ]
    assert digest(crm.root) == before
    assert crm.ok(["opp", "reopen", ref, "--reason", "预算已批"]) == f"{ref} needs_analysis\n"
    o = stored(crm, ref)
    assert o["stage"] == "needs_analysis" and "lost_reason" not in o
    # the event is stored, the rep's words beside it as typed; the words are made when read
    assert o["stage_history"][-1]["cause"] == {"kind": "reopened", "reason": "预算不足", "was": "lost"}
    assert o["stage_history"][-1]["note"] == "预算已批"
    shown = crm.ok(["opp", "show", ref])
    assert "reopened (was lost: 预算不足): 预算已批" in shown
    assert "重新打开(原为失败:预算不足):预算已批" in crm.ok(["opp", "show", ref, "--lang", "zh"])


def test_skips_need_a_manager_with_force_and_reason(crm: Crm, files: Path, digest: Digest) -> None:
    ref = customer_with_deal(crm)
    before = digest(crm.root)
    result = crm(["opp", "stage", ref, "proposal", "--artefact", f"needs_report={files}/需求调研报告.pdf"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"error: {ref} cannot skip from lead to proposal; the next stage is needs_analysis"
    )
    assert crm(["opp", "stage", ref, "proposal", "--force", "--reason", "老客户"]).exit_code == 2
    assert crm(["opp", "stage", ref, "proposal", "--force"], user="li.na").exit_code == 2
    assert digest(crm.root) == before
    crm.ok(["opp", "stage", ref, "方案制定", "--force", "--reason", "老客户直接要方案"], user="li.na")
    last = stored(crm, ref)["stage_history"][-1]
    assert (last["stage"], last["by"], last["note"]) == (
        "proposal",
        "li.na",
        "skipped needs_analysis; 老客户直接要方案",
    )


def test_moving_back_needs_a_reason(crm: Crm, digest: Digest) -> None:
    ref = customer_with_deal(crm)
    crm.ok(["opp", "stage", ref, "needs_analysis"])
    before = digest(crm.root)
    assert crm(["opp", "stage", ref, "线索"]).exit_code == 2
    assert digest(crm.root) == before
    crm.ok(["opp", "stage", ref, "线索", "--reason", "客户需求尚未明确"])
    assert stored(crm, ref)["stage"] == "lead"


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1e309", "NaN", ""])
def test_bad_amounts_are_refused(crm: Crm, digest: Digest, amount: str) -> None:
    customer = crm.add_customer("某某科技有限公司")
    before = digest(crm.root)
    result = crm(["opp", "add", customer, "--name", "采购", "--amount", amount, "--close", "2030-01-01"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: bad amount '{amount}'")
    assert digest(crm.root) == before


def test_a_bad_contract_amount_is_refused(crm: Crm, files: Path, digest: Digest) -> None:
    ref = customer_with_deal(crm)
    to_negotiation(crm, ref, files)
    crm.ok(["opp", "negotiate", ref, "--decision-maker", "李总", "--competitor", "竞品X"])
    before = digest(crm.root)
    result = won(crm, ref, amount="1e309")
    assert result.exit_code == 2 and result.stderr.startswith("error: bad contract amount '1e309'")
    assert digest(crm.root) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--close", "下个月"], "error: bad --close date '下个月'"),
        (["--close", "2024-02-30"], "error: bad --close date '2024-02-30'"),
        (
            ["--close", "2030-01-01", "--probability", "120"],
            "error: bad probability '120': must be between 0 and 100",
        ),
        (["--close", "2030-01-01", "--owner", "nobody"], "error: no such member 'nobody'"),
    ],
)
def test_bad_add_options(crm: Crm, digest: Digest, args: list[str], message: str) -> None:
    customer = crm.add_customer("某某科技有限公司")
    before = digest(crm.root)
    result = crm(["opp", "add", customer, "--name", "采购", "--amount", "5万", *args])
    assert result.exit_code in (2, 3)
    assert result.stderr.splitlines()[0] == message
    assert digest(crm.root) == before


@pytest.mark.parametrize(
    ("reference", "code", "message"),
    [
        ("O1", 2, "error: bad opportunity reference 'O1'"),
        ("CRM202405001-T1", 2, "error: bad opportunity reference 'CRM202405001-T1'"),
        ("../CRM202405001-O1", 2, "error: bad opportunity reference '../CRM202405001-O1'"),
        ("CRM202405001-O9", 3, "error: no such opportunity CRM202405001-O9"),
        ("CRM202405002-O2", 3, "error: no such opportunity CRM202405002-O2"),
        ("CRM209901001-O1", 3, "error: no such customer CRM209901001"),
    ],
)
def test_references_of_nothing_or_of_another_customer(
    crm: Crm, digest: Digest, reference: str, code: int, message: str
) -> None:
    customer_with_deal(crm)
    second = crm.add_customer("乙方贸易有限公司", "--at", "2024-05-04")
    crm.ok(["opp", "add", second, "--name", "维保", "--amount", "1000", "--close", "2030-01-01"])  # O1 only
    crm.ok(
        ["opp", "add", "CRM202405001", "--name", "二期", "--amount", "1000", "--close", "2030-01-01"]
    )  # O2
    before = digest(crm.root)
    for command in (["opp", "stage", reference, "needs_analysis"], ["opp", "show", reference]):
        result = crm(command)
        assert (result.exit_code, result.stderr.splitlines()[0]) == (code, message)
    assert digest(crm.root) == before


def test_unknown_stage_and_bad_artefacts(crm: Crm, files: Path, digest: Digest) -> None:
    ref = customer_with_deal(crm)
    crm.ok(["opp", "stage", ref, "needs_analysis"])
    before = digest(crm.root)
    cases = [
        (["opp", "stage", ref, "赢单了"], "error: unknown stage '赢单了'"),
        (["opp", "stage", ref, "proposal", "--artefact", "needs_report"], "error: bad --artefact 'needs_report'"),
        (["opp", "stage", ref, "proposal", "--artefact", f"合同=={files}/x"], "error: unknown artefact '合同'"),
        (["opp", "stage", ref, "proposal", "--artefact", f"needs_report={files}/nope.pdf"],
         f"error: no such file {files}/nope.pdf"),
        (["opp", "stage", ref, "proposal", "--artefact", f"needs_report={files}"], f"error: {files} is not a file"),
    ]  # fmt: skip
    for command, message in cases:
        result = crm(command)
        assert (result.exit_code, result.stderr.splitlines()[0]) == (2, message), command
    assert digest(crm.root) == before


def test_a_file_too_large_is_refused(crm: Crm, tmp_path: Path, digest: Digest) -> None:
    ref = customer_with_deal(crm)
    crm.ok(["opp", "stage", ref, "needs_analysis"])
    config = crm.root / "salescrm.yaml"
    config.write_text(config.read_text("utf-8").replace("max_mb: 20", "max_mb: 1"), "utf-8")
    big = tmp_path / "big.pdf"
    big.write_bytes(b"x" * (2 * 1024 * 1024))
    before = digest(crm.root)
    result = crm(["opp", "stage", ref, "proposal", "--artefact", f"needs_report={big}"])
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        2,
        f"error: {big} is 2.0 MB; attachments are at most 1 MB",
    )
    assert digest(crm.root) == before


def test_list_filters_and_json(crm: Crm, files: Path) -> None:
    ref = customer_with_deal(crm)
    to_negotiation(crm, ref, files)
    other = crm.add_customer("乙方贸易有限公司", "--at", "2024-05-04")
    second = crm.ok(["opp", "add", other, "--name", "维保服务", "--amount", "5万", "--close", "2024-07-31",
                     "--owner", "wang.fang", "--probability", "35", "--at", "2024-05-04"]).strip()  # fmt: skip
    third = crm.ok(["opp", "add", other, "--name", "耗材", "--amount", "1,000", "--close", "2024-12-31",
                    "--at", "2024-05-04"]).strip()  # fmt: skip
    crm.ok(["opp", "lost", third, "--reason", "需求取消", "--at", "2024-05-05"])

    def refs(*options: str) -> list[str]:
        rows = json.loads(crm.ok(["opp", "list", "--as-of", "2024-06-10", "-f", "json", *options]))
        return [row["opportunity"] for row in rows]

    assert refs() == [second, ref, third]
    assert refs("--stage", "商务谈判") == [ref]
    assert refs("--open") == [second, ref]
    assert refs("--owner", "wang.fang") == [second]
    assert refs("--customer", other) == [second, third]
    assert refs("--closing-before", "2024-08-30") == [second]
    assert refs("--stale", "30") == [second]  # idle since 2024-05-04: 37 days
    assert refs("--stale", "stage") == [second]  # lead's limit is 30 days; negotiation's 14, idle 9
    rows = json.loads(crm.ok(["opp", "list", "--as-of", "2024-06-10", "-f", "json", "--open"]))
    assert rows[0] == {
        "opportunity": second, "customer": "乙方贸易有限公司", "customer_id": other, "name": "维保服务",
        "stage": "lead", "amount": 50000, "probability": 35, "close": "2024-07-31", "owner": "wang.fang",
        "idle_days": 37, "contract": None, "lost_reason": None,
    }  # fmt: skip
    assert rows[1]["probability"] == 75
    table = crm.ok(["--lang", "zh", "opp", "list", "--as-of", "2024-06-10", "--open"])
    assert table.splitlines()[0].split() == [
        "商机",
        "客户",
        "名称",
        "阶段",
        "金额",
        "赢率%",
        "预计成交",
        "负责人",
        "未跟进天数",
    ]
    assert "商务谈判" in table and "50,000" in table


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--stale", "soon"], "error: bad --stale 'soon'"),
        (["--stage", "done"], "error: unknown stage 'done'"),
        (["--customer", "CRM209901001"], "error: no such customer CRM209901001"),
        (["--customer", "x"], "error: no customer matches 'x'"),
        (["--customer", "CRM-1"], "error: bad customer number 'CRM-1'"),
        (["--closing-before", "someday"], "error: bad --closing-before date 'someday'"),
    ],
)
def test_bad_list_options(crm: Crm, options: list[str], message: str) -> None:
    result = crm(["opp", "list", *options])
    assert result.exit_code in (2, 3) and result.stderr.splitlines()[0] == message


def test_show_text(crm: Crm, files: Path) -> None:
    ref = customer_with_deal(crm)
    crm.ok(["opp", "stage", ref, "needs_analysis", "--at", "2024-05-10", "--note", "现场调研"])
    text = crm.ok(["--lang", "en", "opp", "show", ref])
    assert text.splitlines()[:4] == [
        f"{ref}  A公司2024年度办公设备采购",
        "  customer CRM202405001 某某科技有限公司 · owner 张伟 (zhang.wei)",
        "  stage needs_analysis · amount 250,000 CNY · probability 25% · close 2024-08-30",
        "  gate: missing needs_report (客户需求调研报告; give --artefact needs_report=FILE)",
    ]
    assert "needs_analysis  2024-05-10  zhang.wei  现场调研" in text
    data = json.loads(crm.ok(["opp", "show", ref, "-f", "json"]))
    assert (data["opportunity"], data["win_probability"], data["gate_missing"]) == (ref, 25, ["needs_report"])


def test_each_write_is_one_commit(git_crm: Crm, files: Path) -> None:
    ref = customer_with_deal(git_crm)
    git_crm.ok(["opp", "stage", ref, "needs_analysis"])
    git_crm.ok(["opp", "stage", ref, "proposal", "--artefact", f"needs_report={files}/需求调研报告.pdf"])
    log = subprocess.run(["git", "-C", str(git_crm.root), "log", "--format=%s", "-3"],
                         capture_output=True, text=True, check=True).stdout.splitlines()  # fmt: skip
    assert log == [
        f"salescrm opp stage: {ref} (by zhang.wei)",
        f"salescrm opp stage: {ref} (by zhang.wei)",
        f"salescrm opp add: {ref} (by zhang.wei)",
    ]
    tracked = subprocess.run(["git", "-C", str(git_crm.root), "ls-files", "attachments"],
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "attachments/CRM202405001/" in tracked


def test_negotiate_needs_something_to_record(crm: Crm, digest: Digest) -> None:
    ref = customer_with_deal(crm)
    before = digest(crm.root)
    result = crm(["opp", "negotiate", ref])
    assert (result.exit_code, result.stderr.splitlines()[0]) == (2, "error: nothing to record")
    assert crm(["opp", "negotiate", ref, "--competitor", " "]).exit_code == 2
    assert digest(crm.root) == before


def test_reopen_refuses_an_open_deal(crm: Crm, digest: Digest) -> None:
    ref = customer_with_deal(crm)
    before = digest(crm.root)
    result = crm(["opp", "reopen", ref, "--reason", "再试一次"])
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        2,
        f"error: {ref} is open (lead (线索)); only a won or lost deal can be reopened",
    )
    assert crm(["opp", "reopen", ref]).exit_code == 2  # --reason is required
    assert digest(crm.root) == before


def test_check_reports_a_contract_number_twice_whatever_its_case(crm: Crm, files: Path) -> None:
    first = customer_with_deal(crm)
    second = customer_with_deal(crm, "乙方贸易有限公司")
    for ref, number in ((first, "HT-7"), (second, "HT-8")):
        to_negotiation(crm, ref, files)
        crm.ok(["opp", "negotiate", ref, "--decision-maker", "李总", "--competitor", "竞品X"])
        assert won(crm, ref, number=number).exit_code == 0
    path = crm.root / "customers" / "CRM202405002.yaml"
    path.write_text(path.read_text("utf-8").replace("number: HT-8", "number: ht-7"), "utf-8")
    result = crm("check")
    assert result.exit_code == 1
    assert f"contract ht-7 of {second} is also on {first}" in result.stdout + result.stderr
