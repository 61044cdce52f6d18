from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import Crm, Digest, team_today

ADD = ["customer", "add", "某某科技有限公司", "--source", "2024年春季行业展会", "--contact", "王经理",
       "--phone", "021-5555-5678", "--needs", "需要采购50台办公电脑", "--industry", "IT服务",
       "--tag", "急需采购", "--tag", "长期合作意向", "--title", "采购总监"]  # fmt: skip


def test_numbers_follow_the_creation_month(crm: Crm) -> None:
    month = f"{team_today():%Y%m}"
    first = crm.ok(ADD)
    second = crm.add_customer("华东制造有限公司")
    assert first == f"CRM{month}001\n"  # alone on stdout: id=$(salescrm customer add …) works
    assert second == f"CRM{month}002"
    assert crm.add_customer("旧客户", "--at", "2024-05-03") == "CRM202405001"
    assert crm.ok("check") == ""


def test_the_file_is_readable_chinese_yaml_in_the_design_format(crm: Crm) -> None:
    number = crm.ok([*ADD, "--at", "2024-05-03", "--birthday", "05-12"]).strip()
    text = (crm.root / "customers" / f"{number}.yaml").read_text("utf-8")
    assert text.startswith(
        f"id: {number}\nname: 某某科技有限公司\nindustry: IT服务\nsource: 2024年春季行业展会\n"
    )
    assert "tags:\n- 急需采购\n- 长期合作意向\n" in text
    assert (
        "tier: C\ntier_pinned: false\nowner: zhang.wei\ncreated: 2024-05-03\nfirst_contact: 2024-05-03\n"
        in text
    )
    assert (
        "- name: 王经理\n  title: 采购总监\n  phone: 021-5555-5678\n  birthday: 05-12\n  primary: true\n"
        in text
    )
    assert "\\u" not in text


def test_show_and_list(crm: Crm) -> None:
    number = crm.ok(ADD).strip()
    crm.add_customer(
        "第二家公司", "--tier", "VIP", "--owner", "wang.fang", "--industry", "制造业", user="li.na"
    )
    shown = crm.ok(f"--lang zh customer show {number}")
    assert shown.startswith(f"{number}  某某科技有限公司\n") and "采购总监" in shown and "急需采购" in shown
    data = json.loads(crm.ok(f"customer show {number} -f json"))
    assert data["contacts"][0]["phone"] == "021-5555-5678"
    listed = json.loads(crm.ok("customer list -f json"))
    assert [row["name"] for row in listed] == ["某某科技有限公司", "第二家公司"]
    assert [r["name"] for r in json.loads(crm.ok("customer list --tier VIP -f json"))] == ["第二家公司"]
    assert [r["name"] for r in json.loads(crm.ok("customer list --owner me -f json"))] == ["某某科技有限公司"]
    assert [r["name"] for r in json.loads(crm.ok("customer list --tag 急需采购 -f json"))] == [
        "某某科技有限公司"
    ]
    assert [r["name"] for r in json.loads(crm.ok("customer list --industry 制造业 -f json"))] == [
        "第二家公司"
    ]
    assert [r["name"] for r in json.loads(crm.ok("customer list --source 春季 -f json"))] == [
        "某某科技有限公司",
        "第二家公司",
    ]


def test_tables_align_chinese_text(crm: Crm) -> None:
    crm.ok(ADD)
    crm.add_customer("A公司")
    from wcwidth import wcswidth

    lines = crm.ok("customer list").splitlines()
    separator = lines[1]
    created_column = separator.rindex(" ") + 1
    for line in lines[2:]:
        # the last column starts at the same display column on every line
        head = line[: len(line) - 10]
        assert wcswidth(head) == created_column


def test_md_and_csv_formats(crm: Crm) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    crm.ok(ADD)
    md = crm.ok("--lang en customer list -f md").splitlines()
    assert md[0].startswith("| id ") and md[1].startswith("|:---")
    assert "| 某某科技有限公司 |" in md[2]
    assert crm.ok("customer list -f md").startswith("| 编号 ")  # the team's locale is zh_CN
    csv_text = crm.ok("customer list -f csv")
    assert csv_text.splitlines()[0] == "id,name,tier,industry,owner,contact,phone,source,tags,created"


def test_missing_required_fields_are_named_all_at_once(crm: Crm, digest: Digest) -> None:
    before = digest(crm.root)
    result = crm("customer add 某公司")
    assert result.exit_code == 2
    assert (
        result.stderr.splitlines()[0]
        == "error: missing required fields: --source, --contact, --phone or --email, --needs"
    )
    assert digest(crm.root) == before


BAD_ADDS = [
    (["   "], 2, "NAME must not be empty"),
    (["--phone", "abc-defg"], 2, "bad phone"),
    (["--email", "wang@"], 2, "bad e-mail"),
    (["--at", "2024-13-45"], 2, "bad --at date"),
    (["--at", "tomorrowish"], 2, "bad --at date"),
    (["--tier", "S"], 2, "unknown tier"),
    (["--industry", "航天"], 2, "unknown industry '航天'"),
    (["--owner", "nobody"], 3, "no such member"),
    (["--size", "huge"], 2, "unknown size"),
    (["--birthday", "13-40"], 2, "bad birthday"),
    (["--tag", "a,b"], 2, "bad tag"),
]


