"""Warm equals cold (issue 18, DESIGN §7.2 "one truth, one derived index").

Every reading command prints the same bytes with a fresh index and with a settled one, and
every writing command leaves the same files whichever index it ran beside. "Settled": the
index was filled with the clock moved past the racy window (``index._now_ns``), so the warm
run parses nothing — that is asserted too, or the test would compare cold with cold.

The commands are enumerated from the CLI: one in neither READING, WRITING nor ELSEWHERE
fails ``test_every_command_is_enumerated``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from salescrm.store import index
from salescrm.store.cache_files import cache_dir
from salescrm.store.datadir import DataDir
from salescrm.store.generate import Plan, generate
from tests.conftest import Crm, tree_digest
from tests.timeline_scenarios import cli_commands

C = "CRM202201001"  # the first generated customer: open tasks T1-T3, owner zhang.wei
PAID = "CRM202204001-O3"  # a won deal the source is given a payment plan and a receipt for
POOLED = "CRM202609001"  # the last generated customer, released to the pool in the source
FORMATS = ("table", "json", "csv", "md")
REPORTS = ("activity", "attainment", "conversion", "industry", "lost-reasons", "pipeline")


def _each_format(*args: str) -> list[list[str]]:
    return [[*args, "-f", fmt] for fmt in FORMATS]


READING: dict[str, list[list[str]]] = {
    "customer list": [*_each_format("customer", "list"), ["customer", "list", "--tier", "B", "--archived"],
                      ["customer", "list", "--where", "followups(6m) > 1", "--as-of", "2025-06-30"]],
    "customer show": [["customer", "show", C], ["customer", "show", C, "-f", "json"]],
    "query": [*_each_format("query", "tier in (A, B) or won(12m) > 0"),
              ["query", "days_since_contact > 30", "--as-of", "2024-12-31"]],
    "remind": [["remind", "--all"], ["remind", "--all", "-f", "json"], ["--as", "zhang.wei", "remind"],
               ["remind", "--all", "--as-of", "2025-03-01", "--within", "30"]],
    "opp list": [*_each_format("opp", "list"), ["opp", "list", "--open", "--as-of", "2025-06-30"],
                 ["opp", "list", "--stale", "stage", "--owner", "zhang.wei", "--as-of", "2025-06-30"],
                 ["opp", "list", "--where", "tier = B and amount >= 100000", "--stage", "商务谈判", "-f", "md"],
                 ["opp", "list", "--customer", C, "--closing-before", "2025-12-31", "-f", "json"]],
    "opp show": [["opp", "show", "{deal}"]],
    "followup list": [["followup", "list", C], ["followup", "list", C, "-f", "json"]],
    "feedback list": [["feedback", "list"]],
    "find": [["find", "南京"], ["find", C]],
    "tier review": [["tier", "review"], ["tier", "review", "-f", "json"]],
    "member list": [["member", "list"]],
    "target show": [["target", "show"]],
    "filter list": [["filter", "list"]],
    "export": [[*line, *redact] for line in (["export", "csv"], ["export", "json"], ["export", "vcard"],
                                              ["export", "ics"], ["export", "sqlite", "--out", "{out}/x.sqlite"])
               for redact in ([], ["--redact"])],
    **{f"report {name}": [*_each_format("report", name, "--period", "2025"),
                          ["report", name, "--period", "2026", "--as-of", "2026-03-31"]] for name in REPORTS},
    "customer dupes": [["customer", "dupes"], ["customer", "dupes", "-f", "json", "--threshold", "80"]],
    "pay list": [["pay", "list"], ["pay", "list", "--overdue", "-f", "json"], ["pay", "list", "--as-of", "2025-06-30"]],
    "pay show": [["pay", "show", PAID], ["pay", "show", PAID, "-f", "json", "--as-of", "2025-12-31"]],
    "pool list": [["pool", "list"], ["pool", "list", "-f", "json"]],
    "pool rules": [["pool", "rules"]],
    "pool recycle": [["pool", "recycle"], ["pool", "recycle", "-f", "json", "--as-of", "2026-06-30"]],
    **{f"report {name}": [*_each_format("report", name, "--as-of", "2026-06-30"), ["report", name]]
       for name in ("receivables", "collection", "forecast")},
    "report review": [["report", "review", "--period", "2025", "-f", "md"],
                      ["report", "review", "--period", "2025", "-f", "html", "--out", "{out}/review.html"]],
}  # fmt: skip

WRITING: dict[str, list[list[str]]] = {
    "customer add": [["customer", "add", "新客户有限公司", "--source", "展会", "--contact", "周经理",
                      "--phone", "13700000001", "--needs", "需要采购打印机", "--at", "2026-01-05"]],
    "customer set": [["customer", "set", C, "industry=制造业"]],
    "customer tag": [["customer", "tag", C, "+重点"]],
    "customer contact": [["customer", "contact", C, "add", "--name", "李总", "--phone", "13800138000"]],
    "customer archive": [["customer", "archive", C]],
    "followup log": [["followup", "log", C, "--via", "phone", "--content", "客户确认预算", "--at", "2026-01-05T10:00"]],
    "followup plan": [["followup", "plan", C, "--due", "2026-12-01", "--via", "visit", "--focus", "演示样机",
                       "--goal", "确认配置"]],
    "followup done": [["followup", "done", f"{C}-T1", "--note", "已演示", "--at", "2026-01-05T10:00"]],
    "followup cancel": [["followup", "cancel", f"{C}-T2", "--reason", "客户取消"]],
    "feedback add": [["feedback", "add", C, "--content", "屏幕闪烁"]],
    "opp add": [["opp", "add", C, "--name", "2026年度服务器采购", "--amount", "250000", "--close", "2026-12-31",
                 "--at", "2026-01-05"]],
    "opp stage": [["opp", "stage", "{lead}", "needs_analysis", "--at", "2026-01-05"]],
    "opp negotiate": [["opp", "negotiate", "{deal}", "--competitor", "竞品X"]],
    "opp won": [["opp", "won", "{negotiation}", "--contract", "HT-2026-001", "--amount", "240000",
                 "--payment-terms", "30%预付", "--signed", "2026-01-05"]],
    "opp lost": [["opp", "lost", "{deal}", "--reason", "价格过高", "--at", "2026-01-05"]],
    "opp reopen": [["opp", "reopen", "{lost}", "--reason", "客户重新启动采购", "--at", "2026-01-05"]],
    "opp set": [["opp", "set", "{deal}", "close=2026-12-30"]],
    "opp amend": [["opp", "amend", "{won}", "--amount", "1000", "--reason", "合同金额更正"]],
    "import leads": [["import", "leads", "{out}/leads.csv", "--source", "展会"]],
    "member add": [["member", "add", "new.one", "--name", "新人"]],
    "member deactivate": [["member", "deactivate", "chen.jun"]],
    "target set": [["target", "set", "zhang.wei", "--year", "2026", "--amount", "1200000"]],
    "target delete": [["target", "delete", "zhang.wei", "--year", "2026"]],
    "filter save": [["filter", "save", "新过滤", "tier = B"]],
    "filter delete": [["filter", "delete", "新过滤"]],
    "customer merge": [["customer", "merge", C, "CRM202202001"]],
    "customer transfer": [["customer", "transfer", C, "--to", "wang.fang", "--reason", "区域调整"]],
    "member leave": [["member", "leave", "zhang.wei", "--to", "wang.fang"], ["member", "leave", "zhang.wei", "--pool"]],
    "pay plan": [["pay", "plan", "{won}", "--split", "30%@signed,70%@+60d"]],
    "pay receive": [["pay", "receive", PAID, "--amount", "2000", "--at", "2026-01-05"]],
    "pay amend": [["pay", "amend", f"{PAID}-P2", "--due", "2026-12-31", "--reason", "客户申请延期"]],
    "pool claim": [["pool", "claim", POOLED]],
    "pool release": [["pool", "release", C, "--reason", "客户暂无需求"]],
    "pool recycle": [["pool", "recycle", "--apply"]],
}  # fmt: skip

# What runs on both teams before the command (and before the warm team's index is settled).
SETUP: dict[str, list[list[str]]] = {
    "target delete": WRITING["target set"],
    "filter delete": WRITING["filter save"],
}

# Commands neither run here: what they do has no index beside it, or is tested elsewhere.
ELSEWHERE = {
    "init": "makes a data directory: there is no index yet",
    "dev generate": "writes a synthetic team from a seed",
    "check": "never reads the index (tests/store/test_index.py)",
    "customer edit": "runs $EDITOR",
    "sync": "git pull/push", "merge-driver": "git's merge", "verify": "git commits",
    "log": "git's history of one file",
}  # fmt: skip


def test_every_command_is_enumerated() -> None:
    commands = set(cli_commands())
    known = set(READING) | set(WRITING) | set(ELSEWHERE)
    assert not commands - known, (
        f"add to READING or WRITING (or ELSEWHERE, saying why): {sorted(commands - known)}"
    )
    assert not known - commands, f"no such commands: {sorted(known - commands)}"


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("source") / "team"
    generate(root, Plan(30, seed=5), workers=1)
    crm = Crm(root, user="li.na")  # money and the pool, for the commands that read them
    _without_payments(DataDir(root), [PAID, _deals(crm)["won"]])  # planned below, by the commands
    crm.ok(["pay", "plan", PAID, "--split", "30%@signed,70%@+60d"])
    crm.ok(["pay", "receive", PAID, "--amount", "1000", "--at", "2026-01-05"])
    crm.ok(["pool", "release", POOLED, "--reason", "公海"])
    shutil.rmtree(cache_dir(root), ignore_errors=True)
    return root


def _without_payments(datadir: DataDir, refs: list[str]) -> None:
    """These won deals without the plan and receipts ``dev generate`` gave them."""
    for ref in refs:
        number, deal = ref.split("-")
        with datadir.transaction("test setup", "li.na") as tx:
            customer = datadir.read_customer(number)
            won = next(o for o in customer.opportunities if o.id == deal)
            won.plan, won.receipts = [], []
            tx.save(customer)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = index.read_row
    monkeypatch.setattr(
        index,
        "read_row",
        lambda root, name, *more, **kw: parsed.append(name) or real(root, name, *more, **kw),
    )
    monkeypatch.setattr(index, "_now_ns", lambda: 2**62)  # every file long settled when read
    return parsed


def _team(source: Path, tmp_path: Path, name: str) -> Crm:
    root = tmp_path / name / "team"
    shutil.copytree(source, root)
    (tmp_path / name / "out").mkdir()
    (tmp_path / name / "out" / "leads.csv").write_text(
        "公司,联系人,电话,需求\n星辰科技,周经理,13700000009,需要采购打印机\n", "utf-8"
    )
    return Crm(root, user="li.na")


def _deals(crm: Crm) -> dict[str, str]:
    """References of an open deal, a lost one, a won one, a lead and one in negotiation."""
    import json

    deals = json.loads(crm.ok(["opp", "list", "-f", "json"]))
    stage = {d["opportunity"]: d["stage"] for d in deals}
    pick = {
        "deal": next(r for r, s in stage.items() if s not in ("won", "lost")),
        "lost": next(r for r, s in stage.items() if s == "lost"),
        "won": next(r for r, s in stage.items() if s == "won"),
        "lead": next(r for r, s in stage.items() if s == "lead"),
        "negotiation": next(r for r, s in stage.items() if s == "negotiation"),
    }
    return pick


def _line(line: list[str], crm: Crm, deals: dict[str, str]) -> list[str]:
    out = str(crm.root.parent / "out")
    return [part.format(out=out, **deals) for part in line]


def _cold(crm: Crm) -> None:
    shutil.rmtree(cache_dir(crm.root), ignore_errors=True)


def _outputs(crm: Crm) -> dict[str, bytes]:
    return tree_digest(crm.root.parent / "out")


READ_LINES = [(command, i) for command in sorted(READING) for i in range(len(READING[command]))]
WRITE_LINES = [(command, i) for command in sorted(WRITING) for i in range(len(WRITING[command]))]


@pytest.fixture(scope="module")
def deals(source: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _deals(_team(source, tmp_path_factory.mktemp("deals"), "t"))


@pytest.fixture
def held_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both runs of a command see the same minute, and so the same "today", whenever the clock
    (or the team's midnight) turns between them."""
    from salescrm.cli.context import Session

    now = Session().now()
    monkeypatch.setattr(Session, "now", lambda self: now)


