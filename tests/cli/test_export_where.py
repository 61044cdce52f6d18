"""``salescrm export csv|json|vcard|sqlite|ics --where EXPR``: the customers ``query EXPR`` lists."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.cli.test_export import FORMULA
from tests.cli.test_export import team as team  # noqa: F401 - the shared fixture
from tests.cli.test_export_ics import events

if TYPE_CHECKING:
    from tests.conftest import Crm, Digest


def exported_ids(crm: Crm, *args: str) -> list[str]:
    return [c["id"] for c in json.loads(crm.ok(["export", "json", *args]))]


def test_csv_where_keeps_only_matching_rows(team: Crm) -> None:
    stdout = team.ok(["export", "csv", "--where", "name ~ 某某"])
    rows = list(csv.DictReader(stdout.removeprefix("\ufeff").splitlines()))
    assert [(r["id"], r["name"], r["followups"]) for r in rows] == [("CRM202405002", "某某科技有限公司", "2")]


def test_json_where_counts_followups_in_a_window_as_of_a_day(team: Crm) -> None:
    # CRM202405002 has follow-ups on 2024-05-04 and 2024-05-09; CRM202405001 none.
    assert exported_ids(team, "--where", "followups >= 2") == ["CRM202405002"]
    assert exported_ids(team, "--where", "followups(1m) >= 2", "--as-of", "2024-05-31") == ["CRM202405002"]
    assert exported_ids(team, "--where", "followups(1m) >= 2", "--as-of", "2024-06-10") == []
    assert exported_ids(team, "--where", "followups = 0 or followups > 1") == ["CRM202405001", "CRM202405002"]


def test_where_leaves_archived_customers_out_unless_it_names_archived(team: Crm) -> None:
    team.ok("customer archive CRM202405001")
    assert exported_ids(team) == ["CRM202405001", "CRM202405002"]  # no --where: every customer
    assert exported_ids(team, "--where", "followups >= 0") == ["CRM202405002"]
    assert exported_ids(team, "--where", "archived") == ["CRM202405001"]
    assert team.ok(["query", "followups >= 0", "-f", "json"]).count('"id"') == 1  # the same choice as query


def test_vcard_where_has_the_cards_of_the_chosen_customer_only(team: Crm) -> None:
    text = team.ok(["export", "vcard", "--where", "id = CRM202405002"]).replace("\r\n", "\n")
    assert text.count("BEGIN:VCARD") == 2
    assert "TEL:13900001111\n" in text and "TEL:13812345678" not in text


def test_sqlite_where_to_a_file(team: Crm, tmp_path: Path) -> None:
    target = tmp_path / "crm.sqlite"
    assert team.ok(["export", "sqlite", "--out", str(target), "--where", "name ~ HYPERLINK"]) == (
        f"exported 1 customer to {target}\n"
    )
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT id, name FROM customers").fetchall() == [("CRM202405001", FORMULA)]
        assert db.execute("SELECT count(*) FROM followups").fetchone() == (0,)


def test_ics_where_holds_only_the_chosen_customers_items(team: Crm) -> None:
    both = events(team.ok(["--lang", "en", "export", "ics", "--as-of", "2024-05-05"]))
    assert "CRM202405002-T1-task@salescrm" in both
    chosen = events(team.ok(["export", "ics", "--as-of", "2024-05-05", "--where", "id = CRM202405001"]))
    # C-tier cadence is 90 days from the first contact, 2024-05-03
    assert list(chosen) == ["CRM202405001-cadence@salescrm"]
    assert chosen["CRM202405001-cadence@salescrm"][1] == date(2024, 8, 1)


@pytest.mark.parametrize("fmt", ["csv", "json", "vcard", "sqlite", "ics"])
def test_a_where_that_does_not_parse_writes_nothing(
    team: Crm, digest: Digest, tmp_path: Path, fmt: str
) -> None:
    before = digest(team.root)
    target = tmp_path / f"out.{fmt}"
    result = team(["export", fmt, "--out", str(target), "--where", "tier = B and colour = red"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:3] == [
        "error: bad query: unknown field 'colour'",
        "  tier = B and colour = red",
        "               ^",
    ]
    assert result.stdout == ""
    assert not target.exists()
    assert digest(team.root) == before


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["export", "json", "--where", ""], "error: --where must not be empty"),
        (["export", "csv", "--where", "amount > abc"], "error: bad query: amount is a number; 'abc' is text"),
        (["export", "csv", "--owner", "zhang.wei"], "error: --owner applies to export ics only"),
        (["export", "json", "--where", "followups(1m) > 1", "--as-of", "someday"], "error: bad --as-of date 'someday'"),
    ],
)  # fmt: skip
def test_bad_where_input_is_exit_2(team: Crm, args: list[str], error: str) -> None:
    result = team(args)
    assert result.exit_code == 2
    assert result.stderr.startswith(error)
    assert result.stdout == ""
