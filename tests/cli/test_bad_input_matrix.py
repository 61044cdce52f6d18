"""Every command and option that takes input, fed bad input (DESIGN §3, §6).

Each case ends either in an ``error:`` first line on stderr with the exit code of
DESIGN §3 and nothing on disk changed (files and git HEAD), or in the value stored
as the user meant it (``1,000`` → 1000, ``５０００`` → 5000, ``5万`` → 50000, emoji kept).
A new command or option fails ``test_every_command_and_option_has_cases`` until it
gets cases here.

The data directory is built once per module and copied for each case.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.main import get_command

from salescrm.cli.main import app
from tests.conftest import Crm, add_members, team_today, tree_digest

C = "CRM202405001"  # the customer every case works on
WORK = "team"  # the data directory inside each case's folder; files/ holds files to attach

Check = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    command: str  # e.g. "opp add"
    param: str  # the parameter under test: "--amount", or an argument's name
    args: tuple[str, ...]  # "{files}" is replaced by the folder of files to attach
    exit_code: int  # 0: accepted, then ``check`` looks at what was stored
    check: Check | None = None
    user: str = "zhang.wei"
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.command}|{self.param}|{self.label or ' '.join(self.args)[-40:]!r}"


CASES: list[Case] = []


def case(command: str, param: str, args: list[str], exit_code: int, check: Check | None = None,
         user: str = "zhang.wei", label: str = "") -> None:  # fmt: skip
    if command.startswith(MANAGERS_ONLY) and user == "zhang.wei":
        user = "li.na"  # the rulebook refuses a rep first (tests/cli/test_rules_cli.py)
    CASES.append(Case(command, param, tuple(args), exit_code, check, user, label))


MANAGERS_ONLY = (
    "member add",
    "member deactivate",
    "member leave",
    "target set",
    "customer transfer",
    "customer merge",
    "pay amend",
)


# ---- the bad values -------------------------------------------------------------------

BAD_DATES = ["2024-13-45", "2024-02-30", "tomorrowish", "", "   ", "2024-05-03\x00", "+99999d"]
BAD_AMOUNTS = ["-5", "NaN", "inf", "-inf", "1e309", "1e3", "abc", "", "1.001", "5万万", "0x10", "1,00"]
GOOD_AMOUNTS = {"1,000": 1000, "５０００": 5000, "5万": 50000}
CONTROL = ["a\x07b", "a\x1b[31mb", "a\x00b", "a\x7fb"]
BLANK = ["", "   ", "\t"]
LONG = "长" * 10_000
EMOJI = "客户很满意😀👍🏽"
BAD_CUSTOMERS = [
    "../CRM202405001", "CRM202405001/..", "customers/CRM202405001", "CRM202405001\\x", "..\\CRM202405001",
    "CRM202405\x00001", "/etc/passwd", "CRM202413001", "CRM-202405001", "", " ", "CRM²⁰²⁴⁰⁵⁰⁰¹",
]  # fmt: skip
BAD_MEMBERS = ["../li.na", "li.na/..", "li.na\x00", "/etc/passwd", "", "nobody"]


def bad_references(kind: str) -> list[str]:
    wrong = "F" if kind != "F" else "T"
    return [
        f"{C}-{wrong}1", f"../{C}-{kind}1", f"{C}-{kind}1/../x", f"{C}\\{kind}1", f"{C}-{kind}1\x00",
        "/etc/passwd", f"{C}-{kind}", f"{C}-{kind}-1", f"{C}-{kind}1.5", f"CUS202405001-{kind}1", "",
        f"{C}-{kind}²",
    ]  # fmt: skip


# ---- what was stored --------------------------------------------------------------------


def customer_data(root: Path, number: str = C) -> dict[str, Any]:
    data = yaml.safe_load((root / WORK / "customers" / f"{number}.yaml").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def newest_customer(root: Path) -> dict[str, Any]:
    """The one customer the case added (the template holds C and CRM202405002)."""
    (added,) = [p for p in (root / WORK / "customers").glob("*.yaml") if p.stem not in (C, "CRM202405002")]
    return yaml.safe_load(added.read_text("utf-8"))  # type: ignore[no-any-return]


def last(listing: str, key: str, value: Any) -> Check:
    """The newest item of ``listing`` of customer C has ``key`` = ``value``."""

    def check(root: Path) -> None:
        assert customer_data(root)[listing][-1][key] == value

    return check


def opp(number: str, key: str, value: Any) -> Check:
    def check(root: Path) -> None:
        found = {o["id"]: o for o in customer_data(root)["opportunities"]}[number]
        assert found[key] == value, found

    return check


def new_customer(key: str, value: Any) -> Check:
    def check(root: Path) -> None:
        assert newest_customer(root)[key] == value

    return check


def config_has(text: str) -> Check:
    def check(root: Path) -> None:
        assert text in (root / WORK / "salescrm.yaml").read_text("utf-8")

    return check


def file_has(text: str) -> Check:
    """Stored as written: readable UTF-8 in the customer's file, never ``\\U`` escapes."""

    def check(root: Path) -> None:
        assert text in (root / WORK / "customers" / f"{C}.yaml").read_text("utf-8")

    return check


# ---- value families, applied to an option of a command ------------------------------------


def dates(
    command: str, option: str, before: list[str], after: list[str] = (), user: str = "zhang.wei"
) -> None:  # type: ignore[assignment]
    for value in BAD_DATES:
        case(command, option, [*before, option, value, *after], 2, user=user)


def texts(command: str, option: str | None, before: list[str], after: list[str] = (),  # type: ignore[assignment]
          stored: Callable[[str], Check] | None = None, long_ok: bool = False, param: str = "",
          user: str = "zhang.wei") -> None:  # fmt: skip
    """Blank, control characters and 10,000 characters are refused (exit 2); emoji are kept."""
    param = param or option or ""

    def argv(value: str) -> list[str]:
        return [*before, *([option] if option else []), value, *after]

    for value in [*BLANK, *CONTROL, *([] if long_ok else [LONG])]:
        case(command, param, argv(value), 2, user=user, label=repr(value[:12]))
    if stored is not None:
        case(command, param, argv(EMOJI), 0, stored(EMOJI), user=user, label="emoji")


def amounts(command: str, option: str, before: list[str], after: list[str], stored: Callable[[int], Check],
            zero_ok: bool = False, user: str = "zhang.wei") -> None:  # fmt: skip
    for value in BAD_AMOUNTS:
        case(command, option, [*before, option, value, *after], 2, user=user)
    if zero_ok:
        case(command, option, [*before, option, "0", *after], 0, stored(0), user=user)
    else:
        case(command, option, [*before, option, "0", *after], 2, user=user)
    for value, meant in GOOD_AMOUNTS.items():
        case(command, option, [*before, option, value, *after], 0, stored(meant), user=user)


