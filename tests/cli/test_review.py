"""``salescrm report review``: the sample team's pack holds the figures of the reports, offline."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.cli.review_pages import html_tables, markdown_tables
from tests.conftest import Crm, Digest

ROOT = Path(__file__).resolve().parent.parent.parent
MONTH = "--period 2026-11 --as-of 2026-11-27"
SVG_NAMESPACE = 'xmlns="http://www.w3.org/2000/svg"'


@pytest.fixture
def sample(tmp_path: Path) -> Crm:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return Crm(tmp_path / "data", user="li.na")


def _json(sample: Crm, report: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(sample.ok(f"report {report} -f json"))["rows"]
    return rows


def _amount(value: float | int) -> str:
    return f"{value:,}"


def _pct(value: float | int | None) -> str:
    return "" if value is None else f"{value:.1f}%"


def test_html_refers_to_nothing_outside_itself(sample: Crm, tmp_path: Path) -> None:
    target = tmp_path / "review.html"
    assert sample.ok(f"report review {MONTH} -f html --out {target}") == f"{target}\n"
    html = target.read_text("utf-8")
    # the SVG namespace is a name, not a fetch: it is the only URL, once per chart
    assert html.count("<svg ") == 7  # receivables and the forecast too
    assert re.findall(r"https?://[^\s\"'<>)]*", html) == ["http://www.w3.org/2000/svg"] * 7
    assert html.count(SVG_NAMESPACE) == 7
    rest = html.replace(SVG_NAMESPACE, "")
    for forbidden in ("http:", "https:", "//", "src=", "href=", "@import", "url(", "<script", "<link",
                      "<img", "<iframe", "@font-face"):  # fmt: skip
        assert forbidden not in rest.lower(), forbidden
    assert "@media print" in html and '<meta charset="utf-8">' in html


def test_html_figures_equal_the_reports(sample: Crm) -> None:
    sample.lang = None  # the team's locale (zh_CN)
    tables = html_tables(sample.ok(f"report review {MONTH} -f html"))
    attainment = _json(sample, f"attainment {MONTH}")
    assert tables["attainment"][1:] == [
        [("合计 · " if r["member"] == "total" else "") + r["name"], _amount(r["target"]), _amount(r["won"]),
         _pct(r["attainment_pct"]), _amount(r["gap"]), _amount(r["pipeline_weighted"])]
        for r in attainment
    ]  # fmt: skip
    assert tables["attainment"][2][:4] == ["王芳", "133,333.33", "33,000", "24.8%"]  # by hand, once
    pipeline_total = _json(sample, "pipeline --as-of 2026-11-27")[-1]
    assert tables["pipeline"][-1] == ["合计", str(pipeline_total["deals"]), _amount(pipeline_total["amount"]),
                                      _amount(pipeline_total["weighted"])]  # fmt: skip
    assert tables["pipeline"][-1] == ["合计", "20", "2,831,000", "1,177,100"]
    lost = _json(sample, f"lost-reasons {MONTH}")
    assert [row[:2] + row[3:4] for row in tables["lost_reasons"][1:]] == [
        ["合计" if r["reason"] == "total" else r["reason"], str(r["lost"]), _amount(r["amount"])]
        for r in lost
    ]
    industry = _json(sample, f"industry {MONTH}")
    assert [[row[0], row[1], row[7]] for row in tables["industry"][1:]] == [
        ["合计" if r["industry"] == "total" else r["industry"], str(r["customers"]), _amount(r["won"])]
        for r in industry
    ]
    conversion = _json(sample, f"conversion {MONTH}")
    assert [row[1] for row in tables["conversion"][1:]] == [str(r["reached"]) for r in conversion]
    proposals = json.loads(sample.ok("tier review --as-of 2026-11-27 -f json"))
    assert [row[0] for row in tables["tiers"][1:]] == [p["id"] for p in proposals]
    saved = json.loads(sample.ok("query --saved 高潜客户 --as-of 2026-11-27 -f json"))
    assert [row[0] for row in tables["saved_filter"][1:]] == [c["id"] for c in saved] == ["CRM202605001"]
    assert tables["won"][1:] == [["CRM202607001-O1", "杭州西溪私立医院", "杭州西溪私立2026年设备采购", "王芳",
                                  "33,000", "2026-11-05", "HT-2026-017"]]  # fmt: skip


def test_overdue_and_stale_are_those_of_remind(sample: Crm) -> None:
    tables = html_tables(sample.ok(f"report review {MONTH} -f html"))
    owners = json.loads(sample.ok("remind --all --as-of 2026-11-27 -f json"))["owners"]
    overdue = sorted(r["reference"] for d in owners for r in d.get("overdue", []))
    stale = sorted(r["reference"] for d in owners for r in d.get("stale", []))
    assert (
        sorted(row[0] for row in tables["overdue"][1:]) == overdue and len(overdue) == 39
    )  # 6: installments
    assert sorted(row[0] for row in tables["stale"][1:]) == stale and len(stale) == 10


def test_markdown_holds_the_same_tables(sample: Crm) -> None:
    sample.lang = None  # the team's locale (zh_CN)
    markdown = sample.ok(f"report review {MONTH}")  # md to stdout is the default
    assert markdown.startswith(
        "# 华东销售一部 · 销售复盘 2026-11\n\n2026-11-01 — 2026-11-30 · 截至 2026-11-27\n"
    )
    assert "- **达成率**: 8.3%" in markdown and "- **未结商机金额**: 2,831,000" in markdown
    html = html_tables(sample.ok(f"report review {MONTH} -f html"))
    assert markdown_tables(markdown) == [table for table in html.values() if table]
    assert "## 本期等级变更\n\n- 无" in markdown


def test_english_labels_a_week_and_one_owner(sample: Crm) -> None:
    markdown = sample.ok(["--lang", "en", "report", "review", "--period", "2026-W48", "--as-of", "2026-11-27",
                          "--owner", "zhang.wei"])  # fmt: skip
    assert markdown.startswith(
        "# 华东销售一部 · Sales review 2026-W48 · owner 张伟\n\n2026-11-23 — 2026-11-29"
    )
    assert "## Target attainment" in markdown and "| member | target | won |" in markdown
    overdue = next(t for t in markdown_tables(markdown) if "days overdue" in t[0])
    assert {row[2] for row in overdue[1:]} == {"张伟"} and len(overdue) == 1 + 15


def test_a_team_without_the_saved_filter_is_told_so(sample: Crm) -> None:
    sample.lang = None  # the team's locale (zh_CN)
    sample.ok("filter delete 高潜客户")
    assert "## 保存的筛选: 高潜客户\n\n- 团队没有名为「高潜客户」的保存筛选" in sample.ok(
        f"report review {MONTH}"
    )
    assert "- 无" in sample.ok(f"report review {MONTH} --filter 重点跟进 --owner chen.jie")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ("--period 2026-13", 2, "error: bad period '2026-13': months are 01 to 12"),
        ("--owner nobody", 3, "error: no such member"),
        ("-f pdf", 2, "error: Invalid value for '-f' / '--format'"),
        ("--as-of 2026-02-30", 2, "error: "),
        ("--out {root}/customers/x.html", 2, "error: --out {root}/customers/x.html: is inside customers/"),
    ],
)
def test_bad_input(sample: Crm, digest: Digest, args: str, code: int, message: str) -> None:
    before = digest(sample.root)
    args, message = args.format(root=sample.root), message.format(root=sample.root)
    result = sample(f"report review {MONTH} {args}" if "--as-of" not in args else f"report review {args}")
    assert result.exit_code == code
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert digest(sample.root) == before
