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
    assert result.renumbered == ["followups F2 → F3"]


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