def customers(command: str, param: str, before: list[str], after: list[str], user: str = "zhang.wei") -> None:
    for value in BAD_CUSTOMERS:
        case(command, param, [*before, value, *after], 2, user=user)
    for value in ("CRM202405999", "CUS202405001", "没有这家"):  # searched by name, pinyin …: nothing found
        case(command, param, [*before, value, *after], 3, user=user)


def references(command: str, param: str, kind: str, before: list[str], after: list[str],
               user: str = "zhang.wei") -> None:  # fmt: skip
    for value in bad_references(kind):
        case(command, param, [*before, value, *after], 2, user=user)
    case(command, param, [*before, f"{C}-{kind}99", *after], 3, user=user)
    case(command, param, [*before, f"CRM202405999-{kind}1", *after], 3, user=user)


def members(
    command: str, option: str, before: list[str], after: list[str] = (), user: str = "zhang.wei"
) -> None:  # type: ignore[assignment]
    for value in BAD_MEMBERS:
        # Member ids are looked up, never used as paths: anything unknown is "no such member".
        case(command, option, [*before, option, value, *after], 2 if value == "" else 3, user=user)


def choices(command: str, option: str, before: list[str], after: list[str] = (), bad: str = "xml") -> None:  # type: ignore[assignment]
    for value in (bad, "", "\x00"):
        case(command, option, [*before, option, value, *after], 2)


def formats(command: str, before: list[str]) -> None:
    choices(command, "--format", [*before, "-f"][:-1], bad="xml")


def periods(command: str, option: str, before: list[str]) -> None:
    for value in ("2026Q5", "2026-13", "2026-W54", "2026-00", "../2026", "", "二〇二六", "99999"):
        case(command, option, [*before, option, value], 2)


# ---- the matrix ----------------------------------------------------------------------------

ADD = ["customer", "add"]
REQUIRED = {"NAME": "新客户有限公司", "--source": "2026年行业展会", "--contact": "李经理",
            "--phone": "13912345678", "--needs": "需要采购20台服务器"}  # fmt: skip


def add_args(**changes: str | None) -> list[str]:
    args = ["customer", "add"]
    for key, value in {**REQUIRED, **{k.replace("_", "-"): v for k, v in changes.items()}}.items():
        if value is None:
            continue
        args += [value] if key == "NAME" else [key if key.startswith("--") else f"--{key}", value]
    return args


def without(option: str) -> list[str]:
    return add_args(**{option: None})


# init
case("init", "directory", ["init", "{files}/quote.pdf", "--no-git"], 2, label="a file")
case("init", "directory", ["init", "{files}/../" + WORK, "--no-git"], 4, label="a data dir")
case("init", "directory", ["init", "bad\x00dir", "--no-git"], 2)
texts("init", "--team", ["init", "{files}/new"], ["--no-git"])

# member
texts("member add", None, ["member", "add"], ["--name", "新人"], param="member_id", long_ok=False)
for bad_id in ("../x", "a/b", "a\\b", "/etc", "Zhang Wei", "li.na"):
    case(
        "member add", "member_id", ["member", "add", bad_id, "--name", "新人"], 4 if bad_id == "li.na" else 2
    )
texts("member add", "--name", ["member", "add", "new.one"], stored=lambda v: config_has(v))
case("member add", "--email", ["member", "add", "new.one", "--name", "新人", "--email", "not-an-email"], 2)
case("member add", "--email", ["member", "add", "new.one", "--name", "新人", "--email", "a@b.c\x00"], 2)
choices("member add", "--dept", ["member", "add", "new.one", "--name", "新人"])
choices("member add", "--role", ["member", "add", "new.one", "--name", "新人"])
members("member add", "--manager", ["member", "add", "new.one", "--name", "新人"])
formats("member list", ["member", "list"])
for value in BAD_MEMBERS:
    case("member deactivate", "member_id", ["member", "deactivate", value], 2 if value == "" else 3)
case("member deactivate", "member_id", ["member", "deactivate", "li.na"], 2, label="the last manager")
case("member deactivate", "member_id", ["member", "deactivate", "zhang.wei", "--undo"], 2, label="active")

# customer add
for option in ("NAME", "--source", "--contact", "--needs"):
    texts("customer add", None if option == "NAME" else option, without(option),
          param={"NAME": "name"}.get(option, option), long_ok=option == "--needs", stored=lambda v, o=option: new_customer(
              {"NAME": "name", "--source": "source", "--needs": "needs"}.get(o, "needs"), v
          ) if o != "--contact" else (lambda root: None))  # fmt: skip
texts("customer add", "--title", add_args(), stored=lambda v: lambda root: None)
for value in ("abc", "1", "13912345678\x00", "+86 (139) ☎", "", LONG):
    case("customer add", "--phone", add_args(phone=value), 2, label=repr(value[:12]))
case("customer add", "--phone", add_args(phone="１３９１２３４５６７８"), 0,
     lambda root: None, label="full-width digits")  # fmt: skip
for value in ("not-an-email", "a@b", "a@b.c\x00", "@@", "", "a" * 300 + "@x.cn"):
    case("customer add", "--email", [*without("--phone"), "--email", value], 2, label=repr(value[:12]))
for option in ("--industry", "--tier", "--size"):
    choices("customer add", option, add_args(), bad="../x")
members("customer add", "--owner", add_args())
for value in ("13-45", "02-30", "2024-02-30", "tomorrowish", "\x00"):
    case("customer add", "--birthday", add_args(birthday=value), 2)
for value in ("", "  ", "a\x07b", LONG, "a,b\nc"):
    case("customer add", "--tag", [*add_args(), "--tag", value], 2, label=repr(value[:12]))
case("customer add", "--tag", [*add_args(), "--tag", EMOJI], 0, new_customer("tags", [EMOJI]), label="emoji")
dates("customer add", "--at", add_args())
case("customer add", "--at", add_args(at="2024-02-29"), 0, new_customer("created", date(2024, 2, 29)))
# the 统一社会信用代码: wrong length, check character, lowercase, a letter it never holds
for value in (
    "91440400MA4UX1234",
    "91440400MA4UX1234Q",
    "91440400ma4ux1234p",
    "91440400MA4UZ1234P",
    "",
    "\x00",
):
    case("customer add", "--credit-code", add_args(credit_code=value), 2, label=repr(value))
case("customer add", "--credit-code", add_args(credit_code="9144 0400 MA4U X123 4P"), 0,
     new_customer("credit_code", "91440400MA4UX1234P"))  # fmt: skip

# customer dupes / merge
for value in ("49", "101", "abc", "", "\x00"):
    case("customer dupes", "--threshold", ["customer", "dupes", "--threshold", value], 2, label=repr(value))
formats("customer dupes", ["customer", "dupes"])
customers("customer merge", "keep_id", ["customer", "merge"], [C])
customers("customer merge", "drop_id", ["customer", "merge", C], [])
case("customer merge", "drop_id", ["customer", "merge", C, C], 2, label="itself")

