"""``make bench``: salescrm at 10,000 customers, side by side with taskwarrior at 10,000 tasks.

Builds the data set once (bench/out/, git-ignored), installs taskwarrior when it
is missing (or says why the comparison is skipped), then times every operation
as the median of several whole-process runs and prints one table. Commands that
do not exist in this build of salescrm are listed as skipped, so the table grows
as the command set does.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
AS_OF = "2026-11-27"
DATA_VERSION = 2  # bump when `dev generate` writes more (2: payment plans and receipts)
# The command as installed (what a user types), else through -m (which adds runpy, ~4 ms).
_SCRIPT = Path(sys.executable).with_name("salescrm")
SALESCRM = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "salescrm"]


@dataclass
class Timing:
    seconds: float | None  # median wall time of the runs; None: skipped
    peak_mb: float = 0.0
    note: str = ""


def run_timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, peak resident MB, exit code) of one whole-process run."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, process.returncode


def measure(argvs: list[list[str]], env: dict[str, str], before: object = None) -> Timing:
    """Run each argv (one per run) and take the median; ``before`` runs ahead of each run."""
    times, peaks = [], []
    for argv in argvs:
        if callable(before):
            before()
        seconds, peak, code = run_timed(argv, env)
        if code not in (0, 1):
            return Timing(None, note=f"exit {code}: {' '.join(argv[3:])[:60]}")
        times.append(seconds)
        peaks.append(peak)
    return Timing(statistics.median(times), max(peaks))


def paired(
    ours: list[list[str]], env: dict[str, str], theirs: list[str] | None, tenv: dict[str, str]
) -> tuple[Timing, Timing | None]:
    """Our runs and taskwarrior's in turn (ours, theirs, ours, …), each the median of its
    runs: both see the same machine, so their ratio holds even when the load drifts."""
    if theirs is None:
        return measure(ours, env), None
    mine: list[Timing] = []
    other: list[Timing] = []
    for argv in ours:
        mine.append(measure([argv], env))
        other.append(measure([theirs], tenv))
        if mine[-1].seconds is None:
            return mine[-1], None

    def median(timings: list[Timing]) -> Timing:
        return Timing(statistics.median(t.seconds or 0 for t in timings), max(t.peak_mb for t in timings))

    return median(mine), median(other)


def exists(command: list[str], env: dict[str, str]) -> bool:
    """Whether this salescrm has the command (its --help exits 0)."""
    result = subprocess.run([*SALESCRM, *command, "--help"], env=env, capture_output=True, check=False)
    return result.returncode == 0


# -- the data ---------------------------------------------------------------------------


def build_dataset(customers: int, env: dict[str, str]) -> Path:
    data = OUT / f"crm{customers}-v{DATA_VERSION}"
    if (data / "salescrm.yaml").is_file():
        print(f"data set: {data} (built before)")
        return data
    print(f"data set: generating {customers} customers into {data} …", flush=True)
    start = time.perf_counter()
    subprocess.run(
        [*SALESCRM, "dev", "generate", str(data), "--customers", str(customers)], env=env, check=True
    )
    print(f"data set: built in {time.perf_counter() - start:.1f} s")
    return data


def hostile_dataset(env: dict[str, str]) -> Path:
    """A team folder holding what a hostile teammate can push (issue 22): a 12-line alias
    bomb (10^8 paths), 5,000-deep nesting and a 50 MB customer file. ``check`` must say
    so at once, not walk them."""
    root = OUT / "hostile"
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run([*SALESCRM, "init", str(root), "--team", "基准", "--no-git"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    lines = ["a0: &a0 [" + ", ".join(["x"] * 10) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    (root / "customers" / "CRM202611001.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    (root / "customers" / "CRM202611002.yaml").write_text("deep: " + "[" * 5000 + "]" * 5000 + "\n")
    (root / "customers" / "CRM202611003.yaml").write_text("notes: |\n" + "  备注很长\n" * 3_500_000, "utf-8")
    return root


def ensure_taskwarrior() -> str | None:
    """The path of ``task``, installing it with apt-get when missing; None: skip the comparison."""
    found = shutil.which("task")
    if found:
        return found
    print("taskwarrior is missing: installing it with apt-get …", flush=True)
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": False}
    if shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([*prefix, "apt-get", "update", "-qq"], env=env, **quiet)  # type: ignore[call-overload]
        subprocess.run([*prefix, "apt-get", "install", "-y", "-qq", "taskwarrior"], env=env, **quiet)  # type: ignore[call-overload]
    found = shutil.which("task")
    if not found:
        print("taskwarrior could not be installed (no apt-get, or no permission): comparison skipped")
    return found


def task_env(tasks: int) -> dict[str, str]:
    folder = OUT / "taskwarrior"
    rc = folder / "taskrc"
    env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(folder / "data")}
    if not rc.exists():
        (folder / "data").mkdir(parents=True, exist_ok=True)
        rc.write_text(
            f"data.location={folder / 'data'}\nconfirmation=off\nverbose=nothing\nnews.version=2.6.0\n"
        )
    return env


def load_tasks(task: str, tasks: int, env: dict[str, str]) -> None:
    marker = OUT / "taskwarrior" / f"loaded-{tasks}"
    if marker.exists():
        return
    print(f"taskwarrior: importing {tasks} pending tasks with due dates …", flush=True)
    today = date.today()
    now = datetime.now().strftime("%Y%m%dT%H%M%SZ")
    items = [
        {
            "uuid": str(uuid.UUID(int=n + 1)),
            "description": f"跟进客户 {n:05d}: 确认配置和报价",
            "status": "pending",
            "entry": now,
            "due": (today + timedelta(days=n % 50 - 20)).strftime("%Y%m%dT100000Z"),
            "project": f"rep{n % 16}",
        }
        for n in range(tasks)
    ]
    source = OUT / "taskwarrior" / "tasks.json"
    source.write_text(json.dumps(items, ensure_ascii=False))
    subprocess.run([task, "import", str(source)], env=env, check=True, stdout=subprocess.DEVNULL)
    marker.write_text("")


def wins(count: int, env: dict[str, str], stamp: int) -> list[list[str]]:
    """Deals in negotiation won, each with a new contract number (the check reads every
    deal's number): the first ``count`` that `opp list --stage negotiation` names."""
    listed = [*SALESCRM, "opp", "list", "--stage", "negotiation", "-f", "csv"]
    found = subprocess.run(listed, env=env, capture_output=True, text=True, check=False).stdout
    refs = [line.split(",")[0] for line in found.splitlines()[1 : count + 1]]
    return [[*SALESCRM, "opp", "won", ref, "--contract", f"BENCH-{stamp}-{n}", "--amount", "1000",
             "--payment-terms", "全款"] for n, ref in enumerate(refs)]  # fmt: skip


# -- the table -----------------------------------------------------------------------------


def format_row(name: str, ours: Timing, theirs_name: str, theirs: Timing | None, target: str) -> str:
    mine = f"{ours.seconds:.3f}" if ours.seconds is not None else f"skipped ({ours.note})"
    other = f"{theirs.seconds:.3f}" if theirs and theirs.seconds is not None else "-"
    ratio = "-"
    if theirs and theirs.seconds and ours.seconds is not None:
        ratio = f"{ours.seconds / theirs.seconds:.2f}"
    memory = f"{ours.peak_mb:.0f}" if ours.seconds is not None else "-"
    return f"| {name} | {mine} | {memory} | {theirs_name} | {other} | {ratio} | {target} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    cache_home = OUT / "cache"
    # As installed: bytecode compiled once and kept (a shell with PYTHONDONTWRITEBYTECODE would
    # otherwise time the compiling of salescrm's ~80 modules on every run: ~0.1 s each).
    base = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "SALESCRM_USER": "li.na"}
    base.pop("PYTHONDONTWRITEBYTECODE", None)
    package = str(HERE.parent / "salescrm")
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], env=base, check=True)
    data = build_dataset(args.customers, base)
    env = {**base, "SALESCRM_DATA": str(data)}
    task = ensure_taskwarrior()
    tenv = task_env(args.customers)
    if task:
        load_tasks(task, args.customers, tenv)
    runs = args.runs
    load_before = os.getloadavg()[0]

    def clear_cache() -> None:
        shutil.rmtree(cache_home, ignore_errors=True)

    def warm(
        command: list[str], other: list[str], needs: list[str] | None = None, times: int = runs
    ) -> tuple[Timing, Timing | None]:
        if not exists(needs or command[:1], env):
            return Timing(None, note=f"no `{' '.join(needs or command[:1])}` in this build"), None
        subprocess.run([*SALESCRM, *command], env=env, capture_output=True, check=False)  # warm up
        return paired([[*SALESCRM, *command]] * times, env, theirs(other), tenv)

    def theirs(command: list[str]) -> list[str] | None:
        return [task, *command] if task else None

    stamp = int(time.time())
    new = ["--source", "2026年秋季行业展会", "--contact", "王经理", "--needs", "需要采购50台办公电脑"]
    adds = [
        [
            *SALESCRM,
            "customer",
            "add",
            f"基准测试公司{stamp}-{n}",
            *new,
            "--phone",
            f"139{stamp % 10**6:06d}{n:02d}",
            "--force",  # the names are alike on purpose: the close-name check would stop the second
        ]
        for n in range(runs)
    ]
    note = ["--via", "phone", "--content"]
    logs = [
        [*SALESCRM, "followup", "log", "CRM202201001", *note, f"电话沟通付款方式,客户同意{n + 20}%预付"]
        for n in range(runs)
    ]

    rows: list[tuple[str, Timing, Timing | None, str, str]] = []
    cold = measure([[*SALESCRM, "customer", "list", "--tier", "VIP"]] * max(2, runs // 2), env, clear_cache)
    rows.append(("cold first run (cache cleared), customer list", cold, None, "", "≤ 10 s"))
    rows.append(("warm remind --all", *warm(["remind", "--all", "--as-of", AS_OF], ["overdue"]),
                 "task overdue", "ratio ≤ 1.0"))  # fmt: skip
    rows.append(("warm remind, one rep's digest", *warm(["--as", "zhang.wei", "remind", "--as-of", AS_OF],
                 ["overdue"], ["remind"]), "task overdue", "-"))  # fmt: skip
    period = ["--period", AS_OF[:4], "--as-of", AS_OF]
    month = ["--period", AS_OF[:7], "--as-of", AS_OF]
    for report, days, target in (("attainment", period, "≤ task list"), ("conversion", period, "≤ task list"),
                                 ("activity", month, "≤ 1 s"), ("review", month, "≤ 1 s")):  # fmt: skip
        timings = warm(["report", report, *days], ["list"], ["report", report])
        rows.append((f"warm report {report}", *timings, "task list", target))
    for money in (
        ["report", "receivables", "--as-of", AS_OF],
        ["pay", "list", "--overdue", "--as-of", AS_OF],
    ):
        timings = warm(money, ["list"], money[:2])
        rows.append((f"warm {' '.join(money[:3]).removesuffix(' --as-of')}", *timings, "task list", "≤ 1 s"))
    rows.append(("warm query tier = B", *warm(["query", "tier = B"], ["list"]), "task list", "≤ task list"))
    opps = warm(["opp", "list", "--open", "--as-of", AS_OF], ["list"], ["opp", "list"])
    rows.append(("warm opp list --open", *opps, "task list", "≤ task list"))
    rows.append(("warm customer list --tier VIP", *warm(["customer", "list", "--tier", "VIP"], ["list"]),
                 "task list", "≤ task list"))  # fmt: skip
    showing = [[*SALESCRM, "customer", "show", "CRM202201001"]] * runs
    rows.append(("customer show by number (reads one file)", measure(showing, env), None, "", "-"))
    if exists(["find"], env):
        rows.append(("warm find by pinyin initials", *warm(["find", "njxy"], ["list"]), "task list", "≤ 1 s"))
    dupes = warm(["customer", "dupes", "-f", "json"], ["list"], ["customer", "dupes"])
    rows.append(("warm customer dupes (查重 over every customer)", *dupes, "task list", "≤ 2 s"))
    completing = dict(env, _SALESCRM_COMPLETE="complete_bash", COMP_CWORD="3")
    completing["COMP_WORDS"] = "salescrm customer show CRM2022010"
    completion = measure([SALESCRM] * runs, completing)
    rows.append(("completion: customer show CRM2022010<TAB>", completion, None, "", "≤ 0.15 s"))
    rows.append(("check (reads every file; 1 run)", *warm(["check"], ["list"], times=1), "task list", "-"))
    hostile = dict(env, SALESCRM_DATA=str(hostile_dataset(env)))
    rows.append(("check of an alias bomb, 5,000-deep nesting and a 50 MB file",
                 measure([[*SALESCRM, "check"]] * runs, hostile), None, "", "≤ 1 s"))  # fmt: skip
    adding = theirs(["add", "跟进客户: 确认配置", "due:tomorrow"])
    rows.append(("customer add", *paired(adds, env, adding, tenv), "task add", "ratio ≤ 2.5"))
    log: tuple[Timing, Timing | None] = (
        paired(logs, env, adding, tenv)
        if exists(["followup", "log"], env)
        else (Timing(None, note="no `followup log` yet"), None)
    )
    rows.append(("followup log", *log, "task add", "ratio ≤ 2.5"))
    rows.append(
        (
            "opp won (every deal's contract number)",
            *paired(wins(runs, env, stamp), env, adding, tenv),
            "task add",
            "-",
        )
    )

    print()
    print(f"machine: {os.cpu_count()} cores ({platform.machine()}), Python {platform.python_version()} "
          f"({os.path.realpath(sys.executable)}), "
          f"{platform.system()} {platform.release()}; load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after")  # fmt: skip
    print(f"data: {args.customers} customers in {data}; each figure is the median of {runs} runs,")
    print("taken in turn with taskwarrior's runs (seconds)")
    print()
    print("| operation | salescrm s | peak MB | taskwarrior | task s | ratio | target |")
    print("|---|---|---|---|---|---|---|")
    for name, ours, other, other_name, target in rows:
        print(format_row(name, ours, other_name, other, target))
    peak = max((r[1].peak_mb for r in rows), default=0)
    print(f"| peak memory (max of all salescrm runs) | {peak:.0f} MB | | | | | ≤ 500 MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
