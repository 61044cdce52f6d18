"""The data directory: finding it, creating it, reading and writing its files.

This is the only code that touches the data directory. Writes go through a
``Transaction``: it takes the lock, collects every change, and only when the
command has finished without error writes them (atomically) and commits them.
A failed command therefore changes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salescrm.core.config import Config, config_from_data
from salescrm.core.errors import ConflictError, DamagedError, Msg, NotFoundError, Problem, UsageError
from salescrm.core.ids import check_customer_id
from salescrm.store import git
from salescrm.store.atomic import remove_leftovers, write_atomic
from salescrm.store.customer_file import parse_customer_file, read_text, with_lines
from salescrm.store.lock import locked
from salescrm.store.scan import CONFIG_NAME, LOCAL_DIR, LOCK_NAME, customer_names, data_root

if TYPE_CHECKING:  # only named in signatures: their modules are imported by the commands using them
    from salescrm.core.identity import Identity
    from salescrm.core.model import Customer
    from salescrm.core.reminders import Due
    from salescrm.store.index import Index, Narrow

# Per-clone state, editor litter, and what must never reach the team by accident: exports and
# reports written into the data folder (at its top: attachments/ may hold any kind of file),
# and secrets in .env files.
GITIGNORE = (
    f"{LOCAL_DIR}/\n*.swp\n*~\n.DS_Store\n"
    "/*.csv\n/*.xlsx\n/*.json\n/*.ics\n/*.vcf\n/*.html\n/*.md\n/*.sqlite\n/*.db\n/*.zip\n/*.pdf\n"
    ".env\n.env.*\n"
)
GITATTRIBUTES = "customers/*.yaml merge=salescrm\n"


def find_data_dir(explicit: str | None, environ: Mapping[str, str], cwd: Path) -> Path:
    """``--data``, else ``$SALESCRM_DATA``, else the nearest ancestor holding
    salescrm.yaml, else ``./data`` when it holds one (DESIGN §2)."""
    found = data_root(explicit, environ, str(cwd))
    if found is not None:
        return Path(found)
    chosen = explicit or environ.get("SALESCRM_DATA")
    if chosen:
        root = Path(chosen).expanduser()
        raise NotFoundError(
            Msg(
                "no salescrm data directory at {root} (it has no {CONFIG_NAME})",
                root=root,
                CONFIG_NAME=CONFIG_NAME,
            ),
            hint=Msg("create one with: salescrm init {root}", root=root),
        )
    raise NotFoundError(
        Msg("no salescrm data directory here or above"),
        hint=Msg("create one with: salescrm init DIR, or point at one with --data DIR or $SALESCRM_DATA"),
    )


def default_config_text(team: str) -> str:
    import json
    from importlib import resources  # here: only init needs it (~2.5 ms to import)

    template = resources.files("salescrm.store").joinpath("default_config.yaml").read_text("utf-8")
    # A JSON string is a valid YAML double-quoted scalar: any team name is safe.
    return template.replace("__TEAM__", json.dumps(team, ensure_ascii=False))


def init_data_dir(root: Path, team: str, use_git: bool) -> None:
    """Create a new data directory at ``root`` (which may exist but must not hold one)."""
    if (root / CONFIG_NAME).exists() or (root / "customers").exists():
        raise ConflictError(
            Msg("{root} already holds a salescrm data directory", root=root), hint=Msg("nothing was changed")
        )
    if root.exists() and not root.is_dir():
        raise UsageError(Msg("{root} exists and is not a folder", root=root))
    if use_git and not git.have_git():
        raise UsageError(Msg("git is not installed"), hint=Msg("install git, or pass --no-git"))
    root.mkdir(parents=True, exist_ok=True)
    for folder in ("customers", "attachments"):
        (root / folder).mkdir()
        (root / folder / ".gitkeep").write_bytes(b"")
    write_atomic(root / ".gitignore", GITIGNORE.encode())
    write_atomic(root / ".gitattributes", GITATTRIBUTES.encode())
    write_atomic(root / CONFIG_NAME, default_config_text(team).encode())
    if use_git and not git.is_repository(root):
        git.init(root)
        from salescrm.store import merge_driver  # only init needs it: kept off every start-up

        merge_driver.register(root)
        git.commit(root, [root], f"salescrm init: {team}")


@dataclass
class Loaded:
    """Every usable customer, and every problem met on the way."""

    customers: list[Customer] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class DataDir:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.customers_dir = root / "customers"
        self.attachments_dir = root / "attachments"
        self.local_dir = root / LOCAL_DIR
        # Set by the command line: (done, total) while many files are parsed, and notices.
        self.progress: Callable[[int, int], None] | None = None
        self.notice: Callable[[str], None] | None = None
        # The customer files' names while a transaction holds the lock: listed once, not by
        # each of the leftovers, the duplicate check and the numbering (~8 ms each at 10,000).
        self.listed: list[str] | None = None

    @cached_property
    def index(self) -> Index:
        """The derived index of this data directory (store/index.py), opened when first used."""
        from salescrm.store.index import Index

        return Index(self)

    def close(self) -> None:
        """Close the index's connection, if one was opened (a process that runs many commands)."""
        if "index" in vars(self):
            self.index.close()

    # -- configuration -----------------------------------------------------------
    @cached_property
    def config_text(self) -> str:
        """salescrm.yaml as read once: the config and the cache's rules both come from it."""
        return read_text(self.root / CONFIG_NAME, CONFIG_NAME)

    @cached_property
    def _config_and_problems(self) -> tuple[Config, list[Problem]]:
        text = self.config_text
        config, problems = config_from_data(self.index.config_data(text), CONFIG_NAME)
        return config, with_lines(problems, text)

    @property
    def config(self) -> Config:
        config, problems = self._config_and_problems
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise DamagedError(str(errors[0]), hint=Msg("fix salescrm.yaml, then run: salescrm check"))
        return config

    def config_problems(self) -> list[Problem]:
        try:
            return self._config_and_problems[1]
        except DamagedError as error:
            return [Problem(CONFIG_NAME, error.message.removeprefix(f"{CONFIG_NAME}: "))]

    # -- customers -----------------------------------------------------------------
    def path_of(self, customer_id: str) -> Path:
        return self.customers_dir / f"{check_customer_id(customer_id)}.yaml"

    def relative(self, path: Path) -> str:
        return str(path.relative_to(self.root))

    def customer_files(self) -> list[Path]:
        return [self.customers_dir / name for name in self.customer_file_names()]

    def customer_ids(self) -> list[str]:
        """Numbers taken, from file names alone (nothing is parsed)."""
        return [name.removesuffix(".yaml") for name in self.customer_file_names()]

    def customer_file_names(self) -> list[str]:
        # Plain names, sorted as strings: 10,000 Path objects cost more than the listing.
        if self.listed is not None:
            return self.listed
        return customer_names(self._listing())

    def _listing(self) -> list[str]:
        return os.listdir(self.customers_dir) if self.customers_dir.is_dir() else []

    def load_file(self, path: Path) -> tuple[Customer | None, list[Problem]]:
        """The customer in ``path`` (None when damaged) and its problems, with lines."""
        parsed = parse_customer_file(path, self.relative(path), self.config)
        return parsed.usable, parsed.problems + parsed.rule_problems

    def read_customer(self, customer_id: str) -> Customer:
        """One customer, for a command that works on it; damaged files are refused."""
        path = self.path_of(customer_id)
        if not path.exists() and (merged_into := self.alias_of(customer_id)) is not None:
            path = self.path_of(merged_into)  # a number merged into another: that customer
        if not path.exists():
            raise NotFoundError(
                Msg("no such customer {customer_id}", customer_id=customer_id),
                hint=Msg("list them with: salescrm customer list"),
            )
        customer, problems = self.load_file(path)
        if customer is None:
            first = next(p for p in problems if p.severity == "error")
            raise DamagedError(
                Msg("{first}", first=first.said),
                hint=Msg("fix the file (salescrm check lists every problem)"),
            )
        return customer

    def load_all(self) -> Loaded:
        """Every usable customer and every problem, through the derived index: only files
        changed since the last run are parsed (store/index.py)."""
        with self.index.snapshot():
            return Loaded(self.index.customers(), self.index.problems())

    def load_since(self, day: date) -> Loaded:
        """The usable customers with an event on ``day`` or later (``core/timeline.last_event_day``),
        and every problem, through the index."""
        with self.index.snapshot():
            return Loaded(self.index.customers(after=day - timedelta(days=1)), self.index.problems())

    def each_customer(
        self, as_of: date | None, problems: Callable[[list[Problem]], None]
    ) -> Iterator[Customer]:
        """Every usable customer in number order, one at a time, each as it stood at the end of
        ``as_of`` (as ``load_all`` and ``core/timeline.customers_as_of`` give them, sorted);
        ``problems`` hears of the damaged files first."""
        index = self.index
        with index.snapshot():
            problems(index.problems())
            if as_of is None:
                yield from index.each_customer()
                return
            from heapq import merge

            from salescrm.core.timeline import customers_as_of

            # A customer merged into another after that day stands apart then, under its own
            # number: found first (only they are held), then merged into the stream in order.
            apart = sorted(
                (
                    r
                    for c in index.each_customer(after=as_of)
                    for r in customers_as_of(c, as_of)
                    if r.id != c.id
                ),
                key=lambda c: c.id,
            )
            own = (r for c in index.each_customer() for r in customers_as_of(c, as_of) if r.id == c.id)
            yield from merge(own, apart, key=lambda c: c.id)

    def load_summaries(
        self, name: str, as_of: date, narrow: Narrow | None = None
    ) -> tuple[list[Any], list[Problem]]:
        """One summary (``store/index.SUMMARIES[name]``) of every usable customer as it stood
        at the end of ``as_of``, and every problem, read from the index. Customers with an
        event after that day (``core/timeline.last_event_day``) are rewound and summarised
        again; the others' summaries are already those of that day. ``narrow`` (tests of
        tier, owner, name and archived: ``core.query.narrowing``) leaves out customers that
        cannot match them (a superset: the caller still filters)."""
        from salescrm.store.index import SUMMARIES

        index = self.index
        with index.snapshot():
            found, problems = index.summaries(name, narrow, as_of), index.problems()
            late = index.late(as_of)
            if not late:
                return found, problems
            customers = index.customers(after=as_of)
        from salescrm.core.timeline import customers_as_of

        of = SUMMARIES[name].of
        rewound = {c.id: customers_as_of(c, as_of) for c in customers}  # and those merged into it later
        kept: list[Any] = []
        for summary in found:
            if summary[0] not in late:
                kept.append(summary)
            else:  # none: created later
                kept += [of(customer) for customer in rewound.get(summary[0], [])]
        return kept, problems

    def reminders_due(
        self, day: date, least_days: int, people: Collection[str] | None = None
    ) -> tuple[Due, list[Problem]]:
        """What ``remind`` finds due at the end of ``day`` (``core.reminders.Due``), worked out
        in the index; customers with events after that day are rewound first. ``people``:
        only what can reach their digests (None: everyone's)."""
        from salescrm.core.reminders import Due, facts_of
        from salescrm.core.timeline import customers_as_of

        index = self.index
        with index.snapshot():
            found = index.remind_due(self.config, day, least_days, people)
            rare = index.summaries_of("remind", found.rare)
            whole = index.summaries_of("remind", found.whole)
            late = index.records_of(found.late)
            problems = index.problems()
        whole += [facts_of(rewound) for customer in late for rewound in customers_as_of(customer, day)]
        rows = found.rows
        return Due(rows["tasks"], rows["cadence"], rows["payments"], rows["stale"], rare, whole), problems

    def duplicate_of(self, mine: Identity) -> tuple[str, str] | None:
        """(number, what matched) of the first customer ``mine`` repeats: a lookup of the
        index's identity keys, no customer decoded."""
        return self.index.duplicate_of(mine)

    def duplicate_and_names(
        self, mine: Identity, names: bool = True
    ) -> tuple[tuple[str, str] | None, list[tuple[str, str]]]:
        """``duplicate_of(mine)``, and (number, normalised name) of every usable customer for
        the close-name check: both from the index's identity keys, in one snapshot."""
        index = self.index
        with index.snapshot():
            return index.duplicate_of(mine), index.names() if names else []

    def identities(self) -> list[Identity]:
        """Every usable customer's identity (core/identity.py), from the index's identity keys."""
        return self.index.identities()

    def alias_of(self, number: str) -> str | None:
        """The customer that ``number`` was merged into, if any (the index's alias keys)."""
        return self.index.alias_of(number)

    # -- writing ---------------------------------------------------------------------
    @contextmanager
    def transaction(self, command: str, member: str) -> Iterator[Transaction]:
        """Lock, collect changes, and on success write and commit them all."""
        git.refuse_unfinished(self.root)  # before anything is read, changed or written
        with locked(self.local_dir / LOCK_NAME, self.config.lock_timeout):
            listing = self._listing()
            remove_leftovers(self.customers_dir, listing)
            remove_leftovers(self.root)
            self.listed = customer_names(listing)  # nothing else writes while we hold the lock
            try:
                tx = Transaction(self, command, member)
                yield tx
            finally:
                self.listed = None  # the transaction's own writes come next
            tx.apply()
            self.index.wrote(tx.customer_files())  # under the lock: no one else wrote them since
            self.index.forget()  # what this command reads next is brought up to date again