@pytest.mark.parametrize(("extra", "code", "message"), BAD_ADDS)
def test_bad_customer_input_changes_nothing(
    crm: Crm, digest: Digest, extra: list[str], code: int, message: str
) -> None:
    before = digest(crm.root)
    args = ["customer", "add", "新公司", "--source", "展会", "--contact", "王", "--needs", "电脑"]
    if extra[0] == "   ":
        args[2] = "   "
        extra = ["--phone", "12345678"]
    elif "--phone" not in extra and "--email" not in extra:
        extra = [*extra, "--phone", "12345678"]
    result = crm(args + extra)
    assert result.exit_code == code, result.stderr
    assert result.stderr.startswith("error: ") and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert digest(crm.root) == before


def test_duplicates_are_refused_unless_allowed(crm: Crm, digest: Digest) -> None:
    number = crm.ok(ADD).strip()
    before = digest(crm.root)
    for variant in (
        [
            "customer",
            "add",
            "某某科技 有限公司",
            "--source",
            "s",
            "--contact",
            "c",
            "--phone",
            "999999",
            "--needs",
            "n",
        ],
        [
            "customer",
            "add",
            "别的公司",
            "--source",
            "s",
            "--contact",
            "c",
            "--phone",
            "021 5555 5678",
            "--needs",
            "n",
        ],
    ):
        result = crm(variant)
        assert result.exit_code == 4
        assert f"customer {number} (owner zhang.wei) has the same" in result.stderr
        assert "--allow-duplicate" in result.stderr
    assert digest(crm.root) == before
    crm.ok([*ADD, "--allow-duplicate"])


@pytest.mark.parametrize(
    "bad",
    ["../../etc/passwd", "/tmp/x", "CRM202413001", "CRM-202405001", "CRM202405001/../x", "CRM202405001\x00"],
)
def test_bad_customer_numbers_are_refused(crm: Crm, bad: str) -> None:
    result = crm(["customer", "show", bad])
    assert result.exit_code == 2
    assert "bad customer number" in result.stderr


def test_an_unknown_customer_is_exit_3(crm: Crm) -> None:
    result = crm("customer show CRM202405999")
    assert result.exit_code == 3 and "no such customer CRM202405999" in result.stderr


def test_set_tag_contact_archive(crm: Crm) -> None:
    number = crm.ok(ADD).strip()
    crm.ok(f"customer set {number} industry=制造业 size=大型 tier=B")
    data = json.loads(crm.ok(f"customer show {number} -f json"))
    assert (data["industry"], data["size"], data["tier"]) == ("制造业", "large", "B")
    assert data["tier_history"][0]["to"] == "B"
    assert data["tier_history"][0]["cause"] == {"kind": "set_by", "member": "zhang.wei"}
    assert crm.ok(f"customer tag {number} +需求明确 -- -急需采购") == "长期合作意向 需求明确\n"
    assert (
        crm.ok(f"customer tag {number} +急需采购 -需求明确 -测试") == "急需采购 长期合作意向\n"
    )  # as the README shows
    crm.ok(["customer", "contact", number, "add", "--name", "李总", "--phone", "13800138000", "--primary"])
    crm.ok(["customer", "contact", number, "set", "--name", "王经理", "--email", "wang@example.com"])
    contacts = json.loads(crm.ok(f"customer show {number} -f json"))["contacts"]
    assert [(c["name"], c.get("primary", False)) for c in contacts] == [("王经理", False), ("李总", True)]
    assert contacts[0]["email"] == "wang@example.com"
    crm.ok(f"customer archive {number}")
    assert json.loads(crm.ok("customer list -f json")) == []
    assert len(json.loads(crm.ok("customer list --archived -f json"))) == 1
    crm.ok(f"customer archive {number} --undo")
    assert len(json.loads(crm.ok("customer list -f json"))) == 1


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("id=CRM202405009", "field 'id' cannot be set"),
        ("colour=red", "field 'colour' cannot be set"),
        ("tier", "bad assignment"),
        ("tier=Z", "unknown tier"),
        ("name=", "name must not be empty"),
        ("first_contact=2024-02-30", "bad first_contact"),
        ("tier_pinned=perhaps", "write true or false"),
    ],
)
def test_bad_assignments_change_nothing(crm: Crm, digest: Digest, assignment: str, message: str) -> None:
    number = crm.ok(ADD).strip()
    before = digest(crm.root)
    result = crm(["customer", "set", number, "name=新名字", assignment])
    assert result.exit_code == 2
    assert message in result.stderr
    assert digest(crm.root) == before