# customer read commands
for sub, extra in (("show", []), ("archive", []), ("edit", [])):
    customers(f"customer {sub}", "customer_id", ["customer", sub], extra)
formats("customer show", ["customer", "show", C])
dates("customer show", "--as-of", ["customer", "show", C])
case(
    "customer show",
    "--as-of",
    ["customer", "show", C, "--as-of", "2020-01-01"],
    3,
    label="before the customer",
)
for option in ("--tier", "--industry"):
    choices("customer list", option, ["customer", "list"], bad="../x")
members("customer list", "--owner", ["customer", "list"])
for option in ("--tag", "--source"):
    for value in ("\x00", LONG, EMOJI, "../x"):
        case("customer list", option, ["customer", "list", option, value], 0, label=repr(value[:12]))
for value in ("tier = ", "((", "tier = X\x00", "name ~ '", LONG, "followups(999999999999m) > 1"):
    case("customer list", "--where", ["customer", "list", "--where", value], 2, label=repr(value[:12]))
formats("customer list", ["customer", "list"])

# customer set / tag / contact
customers("customer set", "customer_id", ["customer", "set"], ["industry=制造业"])
for value in ("industry", "=x", "nosuch=1", "id=CRM202405002", "created=2024-01-01", "name=", "name=  ",
              "name=a\x00b", f"name={LONG}", "tier=Z", "size=huge", "owner=nobody",
              "first_contact=2024-02-30", "owner=../x", "tier_pinned=maybe", "needs="):  # fmt: skip
    case("customer set", "assignments", ["customer", "set", C, value], 3 if value.startswith("owner=") else 2,
         label=repr(value[:16]))  # fmt: skip
case(
    "customer set", "assignments", ["customer", "set", C, f"name={EMOJI}"], 0, file_has(EMOJI), label="emoji"
)
customers("customer tag", "customer_id", ["customer", "tag"], ["+x"])
case("customer tag", "changes", ["customer", "tag", C, "x"], 0, lambda root: None, label="bare tag adds")
for value in ("+", "-", "+ ", "+a\x00", f"+{LONG}", "+a\nb", ""):
    case("customer tag", "changes", ["customer", "tag", C, value], 2, label=repr(value[:12]))
case("customer tag", "changes", ["customer", "tag", C, f"+{EMOJI}"], 0, file_has(EMOJI), label="emoji")
customers("customer contact", "customer_id", ["customer", "contact"], ["add", "--name", "李总"])
for value in ("delete", "", "../add"):
    case("customer contact", "action", ["customer", "contact", C, value, "--name", "李总"], 2)
texts("customer contact", "--name", ["customer", "contact", C, "add"], ["--phone", "13800138000"],
      stored=lambda v: file_has(v))  # fmt: skip
case(
    "customer contact", "--name", ["customer", "contact", C, "set", "--name", "没有这个人", "--title", "x"], 3
)
texts("customer contact", "--title", ["customer", "contact", C, "add", "--name", "李总", "--phone", "13800138000"],
      stored=lambda v: file_has(v))  # fmt: skip
case("customer contact", "--phone", ["customer", "contact", C, "add", "--name", "李总", "--phone", "abc"], 2)
case("customer contact", "--email", ["customer", "contact", C, "add", "--name", "李总", "--email", "a@"], 2)
case(
    "customer contact",
    "--birthday",
    ["customer", "contact", C, "add", "--name", "李总", "--birthday", "02-30"],
    2,
)

# followup
PLAN = ["--due", "2026-12-01", "--via", "visit", "--focus", "演示样机", "--goal", "确认配置"]


def plan_args(option: str) -> list[str]:
    at = PLAN.index(option)
    return PLAN[:at] + PLAN[at + 2 :]


customers("followup plan", "customer_id", ["followup", "plan"], PLAN)
dates("followup plan", "--due", ["followup", "plan", C], plan_args("--due"))
choices("followup plan", "--via", ["followup", "plan", C], plan_args("--via"), bad="pigeon")
for option in ("--focus", "--goal"):
    texts("followup plan", option, ["followup", "plan", C], plan_args(option), stored=lambda v: file_has(v))
members("followup plan", "--owner", ["followup", "plan", C, *PLAN])

LOG = ["--via", "phone", "--content", "客户确认下月采购20台,预算15万"]
customers("followup log", "customer_id", ["followup", "log"], LOG)
choices("followup log", "--via", ["followup", "log", C], LOG[2:], bad="pigeon")
texts("followup log", "--content", ["followup", "log", C, "--via", "phone"], stored=lambda v: last("followups", "content", v),
      long_ok=False)  # fmt: skip
dates("followup log", "--at", ["followup", "log", C, *LOG])
dates("followup log", "--next", ["followup", "log", C, *LOG])
for value in bad_references("T"):
    case("followup log", "--task", ["followup", "log", C, *LOG, "--task", value], 2, label=repr(value))
case("followup log", "--task", ["followup", "log", C, *LOG, "--task", "CRM202405999-T1"], 2, label="other's")
case("followup log", "--task", ["followup", "log", C, *LOG, "--task", "T99"], 3)
case(
    "followup log", "--task", ["followup", "log", C, *LOG, "--task", "T1"], 0, last("followups", "task", "T1")
)
for value in ("{files}/missing.pdf", "{files}", "{files}/link.pdf", "/etc/passwd\x00", ""):
    case("followup log", "--attach", ["followup", "log", C, *LOG, "--attach", value], 2, label=value[-12:])
case("followup log", "--attach", ["followup", "log", C, *LOG, "--attach", "{files}/../files/quote.pdf"], 0,
     last("followups", "attachments", [f"attachments/{C}/quote.pdf"]), label="dots in the path")  # fmt: skip
case("followup log", "--attach", ["followup", "log", C, *LOG, "--attach", "{files}/报价单 😀.pdf"], 0,
     last("followups", "attachments", [f"attachments/{C}/报价单_.pdf"]), label="emoji name")  # fmt: skip

references("followup done", "task", "T", ["followup", "done"], [])
texts("followup done", "--note", ["followup", "done", f"{C}-T1"], stored=lambda v: file_has(v))
dates("followup done", "--at", ["followup", "done", f"{C}-T1"])
references("followup cancel", "task", "T", ["followup", "cancel"], ["--reason", "改期"])
texts("followup cancel", "--reason", ["followup", "cancel", f"{C}-T1"], stored=lambda v: file_has(v))
customers("followup list", "customer_id", ["followup", "list"], [])
members("followup list", "--owner", ["followup", "list"])
dates("followup list", "--since", ["followup", "list"])
formats("followup list", ["followup", "list"])
dates("followup list", "--as-of", ["followup", "list"])

# remind
members("remind", "--owner", ["remind"])
for value in ("-1", "abc", "1e309", "", "1.5"):
    case("remind", "--within", ["remind", "--within", value], 2)
