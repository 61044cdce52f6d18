"""Eight writer processes × 25 writes each against one data directory (DESIGN §6).

Each writer is a real process that runs the CLI 25 times in a row (one interpreter per
writer keeps it quick); even writes add a customer, odd ones log a follow-up on one shared
customer. Nothing may be lost, numbers must be unique, and the lock file is never replaced.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import Crm, Digest

WRITERS, WRITES = 8, 25

DRIVER = """
import sys
from typer.main import get_command
from salescrm.cli.main import app

command = get_command(app)
writer, writes, shared = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for n in range(writer * writes, (writer + 1) * writes):
    if n % 2 == 0:
        args = ["customer", "add", f"并发客户{n}", "--source", "展会", "--contact", f"联系人{n}",
                "--phone", f"139{n:08d}", "--needs", "采购服务器", "--force"]  # close names: all 并发客户
    else:
        args = ["followup", "log", shared, "--via", "phone", "--content", f"第{n}次电话:客户确认需求,预算15万"]
    try:
        command.main(args=args, prog_name="salescrm")
    except SystemExit as done:
        if done.code:
            sys.exit(f"write {n} failed with {done.code}")
"""


def test_eight_writers_lose_nothing_and_share_one_lock_file(crm: Crm) -> None:
    shared = crm.add_customer("共享客户")
    # Each writer may wait for the seven others many times over; on a loaded 2-core machine that
    # exceeds the default 10 s. This test is about losing nothing, not about the wait.
    config = crm.root / "salescrm.yaml"
    config.write_text(config.read_text("utf-8").replace("lock_timeout: 10", "lock_timeout: 600"), "utf-8")
    lock = crm.root / ".salescrm" / "lock"
    inode = lock.stat().st_ino
    env = {**os.environ, "SALESCRM_DATA": str(crm.root), "SALESCRM_USER": "zhang.wei"}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", DRIVER, str(w), str(WRITES), shared],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WRITERS)
    ]
    printed = []
    for writer in writers:
        stdout, stderr = writer.communicate(timeout=300)
        assert writer.returncode == 0, stderr
        printed += stdout.split()
    customers = [p for p in printed if "-" not in p]
    followups = [p for p in printed if p.startswith(f"{shared}-F")]
    assert (len(customers), len(set(customers)), len(followups), len(set(followups))) == (100, 100, 100, 100)
    on_disk = sorted(p.stem for p in (crm.root / "customers").glob("*.yaml"))
    assert on_disk == sorted([*customers, shared])
    data = json.loads(crm.ok(f"customer show {shared} -f json"))
    assert sorted(f["id"] for f in data["followups"]) == sorted(f.split("-")[1] for f in followups)
    assert sorted(f["id"] for f in data["followups"]) == sorted(f"F{n}" for n in range(1, 101))
    assert crm.ok("check") == ""
    assert lock.stat().st_ino == inode  # the lock is a separate file, never replaced


def test_a_writer_that_cannot_get_the_lock_exits_4_and_changes_nothing(crm: Crm, digest: Digest) -> None:
    shared = crm.add_customer("共享客户")
    config = crm.root / "salescrm.yaml"
    config.write_text(config.read_text("utf-8").replace("lock_timeout: 10", "lock_timeout: 0"), "utf-8")
    before = digest(crm.root)
    lock: Path = crm.root / ".salescrm" / "lock"
    holder = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)  # another writer holds it: an open file description of ours
        for command in (
            ["followup", "log", shared, "--via", "phone", "--content", "客户确认需求,预算15万,下周签约"],
            ["customer", "add", "新客户", "--source", "展会", "--contact", "王", "--phone", "13900000000",
             "--needs", "采购"],
        ):  # fmt: skip
            result = crm(command)
            assert result.exit_code == 4 and result.stderr.startswith("error: ") and "locked" in result.stderr
            assert digest(crm.root) == before
    finally:
        os.close(holder)
