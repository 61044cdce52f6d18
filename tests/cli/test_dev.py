"""``salescrm dev generate``: a synthetic data directory, the same for the same seed."""

from __future__ import annotations

from pathlib import Path

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
