"""``salescrm export ics``: open tasks, cadence days and cared-for birthdays as iCalendar."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from salescrm.cli.context import Session, out
from salescrm.core.errors import Msg
from salescrm.core.model import Customer
from salescrm.i18n import say


def export_calendar(
    s: Session, customers: Iterable[Customer], owner: str | None, today: date, target: Path | None
) -> None:
    from salescrm.core.reminders import calendar_reminders
    from salescrm.formats.ics import reminders_calendar
    from salescrm.store.outputs import write_output

    member = s.config.member(owner.strip()).id if owner else None
    items = [r for r in calendar_reminders(customers, s.config, today) if member in (None, r.owner)]
    data = reminders_calendar(items, s.config.team, today, s.lang)
    if target is None:
        out(data.decode("utf-8"))
        return
    write_output(target, data)
    exported = (
        Msg("exported 1 calendar item to {path}", path=str(target))
        if len(items) == 1
        else Msg("exported {count} calendar items to {path}", count=len(items), path=str(target))
    )
    out(say(exported, s.lang) + "\n")
