"""A process that runs many commands (the tests, a shell embedding the CLI) keeps one index
connection open, not one per command left for the cycle collector: 71 tests once failed with
"Too many open files" when every command's connection stayed open."""

from __future__ import annotations

import contextlib
import os

from tests.conftest import Crm


def _open_index_files() -> int:
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own descriptor, gone already
            count += "index.sqlite" in os.readlink(f"/proc/self/fd/{fd}")
    return count


def test_commands_run_in_one_process_do_not_pile_up_index_connections(crm: Crm) -> None:
    number = crm.add_customer("连接客户")
    before = _open_index_files()  # other tests' DataDirs in this worker may hold some
    for _ in range(20):
        crm.ok("customer list")
        crm.ok(f"customer show {number}")
    assert _open_index_files() - before <= 3  # one connection: the database, its log and shared memory
