"""After a write the index stays settled with the written files racy (store/index.py,
``Index.wrote``): the next command compares the whole scan in one go and only the written
files' bytes. That must never hide a change another process made: before, during or right
after the write, to a written file or to any other. In every case, warm equals cold."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from salescrm.core.model import Customer
from salescrm.store import index, scan
from salescrm.store.datadir import DataDir
from salescrm.store.generate import Plan, generate
from tests.store.test_index import edit_same_size

FIRST, SECOND, THIRD = (f"customers/CRM{n}001.yaml" for n in ("202201", "202208", "202303"))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The index's clock: real time plus ``clock[0]`` ns (set far ahead: every row settled)."""
    offset = [0]
    monkeypatch.setattr(index, "_now_ns", lambda: time.time_ns() + offset[0])
    return offset


@pytest.fixture
def team(tmp_path: Path, clock: list[int]) -> DataDir:
    """Eight generated customers, indexed long after they were written: settled."""
    generate(tmp_path / "team", Plan(8, seed=7), workers=1)
    datadir = DataDir(tmp_path / "team")
    clock[0] = 10**15
    datadir.load_all()
    clock[0] = 0  # from now on, what is written is racy, as in life
    assert settled(datadir) is not None
    return datadir


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files whose bytes were compared with their rows' digests."""
    seen: list[str] = []
    real = index._digest
    monkeypatch.setattr(index, "_digest", lambda path: seen.append(f"customers/{path.name}") or real(path))
    return seen


def settled(datadir: DataDir) -> bytes | None:
    row = datadir.index.db.execute("SELECT value FROM meta WHERE key = 'settled'").fetchone()
    return None if row is None else bytes(row[0])


def fresh(datadir: DataDir) -> DataDir:
    return DataDir(datadir.root)


def cold(datadir: DataDir) -> list[Customer]:
    """Every usable customer, parsed from its file (the truth)."""
    return [c for path in datadir.customer_files() if (c := datadir.load_file(path)[0]) is not None]


def assert_warm_equals_cold(datadir: DataDir) -> None:
    """What the index answers now equals the files parsed, and an index built afresh."""
    warm = fresh(datadir)
    assert warm.load_all().customers == cold(datadir)
    kinds = ("list", "find", "deals")  # the summaries, too: a row read wrong shows in them
    before = [warm.load_summaries(kind, date.max)[0] for kind in kinds]
    warm.index.db.execute("DELETE FROM meta")  # as if another build had made it: rebuilt
    warm.index.close()
    rebuilt = fresh(datadir)
    assert [rebuilt.load_summaries(kind, date.max)[0] for kind in kinds] == before


def pull(path: Path, old: str, new: str) -> None:
    """What git does to a file a pull changes: a new file renamed over it."""
    temporary = path.with_name(".pulled")
    temporary.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")
    os.replace(temporary, path)


def write_needs(datadir: DataDir, number: str, needs: str) -> None:
    customer = datadir.read_customer(number)
    with datadir.transaction("test", "li.na") as tx:
        tx.save(replace(customer, needs=needs))


def test_after_a_write_only_the_written_file_is_looked_at(
    team: DataDir, parses: list[str], hashed: list[str]
) -> None:
    write_needs(team, "CRM202201001", "需要采购80台服务器")
    assert settled(team) is not None  # still settled, the written file racy
    parses.clear()
    hashed.clear()
    assert fresh(team).load_all().customers == cold(team)
    assert (parses, hashed) == ([], [FIRST])  # its bytes compared; nothing else judged
    assert_warm_equals_cold(team)


def test_a_written_file_edited_right_after_in_the_same_tick_is_read_again(
    team: DataDir, monkeypatch: pytest.MonkeyPatch, clock: list[int], parses: list[str]
) -> None:
    # A stat that cannot tell (ctime left out, the mtime put back): only the digest can.
    monkeypatch.setattr(scan, "key_of", lambda st: [st.st_size, st.st_mtime_ns, st.st_ino, 0])
    clock[0] = 10**15
    fresh(team).load_all()  # settled again under that key, every row trusted
    clock[0] = 0
    write_needs(team, "CRM202201001", "需要采购80台服务器")
    edit_same_size(team.root / FIRST, "需要采购80台服务器", "需要采购90台服务器")
    parses.clear()
    found = {c.id: c.needs for c in fresh(team).load_all().customers}
    assert found["CRM202201001"] == "需要采购90台服务器" and parses == [FIRST]
    assert_warm_equals_cold(team)


