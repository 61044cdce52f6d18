"""``salescrm report …``: the worked example of docs/reports.md, every format, bad input."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from tests.scenario import worked_example, write_customers

DOCS = Path(__file__).resolve().parents[2] / "docs" / "reports.md"
REPORTS = ["attainment", "conversion", "industry", "lost-reasons", "pipeline", "activity"]


@pytest.fixture
def example(crm):  # type: ignore[no-untyped-def]
    write_customers(crm.root, worked_example())
    crm.ok("target set zhang.wei --year 2026 --amount 1200000", user="li.na")
    crm.ok("target set wang.fang --year 2026 --amount 600000 --split 4,3,2,1", user="li.na")
    return crm


def test_the_worked_example_in_the_docs_is_what_the_commands_print(example) -> None:  # type: ignore[no-untyped-def]
    text = DOCS.read_text(encoding="utf-8").split("## Worked example: payment collection")[0]
    blocks = re.findall(r"```console\n\$ salescrm (.*?)\n(.*?)```", text, re.S)
    assert len(blocks) == 4
    for command, shown in blocks:
        assert example.ok(shlex.split(command)) == shown, command


def test_the_issue_s_figures(example) -> None:  # type: ignore[no-untyped-def]
    attainment = json.loads(
        example.ok("report attainment --period 2026Q1 --as-of 2026-03-31 --owner zhang.wei -f json")
    )
    assert attainment["rows"] == [{"member": "zhang.wei", "name": "张伟", "target": 300000, "won": 240000,
                                   "attainment_pct": 80, "gap": 60000, "pipeline_weighted": 0}]  # fmt: skip
    summary = json.loads(example.ok("report conversion --period 2026Q1 --as-of 2026-03-31 -f json"))[
        "summary"
    ]
    assert (summary["lead_to_won_pct"], summary["win_rate_pct"]) == (25, 50)


@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("fmt", ["table", "json", "csv", "md"])
def test_every_report_renders_in_every_format(example, report: str, fmt: str) -> None:  # type: ignore[no-untyped-def]
    out = example.ok(f"--lang zh report {report} --period 2026Q1 --as-of 2026-03-31 -f {fmt}")
    if fmt == "json":
        assert json.loads(out)["period"] == "2026Q1"
    else:
        assert out.strip()


@pytest.mark.parametrize(
    ("command", "code", "message"),
    [
        ("report attainment --period 2026Q5", 2, "error: bad period '2026Q5': a year has quarters Q1 to Q4"),
        ("report conversion --period 2026-13", 2, "error: bad period '2026-13': months are 01 to 12"),
        (
            "report activity --period 2026-W54",
            2,
            "error: bad period '2026-W54': 2026 has ISO weeks W01 to W53",
        ),
        ("report attainment --owner nobody", 3, "error: no such member 'nobody'"),
        ("report pipeline --by colour", 2, "error: pipeline cannot be grouped by 'colour'"),
        ("report lost-reasons --by colour", 2, "error: lost-reasons cannot be grouped by 'colour'"),
        ("report activity --by day", 2, "error: activity cannot be grouped by 'day'"),
        ("report industry --as-of tomorrowish", 2, "error: bad --as-of date 'tomorrowish'"),
    ],
)
def test_bad_report_input_is_refused(example, command: str, code: int, message: str) -> None:  # type: ignore[no-untyped-def]
    result = example(command)
    assert (result.exit_code, result.stderr.splitlines()[0], result.stdout) == (code, message, "")


def test_activity_lists_idle_sales_members_with_zeros(example) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(example.ok("report activity --period 2026-11 --as-of 2026-11-27 -f json"))["rows"]
    assert [(r["member"], r["period"], r["followups"], r["tasks_late"], r["overdue_now"]) for r in rows] == [
        ("wang.fang", "total", 0, 0, 0),
        ("zhang.wei", "total", 0, 0, 0),
    ]  # nobody did anything in November; li.na (management) and zhao.svc (after-sales) are not listed
    mine = json.loads(example.ok("report activity --period 2026-11 --as-of 2026-11-27 --owner li.na -f json"))
    assert [(r["member"], r["period"], r["followups"]) for r in mine["rows"]] == [("li.na", "total", 0)]
