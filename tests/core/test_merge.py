"""Three-way merge of customer data: lists by id, scalars three-way, clashing new ids renumbered."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from salescrm.core.merge import merge_customer
from salescrm.core.renumber import next_free_number, renumber_data

BASE: dict[str, Any] = {
    "id": "CRM202405001",
    "name": "某某科技有限公司",
    "industry": "IT服务",
    "tags": ["急需采购"],
    "tier": "B",
    "owner": "zhang.wei",
    "needs": "需要采购50台办公电脑",
    "contacts": [{"name": "王经理", "phone": "021-5555-5678", "primary": True}],
    "tasks": [
        {"id": "T1", "due": "2024-05-10T10:00", "via": "visit", "owner": "zhang.wei", "status": "open"}
    ],
    "followups": [
        {"id": "F1", "at": "2024-05-03T10:00", "via": "phone", "by": "zhang.wei", "content": "初次电话"}
    ],
}


def changed(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def followup(item: str, content: str, task: str | None = None) -> dict[str, Any]:
    data = {"id": item, "at": "2024-05-12T10:00", "via": "phone", "by": "zhang.wei", "content": content}
    return {**data, "task": task} if task else data


def test_a_scalar_changed_on_one_side_takes_that_side() -> None:
    result = merge_customer(BASE, changed(industry="制造业"), changed(tier="A"))
    assert result.clean
    assert (result.data["industry"], result.data["tier"]) == ("制造业", "A")


def test_a_scalar_changed_identically_counts_once() -> None:
    result = merge_customer(BASE, changed(tier="A"), changed(tier="A"))
    assert result.clean and result.data["tier"] == "A"


def test_a_scalar_changed_differently_is_a_conflict_keeping_ours() -> None:
    result = merge_customer(BASE, changed(industry="制造业"), changed(industry="金融"))
    assert result.conflicts == ["industry: ours '制造业', theirs '金融'"]
    assert result.data["industry"] == "制造业"


def test_new_followups_with_the_same_id_are_both_kept_ours_renumbered() -> None:
    ours = changed(followups=[*BASE["followups"], followup("F2", "我方记录")])
    theirs = changed(followups=[*BASE["followups"], followup("F2", "对方记录")])
    result = merge_customer(BASE, ours, theirs)
    assert result.clean
    assert [(f["id"], f["content"]) for f in result.data["followups"]] == [
        ("F1", "初次电话"),
        ("F2", "对方记录"),
        ("F3", "我方记录"),
    ]
    assert result.renumbered == ["our followups F2 → F3"]


def test_a_renumbered_task_takes_our_references_along() -> None:
    task = {"id": "T2", "due": "2024-06-01", "via": "phone", "owner": "zhang.wei", "status": "done"}
    ours = changed(
        tasks=[*BASE["tasks"], task],
        followups=[*BASE["followups"], followup("F2", "我方记录", task="T2")],
    )
    theirs = changed(tasks=[*BASE["tasks"], {**task, "via": "visit", "status": "open"}])
    result = merge_customer(BASE, ours, theirs)
    assert result.clean
    assert [(t["id"], t["via"]) for t in result.data["tasks"]] == [
        ("T1", "visit"),
        ("T2", "visit"),
        ("T3", "phone"),
    ]
    assert result.data["followups"][1]["task"] == "T3"


def test_the_same_new_item_on_both_sides_is_kept_once() -> None:
    same = changed(followups=[*BASE["followups"], followup("F2", "同一条")])
    result = merge_customer(BASE, same, copy.deepcopy(same))
    assert result.clean and len(result.data["followups"]) == 2 and not result.renumbered


def test_fields_of_one_item_merge_separately() -> None:
    ours = changed(tasks=[{**BASE["tasks"][0], "status": "done"}])
    theirs = changed(tasks=[{**BASE["tasks"][0], "due": "2024-05-11T09:00"}])
    result = merge_customer(BASE, ours, theirs)
    assert result.clean
    assert result.data["tasks"] == [{**BASE["tasks"][0], "status": "done", "due": "2024-05-11T09:00"}]


def test_contacts_merge_by_name_and_tags_as_a_set() -> None:
    ours = changed(contacts=[{**BASE["contacts"][0], "title": "采购总监"}], tags=["急需采购", "长期合作意向"])
    theirs = changed(contacts=[*BASE["contacts"], {"name": "李总", "phone": "13800138000"}], tags=[])
    result = merge_customer(BASE, ours, theirs)
    assert result.clean
    assert result.data["contacts"] == [
        {"name": "王经理", "phone": "021-5555-5678", "primary": True, "title": "采购总监"},
        {"name": "李总", "phone": "13800138000"},
    ]
    assert result.data["tags"] == ["长期合作意向"]  # theirs removed 急需采购, ours added 长期合作意向


def test_histories_merge_by_content() -> None:
    entry = {"at": "2024-06-30", "from": "C", "to": "B", "reason": "review"}
    other = {"at": "2024-07-01", "from": "B", "to": "A", "reason": "set by li.na"}
    result = merge_customer(BASE, changed(tier_history=[entry]), changed(tier_history=[other]))
    assert result.clean and result.data["tier_history"] == [entry, other]


def test_removed_on_one_side_and_unchanged_on_the_other_is_removed() -> None:
    result = merge_customer(BASE, changed(tasks=[]), copy.deepcopy(BASE))
    assert result.clean and result.data["tasks"] == []


def test_a_file_both_sides_created_merges_without_a_base() -> None:
    result = merge_customer(None, changed(tier="A"), changed(industry="金融"))
    assert result.conflicts == ["industry: ours 'IT服务', theirs '金融'", "tier: ours 'A', theirs 'B'"]


def test_renumber_data_moves_every_mention() -> None:
    data = {"id": "CRM202405002", "followups": [{"content": "见 CRM202405002-F1, 不是 CRM2024050021",
                                                   "attachments": ["attachments/CRM202405002/a.pdf"]}]}  # fmt: skip
    assert renumber_data(data, "CRM202405002", "CRM202405004") == {
        "id": "CRM202405004",
        "followups": [{"content": "见 CRM202405004-F1, 不是 CRM2024050021",
                       "attachments": ["attachments/CRM202405004/a.pdf"]}],
    }  # fmt: skip


def test_next_free_number_stays_in_the_month() -> None:
    taken = {"CRM202405001", "CRM202405002", "CRM202405003", "CRM202406009"}
    assert next_free_number("CRM202405002", taken) == "CRM202405004"


contents = st.text(alphabet="甲乙丙丁abc", min_size=1, max_size=4)


@given(mine=st.lists(contents, max_size=4), yours=st.lists(contents, max_size=4))
def test_every_new_followup_of_both_sides_survives_with_unique_ids(mine: list[str], yours: list[str]) -> None:
    ours = changed(followups=[*BASE["followups"], *(followup(f"F{i + 2}", c) for i, c in enumerate(mine))])
    theirs = changed(followups=[*BASE["followups"], *(followup(f"F{i + 2}", c) for i, c in enumerate(yours))])
    result = merge_customer(BASE, ours, theirs)
    assert result.clean
    ids = [f["id"] for f in result.data["followups"]]
    assert len(ids) == len(set(ids))
    kept = sorted(f["content"] for f in result.data["followups"][1:])
    # Equal items at the same id count once; every other item of either side is there.
    shared = sum(1 for a, b in zip(mine, yours, strict=False) if a == b)
    assert len(kept) == len(mine) + len(yours) - shared
    assert sorted(set(kept)) == sorted(set(mine) | set(yours))


# ---- properties over generated sides --------------------------------------------------------

LISTS = {"followups": "F", "tasks": "T", "feedback": "B"}


def _item(kind: str, number: int, text: str) -> dict[str, Any]:
    if kind == "T":
        return {"id": f"T{number}", "due": "2024-06-01T10:00", "via": "visit", "focus": text, "owner": "zhang.wei",
                "status": "open"}  # fmt: skip
    if kind == "B":
        return {
            "id": f"B{number}",
            "at": "2024-06-01",
            "by": "zhao.svc",
            "dept": "after-sales",
            "content": text,
        }
    return followup(f"F{number}", text)


@st.composite
def sides(draw: st.DrawFn) -> dict[str, Any]:
    """BASE changed as one teammate might: scalars, tags, and new items in each list."""
    data = copy.deepcopy(BASE)
    data["feedback"] = []
    for key, choices in (("industry", ["制造业", "金融"]), ("tier", ["A", "VIP"]), ("needs", ["采购100台"])):
        if draw(st.booleans()):
            data[key] = draw(st.sampled_from(choices))
    data["tags"] = sorted(
        set(data["tags"]) | set(draw(st.lists(st.sampled_from(["重点", "展会", "老客户"]))))
    )
    for key, kind in LISTS.items():
        start = len(data[key]) + 1
        data[key] += [
            _item(kind, start + i, text) for i, text in enumerate(draw(st.lists(contents, max_size=3)))
        ]
    return data


def _texts(data: dict[str, Any], key: str) -> list[str]:
    return sorted(str(i.get("content") or i.get("focus")) for i in data.get(key) or [])


@given(ours=sides())
def test_merging_with_an_unchanged_side_gives_the_changed_side(ours: dict[str, Any]) -> None:
    base = {**copy.deepcopy(BASE), "feedback": []}
    for result, wanted in (
        (merge_customer(base, ours, base), ours),
        (merge_customer(base, base, ours), ours),
    ):
        assert result.clean and not result.renumbered
        assert result.data == wanted


@given(ours=sides(), theirs=sides())
def test_a_merge_never_loses_an_item(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    base = {**copy.deepcopy(BASE), "feedback": []}
    result = merge_customer(base, ours, theirs)
    for key in LISTS:
        merged = result.data.get(key) or []
        ids = [item["id"] for item in merged]
        assert len(ids) == len(set(ids)), ids  # clashing new ids were renumbered
        kept = _texts(result.data, key)
        for side in (ours, theirs):
            for text in _texts(side, key):  # every item of either side is there
                assert text in kept, (key, text, kept)
    assert set(result.data["tags"]) == set(ours["tags"]) | set(theirs["tags"])


# ---- a won deal's plan lines and receipts -----------------------------------------------------

WON = {
    "id": "O1", "name": "年度采购", "amount": "375000", "close": "2026-09-30", "owner": "zhang.wei",
    "stage": "won", "contract": {"number": "HT-2026-101", "amount": "375000", "signed": "2026-09-01"},
}  # fmt: skip


def with_payments(plan: list[dict[str, Any]], receipts: list[dict[str, Any]]) -> dict[str, Any]:
    deal = {**WON, "plan": plan, "receipts": receipts}
    return changed(opportunities=[deal])


def plan_line(item: str, at: str, amount: str, due: str = "2026-09-01") -> dict[str, Any]:
    return {"id": item, "due": due, "amount": amount, "at": at, "by": "zhang.wei"}


def receipt(item: str, at: str, amount: str, plan: str | None = None) -> dict[str, Any]:
    data = {"id": item, "at": at, "amount": amount, "by": "zhang.wei"}
    return {**data, "plan": plan} if plan else data


def payments_of(data: dict[str, Any], key: str) -> list[tuple[Any, ...]]:
    return [
        (item["id"], item["at"], item["amount"], item.get("plan")) for item in data["opportunities"][0][key]
    ]


def test_receipts_both_clones_numbered_r1_are_both_kept_the_later_renumbered() -> None:
    base = with_payments([plan_line("P1", "2026-09-01", "375000")], [])
    ours = with_payments(base["opportunities"][0]["plan"], [receipt("R1", "2026-10-08", "50000")])
    theirs = with_payments(base["opportunities"][0]["plan"], [receipt("R1", "2026-10-05", "70000")])
    for mine, other, side in ((ours, theirs, "our"), (theirs, ours, "their")):
        result = merge_customer(base, mine, other)
        assert result.clean
        assert payments_of(result.data, "receipts") == [
            ("R1", "2026-10-05", "70000", None),
            ("R2", "2026-10-08", "50000", None),
        ]
        assert result.renumbered == [f"{side} receipts O1-R1 → O1-R2 (recorded later)"]


def test_identical_receipts_count_once() -> None:
    base = with_payments([], [])
    same = with_payments([], [receipt("R1", "2026-10-08", "50000")])
    result = merge_customer(base, same, copy.deepcopy(same))
    assert result.clean and not result.renumbered
    assert payments_of(result.data, "receipts") == [("R1", "2026-10-08", "50000", None)]


def test_receipts_recorded_the_same_day_are_ordered_by_content_whichever_side_merges() -> None:
    base = with_payments([], [])
    ours = with_payments([], [receipt("R1", "2026-10-08", "50000")])
    theirs = with_payments([], [receipt("R1", "2026-10-08", "60000")])
    first, second = merge_customer(base, ours, theirs), merge_customer(base, theirs, ours)
    assert first.data == second.data
    assert sorted(r["amount"] for r in first.data["opportunities"][0]["receipts"]) == ["50000", "60000"]


def test_a_renumbered_plan_line_takes_its_sides_receipts_along() -> None:
    base = with_payments([], [])
    ours = with_payments([plan_line("P1", "2026-09-02T10:00", "112500")],
                         [receipt("R1", "2026-09-20", "112500", plan="P1")])  # fmt: skip
    theirs = with_payments([plan_line("P1", "2026-09-01T09:00", "262500", due="2026-11-01")], [])
    result = merge_customer(base, ours, theirs)
    assert result.clean
    assert [(p["id"], p["amount"]) for p in result.data["opportunities"][0]["plan"]] == [
        ("P1", "262500"),
        ("P2", "112500"),
    ]
    assert payments_of(result.data, "receipts") == [("R1", "2026-09-20", "112500", "P2")]
    assert result.renumbered == ["our plan O1-P1 → O1-P2 (recorded later)"]


def test_an_amended_receipt_merges_field_by_field_not_twice() -> None:
    base = with_payments([], [receipt("R1", "2026-10-08", "50000")])
    ours = with_payments([], [{**receipt("R1", "2026-10-08", "50000"), "ref": "20261008-01"}])
    theirs = with_payments([], [receipt("R1", "2026-10-08", "50000", plan="P1")])
    result = merge_customer(base, ours, theirs)
    assert result.clean and not result.renumbered
    assert result.data["opportunities"][0]["receipts"] == [
        {**receipt("R1", "2026-10-08", "50000", plan="P1"), "ref": "20261008-01"}
    ]


@given(mine=st.lists(st.integers(1, 9), max_size=4), yours=st.lists(st.integers(1, 9), max_size=4))
def test_every_receipt_of_both_sides_survives_once_with_unique_ids(mine: list[int], yours: list[int]) -> None:
    base = with_payments([], [receipt("R1", "2026-09-10", "1000")])

    def side(amounts: list[int]) -> dict[str, Any]:
        new = [receipt(f"R{i + 2}", f"2026-10-0{n}", f"{n}00") for i, n in enumerate(amounts)]
        return with_payments([], [receipt("R1", "2026-09-10", "1000"), *new])

    result = merge_customer(base, side(mine), side(yours))
    assert result.clean
    kept = result.data["opportunities"][0]["receipts"]
    ids = [r["id"] for r in kept]
    assert len(ids) == len(set(ids)) and ids == sorted(ids, key=lambda i: int(i[1:]))
    shared = sum(1 for a, b in zip(mine, yours, strict=False) if a == b)
    assert len(kept) == 1 + len(mine) + len(yours) - shared
    assert result.data == merge_customer(base, side(yours), side(mine)).data