class Transaction:
    def __init__(self, datadir: DataDir, command: str, member: str) -> None:
        self.datadir = datadir
        self.command = command
        self.member = member
        self.records: list[str] = []
        self._files: dict[Path, bytes] = {}
        self._copies: list[tuple[Path, Path]] = []
        self._removals: list[Path] = []  # files and folders removed after the rest is written
        self.saved: dict[Path, Customer] = {}  # the customers queued, by file

    def save(self, customer: Customer, record: str | None = None) -> None:
        """Queue ``customer`` for writing, after checking it breaks no rule."""
        name = f"customers/{customer.id}.yaml"
        from salescrm.core.records import customer_to_data
        from salescrm.core.validate import validate_customer

        errors = [p for p in validate_customer(customer, self.datadir.config, name) if p.severity == "error"]
        if errors:
            raise UsageError(errors[0].message)
        path = self.datadir.path_of(customer.id)
        self._check_rules(path, customer)
        from salescrm.store.yamlio import dump_text

        text = dump_text(customer_to_data(customer))
        self._files[path] = text.encode("utf-8")
        self.saved[path] = customer
        self.records.append(record or customer.id)

    def _check_rules(self, path: Path, customer: Customer) -> None:
        """The rulebook (core/rules.py) on the change from the file as it is on disk."""
        from salescrm.core import rules

        config = self.datadir.config
        if rules.unrestricted(self.member, config):
            return
        before = None
        if path.exists():
            before = parse_customer_file(path, self.datadir.relative(path), config).customer
            if before is None:  # a damaged file: whose it was cannot be read, so managers only
                before = replace(customer, owner=rules.UNREADABLE)
        rules.refuse(config, rules.customer_breaches(self.member, config, before, customer))

    def remove_merged(self, drop: Customer, merged_into: Customer, moves: list[tuple[str, str]]) -> None:
        """Queue removing ``drop``'s file, merged into ``merged_into`` (saved in this
        transaction too), and moving its attachments (``moves``: from, to in the data directory)."""
        from salescrm.core import rules

        config = self.datadir.config
        if not rules.unrestricted(self.member, config):
            rules.refuse(config, rules.customer_breaches(self.member, config, drop, None, merged_into))
        root = self.datadir.root
        for source, target in moves:
            self.copy_in(root / source, root / target)
            self._removals.append(root / source)
        self._removals.append(self.datadir.path_of(drop.id))  # files no record names stay where they are
        self.records.append(drop.id)

    def exists(self, customer_id: str) -> bool:
        return self.datadir.path_of(customer_id) in self._files or self.datadir.path_of(customer_id).exists()

    def write_config(self, text: str) -> None:
        """Queue a new salescrm.yaml, refusing one with errors."""
        from salescrm.store.yamlio import load_text

        config, problems = config_from_data(load_text(text, CONFIG_NAME), CONFIG_NAME)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise UsageError(str(errors[0]))
        from salescrm.core import rules

        before = self.datadir.config
        rules.refuse(before, rules.config_breaches(self.member, before, config))
        self._files[self.datadir.root / CONFIG_NAME] = text.encode("utf-8")
        self.datadir.__dict__.pop("_config_and_problems", None)

    def copy_in(self, source: Path, target: Path) -> None:
        """Queue copying an outside file (an attachment) into the data directory."""
        self._copies.append((source, target))

    def apply(self) -> None:
        from salescrm.store.links import refuse_links_on_the_way

        root = self.datadir.root
        for target in [*(t for _, t in self._copies), *self._files]:  # before anything is written
            refuse_links_on_the_way(root, target)
        touched = []
        for source, target in self._copies:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, source.read_bytes())
            touched.append(target)
        for path, data in self._files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
            touched.append(path)
        for path in self._removals:  # last: a killed process leaves both records, never neither
            path.unlink(missing_ok=True)
            touched.append(path)
        self.datadir.__dict__.pop("_config_and_problems", None)
        if touched and git.is_repository(root) and self.datadir.config.autocommit:
            git.commit(root, touched, self.message())

    def customer_files(self) -> list[str]:
        """The customer files written or removed (``customers/…``, as the index names them)."""
        folder = self.datadir.customers_dir
        paths = [*self._files, *self._removals]
        return sorted({f"customers/{p.name}" for p in paths if p.parent == folder and p.suffix == ".yaml"})

    def message(self) -> str:
        records = ", ".join(dict.fromkeys(self.records))
        return f"salescrm {self.command}: {records or '-'} (by {self.member})"


