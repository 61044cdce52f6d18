"""``report … --chart``: Unicode bars that line up under Chinese labels."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from wcwidth import wcswidth

from tests.conftest import Crm

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def sample(tmp_path: Path) -> Crm:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return Crm(tmp_path / "data", user="li.na")


@pytest.mark.parametrize(
    "report", ["attainment --period 2026", "pipeline", "lost-reasons --period 2026", "industry"]
)
def test_chart_columns_line_up(sample: Crm, report: str) -> None:
    lines = [
        line
        for line in sample.ok(f"report {report} --as-of 2026-11-27 --chart").splitlines()
        if not line.startswith("(")
    ]
    assert len(lines) >= 3
    # amounts end, and bars start, in one display column, whatever the width of the Chinese label
    ends = set()
    for line in lines:
        match = re.match(r"^(.+?) +([\d,.]+)  ", line)
        assert match, line
        ends.add(wcswidth(line[: match.end(2)]))
    assert len(ends) == 1, lines
    assert any("█" in line for line in lines)


def test_attainment_chart_shows_each_member_against_target(sample: Crm) -> None:
    rows = json.loads(sample.ok("report attainment --period 2026 --as-of 2026-11-27 -f json"))["rows"]
    chart = sample.ok("report attainment --period 2026 --as-of 2026-11-27 --chart")
    for row in rows:
        if row["member"] != "total":
            line = next(line for line in chart.splitlines() if line.startswith(row["name"]))
            assert f"{row['won']:,}" in line and line.endswith(f"{row['attainment_pct']:.1f}%")
    assert chart.splitlines()[-1] == "(┃ target)"
    said = sample.ok("--lang zh report attainment --period 2026 --as-of 2026-11-27 --chart")
    assert said.splitlines()[-1] == "(┃ 目标)"  # the legend in the reader's language too
