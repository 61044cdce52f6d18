"""Point 7: bounded everything — XLSX imports, saved filters, huge teams, many damaged files."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.conftest import Crm
from tests.security.conftest import Team, recovers


def workbook(tmp_path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["公司名称", "联系人", "电话", "需求"])
    sheet.append(["某某科技有限公司", "王经理", "13800000001", "需要采购50台办公电脑"])
    path = tmp_path / "leads.xlsx"
    book.save(path)
    return path


def rewritten(source: Path, target: Path, replace: dict[str, bytes], big: int = 0) -> Path:
    """``source`` with some members replaced, and a shared-strings member of ``big`` bytes."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item, replace.get(item.filename, old.read(item.filename)))
        if big:
            with new.open("xl/sharedStrings.xml", "w") as handle:
                handle.write(
                    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
                )
                chunk = b"x" * (1024 * 1024)
                for _ in range(big // len(chunk)):
                    handle.write(chunk)
                handle.write(b"</t></si></sst>")
    return target


LAUGHS = (
    b'<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1 if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)


def crafted(tmp_path: Path, kind: str) -> Path:
    source = workbook(tmp_path)
    target = tmp_path / f"{kind}.xlsx"
    if kind == "decompression bomb":
        return rewritten(source, target, {}, big=260 * 1024 * 1024)
    sheet = zipfile.ZipFile(source).read("xl/worksheets/sheet1.xml")
    if kind == "entity expansion":
        broken = LAUGHS + sheet.replace("某某科技有限公司".encode(), b"&lol9;")
    elif kind == "typeless cell":  # no type, so a number, holding text
        broken = re.sub(
            rb'<c r="A2" t="inlineStr"><is><t>[^<]*</t></is></c>', b'<c r="A2"><v>abc</v></c>', sheet
        )
    else:
        broken = sheet.replace(b"<c ", b"<c r=", 1)
    return rewritten(source, target, {"xl/worksheets/sheet1.xml": broken})


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("decompression bomb", "unzips to 260 MB; an import is at most 200 MB"),
        ("entity expansion", "declares XML entities (a DTD)"),
        ("typeless cell", "is not a readable Excel workbook"),
        ("malformed XML", "is not a readable Excel workbook"),
    ],
)
def test_a_crafted_workbook_is_a_clear_error(team: Team, tmp_path: Path, kind: str, said: str) -> None:
    path = crafted(tmp_path, kind)
    before = team.bob.state()
    result = team.bob("import", "leads", str(path), "--dry-run")
    assert result.returncode == 2 and said in result.stderr.splitlines()[0], result.stderr
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert team.bob("import", "leads", str(path)).returncode == 2
    assert team.bob.state() == before


def test_a_deep_saved_filter_is_refused_not_a_crash(team: Team) -> None:
    text = (team.alice.root / "salescrm.yaml").read_text("utf-8")
    deep = "(" * 3000 + "tier = B" + ")" * 3000
    team.alice.push_crafted(
        "deep", {"salescrm.yaml": text.replace("filters: {}", f"filters:\n  deep: '{deep}'")}
    )
    synced = team.bob("sync")
    assert synced.returncode == 1
    checked = team.bob("check")
    assert (
        checked.returncode == 1 and "saved filter 'deep': nested more than 32 levels deep" in checked.stdout
    )
    for command in (["report", "review", "--filter", "deep"], ["query", "--saved", "deep"]):
        result = team.bob(*command)
        assert (result.returncode, result.stderr.splitlines()[0]) == (
            2,
            "error: bad query: nested more than 32 levels deep",
        )
    recovers(team)


def test_a_huge_team_file_is_checked(team: Team) -> None:
    text = (team.alice.root / "salescrm.yaml").read_text("utf-8")
    many = "".join(f"- {{id: m{i}, name: n}}\n" for i in range(180_000))  # 4.4 MB: under the 5 MB cap
    team.alice.push_crafted(
        "many members", {"salescrm.yaml": text.replace("members:\n", "members:\n" + many, 1)}
    )
    synced = team.bob("sync")  # finishes: a dict look-up per member, never a rebuild
    assert synced.returncode == 0, synced.stderr
    notes = [line for line in synced.stdout.splitlines() if line.startswith("note: ")]
    assert len(notes) == 21 and notes[-1].startswith(
        "note: salescrm.yaml: and 179980 more changes to members"
    )
    assert team.bob("check").returncode == 0


def test_many_damaged_files_are_summarised_on_reads_and_listed_by_check(team: Team) -> None:
    for number in range(1, 31):
        (team.bob.root / "customers" / f"CRM2026100{number:02d}.yaml").write_text("name: [broken\n")
    listed = team.bob("customer", "list")
    warnings = listed.stderr.splitlines()
    assert listed.returncode == 0 and len(warnings) == 21
    assert all(line.startswith("warning: skipped customers/CRM2026100") for line in warnings[:20])
    assert warnings[20] == "warning: skipped 10 more damaged files (salescrm check lists every problem)"
    checked = team.bob("check")
    assert checked.returncode == 1 and checked.stdout.count("bad YAML") == 30


CORPUS = Path(__file__).resolve().parent.parent.parent / "fuzz" / "corpus" / "xlsx"


def test_the_xlsx_fuzz_corpus_reads_or_is_a_usage_error() -> None:
    """The corpus's workbook reads; each file that once crashed the importer (was-crash-*,
    found by make fuzz) is a clear usage error."""
    from salescrm.core.errors import UsageError
    from salescrm.formats.xlsx import read_xlsx

    assert read_xlsx(CORPUS / "leads.xlsx")[1][0] == "某某科技有限公司"
    crashes = sorted(CORPUS.glob("was-crash-*"))
    assert crashes
    for path in crashes:
        with pytest.raises(UsageError, match="is not a readable Excel workbook"):
            read_xlsx(path)


def test_an_amount_with_more_digits_than_money_has_is_a_problem_not_a_crash(crm: Crm) -> None:
    """Found by make fuzz (the loader): quantizing it raised decimal.InvalidOperation (exit 70)."""
    number = crm.add_customer("某某科技有限公司", "--at", "2026-11-01")
    crm.ok(f"opp add {number} --name 年度采购 --amount 250000 --close 2026-12-30 --at 2026-11-02")
    path = crm.root / "customers" / f"{number}.yaml"
    path.write_text(path.read_text("utf-8").replace("amount: 250000", "amount: " + "3" * 100), "utf-8")
    checked = crm("check")
    assert (
        checked.exit_code == 1 and "opportunities[0].amount: expected an amount, found 333" in checked.stdout
    )
    listed = crm("customer list")
    assert listed.exit_code == 0 and listed.stderr.startswith(f"warning: skipped customers/{number}.yaml")
