"""``export --redact`` masks contacts in every format (issue 18): csv, json, vcard, sqlite and ics,
birthday events included. Each test also runs the export unredacted, so it cannot pass by
exporting nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import Crm

NAME, TITLE, PHONE, EMAIL = "欧阳经理", "采购总监", "13812345678", "ouyang@example.com"
MASKED = ("欧**理", "采**监", "138****5678", "o***@example.com")


@pytest.fixture
def team(crm: Crm) -> Crm:
    crm.add_customer("某某科技有限公司", "--tier", "VIP", "--at", "2024-05-03", "--contact", NAME,
                     "--title", TITLE, "--phone", PHONE, "--email", EMAIL, "--birthday", "08-28")  # fmt: skip
    return crm


def exported(team: Crm, fmt: str, *extra: str, tmp: Path | None = None) -> str:
    if fmt == "sqlite":
        assert tmp is not None
        target = tmp / f"out{len(extra)}.sqlite"
        team.ok(["export", "sqlite", "--out", str(target), *extra])
        db = sqlite3.connect(target)
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return "\n".join(str(row) for table in tables for row in db.execute(f'SELECT * FROM "{table}"'))
    return team.ok(["export", fmt, *extra])


@pytest.mark.parametrize("fmt", ["csv", "json", "vcard", "sqlite", "ics"])
def test_redact_leaves_no_contact_detail_in_any_format(team: Crm, fmt: str, tmp_path: Path) -> None:
    plain = exported(team, fmt, tmp=tmp_path)
    assert NAME in plain and PHONE in plain  # what redaction must take out is there without it
    masked = exported(team, fmt, "--redact", tmp=tmp_path)
    for secret in (NAME, PHONE, EMAIL, TITLE):
        assert secret not in masked, f"{fmt} --redact shows {secret}"
    assert MASKED[0] in masked and "某某科技有限公司" in masked


def test_redacted_calendar_keeps_the_birthday_event_with_its_holder_masked(team: Crm) -> None:
    team.lang = None  # the team's locale (zh_CN): 生日
    text = team.ok(["export", "ics", "--redact"]).replace("\r\n ", "")
    assert "RRULE:FREQ=YEARLY" in text and f"{MASKED[0]} 生日" in text
    assert MASKED[1] in text and MASKED[2] in text
