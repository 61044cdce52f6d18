"""Every command of the CLI, reading and writing, in zh and in en (issue 21).

A scenario runs each command of the command tree (walked from the click app: a command with no
step here fails the test) on a copy of the sample team, as a day's work would: in zh, what
is left of the output after the user's data, IDs, member IDs, option names, paths and
numbers may hold no English word; in en, no Chinese character. ``STILL_ENGLISH`` lists the
steps whose zh output still has English words, and which: the test fails when one of them is
clean (take it out) or when any other step is not.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import typer

from salescrm.cli.main import app
from tests.cli.test_every_word import _IDS, NEUTRAL, READING, _collect, _left
from tests.conftest import Crm

ROOT = Path(__file__).resolve().parent.parent.parent
NEW = "某某精密机械有限公司"
# (command, acting member): in order, each on what the steps before it left. {new} is the
# customer the scenario adds; {task}, {deal} its planned follow-up and deal.
SCENARIO: list[tuple[str, str]] = [
    ("member add sun.li --name 孙丽 --manager li.na --email sun.li@example.com", "li.na"),
    (
        f"customer add {NEW} --source 2026年秋季展会 --contact 周经理 --phone 021-6666-1234 "
        "--needs 需要采购20台数控机床 --industry 制造业 --owner zhang.wei",
        "zhang.wei",
    ),
    ("customer set {new} size=大型", "zhang.wei"),
    ("customer tag {new} +急需采购", "zhang.wei"),
    ("customer contact {new} add --name 吴工 --phone 13900001111", "zhang.wei"),
    ("followup plan {new} --due 2026-12-20T10:00 --via visit --focus 演示样机 --goal 确认配置", "zhang.wei"),
    (
        "followup log {new} --via phone --content 周经理确认采购20台数控机床,预算已批,要求12月15日前报价 "
        "--task {task} --next 2026-12-20",
        "zhang.wei",
    ),
    ("followup plan {new} --due 2026-12-22T10:00 --via phone --focus 报价 --goal 确认报价", "zhang.wei"),
    ("followup done {task}", "zhang.wei"),
    ("followup plan {new} --due 2026-12-23T10:00 --via phone --focus 报价 --goal 确认报价", "zhang.wei"),
    ("followup cancel {task} --reason 客户改期", "zhang.wei"),
    ("opp add {new} --name 数控机床采购 --amount 800000 --close 2027-01-31", "zhang.wei"),
    ("opp negotiate {deal} --decision-maker 周经理 --competitor 竞品X", "zhang.wei"),
    ("opp set {deal} probability=40", "zhang.wei"),
    ("opp stage {deal} needs_analysis", "zhang.wei"),
    ("opp lost {deal} --reason 预算不足", "zhang.wei"),
    ("opp reopen {deal} --reason 预算已批", "zhang.wei"),
    ("opp stage {deal} proposal --artefact needs_report={tmp}/needs.pdf", "zhang.wei"),
    ("opp stage {deal} negotiation --artefact proposal={tmp}/proposal.pdf", "zhang.wei"),
    ("opp won {deal} --contract HT-2026-099 --amount 780000 --payment-terms 30%预付", "zhang.wei"),
    ("opp amend {deal} --payment-terms 40%预付 --reason 合同更正", "li.na"),
    ("pay plan {deal} --split 30%@signed,70%@+60d", "zhang.wei"),
    ("pay receive {deal} --amount 100000 --at {today} --ref 流水001", "zhang.wei"),
    ("pay amend {deal}-R1 --ref 流水002 --reason 流水号更正", "li.na"),
    ("feedback add {new} --content 设备运行正常", "zhao.qiang"),
    ("pool release {new} --reason 客户暂无需求", "zhang.wei"),
    ("pool list", "wang.fang"),
    ("pool claim {new}", "wang.fang"),
    ("customer transfer {new} --to zhang.wei --reason 区域调整", "li.na"),
    ("customer archive CRM202508001", "li.na"),
    ("customer merge CRM202507001 CRM202506001", "li.na"),
    ("target set zhang.wei --year 2027 --amount 2000000", "li.na"),
    ("target delete zhang.wei --year 2027", "li.na"),
    ("filter save 大客户 'tier = VIP'", "li.na"),
    ("filter delete 大客户", "li.na"),
    ("tier review --as-of 2026-12-03", "li.na"),
    ("import leads {leads} --source 市场活动", "liu.yang"),
    ("export csv --out {tmp}/customers.csv", "li.na"),
    ("member deactivate sun.li", "li.na"),
    ("member leave chen.jie --to wang.fang", "li.na"),
    ("customer edit {new}", "zhang.wei"),
    ("log {new}", "li.na"),
    ("sync", "li.na"),
    ("verify HEAD~1 HEAD", "li.na"),
    ("check", "li.na"),
    ("init {tmp}/another --team 华南销售部 --no-git", "li.na"),
    ("dev generate {tmp}/generated --customers 3", "li.na"),
]
# What the zh output of a step still says in English: the words left to put in the catalogue.
STILL_ENGLISH: dict[str, set[str]] = {}


def _commands() -> set[str]:
    """Every command of the CLI (hidden ones, the merge driver git runs, left out)."""

    def walk(command: Any, path: tuple[str, ...]) -> list[str]:
        if not hasattr(command, "list_commands"):
            return [" ".join(path)]
        found = []
        for name in command.list_commands(None):
            sub = command.get_command(None, name)
            if sub is not None and not getattr(sub, "hidden", False):
                found += walk(sub, (*path, name))
        return found

    return set(walk(typer.main.get_command(app), ()))


def _name(step: str) -> str:
    words = [w for w in step.split() if not w.startswith("-")]
    for size in (2, 1):
        if " ".join(words[:size]) in _commands():
            return " ".join(words[:size])
    return step


def test_every_command_has_a_step() -> None:
    covered = {_name(step) for step, _ in SCENARIO} | {_name(step) for step in READING}
    assert sorted(_commands() - covered) == []


def _team(tmp: Path) -> tuple[Crm, list[str]]:
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "attachments").mkdir(exist_ok=True)
    texts: set[str] = set()
    for path in sorted(data.rglob("*.yaml")):
        import yaml

        _collect(yaml.safe_load(path.read_text("utf-8")), texts)
    for line in SCENARIO:  # what the steps type is the user's data too
        texts.update(re.findall(r"[^\s'\"]*[\u4e00-\u9fff][^\s'\"]*", line[0]))
    run = ["git", "-C", str(data)]
    subprocess.run([*run, "init", "--quiet", "-b", "main"], check=True)
    subprocess.run([*run, "add", "-A"], check=True)
    subprocess.run([*run, "-c", "user.email=li.na@example.com", "-c", "user.name=李娜", "commit", "--quiet",
                    "-m", "sample"], check=True)  # fmt: skip
    subprocess.run(["git", "clone", "--quiet", "--bare", str(data), str(tmp / "remote.git")], check=True)
    subprocess.run([*run, "remote", "add", "origin", str(tmp / "remote.git")], check=True)
    subprocess.run([*run, "config", "user.email", "li.na@example.com"], check=True)
    subprocess.run([*run, "config", "user.name", "李娜"], check=True)
    (tmp / "leads.csv").write_text(
        "公司名称,联系人,电话,需求\n华信电子有限公司,钱经理,13700001234,采购打印机\n", "utf-8"
    )
    return Crm(data, lang=None), sorted(
        {t for t in texts if not re.fullmatch(r"[a-z_-]+", t)}, key=len, reverse=True
    )


def _play(tmp: Path, lang: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, int]]:
    """Each step with its output (stdout and stderr) and exit code, in ``lang``."""
    crm, _ = _team(tmp)
    monkeypatch.setenv("EDITOR", "true")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()  # the team's day, as the commands date
    values = {"tmp": str(tmp), "leads": str(tmp / "leads.csv"), "today": today}
    played = []
    for step, member in SCENARIO:
        line = step.format(**values)
        result = crm(f"--lang {lang} {line}", user=member)
        output = result.stdout + result.stderr
        if step.startswith("customer add"):
            values["new"] = output.strip().split()[-1]
            for name in ("needs.pdf", "proposal.pdf"):
                (tmp / name).write_bytes(b"%PDF-1.4")
        for key, pattern in (("task", r"-T\d+"), ("deal", r"-O\d+")):
            if step.startswith(("followup plan", "opp add")) and re.search(pattern, output):
                found = re.search(rf"CRM\d+{pattern}", output)
                if found:
                    values[key] = found.group(0)
        played.append((step, output, result.exit_code))
    return played


@pytest.fixture(scope="module")
def monkeymodule() -> Any:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def zh_run(tmp_path_factory: pytest.TempPathFactory, monkeymodule: pytest.MonkeyPatch) -> Any:
    tmp = tmp_path_factory.mktemp("zh")
    _, texts = _team(tmp_path_factory.mktemp("texts"))
    return _play(tmp, "zh", monkeymodule), texts


@pytest.fixture(scope="module")
def en_run(tmp_path_factory: pytest.TempPathFactory, monkeymodule: pytest.MonkeyPatch) -> Any:
    tmp = tmp_path_factory.mktemp("en")
    _, texts = _team(tmp_path_factory.mktemp("texts_en"))
    return _play(tmp, "en", monkeymodule), texts


_OWN = re.compile(r"HT-\d+-\d+|[\w.-]+\.(csv|pdf|yaml|json|sqlite|html|md|ics|vcf|xlsx)\b|\b[0-9a-f]{7,40}\b")
# Command names (the log's command column) and FIELD=VALUE assignments are what the user types.
_COMMANDS = re.compile(r"\bfollowup cancelled\b|\bcustomer contact add\b|\bcustomer set\s+\S+ [a-z_]+\b|\b[a-z_]+=\S*|"
                       + "|".join(sorted((re.escape(c) for c in _commands()), key=len, reverse=True)))  # fmt: skip
NAMES = {
    "manager",
    "li",
    "na",
    "zhang",
    "wei",
    "wang",
    "fang",
    "chen",
    "jie",
    "liu",
    "yang",
    "zhao",
    "qiang",
    "sun",
}


def test_every_step_succeeds(zh_run: Any) -> None:
    played, _ = zh_run
    failed = [(step, code, output) for step, output, code in played if code not in (0, 1)]
    assert failed == [], "\n".join(f"{step}: {code}: {output}" for step, code, output in failed)


def test_zh_says_every_step_in_chinese(zh_run: Any) -> None:
    played, texts = zh_run
    english = {}
    for step, output, _ in played:
        left = _left(_IDS.sub(" ", _OWN.sub(" ", _COMMANDS.sub(" ", output))), texts)
        words = (
            set(re.findall(r"[A-Za-z]{2,}", left)) - NEUTRAL - NAMES - {"error", "hint", "warning", "note"}
        )
        if words:
            english[step] = words
    assert english == STILL_ENGLISH, "\n".join(
        f"{s}: {sorted(w)}\n{dict((x, o) for x, o, _ in played)[s]}" for s, w in english.items()
    )


def test_en_says_every_step_without_chinese_labels(en_run: Any) -> None:
    played, texts = en_run
    chinese = {}
    for step, output, _ in played:
        left = _left(output, texts)
        found = set(re.findall(r"[\u3000-\u303f\u4e00-\u9fff\uff01-\uff60]+", left))
        if found:
            chinese[step] = found
    assert chinese == {}