case("remind", "--within", ["remind", "--within", "99999999999999999999"], 0, label="far ahead")
dates("remind", "--as-of", ["remind"])
choices("remind", "--format", ["remind", "-f"][:-1], bad="xml")

# opp
OPP = ["--name", "2026年度服务器采购", "--amount", "250000", "--close", "2026-12-31"]


def opp_args(option: str) -> list[str]:
    at = OPP.index(option)
    return OPP[:at] + OPP[at + 2 :]


customers("opp add", "customer_id", ["opp", "add"], OPP)
texts("opp add", "--name", ["opp", "add", C], opp_args("--name"), stored=lambda v: opp("O4", "name", v))
amounts("opp add", "--amount", ["opp", "add", C], opp_args("--amount"), lambda v: opp("O4", "amount", v))
dates("opp add", "--close", ["opp", "add", C], opp_args("--close"))
members("opp add", "--owner", ["opp", "add", C, *OPP])
for value in ("-1", "101", "NaN", "inf", "1e309", "abc", ""):
    case("opp add", "--probability", ["opp", "add", C, *OPP, "--probability", value], 2)
case(
    "opp add",
    "--probability",
    ["opp", "add", C, *OPP, "--probability", "４０%"],
    0,
    opp("O4", "probability", 40),
)
dates("opp add", "--at", ["opp", "add", C, *OPP])

references("opp stage", "reference", "O", ["opp", "stage"], ["needs_analysis"])
choices("opp stage", "target", ["opp", "stage", f"{C}-O1"], bad="../won")
case("opp stage", "target", ["opp", "stage", f"{C}-O1", ""], 2)
for value in ("needs_report", "=x", "nosuch={files}/quote.pdf", "needs_report={files}/missing.pdf",
              "needs_report={files}/link.pdf", "needs_report={files}", "needs_report=\x00"):  # fmt: skip
    case("opp stage", "--artefact", ["opp", "stage", f"{C}-O1", "needs_analysis", "--artefact", value], 2,
         label=value[-14:])  # fmt: skip
texts("opp stage", "--note", ["opp", "stage", f"{C}-O1", "needs_analysis"], stored=lambda v: file_has(v))
texts(
    "opp stage",
    "--reason",
    ["opp", "stage", f"{C}-O2", "needs_analysis"],
    user="li.na",
    stored=lambda v: file_has(v),
)
for value in ("-1", "101", "NaN", "abc"):
    case(
        "opp stage", "--probability", ["opp", "stage", f"{C}-O1", "needs_analysis", "--probability", value], 2
    )
dates("opp stage", "--at", ["opp", "stage", f"{C}-O1", "needs_analysis"])

references("opp negotiate", "reference", "O", ["opp", "negotiate"], ["--competitor", "竞品X"])
for option in ("--decision-maker", "--competitor", "--obstacle", "--solution"):
    texts("opp negotiate", option, ["opp", "negotiate", f"{C}-O2"], stored=lambda v: file_has(v))

WON = ["--contract", "HT-2026-001", "--amount", "240000", "--payment-terms", "30%预付", "--signed", "today"]


def won_args(option: str) -> list[str]:
    at = WON.index(option)
    return WON[:at] + WON[at + 2 :]


references("opp won", "reference", "O", ["opp", "won"], WON)
case("opp won", "--contract", ["opp", "won", f"{C}-O2", *won_args("--contract"), "--contract", "HT/../x"], 0,
     file_has("HT/../x"), label="never a path")  # fmt: skip
for value in ("", "  ", "HT\x00", "a b", LONG, "HT-2026-000"):
    case("opp won", "--contract", ["opp", "won", f"{C}-O2", *won_args("--contract"), "--contract", value],
         4 if value == "HT-2026-000" else 2, label=repr(value[:12]))  # fmt: skip
amounts("opp won", "--amount", ["opp", "won", f"{C}-O2"], won_args("--amount"),
        lambda v: opp("O2", "contract", {"number": "HT-2026-001", "amount": v, "payment_terms": "30%预付",
                                         "signed": team_today()}))  # fmt: skip
texts("opp won", "--payment-terms", ["opp", "won", f"{C}-O2"], won_args("--payment-terms"),
      stored=lambda v: file_has(v))  # fmt: skip
dates("opp won", "--signed", ["opp", "won", f"{C}-O2"], won_args("--signed"))

references("opp lost", "reference", "O", ["opp", "lost"], ["--reason", "价格过高"])
choices("opp lost", "--reason", ["opp", "lost", f"{C}-O1"], bad="../价格过高")
texts("opp lost", "--other", ["opp", "lost", f"{C}-O1"], stored=lambda v: file_has(v))
texts(
    "opp lost",
    "--competitor",
    ["opp", "lost", f"{C}-O1", "--reason", "选择竞品"],
    stored=lambda v: file_has(v),
)
texts("opp lost", "--note", ["opp", "lost", f"{C}-O1", "--reason", "价格过高"], stored=lambda v: file_has(v))
dates("opp lost", "--at", ["opp", "lost", f"{C}-O1", "--reason", "价格过高"])
references("opp reopen", "reference", "O", ["opp", "reopen"], ["--reason", "重启"])
texts("opp reopen", "--reason", ["opp", "reopen", f"{C}-O3"], stored=lambda v: file_has(v))
dates("opp reopen", "--at", ["opp", "reopen", f"{C}-O3", "--reason", "重启"])
W = "CRM202405002-O1"  # won, contract HT-2026-000
references("opp set", "reference", "O", ["opp", "set"], ["amount=1"])
for value in (
    "amount=-5",
    "amount=abc",
    "probability=101",
    "close=2020-01-01",
    "stage=won",
    "amount",
    "owner=nobody",
):
    case("opp set", "assignments", ["opp", "set", f"{C}-O1", value], 3 if value == "owner=nobody" else 2,
         label=value)  # fmt: skip
case("opp set", "assignments", ["opp", "set", f"{C}-O3", "amount=5"], 2, label="a closed deal")
dates("opp set", "--at", ["opp", "set", f"{C}-O1", "amount=5"])
case("opp set", "--at", ["opp", "set", f"{C}-O1", "amount=5", "--at", "2099-01-01"], 2, label="future")
references("opp amend", "reference", "O", ["opp", "amend"], ["--amount", "2", "--reason", "改"])
case(
    "opp amend", "reference", ["opp", "amend", f"{C}-O1", "--amount", "2", "--reason", "改"], 2, label="open"
)
for value in BAD_AMOUNTS:
    case(
        "opp amend",
        "--amount",
        ["opp", "amend", W, "--reason", "改", "--amount", value],
        2,
        label=repr(value),
    )
for value in ("", "a b", "HT-2026-000\x00"):
    case(
        "opp amend",
        "--contract",
        ["opp", "amend", W, "--reason", "改", "--contract", value],
        2,
        label=repr(value),
    )
