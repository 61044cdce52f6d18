"""History notes stored as events (core/causes.py): written and read back the same, said in
the reader's language, and older files' English notes still loaded and shown as they are."""

from __future__ import annotations

import copy
import pickle
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from textwrap import dedent
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salescrm.core.causes import Cause, recycled
from salescrm.core.merge import merge_customer
from salescrm.core.model import Change, Customer, StageMove, Task, TierChange
from salescrm.core.rebuild import builder
from salescrm.core.records import customer_from_data, customer_to_data
from salescrm.core.tiers import tier_review_due
from salescrm.i18n import say
from salescrm.store.yamlio import dump_text, load_text
from tests.core.test_roundtrip_property import AMOUNTS, DAYS, TEXT, customers

# Every kind salescrm writes, with facts as it writes them, and one a newer version might.
KNOWN = [
    Cause("contract", {"number": "HT-2026-031"}),
    Cause("reopened", {"was": "won", "contract": "HT-2026-031"}),
    Cause("reopened", {"was": "lost", "reason": "预算不足"}),
    Cause("released"),
    Cause("claimed"),
    recycled("followup", 60, date(2026, 10, 4)),
    recycled("followup", 60, None),
    recycled("won", 365, date(2025, 11, 2)),
    recycled("won", 365, None),
    Cause("left", {"member": "chen.jie"}),
    Cause("set_by", {"member": "li.na"}),
    Cause("review", {"won": Decimal("35000")}),
    Cause("merged", {"number": "CRM202406001"}),
]
FACT_NAMES = st.sampled_from(
    ["number", "was", "contract", "reason", "member", "won", "days", "last", "clock"]
)
FACT_VALUES = st.one_of(TEXT, st.integers(0, 10_000), DAYS, AMOUNTS)
CAUSES = st.builds(
    Cause,
    st.sampled_from(["contract", "reopened", "released", "recycled", "review", "merged", "a_newer_kind"]),
    st.dictionaries(FACT_NAMES, FACT_VALUES, max_size=3),
    note=st.none() | TEXT,
)
NOTES = st.none() | TEXT | CAUSES  # a user's words, or an event with or without them


@st.composite
def caused_customers(draw: st.DrawFn) -> Customer:
    """A customer whose history notes are events, the user's words, or nothing."""
    c = draw(customers())
    c.tasks = [replace(t, note=draw(NOTES)) for t in c.tasks]
    c.changes = [replace(ch, reason=draw(NOTES)) for ch in c.changes]
    for o in c.opportunities:
        o.stage_history = [replace(m, note=draw(NOTES)) for m in o.stage_history]
    c.tier_history = [
        TierChange(draw(DAYS), "C", "B", draw(NOTES) or "") for _ in range(draw(st.integers(0, 2)))
    ]
    return c


def _notes(c: Customer) -> list[Any]:
    """Each note with what makes it an event (a plain text compares equal to its words)."""
    notes = [t.note for t in c.tasks] + [ch.reason for ch in c.changes] + [h.reason for h in c.tier_history]
    notes += [m.note for o in c.opportunities for m in o.stage_history]
    return [(n.kind, n.facts, n.note) if isinstance(n, Cause) else n for n in notes]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(caused_customers())
def test_events_are_written_and_read_back_the_same(customer: Customer) -> None:
    text = dump_text(customer_to_data(customer))
    loaded, problems = customer_from_data(load_text(text, "c.yaml"), "c.yaml")
    assert [p for p in problems if p.severity == "error"] == []
    assert loaded is not None and _notes(loaded) == _notes(customer)
    assert dump_text(customer_to_data(loaded)) == text  # byte-stable
    rebuilt = builder(Customer)(customer_to_data(customer))  # the index's fast path
    assert _notes(rebuilt) == _notes(customer)
    assert dump_text(customer_to_data(rebuilt)) == text


def test_an_event_is_a_readable_mapping_in_the_file() -> None:
    move = StageMove("won", date(2026, 11, 20), "zhang.wei", Cause("contract", {"number": "HT-2026-031"}))
    task = Task("T1", date(2026, 11, 20), "phone", "报价", "确认", "zhang.wei", "cancelled",
                note=Cause("released", note="客户暂无需求"))  # fmt: skip
    customer = replace(next(iter([_customer()])), tasks=[task])
    customer.opportunities[0].stage_history.append(move)
    text = dump_text(customer_to_data(customer))
    assert "cause:\n      kind: contract\n      number: HT-2026-031\n" in text
    assert "cause:\n    kind: released\n  note: 客户暂无需求\n" in text
    assert "released to the pool" not in text  # the words are made when read


def test_each_event_reads_in_english_and_in_chinese_without_english_words() -> None:
    assert [str(c) for c in KNOWN] == [
        "contract HT-2026-031",
        "reopened (was won, contract HT-2026-031)",
        "reopened (was lost: 预算不足)",
        "released to the pool",
        "claimed from the pool",
        "recycled: no follow-up for 60 days (last 2026-10-04)",
        "recycled: no follow-up for 60 days (none yet)",
        "recycled: no won deal for 365 days (last 2025-11-02)",
        "recycled: no won deal for 365 days (none yet)",
        "chen.jie left the team",
        "set by li.na",
        "trailing-12-month won 35000.00",
        "merged CRM202406001",
    ]
    for cause in KNOWN:
        zh = say(cause, "zh")
        for value in cause.facts.values():
            zh = zh.replace(str(value), "")
        assert not re.search(r"[A-Za-z]", zh.replace("T", "")), (cause, say(cause, "zh"))
    assert say(Cause("reopened", {"was": "lost", "reason": "预算不足"}, note="预算已批"), "zh") == (
        "重新打开(原为失败:预算不足):预算已批"
    )
    assert say(Cause("review", {"won": Decimal("35000")}), "zh") == "近12个月成交 35000.00"