@pytest.mark.parametrize("when", ["between the refresh and the write", "during the write", "right after it"])
def test_another_file_edited_around_a_write_is_seen(
    team: DataDir, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    other = team.root / SECOND
    name = team.read_customer("CRM202208001").name
    edited = name[:-1] + ("9" if name[-1] != "9" else "8")

    def edit() -> None:
        edit_same_size(other, name, edited)

    customer = team.read_customer("CRM202201001")
    if when == "during the write":
        real = index.Index.wrote

        def wrote(self: index.Index, names: list[str]) -> None:
            edit()  # the files are written; their rows not yet
            real(self, names)

        monkeypatch.setattr(index.Index, "wrote", wrote)
    with team.transaction("test", "li.na") as tx:
        team.load_all()  # the refresh a write makes before its checks
        if when == "between the refresh and the write":
            edit()
        tx.save(replace(customer, needs="需要采购80台服务器"))
    if when == "right after it":
        edit()
    found = {c.id: c for c in fresh(team).load_all().customers}
    assert found["CRM202208001"].name == edited
    assert found["CRM202201001"].needs == "需要采购80台服务器"
    assert_warm_equals_cold(team)


def test_a_file_the_write_replaced_and_another_added_and_removed(team: DataDir, parses: list[str]) -> None:
    first, second = team.read_customer("CRM202201001"), team.read_customer("CRM202208001")
    with team.transaction("test", "li.na") as tx:
        tx.save(replace(first, needs="换了"))
        tx.save(replace(second, id="CRM202612001", credit_code=None, opportunities=[], followups=[]))
    (team.root / SECOND).unlink()
    assert_warm_equals_cold(team)
    numbers = [c.id for c in fresh(team).load_all().customers]
    assert "CRM202612001" in numbers and "CRM202208001" not in numbers


def test_git_pull_after_a_write(team: DataDir, parses: list[str]) -> None:
    write_needs(team, "CRM202201001", "需要采购80台服务器")
    pull(team.root / FIRST, "需要采购80台服务器", "同事改了需求")  # a teammate's change to the written file
    third = team.read_customer("CRM202303001")
    pull(team.root / THIRD, third.name, third.name + "集团")
    (team.root / SECOND).unlink()
    parses.clear()
    found = {c.id: c for c in fresh(team).load_all().customers}
    assert sorted(parses) == [FIRST, THIRD]
    assert found["CRM202201001"].needs == "同事改了需求" and found["CRM202303001"].name.endswith("集团")
    assert "CRM202208001" not in found
    assert_warm_equals_cold(team)


def test_writes_in_a_row_stay_settled_and_each_written_file_is_judged(
    team: DataDir, clock: list[int], parses: list[str], hashed: list[str]
) -> None:
    write_needs(team, "CRM202201001", "一")
    write_needs(team, "CRM202303001", "三")
    parses.clear()
    hashed.clear()
    assert fresh(team).load_all().customers == cold(team)
    assert (parses, sorted(hashed)) == ([], [FIRST, THIRD])
    clock[0] = 10**15  # the racy window has passed: compared once more, then trusted
    fresh(team).load_all()
    hashed.clear()
    fresh(team).load_all()
    assert (parses, hashed) == ([], [])
    row = team.index.db.execute("SELECT value FROM meta WHERE key = 'racy'").fetchone()
    assert index.unpack(row[0]) == []


def test_a_write_beside_an_unsettled_index_leaves_it_unsettled(team: DataDir) -> None:
    team.index.db.execute("DELETE FROM meta WHERE key = 'settled'")
    write_needs(team, "CRM202201001", "一")
    assert settled(team) is None
    assert_warm_equals_cold(team)


def test_the_settled_scan_after_a_write_is_the_scan_of_the_files(team: DataDir, clock: list[int]) -> None:
    first = team.read_customer("CRM202201001")
    with team.transaction("test", "li.na") as tx:
        tx.save(replace(first, needs="换了"))
        tx.save(
            replace(
                first,
                id="CRM202612001",
                name="新客户有限公司",
                credit_code=None,
                opportunities=[],
                followups=[],
            )
        )
    after_write = settled(team)
    current = scan.Scan.of_folder(str(team.customers_dir), team.customer_file_names())
    assert after_write == index._scan_bytes(current, team.config_text)