texts("opp amend", "--payment-terms", ["opp", "amend", W, "--reason", "改"])
dates("opp amend", "--signed", ["opp", "amend", W, "--reason", "改"])
case(
    "opp amend",
    "--signed",
    ["opp", "amend", W, "--reason", "改", "--signed", "2099-01-01"],
    2,
    label="future",
)
texts("opp amend", "--reason", ["opp", "amend", W, "--amount", "2"])
case("opp amend", "--reason", ["opp", "amend", W, "--amount", "2"], 2, label="missing")
case("opp amend", "--reason", ["opp", "amend", W, "--amount", "2", "--reason", "改"], 2, user="wang.fang",
     label="neither owner nor manager")  # fmt: skip
dates("opp amend", "--at", ["opp", "amend", W, "--amount", "2", "--reason", "改"])
dates("customer archive", "--at", ["customer", "archive", C])
case("customer archive", "--at", ["customer", "archive", C, "--at", "2099-01-01"], 2, label="future")
dates("followup plan", "--at", ["followup", "plan", C, *PLAN])
case(
    "followup plan",
    "--at",
    ["followup", "plan", C, *PLAN, "--at", "2024-05-01"],
    2,
    label="before the customer",
)
references("opp show", "reference", "O", ["opp", "show"], [])
formats("opp show", ["opp", "show", f"{C}-O1"])
dates("opp show", "--as-of", ["opp", "show", f"{C}-O1"])
choices("opp list", "--stage", ["opp", "list"], bad="../won")
members("opp list", "--owner", ["opp", "list"])
customers("opp list", "--customer", ["opp", "list", "--customer"], [])
dates("opp list", "--closing-before", ["opp", "list"])
dates("customer list", "--as-of", ["customer", "list"])
for value in ("-1", "abc", "²", "1e3", "", "999999"):
    case("opp list", "--stale", ["opp", "list", "--stale", value], 2)
dates("opp list", "--as-of", ["opp", "list"])
formats("opp list", ["opp", "list"])

# target
TARGET = ["zhang.wei", "--year", "2026", "--amount", "1200000"]
for value in ("nobody", "../x", "\x00", ""):
    case("target set", "member", ["target", "set", value, *TARGET[1:]], 2 if value == "" else 3, user="li.na")
for value in ("0", "-1", "99999", "abc", "1e309"):
    case("target set", "--year", ["target", "set", "zhang.wei", "--year", value, "--amount", "1"], 2)
for option, bad in (
    ("--quarter", "2026Q5"),
    ("--quarter", "2026-09"),
    ("--month", "2026-13"),
    ("--month", "2026Q3"),
):
    for value in (bad, "", "\x00", "../2026"):
        case("target set", option, ["target", "set", "zhang.wei", option, value, "--amount", "1"], 2)
amounts("target set", "--amount", ["target", "set", *TARGET[:3]], [], lambda v: lambda root: None, zero_ok=True,
        user="li.na")  # fmt: skip
for value in ("1,2,3", "1,2,3,-4", "0,0,0,0", "a,b,c,d", "NaN,1,1,1", "inf,1,1,1", "1,,2,3", "uneven"):
    case("target set", "--split", ["target", "set", *TARGET, "--split", value], 2, user="li.na")
for value in ("nobody", "../x", "\x00", ""):
    case("target show", "member", ["target", "show", value], 2 if value == "" else 3)
for value in ("0", "-1", "abc", "1e309"):
    case("target show", "--year", ["target", "show", "zhang.wei", "--year", value], 2)
formats("target show", ["target", "show"])
for value in ("nobody", "../x", "\x00", ""):
    case("target delete", "member", ["target", "delete", value, "--year", "2026"], 2 if value == "" else 3)
for value in ("0", "-1", "abc", "1e309", "2030"):
    case("target delete", "--year", ["target", "delete", "zhang.wei", "--year", value], 2)

# report
for name in ("attainment", "conversion", "industry", "lost-reasons", "pipeline", "activity"):
    periods(f"report {name}", "--period", ["report", name])
    if name != "activity":
        dates(f"report {name}", "--as-of", ["report", name])
    else:
        dates(f"report {name}", "--as-of", ["report", name])
    members(f"report {name}", "--owner", ["report", name])
    formats(f"report {name}", ["report", name])
for name in ("lost-reasons", "pipeline", "activity"):
    choices(f"report {name}", "--by", ["report", name], bad="../x")

# report: payments and the forecast (issue 20)
for name in ("forecast", "collection"):
    periods(f"report {name}", "--period", ["report", name])
for name in ("forecast", "collection", "receivables"):
    dates(f"report {name}", "--as-of", ["report", name])
    members(f"report {name}", "--owner", ["report", name])
    formats(f"report {name}", ["report", name])
choices("report receivables", "--by", ["report", "receivables"], bad="../x")
choices("report attainment", "--basis", ["report", "attainment"], bad="paid")

# pay: W is won (contract 1, signed today) with plan line P1 (1, due today); C-O1 is open, C-O3 lost
ONE = ["--due", "today", "--amount", "1"]


def planned(key: str, value: Any, item: str = "plan") -> Check:
    def check(root: Path) -> None:
        assert customer_data(root, "CRM202405002")["opportunities"][0][item][-1][key] == value

    return check


references("pay plan", "reference", "O", ["pay", "plan"], ONE)
for deal, label in ((f"{C}-O1", "open"), (f"{C}-O3", "lost")):
    case("pay plan", "reference", ["pay", "plan", deal, *ONE], 2, label=label)
    case(
        "pay receive", "reference", ["pay", "receive", deal, "--amount", "1", "--at", "today"], 2, label=label
    )
    case("pay show", "reference", ["pay", "show", deal], 2, label=label)
dates("pay plan", "--due", ["pay", "plan", W, "--amount", "1"])
case(
    "pay plan", "--due", ["pay", "plan", W, "--amount", "1", "--due", "2024-01-01"], 2, label="before signing"
)
for value in [*BAD_AMOUNTS, "0", "1"]:  # 1 more is above the contract (1, planned already)
    case(
        "pay plan", "--amount", ["pay", "plan", W, "--due", "today", "--amount", value], 2, label=repr(value)
    )
for value in (
    "",
    "abc",
    "100%",
    "100%@nowhen",
    "30%@signed,60%@+60d",
    "30%@signed,80%@+1d",
    "-100%@signed",
    "100%@signed\x00",
    "100%@+99999d",
):
    case("pay plan", "--split", ["pay", "plan", W, "--split", value], 2, label=repr(value))
case(
    "pay plan",
    "--split",
    ["pay", "plan", W, "--split", "100%@signed", "--due", "today"],
    2,
    label="and --due",
)
texts("pay plan", "--note", ["pay", "plan", W, *ONE])
dates("pay plan", "--at", ["pay", "plan", W, *ONE])
references("pay receive", "reference", "O", ["pay", "receive"], ["--amount", "1", "--at", "today"])
for value in [*BAD_AMOUNTS, "0", "2"]:  # 2 is above what is owed
    case(
        "pay receive",
        "--amount",
        ["pay", "receive", W, "--at", "today", "--amount", value],
        2,
        label=repr(value),
    )