@pytest.mark.parametrize(("command", "which"), READ_LINES, ids=[f"{c}-{i}" for c, i in READ_LINES])
def test_a_reading_command_prints_the_same_warm_and_cold(
    command: str,
    which: int,
    source: Path,
    tmp_path: Path,
    parses: list[str],
    deals: dict[str, str],
    held_now: None,
) -> None:
    crm = _team(source, tmp_path, "t")
    line = _line(READING[command][which], crm, deals)
    _cold(crm)
    cold = crm(line)
    cold_files = _outputs(crm)
    assert cold.exit_code == 0, cold.stderr
    crm.ok(["customer", "list"])  # the index is filled, every row settled
    parses.clear()
    warm = crm(line)
    assert parses == [], "the warm run parsed files: it did not read the settled index"
    assert (warm.exit_code, warm.stdout, warm.stderr) == (cold.exit_code, cold.stdout, cold.stderr)
    assert _outputs(crm) == cold_files


@pytest.mark.parametrize(("command", "which"), WRITE_LINES, ids=[f"{c}-{i}" for c, i in WRITE_LINES])
def test_a_writing_command_leaves_the_same_files_warm_and_cold(
    command: str,
    which: int,
    source: Path,
    tmp_path: Path,
    parses: list[str],
    deals: dict[str, str],
    held_now: None,
) -> None:
    cold_team, warm_team = _team(source, tmp_path, "cold"), _team(source, tmp_path, "warm")
    for team in (cold_team, warm_team):
        for setup in SETUP.get(command, []):
            team.ok(_line(setup, team, deals))
    line = _line(WRITING[command][which], cold_team, deals)
    _cold(cold_team)
    cold = cold_team(line)
    assert cold.exit_code == 0, cold.stderr
    warm_team.ok(["customer", "list"])  # a settled index beside it
    warm = warm_team(_line(WRITING[command][which], warm_team, deals))
    assert (warm.exit_code, warm.stdout, warm.stderr) == (cold.exit_code, cold.stdout, cold.stderr)
    assert tree_digest(warm_team.root) == tree_digest(cold_team.root)
    assert tree_digest(warm_team.root) != tree_digest(source)  # it wrote something


def test_importing_a_lead_identical_to_a_customer_changes_nothing_warm_or_cold(
    source: Path, tmp_path: Path, parses: list[str]
) -> None:
    """The issue's example: ``import leads --on-duplicate update`` of a row that repeats a
    customer exactly wrote a different file warm than cold. Now neither run changes a byte."""
    from salescrm.store.datadir import DataDir

    first = DataDir(source).read_customer(C)
    contact = first.primary_contact
    assert contact is not None and contact.phone
    row = f"公司,联系人,电话,需求\n{first.name},{contact.name},{contact.phone},{first.needs}\n"
    results = []
    for name in ("cold", "warm"):
        team = _team(source, tmp_path, name)
        (team.root.parent / "out" / "leads.csv").write_text(row, "utf-8")
        if name == "warm":
            team.ok(["customer", "list"])
        else:
            _cold(team)
        before = tree_digest(team.root)
        results.append(team.ok(["import", "leads", str(team.root.parent / "out" / "leads.csv"),
                                "--on-duplicate", "update"]))  # fmt: skip
        assert tree_digest(team.root) == before, f"{name}: an identical lead changed the files"
    assert results[0] == results[1]