def test_a_kind_this_version_does_not_know_shows_its_name_and_facts_and_is_kept() -> None:
    cause = Cause("escalated", {"to": "li.na", "level": 2}, note="客户投诉")
    assert str(cause) == "escalated (level 2, to li.na): 客户投诉"
    assert say(cause, "zh") == "escalated(level 2, to li.na):客户投诉"
    customer = _customer()
    customer.opportunities[0].stage_history[0].note = cause
    text = dump_text(customer_to_data(customer))
    loaded, _ = customer_from_data(load_text(text, "c.yaml"), "c.yaml")
    assert loaded is not None and dump_text(customer_to_data(loaded)) == text


def test_a_missing_fact_reads_as_a_question_mark() -> None:
    assert str(Cause("contract")) == "contract ?"


def test_copies_and_pickles_keep_the_event() -> None:
    cause = Cause("reopened", {"was": "won", "contract": "HT-1"}, note="客户追加")
    for copied in (copy.deepcopy(cause), pickle.loads(pickle.dumps(cause)), copy.copy(cause)):
        assert isinstance(copied, Cause)
        assert (copied.kind, copied.facts, copied.note, str(copied)) == (
            cause.kind,
            cause.facts,
            cause.note,
            str(cause),
        )


OLD_FILE = dedent(
    """\
    id: CRM202405001
    name: 某某科技有限公司
    source: 展会
    tier: A
    owner: null
    created: 2024-05-03
    needs: 办公电脑
    tier_history:
    - {at: 2026-12-20, from: C, to: A, reason: trailing-12-month won 600000.00}
    tasks:
    - {id: T1, due: 2024-05-10, via: phone, owner: zhang.wei, status: cancelled, closed: 2024-06-01,
       note: 'released to the pool: 客户暂无需求'}
    opportunities:
    - id: O1
      name: 采购
      amount: 250000
      close: 2024-08-30
      owner: zhang.wei
      stage: needs_analysis
      stage_history:
      - {stage: lead, at: 2024-05-03, by: zhang.wei}
      - {stage: won, at: 2024-08-20, by: zhang.wei, note: contract HT-2024-031}
      - {stage: needs_analysis, at: 2024-09-01, by: zhang.wei, note: 'reopened (was won, contract HT-2024-031): 作废'}
    changes:
    - {at: 2024-06-01, by: zhang.wei, field: owner, from: zhang.wei, to: null, reason: 客户暂无需求}
    """
)


def test_a_file_written_before_events_loads_and_its_notes_show_as_they_are() -> None:
    loaded, problems = customer_from_data(load_text(OLD_FILE, "c.yaml"), "c.yaml")
    assert problems == [] and loaded is not None
    notes = [m.note for m in loaded.opportunities[0].stage_history]
    assert notes == [None, "contract HT-2024-031", "reopened (was won, contract HT-2024-031): 作废"]
    assert not any(
        isinstance(n, Cause) for n in [*notes, loaded.tasks[0].note, loaded.tier_history[0].reason]
    )
    assert say(loaded.tasks[0].note or "", "zh") == "released to the pool: 客户暂无需求"  # as it is
    again, _ = customer_from_data(load_text(dump_text(customer_to_data(loaded)), "c.yaml"), "c.yaml")
    assert again == loaded and "cause" not in dump_text(customer_to_data(loaded))  # never rewritten
    # the tier review of the quarter is recognised by its old words as by its event
    from salescrm.core.config import Config

    assert not tier_review_due(date(2026, 12, 28), [loaded], Config())
    evented = replace(
        loaded, tier_history=[TierChange(date(2026, 12, 20), "C", "A", Cause("review", {"won": 1}))]
    )
    assert not tier_review_due(date(2026, 12, 28), [evented], Config())
    by_hand = replace(
        loaded, tier_history=[TierChange(date(2026, 12, 20), "C", "A", Cause("set_by", {"member": "x"}))]
    )
    assert tier_review_due(date(2026, 12, 28), [by_hand], Config())


def test_the_merge_driver_keeps_both_sides_events() -> None:
    base = customer_to_data(_customer())
    ours, theirs = _customer(), _customer()
    ours.opportunities[0].stage_history.append(
        StageMove("won", date(2026, 11, 20), "zhang.wei", Cause("contract", {"number": "HT-9"}))
    )
    theirs.changes.append(Change(date(2026, 11, 21), "li.na", "owner", "zhang.wei", "", Cause("recycled",
                                 {"clock": "followup", "days": 30})))  # fmt: skip
    merged = merge_customer(base, customer_to_data(ours), customer_to_data(theirs))
    assert merged.clean
    loaded, problems = customer_from_data(merged.data, "c.yaml")
    assert problems == [] and loaded is not None
    move, change = loaded.opportunities[0].stage_history[-1], loaded.changes[-1]
    assert isinstance(move.note, Cause) and move.note.facts == {"number": "HT-9"}
    assert isinstance(change.reason, Cause) and change.reason.kind == "recycled"


def _customer() -> Customer:
    from salescrm.core.model import Opportunity

    return Customer(
        "CRM202405001", "某某科技有限公司", "展会", "办公电脑", "zhang.wei", date(2024, 5, 3),
        opportunities=[Opportunity("O1", "采购", Decimal(250000), date(2024, 8, 30), "zhang.wei",
                                   stage_history=[StageMove("lead", date(2024, 5, 3), "zhang.wei")])],
    )  # fmt: skip