case(
    "pay receive",
    "--amount",
    ["pay", "receive", W, "--at", "today", "--amount", "1"],
    0,
    planned("plan", "P1", "receipts"),
)
dates("pay receive", "--at", ["pay", "receive", W, "--amount", "1"])
for value in ("2024-01-01", "2099-01-01"):  # before signing, in the future
    case("pay receive", "--at", ["pay", "receive", W, "--amount", "1", "--at", value], 2, label=value)
RECEIVE = ["pay", "receive", W, "--amount", "1", "--at", "today"]
texts("pay receive", "--ref", RECEIVE, stored=lambda v: planned("ref", v, "receipts"))
for value in ("P9", "../x", "P1\x00"):
    case("pay receive", "--plan", [*RECEIVE, "--plan", value], 3, label=repr(value))
case("pay receive", "--plan", [*RECEIVE, "--plan", ""], 2, label="''")
case("pay receive", "--reason", [*RECEIVE, "--reason", "多付"], 2, label="without --overpay")
texts("pay receive", "--reason", [*RECEIVE, "--overpay"])
AMEND = ["pay", "amend", f"{W}-P1", "--reason", "更正"]
for value in ("", "x", f"{W}", f"{W}-X1", f"{W}-P1/../x", f"{W}-P1\x00", f"../{W}-P1"):
    case(
        "pay amend", "item", ["pay", "amend", value, "--amount", "1", "--reason", "改"], 2, label=repr(value)
    )
for value in (f"{W}-P9", f"{W}-R1", "CRM202405999-O1-P1"):
    case("pay amend", "item", ["pay", "amend", value, "--amount", "1", "--reason", "改"], 3, label=value)
for value in [*BAD_AMOUNTS, "0", "2"]:
    case("pay amend", "--amount", [*AMEND, "--amount", value], 2, label=repr(value))
case("pay amend", "--amount", [*AMEND, "--amount", "1"], 0, planned("amount", 1), label="unchanged")
dates("pay amend", "--due", AMEND)
case("pay amend", "--due", [*AMEND, "--due", "2024-01-01"], 2, label="before signing")
texts("pay amend", "--note", AMEND, stored=lambda v: planned("note", v))
dates("pay amend", "--received", AMEND)
case("pay amend", "--received", [*AMEND, "--received", "today"], 2, label="a plan line has no day received")
case("pay amend", "--plan", [*AMEND, "--plan", "P1"], 2, label="a plan line pays no line")
texts("pay amend", "--ref", AMEND)
texts("pay amend", "--reason", ["pay", "amend", f"{W}-P1", "--amount", "1"])
case("pay amend", "--reason", ["pay", "amend", f"{W}-P1", "--note", "新备注", "--reason", "改"], 2, user="wang.fang",
     label="a rep")  # fmt: skip
members("pay list", "--owner", ["pay", "list"])
dates("pay list", "--as-of", ["pay", "list"])
formats("pay list", ["pay", "list"])
references("pay show", "reference", "O", ["pay", "show"], [])
dates("pay show", "--as-of", ["pay", "show", W])
formats("pay show", ["pay", "show", W])

# tier
dates("tier review", "--as-of", ["tier", "review"])
formats("tier review", ["tier", "review"])


# the pool and handover (docs/pool.md)
def last_change_reason(value: str) -> Check:
    def check(root: Path) -> None:
        assert customer_data(root)["changes"][-1]["reason"] == value

    return check


dates("pool list", "--as-of", ["pool", "list"])
formats("pool list", ["pool", "list"])
customers("pool claim", "customer_id", ["pool", "claim"], [])
case("pool claim", "customer_id", ["pool", "claim", C], 4, label="owned")
customers("pool release", "customer_id", ["pool", "release"], ["--reason", "不跟了"])
texts("pool release", "--reason", ["pool", "release", C], stored=last_change_reason)
case("pool release", "--reason", ["pool", "release", C], 2, label="missing")
dates("pool recycle", "--as-of", ["pool", "recycle"])
formats("pool recycle", ["pool", "recycle"])
formats("pool rules", ["pool", "rules"])
TRANSFER = ["--to", "wang.fang", "--reason", "区域调整"]
customers("customer transfer", "customer_ids", ["customer", "transfer"], TRANSFER, user="li.na")
members("customer transfer", "--to", ["customer", "transfer", C], ["--reason", "区域调整"], user="li.na")
case("customer transfer", "--to", ["customer", "transfer", C, "--to", "zhao.svc", "--reason", "x"], 2,
     user="li.na", label="after-sales")  # fmt: skip
case("customer transfer", "--to", ["customer", "transfer", C, "--to", "zhang.wei", "--reason", "x"], 2,
     user="li.na", label="its owner already")  # fmt: skip
texts("customer transfer", "--reason", ["customer", "transfer", C, "--to", "wang.fang"],
      stored=last_change_reason, user="li.na")  # fmt: skip
for value in BAD_MEMBERS:
    case("member leave", "member_id", ["member", "leave", value, "--pool"], 2 if value == "" else 3)
case(
    "member leave",
    "member_id",
    ["member", "leave", "li.na", "--to", "wang.fang"],
    2,
    label="the last manager",
)
members("member leave", "--to", ["member", "leave", "zhang.wei"], user="li.na")
case("member leave", "--to", ["member", "leave", "zhang.wei", "--to", "zhang.wei"], 2, label="the leaver")
case("member leave", "--to", ["member", "leave", "zhang.wei", "--to", "wang.fang", "--pool"], 2, label="both")
texts("member leave", "--reason", ["member", "leave", "zhang.wei", "--pool"], stored=last_change_reason)

# query and filters
for value in ("tier = ", "((", "tier = X\x00", "tier ~ '", LONG, "", "followups(99999999999999m) > 1",
              "amount > 1e309", "amount > NaN", "created > 2024-02-30"):  # fmt: skip
    case("query", "expression", ["query", value], 2, label=repr(value[:16]))
for value in ("没有这个", "../x", "\x00"):
    case("query", "--saved", ["query", "--saved", value], 3)
case("query", "--saved", ["query", "--saved", " "], 2)
dates("query", "--as-of", ["query", "tier = B"])
formats("query", ["query", "tier = B"])
texts("filter save", None, ["filter", "save"], ["tier = B"], stored=lambda v: config_has(v), param="name")
for value in ("tier = ", "((", "\x00", "", LONG):
    case("filter save", "expression", ["filter", "save", "新过滤", value], 2, label=repr(value[:12]))
case("filter save", "expression", ["filter", "save", "重点跟进", "tier = A"], 4)
formats("filter list", ["filter", "list"])
for value in ("没有这个", "", "\x00", "../x"):
    case("filter delete", "name", ["filter", "delete", value], 3)

