"""Every word in the user's language: the reading commands on the sample team, in zh and en.

In zh, what is left of the output after the user's data (every text of the data files), IDs,
member IDs, e-mails, paths, dates, numbers and option names may hold no English word; in
en, no Chinese character. A command is listed here once all its words come from the
catalogue (salescrm/i18n.py); the list grows until it is every command.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import Crm

ROOT = Path(__file__).resolve().parent.parent.parent
AS_OF = "2026-11-27"
READING = [
    "customer list",
    "customer show CRM202405001",
    "customer show CRM202406001",
    "opp list",
    "opp show CRM202405001-O1",
    "followup list",
    "followup list --vague",
    "member list",
    "target show",
    "target show zhang.wei",
    "tier review --as-of 2026-11-27",
    "feedback list",
    "find 启明",
    f"remind --all --within 7 --as-of {AS_OF}",
    f"report attainment --as-of {AS_OF}",
    f"report conversion --as-of {AS_OF}",
    f"report industry --as-of {AS_OF}",
    f"report lost-reasons --as-of {AS_OF}",
    f"report pipeline --as-of {AS_OF}",
    f"report activity --as-of {AS_OF}",
    f"report review --period 2026-11 --as-of {AS_OF}",
    "query --saved 重点跟进",
    "pool rules",
    f"pool recycle --as-of {AS_OF}",
    f"pay list --as-of {AS_OF}",
    f"pay show CRM202406001-O2 --as-of {AS_OF}",
    f"report receivables --as-of {AS_OF}",
    f"report collection --period 2026 --as-of {AS_OF}",
    f"report forecast --period 2026Q4 --as-of {AS_OF}",
    "customer dupes",
    "filter list",
]
# Not words of any language: tiers, the currency, the program's name.
NEUTRAL = {"VIP", "CNY", "salescrm"}
_IDS = re.compile(
    r"CRM\d{9,}(-[A-Z]\d+)?|[\w.+-]+@[\w.-]+|\S*/\S*|--[\w-]+|\d{4}-W\d\d|\d{4}Q\d|\b[a-z]+\.[a-z]+\b"
)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    data = tmp_path_factory.mktemp("sample") / "data"
    shutil.copytree(ROOT / "data", data)
    texts: set[str] = set()
    team = yaml.safe_load((data / "salescrm.yaml").read_text("utf-8"))
    for path in sorted((data / "customers").glob("*.yaml")):
        _collect(yaml.safe_load(path.read_text("utf-8")), texts)
    _collect(team, texts)
    for named in ("filters", "targets", "artefacts"):  # keys the team chose (members' ids, names)
        texts.update(map(str, team.get(named) or {}))
    # Stored keys (stages, channels, departments: "negotiation", "after-sales") are not the
    # user's words: the output must show them as labels, so they are not taken out.
    texts = {text for text in texts if not re.fullmatch(r"[a-z_-]+", text)}
    return data, sorted(texts, key=len, reverse=True)  # the longest first: a name before its part


def _collect(value: Any, into: set[str]) -> None:
    if isinstance(value, dict):
        for child in value.values():
            _collect(child, into)
    elif isinstance(value, list):
        for child in value:
            _collect(child, into)
    elif isinstance(value, str) and value.strip():
        into.add(value.strip())


def _left(output: str, user_texts: list[str]) -> str:
    """The output without the user's data, IDs, paths, dates and numbers."""
    for text in user_texts:
        output = output.replace(text, " ")
    return _IDS.sub(" ", output)


@pytest.fixture(autouse=True)
def _team_member(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESCRM_USER", "li.na")


@pytest.mark.parametrize("command", READING)
def test_zh_has_no_english_word(sample: tuple[Path, list[str]], command: str) -> None:
    data, user_texts = sample
    result = Crm(data, user="li.na")(f"--lang zh {command}")
    assert result.exit_code == 0, result.stderr
    words = set(re.findall(r"[A-Za-z]{2,}", _left(result.stdout + result.stderr, user_texts))) - NEUTRAL
    assert sorted(words) == []


@pytest.mark.parametrize("command", READING)
def test_en_has_no_chinese_word(sample: tuple[Path, list[str]], command: str) -> None:
    data, user_texts = sample
    result = Crm(data, user="li.na")(f"--lang en {command}")
    assert result.exit_code == 0, result.stderr
    chinese = re.findall(
        r"[\u3000-\u303f\u4e00-\u9fff\uff01-\uff60]+", _left(result.stdout + result.stderr, user_texts)
    )
    assert sorted(set(chinese)) == []
