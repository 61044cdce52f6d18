"""Writers killed with SIGKILL at random moments lose nothing that was written and tear nothing."""

from __future__ import annotations

import os
import random
import signal
import time
from datetime import date
from pathlib import Path

from salescrm.core.customers import NewCustomer, build_customer
from salescrm.core.ids import next_customer_id
from salescrm.store.atomic import TEMP_PREFIX
from salescrm.store.datadir import DataDir
from tests.conftest import Crm

KILLS = 200


def _writer(root: Path, seed: int) -> None:
    """Add customers and rewrite one shared customer, forever (until killed)."""
    datadir = DataDir(root)
    config = datadir.config
    n = 0
    while True:
        n += 1
        with datadir.transaction("customer add", "zhang.wei") as tx:
            new = NewCustomer(f"公司{seed}-{n}", "展会", "王经理", f"1{seed:05d}{n:05d}", None,
                              "需要采购50台办公电脑," * 20, tags=["急需采购"])  # fmt: skip
            customer = build_customer(new, "CRM000001001", date(2026, 11, 1), "zhang.wei", config)
            customer.id = next_customer_id(customer.created, datadir.customer_ids())
            tx.save(customer)
        with datadir.transaction("customer set", "zhang.wei") as tx:
            shared = datadir.read_customer("CRM202611001")
            shared.needs = f"第{seed}-{n}次修改:" + "采购需求" * 50
            tx.save(shared)


def test_two_hundred_killed_writers_leave_only_whole_files(crm: Crm) -> None:
    crm.add_customer("共享客户", "--at", "2026-11-01")
    rng = random.Random(7)
    for seed in range(KILLS):
        pid = os.fork()
        if pid == 0:  # the child writes until it is killed
            try:
                _writer(crm.root, seed)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.0, 0.03))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    # Every file present is whole: it parses, and holds the full record.
    datadir = DataDir(crm.root)
    loaded = datadir.load_all()
    assert [p for p in loaded.problems if p.severity == "error"] == []
    for customer in loaded.customers:
        assert customer.contacts[0].name in ("王经理",)
        assert customer.needs.endswith("采购需求" * 50) or customer.needs.startswith("需要采购50台")
    # The next command cleans what killed writers left behind, and check passes.
    crm.add_customer("之后的客户")
    assert not list((crm.root / "customers").glob(f"{TEMP_PREFIX}*"))
    assert crm.ok("check") == ""
    numbers = [c.id for c in loaded.customers]
    print(f"{KILLS} writers killed; {len(numbers)} customers written whole")
    assert len(numbers) == len(set(numbers))
    # Some writers must have got as far as a file (about 100 of 200 on an idle machine; on a
    # loaded 2-core one, a dozen): else the test would show nothing.
    assert len(numbers) >= 5, "the writers were killed before they wrote anything"