# import
IMPORT = ["import", "leads"]
for value in ("{files}/missing.csv", "{files}", "{files}/link.pdf", "{files}/quote.pdf", "{files}/empty.csv",
              "{files}/bad.xlsx", "bad\x00.csv"):  # fmt: skip
    case("import leads", "file", [*IMPORT, value], 2, label=value[-12:])
LEADS = [*IMPORT, "{files}/leads.csv"]
for value in ("公司", "=name", "公司=nosuch", "公司=id", "\x00=name"):
    case("import leads", "--map", [*LEADS, "--map", value], 2)
texts("import leads", "--source", LEADS, stored=lambda v: new_customer("source", v))
for value in ("", "a\x07", LONG):
    case("import leads", "--tag", [*LEADS, "--tag", value], 2, label=repr(value[:12]))
members("import leads", "--owner", LEADS)
choices("import leads", "--assign", LEADS, bad="random")
choices("import leads", "--on-duplicate", LEADS, bad="merge")
dates("import leads", "--at", LEADS)
for value in ("{files}", "{files}/../" + WORK + "/salescrm.yaml", "bad\x00.csv"):
    case("import leads", "--rejects", [*LEADS, "--rejects", value], 2, label=value[-12:])

# feedback
customers("feedback add", "customer_id", ["feedback", "add"], ["--content", "屏幕闪烁"])
texts("feedback add", "--content", ["feedback", "add", C], stored=lambda v: last("feedback", "content", v),
      user="zhao.svc")  # fmt: skip
for value in ("{files}/missing.pdf", "{files}", "{files}/link.pdf", ""):
    case("feedback add", "--attach", ["feedback", "add", C, "--content", "屏幕闪烁", "--attach", value], 2,
         user="zhao.svc", label=value[-12:])  # fmt: skip
dates("feedback add", "--at", ["feedback", "add", C, "--content", "屏幕闪烁"], user="zhao.svc")
choices("feedback add", "--dept", ["feedback", "add", C, "--content", "屏幕闪烁"], bad="../x")
customers("feedback list", "customer_id", ["feedback", "list"], [])
members("feedback list", "--owner", ["feedback", "list"])
choices("feedback list", "--dept", ["feedback", "list"], bad="../x")
dates("feedback list", "--since", ["feedback", "list"])
formats("feedback list", ["feedback", "list"])
dates("feedback list", "--as-of", ["feedback", "list"])

# export
for value in ("xml", "", "../csv", "\x00"):
    case("export", "fmt", ["export", value], 2)
for value in (
    "{files}",
    "{files}/nodir/x.csv",
    "bad\x00.csv",
    "{files}/../team/salescrm.yaml",
    "{files}/../team/customers/x.csv",
    "{files}/../team/.git/config",
):
    case("export", "--out", ["export", "csv", "--out", value], 2, label=value[-12:])
members("export", "--owner", ["export", "ics"])
dates("export", "--as-of", ["export", "ics"])
BAD_QUERIES = [
    "",
    "   ",
    "tier = ",
    "colour = red",
    "(tier = B",
    "followups(3x) > 1",
    "industry > 5",
    "tier = B\x00",
]
for value in BAD_QUERIES:
    case("export", "--where", ["export", "json", "--where", value], 2, label=repr(value[:12]))
    case("opp list", "--where", ["opp", "list", "--where", value], 2, label=repr(value[:12]))

# report review
periods("report review", "--period", ["report", "review"])
dates("report review", "--as-of", ["report", "review"])
members("report review", "--owner", ["report", "review"])
case("report review", "--filter", ["report", "review", "--filter", ""], 2, label="''")
for value in ("没有这个筛选", "\x00", "../高潜客户"):  # names are looked up, never paths: exit 3
    case("report review", "--filter", ["report", "review", "--filter", value], 3, label=repr(value))
choices("report review", "--format", ["report", "review", "-f"][:-1], bad="pdf")
for value in ("{files}", "{files}/nodir/x.html", "bad\x00.html", "{files}/../team/salescrm.yaml",
              "{files}/../team/customers/x.html"):  # fmt: skip
    case("report review", "--out", ["report", "review", "-f", "html", "--out", value], 2, label=value[-12:])

# verify
for param, at in (("old", 1), ("new", 2)):
    for value, code in (("", 2), ("\x00", 2), ("--output=x", 2), (LONG, 2), ("nosuchref", 3), ("HEAD~99", 3)):
        args = ["verify", "HEAD", "HEAD", "--repo", "{files}/../" + WORK]
        args[at] = value
        case("verify", param, args, code, label=repr(value[:12]))
for value, code in (("{files}/nodir", 3), ("{files}/quote.pdf", 3), ("{files}", 2), ("", 2)):
    case("verify", "--repo", ["verify", "HEAD", "HEAD", "--repo", value], code, label=value[-12:])
for value in ("", "a\x1b[31mb", LONG):
    case("verify", "--ref", ["verify", "HEAD", "HEAD", "--repo", "{files}/../" + WORK, "--ref", value], 2,
         label=repr(value[:12]))  # fmt: skip
# find: nothing to search for is bad usage, nothing found is "no such customer"
for value in ("", "   ", "·.,-", "\x00"):
    case("find", "text", ["find", value], 2, label=repr(value))
for value in ("没有这家", "zzzz", "../etc"):
    case("find", "text", ["find", value], 3, label=repr(value))
case("find", "text", ["find", "mmkj"], 0, label="initials")
formats("find", ["find", "某某"])

# log, merge-driver, dev generate
customers("log", "customer_id", ["log"], [])
formats("log", ["log", C])
for param, at in (("base", 0), ("ours", 1), ("theirs", 2)):
    for value in ("{files}/missing.yaml", "{files}", "{files}/bomb.yaml", "{files}/tagged.yaml"):
        paths = ["{files}/c.yaml", "{files}/c.yaml", "{files}/c.yaml"]
        paths[at] = value
        wanted = (
            5
            if value.endswith(("bomb.yaml", "tagged.yaml"))
            else 0
            if param == "base" and "missing" in value
            else 2
        )
        case(
            "merge-driver", param, ["merge-driver", *paths], wanted, label=value[-12:]
        )  # no base: both added
for value in ("", "\x00", LONG):
    case("merge-driver", "name", ["merge-driver", *["{files}/c.yaml"] * 3, value], 0, lambda root: None,
         label=repr(value[:8]))  # fmt: skip
case(
    "dev generate",
    "folder",
    ["dev", "generate", "{files}/../team", "--customers", "1"],
    4,
    label="a data dir",
)
case(
    "dev generate", "folder", ["dev", "generate", "{files}/quote.pdf", "--customers", "1"], 2, label="a file"
)
for value in ("0", "-1", "abc", "1e309", "10000001"):
    case("dev generate", "--customers", ["dev", "generate", "{files}/gen", "--customers", value], 2)
