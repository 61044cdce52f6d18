"""What every command needs: the data directory, the acting member, the language, the clock.

The clock and the environment are read here, at the edge, and passed into the core.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salescrm.core.errors import Msg, NotFoundError, Problem, UsageError

if TYPE_CHECKING:  # imported when used: `salescrm --help` needs neither YAML nor the store
    from collections.abc import Collection, Iterator

    import typer

    from salescrm.core.config import Config
    from salescrm.core.model import Customer
    from salescrm.core.parse import When
    from salescrm.core.query import Test
    from salescrm.core.reminders import Due
    from salescrm.store.datadir import DataDir


@dataclass
class Session:
    """One command's global options (--data, --as, --lang), and what it loads once from them."""

    data_option: str | None = None
    as_option: str | None = None
    lang_option: str | None = None
    warned: bool = field(default=False, init=False, repr=False)  # of damaged files, once a command

    def __post_init__(self) -> None:
        # a new command (tests run many in one process): the last one's data go, and its index
        # connection is closed now rather than whenever the cycle collector finds it
        for held in _sessions:
            if "datadir" in vars(held):
                held.datadir.close()
        _sessions[:] = [self]
        _held.clear()

    @cached_property
    def datadir(self) -> DataDir:
        from salescrm.store.datadir import DataDir, find_data_dir
        from salescrm.store.links import refuse_linked_folders

        datadir = DataDir(find_data_dir(self.data_option, os.environ, Path.cwd()))
        refuse_linked_folders(datadir.root)  # a commit can carry them (SECURITY.md)
        datadir.notice = warn
        if sys.stderr.isatty():
            datadir.progress = progress_bar
        return datadir

    @property
    def config(self) -> Config:
        return self.datadir.config

    @cached_property
    def member(self) -> str:
        """The acting member: --as, $SALESCRM_USER, or the git e-mail (DESIGN §3)."""
        chosen = self.as_option or os.environ.get("SALESCRM_USER")
        if chosen:
            return self.config.member(chosen.strip()).id
        from salescrm.store.git import user_email

        email = user_email(self.datadir.root)
        if email:
            for member in self.config.members:
                if member.email and member.email.casefold() == email.casefold():
                    return member.id
        raise UsageError(
            Msg(
                "who is acting? no --as, no $SALESCRM_USER, and no member has your git e-mail{email}",
                email=f" ({email})" if email else "",
            ),
            hint=Msg("pass --as MEMBER, set SALESCRM_USER=MEMBER, or give your member your git e-mail"),
        )

    @property
    def lang(self) -> str:
        """--lang, else $SALESCRM_LANG, else the team's locale (salescrm.yaml), else $LC_ALL /
        $LANG (outside a data directory: init, help), else English."""
        if self.lang_option:
            return self.lang_option
        chosen = os.environ.get("SALESCRM_LANG", "").strip()
        if chosen:
            return language_of(chosen, "SALESCRM_LANG")
        try:
            return self.config.lang
        except Exception:  # no data directory (yet): the system's language
            system = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
            return "zh" if system.lower().startswith("zh") else "en"

    def today(self, as_of: str | None = None) -> date:
        """``--as-of`` as given, else today in the team's time zone."""
        if as_of:
            from salescrm.core.parse import parse_date

            return parse_date(as_of, what="--as-of date")
        return self.now().date()

    def member_option(self, member: str | None) -> str | None:
        """An --owner style option: None, ``me`` (the acting member) or a member id (checked)."""
        if member is None:
            return None
        if member.strip().lower() == "me":
            return self.member
        return self.config.member(member.strip()).id

    def now(self) -> datetime:
        """Now in the team's time zone (``timezone`` in salescrm.yaml), to the minute, as the
        files write moments: without a zone."""
        return datetime.now(self.zone).replace(second=0, microsecond=0, tzinfo=None)

    @cached_property
    def zone(self) -> tzinfo | None:
        """The team's time zone (None: this machine's, when there is no data directory yet
        or the zone is unknown here)."""
        try:
            name = self.config.timezone
        except Exception:  # no data directory (yet)
            return None
        from zoneinfo import ZoneInfo

        try:
            return ZoneInfo(name)
        except (ValueError, OSError):
            warn(f"unknown time zone {name!r} (timezone: in salescrm.yaml); using this machine's")
            return None

    def moment(self, at: str | None, what: str = "--at date") -> When:
        """When an event happened: ``--at`` as given (never in the future), else now."""
        if not at:
            return self.now()
        from salescrm.core.parse import parse_when
        from salescrm.core.timeline import refuse_future

        when = parse_when(at, self.today(), what)
        refuse_future(when, self.now(), what)
        return when

    # -- reading every customer: damaged files are skipped with a warning --------------
    def customers(self, as_of: date | None = None) -> list[Customer]:
        """Every usable customer (through the derived index, store/index.py); with ``as_of``, each as
        it stood at the end of that day, leaving out those created later (core/timeline.py)."""
        loaded = self.datadir.load_all()
        self._warn(loaded.problems)
        hold(loaded)
        if as_of is None:
            return loaded.customers
        from salescrm.core.timeline import customers_as_of

        return [rewound for c in loaded.customers for rewound in customers_as_of(c, as_of)]

    def customers_since(self, day: date) -> list[Customer]:
        """The usable customers with an event on ``day`` or later, as on file (the index's
        latest-event column finds them; a rule about that day needs no other)."""
        loaded = self.datadir.load_since(day)
        warn_problems(loaded.problems, self.lang)
        hold(loaded)
        return loaded.customers

    def each_customer(self, as_of: date | None = None) -> Iterator[Customer]:
        """What ``customers`` gives, sorted by number, one at a time: an export of every
        customer holds none of them (10,000 whole records are ~300 MB)."""
        return self.datadir.each_customer(as_of, lambda problems: warn_problems(problems, self.lang))

    def summaries(self, name: str, as_of: date, narrow: list[Test] | None = None) -> list[Any]:
        """One summary (``store/index.SUMMARIES[name]``) of every usable customer as it stood
        at the end of ``as_of``, from the index: only a customer with events after
        that day is decoded, rewound, and summarised again. ``narrow``: leave out those whose
        tier, owner, name or archived flag cannot match (``core.query.narrowing``; the command
        still filters what it gets)."""
        found, problems = self.datadir.load_summaries(name, as_of, narrow)
        self._warn(problems)
        hold(found)
        return found

    def _warn(self, problems: list[Problem]) -> None:
        """Skipped damaged files, said once however many reads a command makes."""
        if not self.warned:
            self.warned = True
            warn_problems(problems, self.lang)

    def reminders_due(self, as_of: date, least_days: int, people: Collection[str] | None = None) -> Due:
        """What ``remind`` finds due at the end of ``as_of``, worked out in the index
        (``DataDir.reminders_due``); damaged files are warned of as ``summaries`` does."""
        found, problems = self.datadir.reminders_due(as_of, least_days, people)
        self._warn(problems)
        hold(found)
        return found


