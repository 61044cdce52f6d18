"""``salescrm dev generate``: a synthetic data directory, the same for the same seed."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from salescrm.store.datadir import DataDir
from tests.conftest import Crm, tree_digest


def test_generate_writes_a_sound_data_directory(crm: Crm, tmp_path: Path) -> None:
    out = crm.ok(["dev", "generate", str(tmp_path / "g"), "--customers", "4", "--seed", "7"], user=None)
    assert out == f"{tmp_path / 'g'}: 4 customers\n"
    assert sorted(p.name for p in (tmp_path / "g/customers").iterdir() if p.suffix == ".yaml") == [
        "CRM202201001.yaml", "CRM202303001.yaml", "CRM202406001.yaml", "CRM202508001.yaml"
    ]  # fmt: skip
    checked = Crm(tmp_path / "g")("check")
    assert checked.exit_code == 0, checked.stdout
    listed = Crm(tmp_path / "g").ok("customer list -f json", user="li.na")
    assert listed.count('"id"') == 4


def test_generate_is_the_same_for_a_seed(crm: Crm, tmp_path: Path) -> None:
    for name in ("a", "b"):
        crm.ok(["dev", "generate", str(tmp_path / name), "--customers", "3", "--seed", "5"], user=None)
    crm.ok(["dev", "generate", str(tmp_path / "c"), "--customers", "3", "--seed", "6"], user=None)
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b") != tree_digest(tmp_path / "c")


def test_generate_refuses_bad_input(crm: Crm, tmp_path: Path) -> None:
    result = crm(["dev", "generate", str(tmp_path / "g"), "--customers", "0"], user=None)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --customers must be between 1 and 1000000, not 0\n")
    assert not (tmp_path / "g").exists()
    taken = crm(["dev", "generate", str(crm.root), "--customers", "2"], user=None)
    assert taken.exit_code == 4
    assert taken.stderr.startswith("error: ")


def test_generate_makes_payment_plans_receipts_and_late_ones(crm: Crm, tmp_path: Path) -> None:
    crm.ok(["dev", "generate", str(tmp_path / "g"), "--customers", "60", "--seed", "3"], user=None)
    team = Crm(tmp_path / "g", user="li.na")
    assert team("check").exit_code == 0
    lines = json.loads(team.ok(["pay", "list", "--as-of", "2026-11-27", "-f", "json"]))
    assert {"paid", "open", "overdue"} <= {line["status"] for line in lines}
    assert any(0 < line["paid"] < line["amount"] for line in lines)  # a partial payment
    datadir = DataDir(tmp_path / "g")
    customers = [datadir.read_customer(number) for number in datadir.customer_ids()]
    won = [(c, o) for c in customers for o in c.opportunities if o.stage == "won"]
    planned = [o for _, o in won if o.plan]
    assert 0.6 < len(planned) / len(won) < 1  # most won deals, not all
    assert all(sum(p.amount for p in o.plan) == o.contract.amount for o in planned if o.contract)
    receivables = json.loads(team.ok(["report", "receivables", "--as-of", "2026-11-27", "-f", "json"]))
    contracts = sum(o.contract.amount for _, o in won if o.contract)
    received = sum(r.amount for _, o in won for r in o.receipts)
    assert Decimal(str(receivables["summary"]["owed"])) == contracts - received


def test_generate_gives_each_customer_contacts_of_distinct_names(crm: Crm, tmp_path: Path) -> None:
    # 300 customers hold some 600 contacts: with 80 surname-and-title names, a customer's two or
    # three contacts would often share one if nothing kept them apart.
    crm.ok(["dev", "generate", str(tmp_path / "g"), "--customers", "300", "--seed", "1"], user=None)
    datadir = DataDir(tmp_path / "g")
    customers = [datadir.read_customer(number) for number in datadir.customer_ids()]
    assert sum(len(c.contacts) > 1 for c in customers) > 50
    assert all(len({p.name for p in c.contacts}) == len(c.contacts) for c in customers)
    checked = Crm(tmp_path / "g")("check")
    assert "contact" not in checked.stdout + checked.stderr, checked.stdout
