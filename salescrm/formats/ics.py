"""Reminders as an iCalendar file (RFC 5545), built with the icalendar library.

Open tasks become events at their due time, cadence days and installments due (回款)
all-day events, and birthdays yearly all-day events. UIDs come from the record references, so a
calendar that re-imports the file updates events instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from hashlib import sha1

from icalendar import Calendar, Event

from salescrm.core.parse import as_datetime
from salescrm.core.reminders import Reminder
from salescrm.i18n import label, t

UID_DOMAIN = "salescrm"
# What has a day in a calendar; stale deals, feedback notes and the tier-review notice are
# things to read, not appointments.
CALENDAR_KINDS = frozenset({"task", "cadence", "birthday", "payment"})


def reminders_calendar(reminders: Iterable[Reminder], team: str, stamp: date, lang: str = "en") -> bytes:
    """One VCALENDAR holding an event per reminder that is a calendar item (CALENDAR_KINDS)."""
    calendar = Calendar()
    calendar.add("prodid", "-//salescrm//salescrm reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"salescrm {team}")
    seen: set[str] = set()
    for reminder in reminders:
        uid = _uid(reminder)
        if reminder.kind not in CALENDAR_KINDS or uid in seen:
            continue
        seen.add(uid)
        calendar.add_component(_event(reminder, uid, as_datetime(stamp), lang))
    return calendar.to_ical()


def _uid(reminder: Reminder) -> str:
    # A customer has one cadence day but may have several contacts with birthdays.
    contact = f"-{sha1(reminder.what.encode()).hexdigest()[:8]}" if reminder.kind == "birthday" else ""
    return f"{reminder.reference}-{reminder.kind}{contact}@{UID_DOMAIN}"


def _event(reminder: Reminder, uid: str, stamp: datetime, lang: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    names = {
        "name": reminder.customer_name,
        "tier": reminder.tier,
        "what": reminder.what,
        "detail": reminder.detail,
    }
    if reminder.kind == "task":
        via = label("channel", reminder.via or "other", lang)
        event.add("summary", f"{via} {reminder.customer_name}: {reminder.what}")
    else:
        event.add("summary", t(lang, "calendar", reminder.kind, **names))
    event.add("description", "\n".join(x for x in (reminder.reference, reminder.detail) if x))
    if isinstance(reminder.due, datetime):
        event.add("dtstart", reminder.due)
        event.add("dtend", reminder.due + timedelta(hours=1))
    else:
        event.add("dtstart", reminder.due)
        event.add("dtend", reminder.due + timedelta(days=1))
    if reminder.kind == "birthday":
        event.add("rrule", {"freq": "yearly"})
    return event