LANGUAGES = ("zh", "en")


def language_of(text: str, where: str) -> str:
    """``zh`` or ``en`` from ``zh``, ``zh_CN``, ``zh-CN.UTF-8``, ``en_US`` …; anything else is an error."""
    code = text.strip().replace("-", "_").split(".")[0].split("_")[0].lower()
    if code not in LANGUAGES:
        raise UsageError(
            Msg("unknown language {text!r} ({where})", text=text, where=where), hint=Msg("use zh or en")
        )
    return code


def session(ctx: typer.Context) -> Session:
    refuse_blank(ctx)
    obj = ctx.find_root().obj
    if not isinstance(obj, Session):
        obj = Session()
        ctx.find_root().obj = obj
    return obj


def hold(*values: object) -> None:
    """Keep what a command loaded and built until the process ends. Python would free it
    object by object as the command returns (10-30 ms at 10,000 customers: remind's facts and
    digests, a report's 30,000 deal rows), just before main._leave ends it with os._exit."""
    _held.extend(values)


_held: list[object] = []
_sessions: list[Session] = []  # the command running in this process


def refuse_blank(ctx: typer.Context) -> None:
    """An option or argument typed as ``""`` (often an unset shell variable) is an error, not
    the same as leaving it out: ``--as-of "$DAY"`` must not quietly mean today."""
    for param in ctx.command.params:
        if param.required:  # required values are checked where they are parsed, with their own words
            continue
        value = ctx.params.get(param.name or "")
        values = value if isinstance(value, list | tuple) else [value]
        given = getattr(ctx.get_parameter_source(param.name or ""), "name", "") == "COMMANDLINE"
        if given and any(isinstance(v, str) and not v.strip() for v in values):
            named = param.opts[0].startswith("-")
            label = max(param.opts, key=len) if named else (param.metavar or str(param.name).upper())
            raise UsageError(
                Msg("{label} must not be empty", label=label),
                hint=Msg("see: {command_path} --help", command_path=ctx.command_path),
            )


def warn(message: str) -> None:
    from salescrm.core.safe_text import visible  # a notice may name a file from git

    print(f"warning: {visible(message)}", file=sys.stderr)


def progress_bar(done: int, total: int) -> None:
    """``parsing customer files [#####     ] 5000/10000`` on stderr, redrawn in place."""
    filled = 30 * done // max(total, 1)
    end = "\n" if done >= total else ""
    bar = "#" * filled + " " * (30 - filled)
    sys.stderr.write(f"\rparsing customer files [{bar}] {done}/{total}{end}")
    sys.stderr.flush()


WARNED_FILES = 20  # then a count: 100,000 damaged files must not be 100,000 lines of cron mail


def warn_problems(problems: list[Problem], lang: str) -> None:
    """Read commands skip damaged files: say so on stderr, once per file, for the first
    ``WARNED_FILES`` files, then how many more (``check`` lists them all)."""
    from salescrm.core.safe_text import visible
    from salescrm.i18n import say

    seen: set[str] = set()
    for problem in problems:
        if problem.severity == "error" and problem.file not in seen:
            seen.add(problem.file)
            if len(seen) <= WARNED_FILES:
                skipped = Msg("skipped {problem} (salescrm check lists every problem)", problem=problem.said)
                print(
                    f"warning: {visible(say(skipped, lang))}", file=sys.stderr
                )  # the prefix stays: cron greps it
    if len(seen) > WARNED_FILES:
        more = len(seen) - WARNED_FILES
        skipped = (
            Msg("skipped {count} more damaged file (salescrm check lists every problem)", count=more)
            if more == 1
            else Msg("skipped {count} more damaged files (salescrm check lists every problem)", count=more)
        )
        print(f"warning: {say(skipped, lang)}", file=sys.stderr)


def out(text: str) -> None:
    sys.stdout.write(text)


def not_found(what: str, name: str, hint: str | None = None) -> NotFoundError:
    return NotFoundError(Msg("no such {what} {name!r}", what=what, name=name), hint=hint)