for value in ("abc", "1e309", ""):
    case("dev generate", "--seed", ["dev", "generate", "{files}/gen", "--customers", "1", "--seed", value], 2)
dates("dev generate", "--as-of", ["dev", "generate", "{files}/gen", "--customers", "1"])

# Global options, tried on one read and one write command.
for command, args in (
    ("customer list", ["customer", "list"]),
    ("customer tag", ["customer", "tag", C, "+x"]),
):
    for value in ("../x", "\x00", "", "nobody"):
        wanted = 2 if value == "" else 0 if command == "customer list" else 3  # reading needs no member
        case(command, "--as", ["--as", value, *args], wanted, user="")
    for value in ("fr", "", "\x00"):
        case(command, "--lang", ["--lang", value, *args], 2)
    for value in ("{files}/missing", "{files}", "\x00"):
        case(command, "--data", ["--data", value, *args], 3)
    case(command, "--data", ["--data", " ", *args], 2)

# Parameters that take no user data, or are covered by the global cases above.
NOT_INPUT = {("customer edit", "customer_id")}


# ---- the data directory -------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git data directory: customer C with tasks, follow-ups, a feedback, opportunities O1 (lead),
    O2 (negotiation), O3 (lost), and files to attach or import."""
    base = tmp_path_factory.mktemp("matrix")
    home = tmp_path_factory.mktemp("matrix-home")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(home))
        env.setenv("XDG_CACHE_HOME", str(home / ".cache"))
        env.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        env.setenv("GIT_CONFIG_NOSYSTEM", "1")
        crm = Crm(base / WORK)
        crm.ok(["init", str(crm.root), "--team", "测试团队"], user=None)
        add_members(crm)
        assert crm.add_customer("某某科技有限公司", "--at", "2024-05-03") == C
        crm.ok(["followup", "plan", C, *PLAN])
        crm.ok(["followup", "log", C, *LOG])
        crm.ok(["opp", "add", C, *OPP])
        crm.ok(["opp", "add", C, *OPP])
        crm.ok(["opp", "stage", f"{C}-O2", "negotiation", "--force", "--reason", "老客户"], user="li.na")
        crm.ok(["opp", "negotiate", f"{C}-O2", "--decision-maker", "李总", "--competitor", "竞品X"])
        crm.ok(["opp", "add", C, *OPP])
        crm.ok(["opp", "lost", f"{C}-O3", "--reason", "价格过高"])
        crm.ok(["feedback", "add", C, "--content", "屏幕闪烁"], user="zhao.svc")
        other = crm.add_customer("另一家公司", "--at", "2024-05-04")
        crm.ok(["opp", "add", other, *OPP])
        crm.ok(["opp", "stage", f"{other}-O1", "negotiation", "--force", "--reason", "老客户"], user="li.na")
        crm.ok(["opp", "negotiate", f"{other}-O1", "--decision-maker", "李总", "--competitor", "竞品X"])
        crm.ok(
            [
                "opp",
                "won",
                f"{other}-O1",
                "--contract",
                "HT-2026-000",
                "--amount",
                "1",
                "--payment-terms",
                "x",
            ]
        )
        crm.ok(["pay", "plan", f"{other}-O1", "--due", "today", "--amount", "1"])
        crm.ok(["filter", "save", "重点跟进", "tier = B"])
    files = base / "files"
    files.mkdir()
    (files / "quote.pdf").write_bytes(b"%PDF-1.4 quote")
    (files / "报价单 😀.pdf").write_bytes(b"%PDF-1.4 quote")
    (files / "link.pdf").symlink_to(files / "quote.pdf")
    (files / "empty.csv").write_bytes(b"")
    (files / "bad.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    (files / "leads.csv").write_text(
        "公司,联系人,电话,需求\n星辰科技,周经理,13700000001,需要采购打印机\n", "utf-8"
    )
    (files / "bomb.yaml").write_text("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "utf-8")
    (files / "tagged.yaml").write_text("id: !!python/object/apply:os.system ['touch pwned']\n", "utf-8")
    shutil.copy(crm.root / "customers" / f"{C}.yaml", files / "c.yaml")
    return base


# ---- the tests ------------------------------------------------------------------------------


def git_head(root: Path) -> str:
    """``git rev-parse HEAD``, read from the files (a subprocess per case would double the run time)."""
    head = (root / ".git" / "HEAD").read_text("utf-8").strip()
    ref = root / ".git" / head.removeprefix("ref: ")
    return ref.read_text("utf-8").strip() if head.startswith("ref: ") else head


def test_git_head_reads_what_git_says(template: Path) -> None:
    run = subprocess.run(
        ["git", "-C", str(template / WORK), "rev-parse", "HEAD"], capture_output=True, text=True
    )
    assert git_head(template / WORK) == run.stdout.strip() != ""


def _link_git_objects(source: str, target: str) -> None:
    """Git objects never change once written: link them (fast), copy every other file."""
    if f"{Path('.git', 'objects')}" in source:
        Path(target).hardlink_to(source)
    else:
        shutil.copy(source, target)


@pytest.mark.parametrize("bad", CASES, ids=[c.id for c in CASES])
def test_bad_input(bad: Case, template: Path, tmp_path: Path) -> None:
    work = tmp_path / "w"
    shutil.copytree(template, work, symlinks=True, copy_function=_link_git_objects)
    args = [a.replace("{files}", str(work / "files")) for a in bad.args]
    crm = Crm(work / WORK, user=bad.user or None)
    before, head = tree_digest(work), git_head(crm.root)
    result = crm(args)
    assert "Traceback" not in result.stderr
    if bad.exit_code == 0:
        assert result.exit_code == 0, result.stderr
        if bad.check is not None:
            bad.check(work)
        assert crm("check").exit_code == 0
        return
    assert (result.exit_code, result.stderr.partition("\n")[0][:7]) == (bad.exit_code, "error: "), (
        result.stderr
    )
    assert tree_digest(work) == before
    assert git_head(crm.root) == head


def input_parameters() -> list[tuple[str, str]]:
    """(command, parameter) for every parameter that takes a value, walked from the app."""
    found: list[tuple[str, str]] = []

    def walk(command: Any, prefix: str) -> None:
        if hasattr(command, "list_commands"):
            for name in command.list_commands(None):
                walk(command.get_command(None, name), f"{prefix}{name} ")
            return
        for param in command.params:
            if getattr(param, "is_flag", False) or "--help" in param.opts:
                continue
            longest = max(param.opts, key=len) if param.opts[0].startswith("-") else param.name
            found.append((prefix.strip(), longest))

    walk(get_command(app), "")
    return found


def test_every_command_and_option_has_cases() -> None:
    covered = {(c.command, c.param) for c in CASES} | NOT_INPUT
    missing = [
        f"{command} {param}" for command, param in input_parameters() if (command, param) not in covered
    ]
    assert not missing, f"add bad-input cases for: {', '.join(missing)}"
    assert len(CASES) > 600