def edit_config(tx: Transaction, change: Callable[[Any], None]) -> None:
    """Change salescrm.yaml keeping its comments and layout (ruamel round-trip)."""
    from io import StringIO

    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 10_000
    path = tx.datadir.root / CONFIG_NAME
    pending = tx._files.get(path)
    document = yaml.load(pending.decode() if pending else read_text(path, CONFIG_NAME))
    comments = _detach_comments(document)
    change(document)
    _attach_comments(document, comments)
    out = StringIO()
    yaml.dump(document, out)
    tx.write_config(out.getvalue())


# ruamel keeps the comment block that precedes a top-level key as a trailing comment
# of the last entry of the section before it (or, while that section is an empty
# `{}` / `[]`, as a leading comment of the key). Entries added to that section would
# land below the comment, or the comment inside the section; so the comments are
# taken off first and put back at each section's (new) end.
def _commented(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        converted = value if isinstance(value, CommentedMap) else CommentedMap()
        for key, item in list(value.items()):
            converted[key] = _commented(item)
        return converted
    if isinstance(value, list):
        items = value if isinstance(value, CommentedSeq) else CommentedSeq(value)
        for index, item in enumerate(items):
            items[index] = _commented(item)
        return items
    return value


def _last_entry(node: Any) -> tuple[Any, Any] | None:
    found = None
    while isinstance(node, (dict, list)) and len(node):
        if found is not None and _flow_style(node):  # a comment inside `{…}` would break it: stop above
            break
        key = list(node)[-1] if isinstance(node, dict) else len(node) - 1
        found = (node, key)
        node = node[key]
    return found if found is not None and isinstance(found[0], dict) else None


def _flow_style(node: Any) -> bool:
    attributes = getattr(node, "fa", None)
    return bool(attributes is not None and attributes.flow_style())


def _detach_comments(document: Any) -> dict[str, Any]:
    from ruamel.yaml.tokens import CommentToken

    detached: dict[str, Any] = {}
    keys = list(document)
    for previous, key in zip(keys, keys[1:], strict=False):
        entry = document.ca.items.get(key)
        if entry and entry[1]:  # a leading comment of `key`
            text = "\n" + "".join(token.value for token in entry[1])
            detached[previous] = CommentToken(text, entry[1][0].start_mark)
            entry[1] = None
    for key, value in document.items():
        spot = _last_entry(value)
        entry = spot[0].ca.items.get(spot[1]) if spot else None
        if entry and len(entry) > 2 and entry[2] is not None:
            detached[key], entry[2] = entry[2], None
    return detached


def _attach_comments(document: Any, detached: dict[str, Any]) -> None:
    from ruamel.yaml.tokens import CommentToken

    keys = list(document)
    for key, comment in detached.items():
        if key not in document:
            continue
        document[key] = _commented(document[key])
        spot = _last_entry(document[key])
        following = keys[keys.index(key) + 1] if keys.index(key) + 1 < len(keys) else None
        if spot is None and following is not None:  # an empty section: lead the next key instead
            entry = document.ca.items.setdefault(following, [None, None, None, None])
            entry[1] = [CommentToken(comment.value[1:], comment.start_mark)]
            continue
        container, last = spot or (document, key)
        container.ca.items.setdefault(last, [None, None, None, None])[2] = comment
