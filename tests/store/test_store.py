"""The store on a real disk: atomic writes, the lock, concurrent writers, damaged files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from salescrm.core.errors import ConflictError
from salescrm.store.atomic import TEMP_PREFIX, remove_leftovers, write_atomic
from salescrm.store.datadir import DataDir
from salescrm.store.lock import locked
from salescrm.store.yamlio import load_text
from tests.conftest import Crm


def test_atomic_write_replaces_whole_files(tmp_path: Path) -> None:
    target = tmp_path / "a.yaml"
    write_atomic(target, b"one\n")
    write_atomic(target, b"two\n")
    assert target.read_bytes() == b"two\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


def test_leftover_temporary_files_are_removed(tmp_path: Path) -> None:
    (tmp_path / f"{TEMP_PREFIX}abc").write_bytes(b"torn")
    (tmp_path / "keep.yaml").write_bytes(b"x")
    assert remove_leftovers(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["keep.yaml"]


def test_the_lock_times_out_with_exit_4(tmp_path: Path) -> None:
    lock = tmp_path / ".salescrm" / "lock"
    with locked(lock, timeout=1), pytest.raises(ConflictError) as caught, locked(lock, timeout=0.2):
        pass
    assert caught.value.exit_code == 4 and "locked by another salescrm command" in caught.value.message
    inode = lock.stat().st_ino
    with locked(lock, timeout=1):
        pass
    assert lock.stat().st_ino == inode  # the lock file is never replaced


def test_a_writer_that_cannot_get_the_lock_changes_nothing(crm: Crm) -> None:
    number = crm.add_customer("某公司")
    path = crm.root / "customers" / f"{number}.yaml"
    before = path.read_bytes()
    config = crm.root / "salescrm.yaml"
    config.write_text(config.read_text("utf-8").replace("lock_timeout: 10", "lock_timeout: 0"), "utf-8")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl,os,sys,time; fd=os.open(sys.argv[1], os.O_RDWR|os.O_CREAT); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)",
         str(crm.root / ".salescrm" / "lock")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        result = crm(f"customer tag {number} +x")
        assert result.exit_code == 4 and "locked" in result.stderr
        assert path.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()


def test_eight_concurrent_customer_adds_get_eight_numbers(crm: Crm) -> None:
    env = {**os.environ, "SALESCRM_DATA": str(crm.root), "SALESCRM_USER": "zhang.wei"}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "salescrm",
                "customer",
                "add",
                f"并发公司{n}",
                "--source",
                "展会",
                "--contact",
                f"联系人{n}",
                "--phone",
                f"1390000{n:04d}",
                "--needs",
                "采购电脑",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in range(8)
    ]
    numbers = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
        numbers.append(stdout.strip())
    assert len(set(numbers)) == 8
    assert sorted(p.stem for p in (crm.root / "customers").glob("*.yaml")) == sorted(numbers)
    assert crm.ok("check") == ""
    assert len(json.loads(crm.ok("customer list -f json"))) == 8


def test_yaml_tags_that_would_run_code_are_refused() -> None:
    from salescrm.core.errors import DamagedError

    with pytest.raises(DamagedError, match="bad YAML"):
        load_text("id: !!python/object/apply:os.system ['echo pwned']\n", "x.yaml")


def test_yaml_bombs_are_refused() -> None:
    from salescrm.core.errors import DamagedError

    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    with pytest.raises(DamagedError, match="aliases are not allowed"):
        load_text(bomb, "x.yaml")


def test_damaged_files_are_reported_with_their_line(crm: Crm) -> None:
    number = crm.add_customer("某公司")
    path = crm.root / "customers" / f"{number}.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("tier: C", "tier: [C"), "utf-8")
    datadir = DataDir(crm.root)
    customer, problems = datadir.load_file(path)
    assert customer is None
    assert problems[0].file == f"customers/{number}.yaml" and problems[0].line is not None
    assert "bad YAML" in problems[0].message


def test_a_file_named_differently_from_its_id(crm: Crm) -> None:
    number = crm.add_customer("某公司")
    path = crm.root / "customers" / f"{number}.yaml"
    path.rename(path.with_name("CRM202401001.yaml"))
    result = crm("check")
    assert result.exit_code == 1
    assert (
        f"customers/CRM202401001.yaml:1: file name 'CRM202401001' differs from its id '{number}'"
        in result.stdout
    )


def test_check_reports_duplicate_keys_and_unknown_keys(crm: Crm) -> None:
    number = crm.add_customer("某公司")
    path = crm.root / "customers" / f"{number}.yaml"
    path.write_text(path.read_text("utf-8") + "tier: B\nwechat: abc\n", "utf-8")
    result = crm("check")
    assert "key 'tier' is given twice" in result.stdout
    assert "warning: unknown key 'wechat'" in result.stdout


def test_check_warns_of_a_named_attachment_that_is_missing(crm: Crm, tmp_path: Path) -> None:
    number = crm.add_customer("某公司")
    note = tmp_path / "报价单.txt"
    note.write_text("报价 30 万", "utf-8")
    crm.ok(["followup", "log", number, "--via", "email", "--attach", str(note),
            "--content", "发送正式报价单,总价30万,含三年保修"])  # fmt: skip
    assert crm.ok("check") == ""
    for attached in (crm.root / "attachments" / number).iterdir():
        attached.unlink()
    result = crm("check")
    assert result.exit_code == 0  # a warning: the records themselves are sound
    assert f"customers/{number}.yaml: warning: attachment attachments/{number}/" in result.stdout
    assert "is missing" in result.stdout


def test_a_write_lists_customers_once_and_still_removes_leftovers(
    crm: Crm, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = crm.add_customer("某某科技有限公司")
    customers = crm.root / "customers"
    (customers / f"{TEMP_PREFIX}torn").write_bytes(b"half a fi")
    listed: list[str] = []
    real = os.listdir

    def counting(path: str | os.PathLike[str] = ".") -> list[str]:
        if Path(path) == customers:
            listed.append(str(path))
        return real(path)

    monkeypatch.setattr(os, "listdir", counting)
    second = crm.add_customer("另一家科技有限公司")
    assert int(second[-3:]) == int(first[-3:]) + 1  # numbered from the same listing
    assert len(listed) == 1  # leftovers, the duplicate check and the numbering shared it
    assert not list(customers.glob(f"{TEMP_PREFIX}*"))  # the torn file is gone
    assert {f"{first}.yaml", f"{second}.yaml"} <= {p.name for p in customers.iterdir()}
