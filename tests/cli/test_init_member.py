from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import Crm, Digest


def test_init_writes_a_commented_default_and_a_git_repository(tmp_path: Path) -> None:
    crm = Crm(tmp_path / "crm")
    assert "created" in crm.ok(["init", str(crm.root), "--team", "华东销售一部"], user=None)
    config = (crm.root / "salescrm.yaml").read_text("utf-8")
    assert 'team: "华东销售一部"' in config
    for rule in ("cadence_days: 7", "cadence_days: 14", "cadence_days: 30", "cadence_days: 90",
                 "threshold: 500000", "价格过高", "客户有意向", "IT服务", "行业展会"):  # fmt: skip
        assert rule in config
    assert config.count("#") > 10  # commented for the reader
    assert (crm.root / "customers").is_dir() and (crm.root / "attachments").is_dir()
    assert "merge=salescrm" in (crm.root / ".gitattributes").read_text()
    assert ".salescrm/" in (crm.root / ".gitignore").read_text()
    log = subprocess.run(["git", "log", "--oneline"], cwd=crm.root, capture_output=True, text=True).stdout
    assert "salescrm init" in log
    assert crm.ok("check") == ""


def test_init_refuses_an_existing_data_directory(crm: Crm, digest: Digest) -> None:
    before = digest(crm.root)
    result = crm(["init", str(crm.root)], user=None)
    assert result.exit_code == 4
    assert result.stderr.startswith("error: ") and "already holds" in result.stderr
    assert digest(crm.root) == before


def test_init_no_git(tmp_path: Path) -> None:
    crm = Crm(tmp_path / "x")
    crm.ok(["init", str(crm.root), "--no-git"], user=None)
    assert not (crm.root / ".git").exists()


def test_members_are_added_and_listed(crm: Crm) -> None:
    rows = crm.ok("member list -f json")
    assert '"id": "li.na"' in rows and '"manager": "li.na"' in rows
    table = crm.ok("--lang zh member list")
    assert "经理" in table and "售后" in table
    assert "li.na" in crm.ok("member list -f csv").splitlines()[1]


def test_member_labels_in_chinese_are_accepted(crm: Crm) -> None:
    crm.ok(
        ["member", "add", "liu.yang", "--name", "刘洋", "--dept", "市场部", "--role", "销售代表"],
        user="li.na",
    )
    listed = crm.ok("member list -f json")
    assert '"dept": "marketing"' in listed and '"role": "marketing"' in listed  # not a 销售代表


def test_bad_members(crm: Crm, digest: Digest) -> None:
    before = digest(crm.root)
    cases = [
        (["member", "add", "li.na", "--name", "X"], 4, "exists already"),
        (["member", "add", "Bad Id", "--name", "X"], 2, "bad member id"),
        (["member", "add", "x.y"], 2, "missing required field: --name"),
        (["member", "add", "x.y", "--name", "X", "--dept", "space"], 2, "unknown department"),
        (["member", "add", "x.y", "--name", "X", "--manager", "nobody"], 3, "no such member"),
        (["member", "add", "x.y", "--name", "X", "--email", "not-an-email"], 2, "bad e-mail"),
    ]
    for args, code, message in cases:
        result = crm(args)
        assert result.exit_code == code, args
        assert result.stderr.startswith("error: ") and message in result.stderr, result.stderr
    assert digest(crm.root) == before


def test_member_add_keeps_the_comments_of_salescrm_yaml(crm: Crm) -> None:
    text = (crm.root / "salescrm.yaml").read_text("utf-8")
    assert "# Customer tiers" in text and "zhang.wei" in text


def test_an_unknown_acting_member_is_exit_3(crm: Crm) -> None:
    result = crm("customer tag CRM202405001 +x", user="ghost")
    assert result.exit_code == 3
    assert "no such member 'ghost'" in result.stderr and "hint:" in result.stderr


def test_no_acting_member_says_how_to_set_one(crm: Crm) -> None:
    result = crm(
        ["customer", "add", "X", "--source", "s", "--contact", "c", "--phone", "12345", "--needs", "n"],
        user=None,
    )
    assert result.exit_code == 2
    assert "SALESCRM_USER" in result.stderr


def test_the_acting_member_can_come_from_git(git_crm: Crm) -> None:
    subprocess.run(["git", "config", "user.email", "Zhang.Wei@example.com"], cwd=git_crm.root, check=True)
    number = git_crm.ok(["customer", "add", "甲公司", "--source", "展会", "--contact", "王", "--phone", "12345678",
                         "--needs", "采购电脑"], user=None).strip()  # fmt: skip
    assert "owner: zhang.wei" in (git_crm.root / "customers" / f"{number}.yaml").read_text("utf-8")


def test_no_data_directory_is_a_clear_error(tmp_path: Path) -> None:
    result = Crm(tmp_path / "nothing-here")("customer list")
    assert result.exit_code == 3
    assert "no salescrm data directory" in result.stderr and "salescrm init" in result.stderr


def test_a_damaged_salescrm_yaml_names_file_and_line(crm: Crm) -> None:
    path = crm.root / "salescrm.yaml"
    path.write_text(path.read_text("utf-8").replace("lock_timeout: 10", "lock_timeout: [10"), "utf-8")
    result = crm("customer list")
    assert result.exit_code == 5
    assert "salescrm.yaml:" in result.stderr and "bad YAML" in result.stderr


def test_a_wrong_type_in_salescrm_yaml_names_file_and_line(crm: Crm) -> None:
    path = crm.root / "salescrm.yaml"
    text = path.read_text("utf-8").replace("lock_timeout: 10", "lock_timeout: soon")
    path.write_text(text, "utf-8")
    line = (
        text.splitlines().index("lock_timeout: soon       # seconds a writer waits for another to finish") + 1
    )
    result = crm("customer list")
    assert result.exit_code == 5
    assert f"salescrm.yaml:{line}: lock_timeout: expected a whole number" in result.stderr
    check = crm("check")
    assert check.exit_code == 1 and f"salescrm.yaml:{line}:" in check.stdout