def test_contact_errors(crm: Crm) -> None:
    number = crm.ok(ADD).strip()
    assert crm(["customer", "contact", number, "add", "--name", "李总"]).exit_code == 2
    assert crm(["customer", "contact", number, "set", "--name", "nobody", "--phone", "12345"]).exit_code == 3
    assert crm(["customer", "contact", number, "remove", "--name", "王经理"]).exit_code == 2


def _editor(tmp_path: Path, script: str) -> str:
    path = tmp_path / "editor.sh"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_edit_saves_a_valid_change(crm: Crm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    number = crm.ok(ADD).strip()
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "sed -i 's/needs: .*/needs: 改为采购80台/' \"$1\"\n"))
    crm.ok(f"customer edit {number}")
    assert json.loads(crm.ok(f"customer show {number} -f json"))["needs"] == "改为采购80台"


def test_edit_never_writes_an_invalid_file(
    crm: Crm, digest: Digest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = crm.ok(ADD).strip()
    before = digest(crm.root)
    for script in ("sed -i 's/tier: C/tier: Z/' \"$1\"\n", "echo 'name: [unclosed' >> \"$1\"\n",
                   "sed -i 's/^id: .*/id: CRM202405777/' \"$1\"\n"):  # fmt: skip
        monkeypatch.setenv("EDITOR", _editor(tmp_path, script))
        result = crm(f"customer edit {number}")
        assert result.exit_code == 2 and "error:" in result.stderr
    assert digest(crm.root) == before


def test_an_invalid_edit_without_a_terminal_is_kept_in_a_rescue_file(
    crm: Crm, digest: Digest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = crm.ok(ADD).strip()
    before = digest(crm.root)
    monkeypatch.setenv(
        "EDITOR", _editor(tmp_path, "sed -i 's/needs: .*/needs: 改为采购80台/; s/tier: C/tier: Z/' \"$1\"\n")
    )
    result = crm(f"customer edit {number}")
    assert result.exit_code == 2 and digest(crm.root) == before
    lines = result.stderr.splitlines()
    assert lines[1] == "error: the edit was not valid; nothing was changed"
    (kept,) = (crm.root / ".salescrm" / "rescue").glob(f"{number}-*.yaml")
    assert lines[2] == f"hint: your edit is kept in {kept}: fix it there and copy it back with " + (
        f"EDITOR='cp {kept}' salescrm customer edit {number}"
    )
    assert "needs: 改为采购80台" in kept.read_text("utf-8")  # the typing is not lost
    kept.write_text(kept.read_text("utf-8").replace("tier: Z", "tier: B"), "utf-8")
    monkeypatch.setenv("EDITOR", f"cp {kept}")
    crm.ok(f"customer edit {number}")
    shown = json.loads(crm.ok(f"customer show {number} -f json"))
    assert (shown["needs"], shown["tier"]) == ("改为采购80台", "B")


def test_writes_to_a_damaged_file_are_refused(crm: Crm) -> None:
    number = crm.ok(ADD).strip()
    path = crm.root / "customers" / f"{number}.yaml"
    path.write_text(path.read_text("utf-8") + "<<<<<<< HEAD\n", "utf-8")
    before = path.read_bytes()
    result = crm(f"customer tag {number} +x")
    assert result.exit_code == 5 and "conflict markers" in result.stderr
    assert path.read_bytes() == before


def test_a_file_with_conflict_markers_fails_check_but_lists_still_work(crm: Crm) -> None:
    good = crm.add_customer("好公司")
    bad = crm.add_customer("坏公司")
    path = crm.root / "customers" / f"{bad}.yaml"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    lines[3:3] = ["<<<<<<< HEAD\n", "tier: A\n", "=======\n", "tier: B\n", ">>>>>>> theirs\n"]
    path.write_text("".join(lines), "utf-8")
    check = crm("check")
    assert check.exit_code == 1
    assert f"customers/{bad}.yaml:4: unresolved git conflict markers" in check.stdout
    listed = crm("customer list -f json")
    assert listed.exit_code == 0
    assert [row["id"] for row in json.loads(listed.stdout)] == [good]
    assert f"warning: skipped customers/{bad}.yaml:4" in listed.stderr


def test_git_commits_name_command_record_and_member(git_crm: Crm) -> None:
    import subprocess

    number = git_crm.add_customer("某公司")
    git_crm.ok(f"customer tag {number} +重点")
    log = subprocess.run(
        ["git", "log", "--format=%s"], cwd=git_crm.root, capture_output=True, text=True
    ).stdout
    assert log.splitlines()[:2] == [
        f"salescrm customer tag: {number} (by zhang.wei)",
        f"salescrm customer add: {number} (by zhang.wei)",
    ]
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=git_crm.root, capture_output=True, text=True
    )
    assert status.stdout == ""


def test_nothing_is_left_in_tracked_paths(git_crm: Crm) -> None:
    git_crm.add_customer("某公司")
    assert sorted(os.listdir(git_crm.root / "customers"))[0] == ".gitkeep"
    assert all(not n.startswith(".salescrm-tmp") for n in os.listdir(git_crm.root / "customers"))
