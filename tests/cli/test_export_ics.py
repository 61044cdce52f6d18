"""``salescrm export ics`` and ``remind --format ics``: parsed back with the icalendar library."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from icalendar import Calendar

if TYPE_CHECKING:
    from tests.conftest import Crm, Digest

AS_OF = "2026-11-27"


def events(text: str | bytes) -> dict[str, tuple[str, object, str | None]]:
    """UID → (summary, start, yearly rule or None) of every event in the calendar."""
    calendar = Calendar.from_ical(text)
    found = {}
    for event in calendar.walk("VEVENT"):
        rule = event.get("rrule")
        found[str(event["uid"])] = (str(event["summary"]), event.decoded("dtstart"), rule and rule["FREQ"][0])
    return found


def team(crm: Crm) -> tuple[str, str]:
    vip = crm.add_customer(
        "某某科技有限公司", "--tier", "VIP", "--at", "2026-11-25", "--birthday", "1980-03-15"
    )
    other = crm.add_customer("另一家公司", "--tier", "B", "--at", "2026-11-01", "--owner", "wang.fang",
                             "--birthday", "12-01", user="li.na")  # fmt: skip
    crm.ok(
        f"followup plan {vip} --due 2026-11-30T10:00 --via visit --focus 演示样机 --goal 确认配置 --at 2026-11-25"
    )
    return vip, other


def test_export_ics_holds_tasks_cadence_days_and_yearly_birthdays(crm: Crm) -> None:
    vip, other = team(crm)
    out = crm.ok(["--lang", "en", "export", "ics", "--as-of", AS_OF])
    assert events(out) == {
        f"{vip}-T1-task@salescrm": ("visit 某某科技有限公司: 演示样机", datetime(2026, 11, 30, 10, 0), None),
        f"{other}-cadence@salescrm": ("Follow up 另一家公司 (B)", date(2026, 12, 1), None),
        f"{vip}-birthday-{_hash('王经理')}@salescrm": (
            "Birthday: 王经理 (某某科技有限公司)",
            date(2027, 3, 15),
            "YEARLY",
        ),
    }  # the VIP's cadence day (12-02) comes after its task, so the task stands for it; B has no birthday care


def _hash(name: str) -> str:
    from hashlib import sha1

    return sha1(name.encode()).hexdigest()[:8]


def test_export_ics_for_one_owner_to_a_file(crm: Crm, tmp_path: Path) -> None:
    _, other = team(crm)
    target = tmp_path / "wang.fang.ics"
    out = crm.ok(["export", "ics", "--owner", "wang.fang", "--out", str(target), "--as-of", AS_OF])
    assert out == f"exported 1 calendar item to {target}\n"
    assert list(events(target.read_bytes())) == [f"{other}-cadence@salescrm"]


def test_remind_format_ics_holds_the_digest(crm: Crm) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    vip, _ = team(crm)
    out = crm.ok(["remind", "--within", "3", "--as-of", AS_OF, "-f", "ics"])
    assert events(out) == {
        f"{vip}-T1-task@salescrm": ("拜访 某某科技有限公司: 演示样机", datetime(2026, 11, 30, 10, 0), None)
    }


def test_export_ics_of_an_unknown_owner_is_exit_3(crm: Crm, digest: Digest) -> None:
    before = digest(crm.root)
    result = crm("export ics --owner nobody")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (3, "error: no such member 'nobody'")
    assert digest(crm.root) == before


def test_remind_format_ics_leaves_out_what_is_not_an_appointment(crm: Crm) -> None:
    """Feedback notes and the manager's tier-review notice are read, not put in a calendar
    (they once made ``remind -f ics`` fail)."""
    vip, _ = team(crm)
    crm.ok(["--as", "zhao.svc", "feedback", "add", vip, "--content", "客户反馈安装进度慢,需要加派工程师"])
    digest = crm.ok(["remind", "--all", "--within", "3", "--as-of", "2026-12-31"])
    assert "客户反馈安装进度慢" in digest
    out = crm.ok(["remind", "--all", "--within", "3", "--as-of", "2026-12-31", "-f", "ics"])
    kinds = {uid.split("@")[0].rsplit("-", 1)[1] for uid in events(out)}
    assert kinds <= {"task", "cadence", "birthday"} and "cadence" in kinds
