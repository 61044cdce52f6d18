"""``report forecast``: categories from the stage or the deal's own, the remaining target,
coverage, and forecast accuracy that stays what it was when later events are recorded."""

from __future__ import annotations

import json

from tests.cli.test_pay import negotiating_deal, won_deal
from tests.conftest import Crm


def forecast(crm: Crm, *args: str) -> dict:
    return json.loads(crm.ok(["report", "forecast", *args, "-f", "json"]))


def test_commit_best_case_pipeline_and_coverage(crm: Crm) -> None:
    crm.ok(["target", "set", "zhang.wei", "--year", "2026", "--amount", "1500000"], user="li.na")
    won_deal(crm)  # 375,000 signed 2026-08-10 (Q3)
    talks = negotiating_deal(crm, "谈判中公司")  # 375,000 in negotiation, closing 2026-08-31
    early = negotiating_deal(crm, "早期公司")
    crm.ok(["opp", "stage", early, "proposal", "--reason", "退回方案", "--at", "2026-07-25"])
    lead = crm.ok(["opp", "add", crm.add_customer("线索公司", "--at", "2026-07-01"), "--name", "线索",
                   "--amount", "100000", "--close", "2026-09-30", "--at", "2026-07-01"]).strip()  # fmt: skip
    row = forecast(crm, "--period", "2026Q3", "--as-of", "2026-07-31")["rows"][0]
    assert (row["won"], row["commit"], row["best_case"], row["pipeline"]) == (0, 750000, 1125000, 1225000)
    assert row["remaining_target"] == 375000
    weighted = 375000 * 75 // 100 * 2 + 375000 * 50 // 100 + 100000 * 10 // 100
    assert row["weighted"] == weighted and row["coverage"] == round(weighted / 375000, 2)
    after = forecast(crm, "--period", "2026Q3", "--as-of", "2026-08-10")["rows"][0]
    assert (after["won"], after["commit"], after["remaining_target"]) == (375000, 750000, 0)
    crm.ok(["opp", "set", talks, "forecast=omitted", "--at", "2026-08-12"])
    crm.ok(["opp", "set", lead, "forecast=commit", "--at", "2026-08-12"])
    later = forecast(crm, "--period", "2026Q3", "--as-of", "2026-08-12")["rows"][0]
    assert (later["commit"], later["best_case"], later["pipeline"]) == (475000, 850000, 475000)
    assert forecast(crm, "--period", "2026Q3", "--as-of", "2026-08-10")["rows"][0] == after


def test_forecast_accuracy_of_a_past_month_is_stable(crm: Crm) -> None:
    won_deal(crm)  # in negotiation on 08-01, closing 08-31, won 08-10
    slipped = negotiating_deal(crm, "延期公司")  # also commit for August, never won
    args = ["--period", "2026Q3", "--as-of", "2026-09-15", "--accuracy"]
    rows = forecast(crm, *args)["rows"]
    assert [(r["member"], r["month"], r["forecast"], r["won"], r["accuracy_pct"]) for r in rows] == [
        ("zhang.wei", "2026-08", 750000, 375000, 50.0)
    ]
    before = crm.ok(["report", "forecast", *args, "-f", "json"])
    crm.ok(["opp", "set", slipped, "close=2026-10-31", "--at", "2026-09-01"])
    crm.ok(["opp", "lost", slipped, "--reason", "价格过高", "--at", "2026-09-02"])
    assert crm.ok(["report", "forecast", *args, "-f", "json"]) == before


def set_stage_forecast(crm: Crm, stage: str, category: str) -> None:
    """Change one stage's ``forecast:`` in salescrm.yaml, as a manager would by hand."""
    path = crm.root / "salescrm.yaml"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(f"  {stage}: {{"))
    lines[index] = lines[index].split("forecast:")[0] + f"forecast: {category}}}\n"
    path.write_text("".join(lines), "utf-8")


def test_the_stage_categories_come_from_salescrm_yaml(crm: Crm) -> None:
    won_deal(crm)  # in negotiation until 2026-08-10
    negotiating_deal(crm, "谈判中公司")
    early = negotiating_deal(crm, "早期公司")
    crm.ok(["opp", "stage", early, "proposal", "--reason", "退回方案", "--at", "2026-07-25"])
    args = ["--period", "2026Q3", "--as-of", "2026-07-31"]
    default = forecast(crm, *args)["rows"][0]
    set_stage_forecast(crm, "negotiation", "best_case")
    set_stage_forecast(crm, "proposal", "管道")  # a Chinese label is taken too
    moved = forecast(crm, *args)["rows"][0]
    assert moved["commit"] == 0 and moved["best_case"] == default["commit"] > 0
    assert moved["pipeline"] == default["pipeline"] and moved["weighted"] == default["weighted"]
    set_stage_forecast(crm, "negotiation", "omitted")
    assert forecast(crm, *args)["rows"][0]["pipeline"] == default["pipeline"] - default["commit"]
    assert crm("check").exit_code == 0


def test_a_bad_stage_category_is_named_by_check(crm: Crm) -> None:
    set_stage_forecast(crm, "proposal", "maybe")
    path = crm.root / "salescrm.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("\nstages:\n", "\nstages:\n  won: {forecast: commit}\n"), "utf-8")
    checked = crm("check")
    said = checked.stdout + checked.stderr
    assert checked.exit_code == 1
    line = text.splitlines().index(next(t for t in text.splitlines() if t.startswith("  proposal: {"))) + 2
    assert f"salescrm.yaml:{line}: stages.proposal.forecast: unknown forecast category 'maybe'" in said, said
    assert "stage 'won' is closed: it has no forecast category" in said
