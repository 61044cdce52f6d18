"""Tables that fit the terminal (drop columns, then cut names with …), --wide, piped output uncut,
amounts as numbers in CSV and JSON, 万 with --wan, and global options anywhere on the line."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescrm.cli import fit
from salescrm.cli.fit import SHRINK, cut, fit_columns
from salescrm.cli.main import hoist_global_options
from salescrm.cli.render import _width, wan

if TYPE_CHECKING:
    from tests.conftest import Crm

AS_OF = "2026-11-27"
LONG = "上海市浦东新区张江高科技园区启明星辰智能科技股份有限公司第二分公司"


@pytest.fixture
def team(crm: Crm) -> Crm:
    crm.add_customer(LONG, "--phone", "+86 138 0013 8000", "--tag", "急需采购", "--at", "2026-11-01")
    number = crm.add_customer("短名公司", "--at", "2026-11-02")
    crm.ok(f"opp add {number} --name 年度采购 --amount 1234500 --close 2026-12-30 --at 2026-11-02")
    return crm


def in_terminal(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    monkeypatch.setattr(fit, "terminal_width", lambda: width)


def test_a_listing_fits_the_terminal_by_dropping_then_cutting(
    team: Crm, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_terminal(monkeypatch, 72)
    lines = team.ok("customer list --lang zh").splitlines()
    assert max(map(_width, lines)) <= 72
    assert lines[0].split()[:2] == ["编号", "名称"]
    assert "创建日期" not in lines[0] and "来源" not in lines[0]  # the low-priority columns went first
    cut_name = next(line for line in lines if "上海市" in line).split()[1]
    assert cut_name.endswith("…") and LONG.startswith(cut_name[:-1])


def test_wide_shows_every_column_uncut(team: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    in_terminal(monkeypatch, 72)
    wide = team.ok("customer list --lang zh --wide")
    assert LONG in wide and "创建日期" in wide.splitlines()[0]
    assert max(map(_width, wide.splitlines())) > 72


def test_piped_output_is_never_cut(team: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")  # a pipe is not a terminal, whatever COLUMNS says
    assert fit.terminal_width() is None
    assert team.ok("customer list") == team.ok("customer list --wide")
    assert LONG in team.ok("customer list")


def test_a_wide_terminal_changes_nothing(team: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    piped = team.ok("opp list --lang zh")
    in_terminal(monkeypatch, 400)
    assert team.ok("opp list --lang zh") == piped


CELLS = st.text(st.sampled_from(list("ab 1-张伟某科技有限公司采购😀，")), max_size=30)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(
    st.lists(st.sampled_from(["id", "name", "created", "source", "customer", "owner", "content"]),
             min_size=n, max_size=n, unique=True),
    st.lists(st.lists(CELLS, min_size=n, max_size=n), min_size=1, max_size=5))), st.integers(20, 120))  # fmt: skip
def test_fit_keeps_order_cuts_only_long_text_and_fits_when_it_can(case: tuple[list[str], list[list[str]]],
                                                                  width: int) -> None:  # fmt: skip
    keys, rows = case
    columns = [list(c) for c in zip(*rows, strict=True)]
    kept, cells = fit_columns(keys, keys, columns, width, _width)
    assert kept == sorted(kept)
    for i, column in zip(kept, cells, strict=True):
        for original, shown in zip(columns[i], column, strict=True):
            assert shown == original or (keys[i] in SHRINK and shown.endswith("…")
                                         and original.startswith(shown[:-1]))  # fmt: skip
    total = sum(max(_width(keys[i]) + 2, *map(_width, c)) for i, c in zip(kept, cells, strict=True))
    total += 2 * (len(kept) - 1)
    floors = sum(
        max(_width(keys[i]) + 2, 6 if keys[i] in SHRINK else max(map(_width, columns[i]))) for i in kept
    )
    assert total <= max(width, floors + 2 * (len(kept) - 1))


def test_cut_counts_display_width() -> None:
    assert cut("上海启明科技有限公司", 9, _width) == "上海启明…"
    assert cut("abcdef", 6, _width) == "abcdef" and cut("abcdefg", 6, _width) == "abcde…"


def test_amounts_are_numbers_in_csv_and_json(team: Crm) -> None:
    rows = list(csv.DictReader(io.StringIO(team.ok(f"report pipeline --as-of {AS_OF} -f csv"))))
    assert rows and all(Decimal(r["amount"]) == Decimal(1234500) for r in rows)  # by month and total
    (deal,) = json.loads(team.ok("opp list -f json"))
    assert deal["amount"] == 1234500


def test_wan_shows_amounts_in_ten_thousands_in_chinese_tables(team: Crm) -> None:
    table = team.ok("opp list --lang zh --wan")
    assert "123.45万" in table and "1,234,500" not in table
    assert "1,234,500" in team.ok("opp list --lang zh")
    refused = team("opp list --lang en --wan")
    assert (refused.exit_code, refused.stderr.splitlines()) == (2, [
        "error: --wan shows amounts in 万 in Chinese tables", "hint: use it with --lang zh"])  # fmt: skip
    assert "1234500" in team.ok("opp list --lang zh --wan -f csv")  # exports keep the number


@pytest.mark.parametrize(("amount", "text"), [(Decimal(1500000), "150万"), (Decimal(1234500), "123.45万"),
                                              (Decimal("5000.5"), "0.5万"), (Decimal(123456789), "12,345.68万")])  # fmt: skip
def test_wan(amount: Decimal, text: str) -> None:
    assert wan(amount) == text


def test_global_options_are_taken_anywhere_on_the_line(team: Crm) -> None:
    assert team.ok("customer list --lang zh") == team.ok("--lang zh customer list")
    assert team.ok("customer list --lang=zh --wide") == team.ok("--lang zh --wide customer list")
    assert hoist_global_options(["followup", "log", "X", "--content", "a", "--lang", "zh", "--", "--wide"]) == [
        "--lang", "zh", "followup", "log", "X", "--content", "a", "--", "--wide"]  # fmt: skip


def test_an_exported_phone_is_not_quoted_unless_it_is_a_formula(team: Crm) -> None:
    rows = list(csv.DictReader(io.StringIO(team.ok("customer list -f csv"))))
    assert "+86 138 0013 8000" in [r["phone"] for r in rows]
