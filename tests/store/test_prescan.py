"""The start-up's scan of customers/ on the other core: a head start, never trusted more than a scan."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from salescrm.store import cache as cache_module
from salescrm.store import prescan
from salescrm.store.cache import RecordCache
from salescrm.store.datadir import DataDir
from salescrm.store.generate import Plan, generate
from salescrm.store.scan import Scan, customer_names, key_of


@pytest.fixture
def team(tmp_path: Path) -> DataDir:
    generate(tmp_path / "team", Plan(6, seed=5), workers=1)
    return DataDir(tmp_path / "team")


@pytest.fixture(autouse=True)
def no_child_left() -> Iterator[None]:
    yield
    prescan.take(Path("/"))  # reaps a child a test did not take


def scanned(folder: Path) -> Scan:
    return Scan.of_folder(str(folder), customer_names(os.listdir(folder)))


def test_the_prescan_answers_what_a_scan_of_its_own_finds(team: DataDir) -> None:
    (team.customers_dir / ".salescrm-tmp-x").write_text("a torn write")  # a killed writer's
    before = time.time_ns()
    prescan.start(str(team.customers_dir))
    taken = prescan.take(team.customers_dir)
    assert taken is not None
    early, own = taken.scan, scanned(team.customers_dir)
    assert early.packed is not None and (early.names, early.stats) == (own.names, own.stats)
    assert early.newest() == own.newest() and early.packed == own.pack()[0]
    assert len(own) == 6 and before <= taken.started_ns <= time.time_ns()
    assert taken.leftovers == [".salescrm-tmp-x"]
    assert prescan.take(team.customers_dir) is None  # one answer, once


def test_an_answer_about_another_folder_or_a_failed_child_is_none(
    team: DataDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    prescan.start(str(team.customers_dir))
    assert prescan.take(other) is None
    prescan.start(str(tmp_path / "nowhere"))  # nothing to fork for
    assert prescan.take(team.customers_dir) is None

    def fails(folder: str, names: list[str]) -> Scan:
        raise OSError("the disk went away")

    monkeypatch.setattr(Scan, "of_folder", fails)  # the child runs this copy of the class
    prescan.start(str(team.customers_dir))
    assert prescan.take(team.customers_dir) is None


def test_the_cache_takes_the_prescan_and_counts_its_racy_window_from_it(team: DataDir) -> None:
    prescan.start(str(team.customers_dir))
    started = time.time_ns()
    assert prescan._pending is not None
    os.waitpid(prescan._pending.pid, 0)  # its answer is written: it fits in the pipe
    new = team.customers_dir / "CRM209901001.yaml"  # written after the prescan: a scan of its own sees it
    new.write_text((team.customers_dir / "CRM202201001.yaml").read_text("utf-8"), "utf-8")
    cache = RecordCache(team)
    scan = cache._scan()
    assert "customers/CRM209901001.yaml" not in scan.names  # the head start: as if the command began then
    assert cache.started_ns <= started and prescan.take(team.customers_dir) is None
    assert "customers/CRM209901001.yaml" in RecordCache(team)._scan().names


FIRST = "customers/CRM202201001.yaml"


def _edit_first(team: DataDir, phone: str) -> list[int]:
    """Another writer changes the first customer's file in place (the names stay the same);
    gives its new stat key."""
    path = team.root / FIRST
    text = path.read_text("utf-8")
    path.write_text(text.replace("phone: ", f"phone: {phone}", 1), "utf-8")
    return key_of(path.lstat())


def _key_in(scan: Scan, name: str) -> list[int]:
    i = scan.names.index(name)
    return scan.stats[4 * i : 4 * i + 4]


def test_a_write_takes_the_prescan_only_if_no_writer_held_the_lock_since(team: DataDir) -> None:
    with team.transaction("first", "li.na"):
        pass  # the lock file now holds generation 1
    (team.customers_dir / ".salescrm-tmp-y").write_text("a torn write")  # a killed writer's
    prescan.start(str(team.customers_dir))
    assert prescan._pending is not None
    os.waitpid(prescan._pending.pid, 0)  # it scanned at generation 1
    with team.transaction("add", "li.na"):
        scan = RecordCache(team)._scan()
    assert scan.packed is not None and prescan._pending is None  # taken: nothing happened between
    assert not (team.customers_dir / ".salescrm-tmp-y").exists()  # and its leftovers removed

    prescan.start(str(team.customers_dir))
    assert prescan._pending is not None
    os.waitpid(prescan._pending.pid, 0)  # it scanned at generation 2
    with team.transaction("another writer", "zhang.wei"):
        now = _edit_first(team, "139")  # a writer between the scan and ours
    with team.transaction("add", "li.na"):
        scan = RecordCache(team)._scan()
    assert scan.packed is None and _key_in(scan, FIRST) == now  # scanned again


def test_a_scan_taken_while_a_writer_held_the_lock_is_not_used_by_a_write(team: DataDir) -> None:
    with team.transaction("a slow writer", "zhang.wei"):
        prescan.start(str(team.customers_dir))
        assert prescan._pending is not None
        os.waitpid(prescan._pending.pid, 0)  # it scanned while the writer held the lock
        now = _edit_first(team, "138")
    with team.transaction("add", "li.na"):
        scan = RecordCache(team)._scan()
    assert scan.packed is None and _key_in(scan, FIRST) == now


def test_the_lock_counts_its_holders(tmp_path: Path) -> None:
    from salescrm.store.lock import locked

    lock = tmp_path / "lock"
    seen = []
    for _ in range(3):
        with locked(lock, timeout=1) as generation:
            seen.append(generation)
    assert seen == [0, 1, 2] and lock.read_bytes() == (3).to_bytes(8, "big")


def test_an_unchanged_team_is_known_from_the_packed_scan_and_a_change_is_not_missed(
    team: DataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "_now_ns", lambda: 2**62)  # the cache is written long after the files
    team.load_all()
    prescan.start(str(team.customers_dir))
    cache = RecordCache(team)
    index, current = cache._read_and_scan()
    assert current.packed is not None and cache._unchanged(index, current)
    assert current._names is None and current._stats is None  # two byte comparisons, nothing unpacked
    first = team.customers_dir / "CRM202201001.yaml"
    first.write_text(first.read_text("utf-8").replace("有限公司", "有限集团", 1), "utf-8")
    prescan.start(str(team.customers_dir))
    cache = RecordCache(team)
    index, current = cache._read_and_scan()
    assert current.packed is not None and not cache._unchanged(index, current)
    names = {c.id: c.name for c in cache.load().customers}
    assert "有限集团" in names["CRM202201001"]


def test_the_child_imports_next_to_nothing_before_it_answers() -> None:
    """What the child imports before its answer is on the way to it: the lock's generation and
    the leftovers' prefix must not bring dataclasses and inspect (core.errors: ~8 ms)."""
    probe = (
        "import sys, salescrm.cli.launch\n"
        "before = set(sys.modules)\n"
        "from salescrm.store.lock import generation\n"
        "from salescrm.store.atomic import TEMP_PREFIX\n"
        "print(sorted(set(sys.modules) - before))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    added = run.stdout.strip()
    assert "dataclasses" not in added and "salescrm.core.errors" not in added, added
