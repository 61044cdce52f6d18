"""``salescrm remind``: what is overdue, due and coming up, for one member or the team."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import date
from enum import StrEnum

import typer

from salescrm.cli.context import Session, hold, out, session
from salescrm.core.config import Config
from salescrm.core.errors import ConflictError, Msg, UsageError
from salescrm.core.reminders import Digest


class RemindFormat(StrEnum):
    text = "text"
    json = "json"
    ics = "ics"


def remind(
    ctx: typer.Context,
    owner: str = typer.Option(None, "--owner", help="This member's reminders (default: yours)."),
    all_owners: bool = typer.Option(False, "--all", help="Everyone's reminders, grouped by owner."),
    within: int = typer.Option(0, "--within", help="Also list what is due in the next DAYS days."),
    as_of: str = typer.Option(None, "--as-of", help="Compute as of this date (default: today)."),
    fmt: RemindFormat = typer.Option(RemindFormat.text, "-f", "--format", help="text | json | ics"),
    mail: bool = typer.Option(False, "--mail", help="Mail each owner (and manager) their own digest."),
    push: bool = typer.Option(
        False, "--push", help="Post the digests to the team chats (push: remind in salescrm.yaml)."
    ),
    fail_on_overdue: bool = typer.Option(False, "--fail-on-overdue", help="Exit 1 when anything is overdue."),
) -> None:
    """Overdue and due follow-ups, birthdays, stale deals and escalations; nothing due prints nothing.

    Example: salescrm remind --all --within 3 --as-of 2026-11-27

    Example: salescrm remind --push   (企业微信 / 钉钉 / 飞书 group bots: docs/push.md)
    """
    from salescrm.core.reminders import concerning, due_digests, least_days, people_of

    s = session(ctx)
    if within < 0:
        raise UsageError(Msg("--within {days}: days ahead cannot be negative", days=within),
                         hint=Msg("use --within 0 or more"))  # fmt: skip
    if owner and all_owners:
        raise UsageError(Msg("--owner and --all cannot be used together"))
    today = s.today(as_of)
    config = s.config
    everyone = all_owners or ((mail or push) and not owner)
    member = None if everyone else _member(s, owner)
    # What is due, worked out in the index; the rules read the facts of only the customers
    # that may have something else (store/remind_index.py).
    due = s.reminders_due(
        today, least_days(config, within), None if member is None else people_of(member, config)
    )
    if member is not None:  # one digest: the rules run only where it can get something
        due = due._replace(
            rare=concerning(due.rare, member, config), whole=concerning(due.whole, member, config)
        )
    digests = due_digests(due, config, today, within, _review_due(today, config))
    hold(digests)
    if member is None:
        chosen = list(digests.values())
    elif member in digests:
        chosen = [digests[member]]
    else:
        chosen = []  # nothing due: nothing printed
    if push or mail:
        _deliver(s, chosen, today, push, mail)
    elif chosen:
        for text in _render(s, chosen, today, fmt):
            out(text)
    if fail_on_overdue and any(d.has_overdue() for d in chosen):
        raise typer.Exit(1)


def _review_due(today: date, config: Config) -> date | None:
    """The quarter's last day while its tier review is due and not yet applied."""
    from salescrm.core.periods import quarter_of
    from salescrm.core.tiers import tier_review_due

    # The review's own record is config's last_tier_review: no customer record is needed.
    return quarter_of(today).end if tier_review_due(today, [], config) else None


def _member(s: Session, owner: str | None) -> str:
    return s.config.member(owner.strip()).id if owner else s.member


def _render(s: Session, chosen: list[Digest], today: date, fmt: RemindFormat) -> Iterator[str]:
    """The output, in parts: text digests are written one by one as they are made (a team's
    run to 4 MB; joining them first would only build that much again)."""
    from salescrm.cli.digests import digest_text, digests_json

    if fmt == RemindFormat.json:
        yield digests_json(chosen, s.config, today)
    elif fmt == RemindFormat.ics:
        from salescrm.formats.ics import reminders_calendar

        items = [r for d in chosen for _, section in d.sections() for r in section]
        yield reminders_calendar(items, s.config.team, today, s.lang).decode("utf-8")
    else:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        for i, digest in enumerate(chosen):
            yield ("\n" if i else "") + digest_text(digest, s.config, today, s.lang, colour)


def _deliver(s: Session, chosen: list[Digest], today: date, push: bool, mail: bool) -> None:
    """Push and/or mail; one failing does not stop the other, and the command still fails."""
    from salescrm.cli.digests import digest_message
    from salescrm.cli.main import report_error
    from salescrm.cli.pushing import push_messages

    failures: list[ConflictError] = []
    if push:
        try:
            push_messages(s, "remind", [digest_message(d, s.config, today, s.lang) for d in chosen])
        except ConflictError as error:
            failures.append(error)
    if mail:
        try:
            _mail(s, chosen, today)
        except ConflictError as error:
            failures.append(error)
    for failure in failures[:-1]:
        report_error(failure, s.lang)
    if failures:
        raise failures[-1]


def _mail(s: Session, chosen: list[Digest], today: date) -> None:
    """One mail per digest; a failed delivery does not stop the others."""
    from salescrm.cli.digests import digest_text, mail_subject
    from salescrm.cli.main import report_error
    from salescrm.store.mail import mailer, send
    from salescrm.store.user_settings import load_user_settings

    config = s.config
    sender = mailer(load_user_settings(os.environ))  # never salescrm.yaml: git shares it
    failures = 0
    for digest in chosen:
        try:
            to = _address(config, digest.owner)
            body = digest_text(digest, config, today, s.lang)
            send(sender, to, mail_subject(digest, today, s.lang), body)
        except (UsageError, ConflictError) as error:
            report_error(error, s.lang)
            failures += 1
    if failures:
        raise ConflictError(
            Msg(
                "{failures} of {count} reminder mails could not be sent", failures=failures, count=len(chosen)
            ),
            hint=Msg("check the mail settings in your own settings file and that the server is reachable"),
        )


def _address(config: Config, member_id: str) -> str:
    member = next((m for m in config.members if m.id == member_id), None)
    if member is None or not member.email:
        raise UsageError(
            Msg("member {member_id!r} has no e-mail; their reminders were not mailed", member_id=member_id),
            hint=Msg("give them one in salescrm.yaml (members: email)"),
        )
    return member.email


def register(app: typer.Typer) -> None:
    app.command("remind")(remind)
