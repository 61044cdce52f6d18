"""Two processes reading while a third writes (cron's ``remind`` during a ``followup log``)
never see a half-refreshed index: every answer is the files as they stood at some moment."""

from __future__ import annotations

import multiprocessing
import os
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

from salescrm.store.datadir import DataDir
from salescrm.store.generate import Plan, generate

C = "CRM202201001"
ROUNDS = 12


def _state(root: Path) -> tuple[dict[str, Any], int]:
    """Every other customer as a comparable value, and how many follow-ups C has."""
    loaded = DataDir(root).load_all()
    others = {c.id: c for c in loaded.customers if c.id != C}
    (mine,) = [c for c in loaded.customers if c.id == C]
    assert not [p for p in loaded.problems if p.severity == "error"]
    return others, len(mine.followups)


def _reader(root: str, expected: dict[str, Any], start: int, out: Any) -> None:
    try:
        seen = start
        for _ in range(ROUNDS * 2):
            others, count = _state(Path(root))
            assert others == expected, "a customer nobody wrote changed"
            assert seen <= count <= start + ROUNDS, f"follow-ups went from {seen} to {count}"
            seen = count
            facts = {f.id: f for f in DataDir(Path(root)).load_summaries("remind", datetime.now().date())[0]}
            assert set(facts) == {*expected, C}
        out.put("ok")
    except BaseException:
        out.put(traceback.format_exc())


def _writer(root: str, out: Any) -> None:
    try:
        from salescrm.core.model import FollowUp

        datadir = DataDir(Path(root))
        for n in range(ROUNDS):
            with datadir.transaction("followup log", "li.na") as tx:
                customer = datadir.read_customer(C)  # under the lock, from the file
                number = f"F{len(customer.followups) + 1}"
                customer.followups.append(
                    FollowUp(number, datetime(2026, 1, 5, 10, n), "phone", "li.na", f"第{n}次")
                )
                tx.save(customer)
            for path in datadir.customer_files()[1::3]:  # and a third of the files touched: parsed again
                os.utime(path)
        out.put("ok")
    except BaseException:
        out.put(traceback.format_exc())


def test_readers_during_a_writer_see_whole_states(tmp_path: Path) -> None:
    root = tmp_path / "team"
    generate(root, Plan(40, seed=11), workers=1)
    expected, start = _state(root)
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    workers = [
        context.Process(target=_reader, args=(str(root), expected, start, out)),
        context.Process(target=_reader, args=(str(root), expected, start, out)),
        context.Process(target=_writer, args=(str(root), out)),
    ]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert results == ["ok"] * 3, "\n".join(r for r in results if r != "ok")
    assert _state(root)[1] == start + ROUNDS
