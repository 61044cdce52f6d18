"""The sample team's review pack opens in headless Chromium and draws something (one browser run).

Skipped, with the reason, where Debian's chromium is not installed (.ci/run installs it).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import Crm

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
BLUE = (0x2F, 0x6F, 0xDE)  # the first bar colour of formats/charts.py


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)")
def test_the_pack_renders_in_headless_chromium(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    page = tmp_path / "review-2026-11.html"
    Crm(tmp_path / "data", user="li.na").ok(
        f"report review --period 2026-11 --as-of 2026-11-27 -f html --out {page}"
    )
    shot = tmp_path / "shot.png"
    browser = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1200,2000",
               page.as_uri()]  # fmt: skip
    result = subprocess.run(browser, capture_output=True, timeout=120, check=False)
    assert result.returncode == 0 and shot.exists(), result.stderr.decode(errors="replace")[-2000:]
    with Image.open(shot) as image:
        assert image.size == (1200, 2000)
        counts = image.convert("RGB").getcolors(maxcolors=1_000_000) or []
    # not blank: text, tables and charts in many colours, the page background not everything
    assert len(counts) > 50, f"a blank page: {len(counts)} colours"
    assert max(n for n, _ in counts) < 0.9 * 1200 * 2000
    # the SVG bars were drawn: the first palette colour covers a fair area
    blue = sum(n for n, rgb in counts if all(abs(a - b) <= 3 for a, b in zip(rgb, BLUE, strict=True)))
    assert blue > 2000, blue
