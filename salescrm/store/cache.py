"""The parsed-record cache: each customer file is parsed once, until it changes.

Where: ``user_cache_dir("salescrm")/<checksum of the data directory's path>/``, outside
anything git tracks (``store/cache_files.py``): ``index.msgpack``, the ``records-*.bin``
file it names and ``identities.msgpack``.
What: msgpack (plain maps, lists, strings, numbers; dates and amounts as extension
types) — nothing in it can run code, whoever wrote it. The index is kept in columns
(``store/index_file.py``): per file the stat key, the problems found (so read commands
still warn about a damaged file), the identity used by the duplicate check, where the
record's parts lie in the records file (the profile, and each long list — tasks,
follow-ups, opportunities, … — decoded on first use), and one column per summary
(``SUMMARIES``: the few values a command family reads instead of whole customers).
A change appends its parts to the records file; it is rewritten only when half unused.

When an entry is trusted (DESIGN §5, git's racy-index rule): its key
``(size, mtime_ns, inode, ctime_ns)`` equals the file's, and the file's mtime
and ctime are older than the moment the cache was written minus ``RACY_NS``.
A file changed within the same timestamp tick as a cache write, even to the
same size, is therefore parsed again next time. ctime cannot be set back by
``touch``, the inode changes on every atomic write, so a cache never hides a
change. The header names the cache format, the data directory, a fingerprint
of salescrm's parsing code and of ``salescrm.yaml``: a foreign, stale or
corrupt cache is rebuilt silently, and a changed salescrm.yaml re-checks every
record against the new rules without parsing the YAML again.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import gc
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import msgpack

from salescrm.core.config import Config
from salescrm.core.errors import Problem
from salescrm.store import identity_text, prescan, scan
from salescrm.store.cache_files import CACHE_FORMAT, cache_dir, code_fingerprint, write_new
from salescrm.store.datadir import DataDir, Loaded, Parsed, _with_lines, parse_customer_file
from salescrm.store.index_file import (
    BytesInPieces,
    IndexFile,
    PackedItems,
    index_pieces,
    map_file,
    pack,
    unpack,
)
from salescrm.store.scan import Scan

if TYPE_CHECKING:
    from salescrm.core.identity import Identity
    from salescrm.core.model import Customer

CACHE_NAME = "index.msgpack"
IDENTITY_NAME = "identities.msgpack"
RACY_NS = 2_000_000_000  # a file this close to the cache's write time is checked again
PARALLEL_FROM = 200  # files to parse before the work is spread over the cores
_FEW_CHANGES = 50  # files parsed again up to which the identity file's text is patched, not rebuilt
LAZY = ("tier_history", "tasks", "followups", "opportunities", "feedback")

StatKey = list[int]  # size, mtime_ns, inode, ctime_ns
T = TypeVar("T")


@dataclass(frozen=True)
class Summary:
    """A few values of a customer that a command reads instead of the whole record,
    computed when the file is parsed and kept in the index (pure functions of the customer,
    so a summary from the cache equals one computed from the parsed file). Named by module
    and function, imported when used: a command imports only the summary it reads."""

    module: str
    functions: tuple[str, str, str]  # of(customer), to_data(summary), from_data(data)
    tuples: bool = False  # its data's arrays decoded as tuples (read-only rows: one allocation each)

    def _function(self, index: int) -> Callable[[Any], Any]:
        return _resolve(self.module, self.functions[index])

    @property
    def of(self) -> Callable[[Customer], Any]:
        return self._function(0)

    @property
    def to_data(self) -> Callable[[Any], Any]:
        return self._function(1)

    @property
    def from_data(self) -> Callable[[Any], Any]:
        return self._function(2)


@functools.cache
def _resolve(module: str, name: str) -> Callable[[Any], Any]:
    """A function by module and name, imported once (a cold run asks 60,000 times)."""
    return getattr(import_module(module), name)


SUMMARIES: dict[str, Summary] = {
    "remind": Summary(
        "salescrm.core.reminders", ("facts_of", "facts_to_data", "facts_from_data"), tuples=True
    ),
    "deals": Summary("salescrm.core.dealrows", ("rows_of", "rows_to_data", "rows_from_data")),  # reports
    "list": Summary("salescrm.core.listrows", ("row_of", "row_to_data", "row_from_data")),  # list, query
    # (number, day of its latest event): which customers "as of" a day must rewind
    "settled": Summary("salescrm.core.settled", ("settled_of", "settled_to_data", "settled_from_data")),
    "find": Summary("salescrm.core.find", ("keys_of", "keys_to_data", "keys_from_data")),  # find, CUSTOMER
    # won deals' plan lines and receipts: report receivables and collection, pay list
    "money": Summary("salescrm.core.moneyrows", ("money_of", "money_to_data", "money_from_data")),
}


# -- entries ---------------------------------------------------------------------------


# The index's columns that are read per entry only when a command asks (Entry.__getattr__).
_LAZY_COLUMNS = ("problems", "identity", "parts")


@dataclass
class Entry:
    """What the cache keeps of one file.

    An entry read from the index holds its columns packed and decodes each on first
    use: a command that reads one summary of 10,000 customers decodes only that."""

    stat: StatKey
    problems: list[list[Any]] = field(default_factory=list)  # of reading the file: rules apart
    rule_problems: list[list[Any]] = field(default_factory=list)  # of the rules in salescrm.yaml
    # normal name, phones, e-mails (a factory, not a class attribute that would hide __getattr__)
    identity: list[Any] | None = field(default_factory=lambda: None)
    summaries: dict[str, bytes] = field(default_factory=dict)  # name → packed data (SUMMARIES)
    # Packed parts, or where they lie in the records file: "head" (the record without its
    # long lists) and each long list.
    parts: dict[str, Any] = field(default_factory=dict)
    records: memoryview | None = None  # the mapped records file the parts lie in, if any

    @classmethod
    def packed(cls, stat: StatKey, columns: dict[str, Any], records: memoryview | None) -> Entry:
        """An entry as the index holds it: ``columns`` maps each of _LAZY_COLUMNS to its
        packed bytes (or None: empty) and "summaries" to name → packed bytes."""
        entry = cls.__new__(cls)
        entry.__dict__.update(stat=stat, summaries=columns["summaries"], records=records, _packed=columns)
        return entry

    def __getattr__(self, name: str) -> Any:
        # Only called for an attribute not yet set: a column of an entry read from the index.
        packed = self.__dict__.get("_packed")
        column = "problems" if name == "rule_problems" else name
        if packed is None or column not in _LAZY_COLUMNS:
            raise AttributeError(name)
        raw = packed[column]
        if column == "problems":
            self.problems, self.rule_problems = unpack(raw) if raw is not None else ([], [])
        elif column == "parts":
            self.parts = unpack(raw) if raw is not None else {}
            if not isinstance(self.parts, dict):
                raise ValueError("not a cache entry")
        else:
            self.identity = unpack(raw) if raw is not None else None
        return self.__dict__[name]

    @property
    def from_index(self) -> bool:
        """Read from the index, not parsed from its file by this command."""
        return "_packed" in self.__dict__

    def column(self, name: str) -> bytes | None:
        """One of _LAZY_COLUMNS packed for the index: as read when untouched, else packed anew."""
        packed = self.__dict__.get("_packed")
        if packed is not None and name not in self.__dict__:
            return packed[name]
        if name == "problems":
            both = [self.problems, self.rule_problems]
            return pack(both) if any(both) else None
        value = getattr(self, name)
        return pack(value) if value else None

    def part(self, key: str) -> Any:
        """The packed bytes of one long list."""
        where = self.parts[key]
        if self.records is None:
            return where
        offset, length = where
        if not (offset >= 0 and length >= 0 and offset + length <= len(self.records)):
            raise ValueError("a part lies outside the records file")
        return self.records[offset : offset + length]

    def packed_parts(self) -> dict[str, Any]:
        return {key: self.part(key) for key in self.parts}

    def to_list(self) -> list[Any]:
        return [self.stat, self.problems, self.rule_problems, self.identity, self.summaries, self.parts]

    @classmethod
    def from_list(cls, raw: Any) -> Entry:
        stat, problems, rules, identity, summaries, parts = raw
        if not (isinstance(stat, list) and len(stat) == 4 and isinstance(parts, dict)):
            raise ValueError("not a cache entry")
        return cls(stat, problems, rules, identity, summaries, parts)

    @property
    def has_record(self) -> bool:
        return "head" in self.parts

    def head(self) -> dict[str, Any]:
        return unpack(self.part("head")) if self.has_record else {}

    def all_problems(self) -> list[Problem]:
        return [_problem(p) for p in (*self.problems, *self.rule_problems)]

    def sound(self) -> bool:
        """No error: the customer is usable (read commands skip it otherwise)."""
        return not any(p[4] == "error" for p in (*self.problems, *self.rule_problems))


def _problem_data(problem: Problem) -> list[Any]:
    return [problem.file, problem.message, problem.line, list(problem.keys), problem.severity]


def _problem(data: list[Any]) -> Problem:
    file, message, line, keys, severity = data
    return Problem(file, message, line, tuple(keys), severity)


def entry_of(stat: StatKey, parsed: Parsed) -> Entry:
    entry = Entry(
        stat,
        [_problem_data(p) for p in parsed.problems],
        [_problem_data(p) for p in parsed.rule_problems],
    )
    customer = parsed.customer
    if customer is None:
        return entry
    from salescrm.core.records import customer_to_data

    entry.identity = _identity_row(customer)
    try:
        data = customer_to_data(customer)
        parts = {key: pack(data.pop(key)) for key in LAZY if data.get(key)}
        for key in LAZY:
            data.pop(key, None)
        parts["head"] = pack(data)
        entry.parts = parts
        entry.summaries = {name: pack(kind.to_data(kind.of(customer))) for name, kind in SUMMARIES.items()}
    except (TypeError, ValueError, OverflowError):
        entry.stat = [-1, -1, -1, -1]  # a record the cache cannot hold: parsed every time
        entry.parts = {}
    return entry


def _identity_row(customer: Customer | None) -> list[Any] | None:
    """What the duplicate check keeps of a usable customer (core/identity.py)."""
    if customer is None:
        return None
    from salescrm.core.identity import identity_row

    return identity_row(customer)


def _keys(flat: list[int]) -> Iterator[tuple[int, ...]]:
    """Stat keys, four numbers each, of a flat list of them."""
    return zip(*[iter(flat)] * 4, strict=True)


def _now_ns() -> int:
    return time.time_ns()


def stat_key(path: Path) -> StatKey:
    return scan.key_of(path.lstat())


def parse_entry(root: Path, name: str, config: Config) -> tuple[Entry, Customer | None]:
    """Stat, then parse one file (stat first: a change in between is caught next time)."""
    path = root / name
    try:
        stat = stat_key(path)
    except OSError:
        stat = [-1, -1, -1, -1]
    parsed = parse_customer_file(path, name, config)
    return entry_of(stat, parsed), parsed.usable


def _parse_chunk(root: str, names: list[str], config: Config) -> list[tuple[str, list[Any]]]:
    """Worker: parse some files and hand back their entries (customers are rebuilt from them)."""
    gc.disable()  # many small acyclic objects: see cli/main.py
    return [(name, parse_entry(Path(root), name, config)[0].to_list()) for name in names]


# -- the cache -------------------------------------------------------------------------


class RecordCache:
    """The cache of one data directory: refreshed from the files, then answered from."""

    def __init__(self, datadir: DataDir) -> None:
        self.datadir = datadir
        self.path = cache_dir(datadir.root) / CACHE_NAME
        self.started_ns = _now_ns()
        self._records: tuple[Path, memoryview] | None = None  # the records file read, if any
        self._read: IndexFile | None = None  # the index its entries came from, if any
        # An index found to match the files: a second summary of the same command reads it
        # without a second scan of 10,000 files.
        self._current: tuple[IndexFile, Scan] | None = None
        self._identities: tuple[bytes, dict[str, Identity]] | None = None  # brought up to date once

    # -- answers ---------------------------------------------------------------------
    def load(self, only: set[str] | None = None) -> Loaded:
        """Every usable customer (decoded lazily) and every problem, file by file; with
        ``only``, just the customers of those numbers."""
        from salescrm.store import cached_customer

        entries, parsed = self.refresh()
        loaded = Loaded()
        if only is not None:
            entries = {k: v for k, v in entries.items() if Path(k).stem in only}
        for name, entry in entries.items():
            loaded.problems += entry.all_problems()
            customer = parsed.get(name)
            if customer is None and entry.sound():
                stem = name.removeprefix("customers/").removesuffix(".yaml")
                reload = functools.partial(self.datadir.read_customer, stem)
                try:
                    customer = cached_customer.customer_of(entry, reload)
                except Exception:  # a damaged cache: read the file itself instead
                    customer = reload()
            if customer is not None:
                loaded.customers.append(customer)
        return loaded

    def summaries(self, name: str) -> tuple[list[Any], list[Problem]]:
        """One summary (SUMMARIES[name]) of every usable customer, and every problem,
        without decoding any record."""
        kind = SUMMARIES[name]
        index, current = self._current or self._read_and_scan()
        if index is not None and self._unchanged(index, current):
            self._current = (index, current)
            with contextlib.suppress(Exception):  # a damaged value: the long way below
                return self._summaries_of_columns(index, kind, name)
        entries, parsed = self.refresh(read=(index, current))
        found: list[Any] = []
        problems: list[Problem] = []
        of, from_data = kind.of, kind.from_data
        for file, entry in entries.items():
            if entry.problems or entry.rule_problems:
                problems += entry.all_problems()
            customer = parsed.get(file)
            if customer is not None:
                found.append(of(customer))
            elif entry.sound():  # a summary is kept with every record the cache holds
                try:
                    found.append(from_data(unpack(entry.summaries[name], kind.tuples)))
                except Exception:  # a damaged cache entry: read the file itself
                    found.append(of(self.datadir.read_customer(Path(file).stem)))
        return found, problems

    def _summaries_of_columns(
        self, index: IndexFile, kind: Summary, name: str
    ) -> tuple[list[Any], list[Problem]]:
        """summaries() when nothing changed: straight from the index's columns."""
        found: list[Any] = []
        problems: list[Problem] = []
        names = index.column("names")
        found_problems = index.column("problems", len(names))
        column = self._summary_column(index, name, len(names), tuples=kind.tuples)
        from_data = kind.from_data
        if found_problems.count(None) == len(names):  # no file with a problem: one C loop
            with contextlib.suppress(Exception):  # a damaged value: item by item below
                return list(map(from_data, column)), problems
        for i, data in enumerate(column):
            if found_problems[i] is not None:
                these = [_problem(p) for part in unpack(found_problems[i]) for p in part]
                problems += these
                if any(p.severity == "error" for p in these):
                    continue
            try:
                found.append(from_data(data))
            except Exception:  # a damaged value: read the file itself
                found.append(kind.of(self.datadir.read_customer(Path(names[i]).stem)))
        return found, problems

    def identities(self) -> list[Identity]:
        """Name, phones and e-mails of every usable customer, in file order (what the
        duplicate check compares): from the identity file, brought up to date."""
        text, fresh = self._identities_now()
        return [found for _, found in sorted(identity_text.identities_of(text) + list(fresh.items()))]

    def duplicate_of(self, mine: Identity) -> tuple[str, str] | None:
        """(number, what matched) of the first customer that ``mine`` repeats, as
        ``core.identity.find_duplicate`` finds it: a search of the identity file's text
        for ``mine``'s keys, and a look at the files changed since it was saved."""
        from salescrm.core.identity import find_duplicate

        text, fresh = self._identities_now()
        matches = []
        kept = identity_text.first_match(text, mine)
        if kept is not None:
            matches.append(kept)
        for file, found in sorted(fresh.items()):
            match = find_duplicate(mine, [found])
            if match is not None:
                matches.append((file, *match))
                break
        if not matches:
            return None
        _, number, what = min(matches, key=identity_text.precedence)
        return number, what

    def names(self) -> list[tuple[str, str]]:
        """(number, normalised name) of every usable customer, for the close-name check."""
        text, fresh = self._identities_now()
        return identity_text.names_of(text) + [(i.customer_id, i.name) for i in fresh.values()]

    def alias_of(self, number: str) -> str | None:
        """The number of the customer ``number`` was merged into (``customer merge``), if any."""
        text, fresh = self._identities_now()
        found = identity_text.alias_owner(text, number)
        if found is None:
            found = next((i.customer_id for _, i in sorted(fresh.items()) if number in i.aliases), None)
        return found

    def _identities_now(self) -> tuple[bytes, dict[str, Identity]]:
        if self._identities is None:
            self._identities = self._identities_brought_up_to_date()
        return self._identities

    def _identities_brought_up_to_date(self) -> tuple[bytes, dict[str, Identity]]:
        """The identity file's text without the lines of files changed since it was saved,
        and those files' identities, parsed; the file is saved again when any changed (so
        the next write parses none of them). Without a sound identity file (a first run, an
        upgrade) the whole cache is refreshed and saved, once."""
        from salescrm.core.identity import Identity

        current = self._scan()
        with contextlib.suppress(Exception):  # a missing or damaged file: the index answers
            found = self._identity_text(current)
            if found is not None:
                return found
        entries, _ = self.refresh(read=(self._read_index(), current))  # saved: once, not each write
        rows = [(name, e.identity) for name, e in entries.items() if e.sound() and e.identity]
        return identity_text.EMPTY, {name: Identity._make(row) for name, row in rows}

    def _identity_text(self, current: Scan) -> tuple[bytes, dict[str, Identity]] | None:
        from salescrm.core.identity import Identity

        kept, text = self._identity_file()
        header = kept.header
        written = self._written_under_these_rules(header) if self._ours(header) else None
        if written is None:
            return None
        stale, gone = self._changed_since(kept, written, current)
        config = self.datadir.config
        rows = {
            name: _identity_row(parse_customer_file(self.datadir.root / name, name, config).usable)
            for name in stale
        }
        text = identity_text.without(text, [*stale, *gone])
        lines = [identity_text.lines_of(name, row) for name, row in rows.items()]
        pending = ({**header, "written_ns": self.started_ns}, current, [text, *lines])
        if self.datadir.listed is not None:  # a write: saved once, after it (add_identities)
            self.datadir.identities_pending = pending
        elif stale or gone:  # saved for the next write; not saving only costs time
            with contextlib.suppress(OSError):
                self._save_identities(*pending)
        return text, {name: Identity._make(row) for name, row in rows.items() if row is not None}

    def _identity_file(self) -> tuple[IndexFile, bytes]:
        """The identity file, mapped, and its text; ValueError (or an OSError, a msgpack error)
        for anything that is not one."""
        kept = IndexFile(self.path.with_name(IDENTITY_NAME))
        text = kept.column("keys")
        if not isinstance(text, bytes) or not text.startswith(identity_text.EMPTY):
            raise ValueError("not an identity text")
        return kept, text

    def _changed_since(self, kept: IndexFile, written: int, current: Scan) -> tuple[list[str], set[str]]:
        """The files to read again since the identity file ``kept`` was saved at ``written``
        (new, changed or still racy), and those gone."""
        settled = written - RACY_NS
        if _same_keys(kept, current):  # the same files: only those still racy are read again
            if current.newest() < settled:
                return [], set()
            stats = current.stats
            racy = zip(current.names, stats[1::4], stats[3::4], strict=True)
            return [name for name, mtime, ctime in racy if mtime >= settled or ctime >= settled], set()
        names = kept.column("names")
        known = set(zip(names, _keys(kept.column("stats", 4 * len(names))), strict=True))
        stale = [
            name
            for name, key in zip(current.names, _keys(current.stats), strict=True)
            if (name, key) not in known or key[1] >= settled or key[3] >= settled  # see _settled
        ]
        return stale, set(names).difference(current.names)

    def _save_identities(self, header: dict[str, Any], current: Scan, text: list[bytes]) -> None:
        columns = {"names": current.names, "stats": current.stats, "keys": BytesInPieces(text)}
        data = index_pieces(header, columns)  # the 1.5 MB text is written, never copied
        os.replace(write_new(self.path.parent, ".index-", ".tmp", data), self.path.with_name(IDENTITY_NAME))

    def add_identities(self, added: dict[str, Customer]) -> None:
        """After a write that added ``added`` (file → customer), holding the lock: save the
        identity file its duplicate check brought up to date, with them in it. Its time stays
        that of the check: a new file is racy to it, and the next write reads it once more,
        as it would any file this young."""
        pending, self.datadir.identities_pending = self.datadir.identities_pending, None
        if pending is None:
            return
        header, current, text = pending
        names, stats = list(current.names), list(current.stats)
        for file, customer in added.items():
            at = bisect.bisect_left(names, file)
            if at < len(names) and names[at] == file:
                return  # not new after all: the next write reads it
            names.insert(at, file)
            stats[4 * at : 4 * at] = stat_key(self.datadir.root / file)
            text.append(identity_text.lines_of(file, _identity_row(customer)))
        with contextlib.suppress(OSError):  # not saving them only costs the next write time
            self._save_identities(header, Scan(names, stats), text)

    # -- refreshing --------------------------------------------------------------------
    def refresh(
        self, read: tuple[IndexFile | None, Scan] | None = None
    ) -> tuple[dict[str, Entry], dict[str, Customer]]:
        """Entries for every customer file now, parsing only what changed; saves the cache.
        ``read``: the index and the files' stat keys, when the caller has them already."""
        config = self.datadir.config
        config_text = self.datadir.config_text
        index, current = read if read is not None else self._read_and_scan()
        header, old = self._entries(index)
        same_rules = header.get("config") == config_text
        written = header.get("written_ns", 0) if isinstance(header.get("written_ns"), int) else 0
        entries: dict[str, Entry] = {}
        stale: list[str] = []
        for name, key in current.items():
            entry = old.get(name)
            if entry is not None and entry.stat == key and self._settled(key, written):
                entries[name] = entry
            else:
                stale.append(name)
        parsed = self._parse(stale, config, entries)
        changed = len(old) != len(current) or any(self._differs(n, old, entries, written) for n in stale)
        if not same_rules and old:
            reused = {name: entries[name] for name in entries if name not in parsed and name not in stale}
            self._recheck(reused, config)
            changed = True
        if stale:  # re-parsed entries were added last; the scan gave the names in order
            entries = {name: entries[name] for name in current.names}
        if changed:
            self._write(config_text, entries)
        return entries, parsed

    def _read_and_scan(self) -> tuple[IndexFile | None, Scan]:
        """The index (mapped: its columns are unpacked when used) and every customer file's
        stat key. (Statting in a thread beside the decoding was tried: the GIL handoffs
        made it slower.)"""
        return self._read_index(), self._scan()

    def _unchanged(self, index: IndexFile | None, current: Scan) -> bool:
        """Whether no customer file (nor salescrm.yaml) changed since ``index`` was written:
        the same names and stat keys, all settled — what refresh would find file by file,
        found with a few whole-list comparisons."""
        written = self._written_under_these_rules(index.header) if index is not None else None
        return index is not None and written is not None and _same_files(index, written, current)

    def _written_under_these_rules(self, header: dict[str, Any]) -> int | None:
        """When a cache file (its header checked as ours) was written, if its entries were
        checked by today's salescrm.yaml; None otherwise."""
        written = header.get("written_ns")
        if not isinstance(written, int) or header.get("config") != self.datadir.config_text:
            return None
        return written

    def _settled(self, key: StatKey, written_ns: int) -> bool:
        # git's racy rule: a file touched within RACY_NS of the cache write may have
        # changed again in the same timestamp tick, invisibly to its stat.
        return max(key[1], key[3]) < written_ns - RACY_NS

    def _differs(self, name: str, old: dict[str, Entry], entries: dict[str, Entry], written: int) -> bool:
        """Whether a re-parsed entry must be saved: new, changed, or no longer racy."""
        before, now = old.get(name), entries[name]
        if before is None or before.to_list()[:5] != now.to_list()[:5]:
            return True
        if before.packed_parts() != now.packed_parts():
            return True
        return self._settled(now.stat, self.started_ns) and not self._settled(before.stat, written)

    def _scan(self) -> Scan:
        """Every customer file's stat key, in name order."""
        folder = self.datadir.customers_dir
        # The start-up's scan: a read takes it here; a write took it as it took the lock, if it
        # was taken at the lock's generation the write found there (DataDir.transaction).
        early = prescan.take(folder) if self.datadir.listed is None else self.datadir.scanned
        if early is not None:
            self.started_ns = min(self.started_ns, early.started_ns)  # as if the command began then
            return early.scan
        return Scan.of_folder(str(folder), self.datadir.customer_file_names())

    def _parse(self, names: list[str], config: Config, entries: dict[str, Entry]) -> dict[str, Customer]:
        """Parse ``names`` into ``entries``: on every core when there are many."""
        built: dict[str, Customer] = {}
        many = len(names) >= PARALLEL_FROM
        if many:
            self._notice_slow(len(names))
        if many and cores() > 1:
            for name, raw in on_every_core(_parse_chunk, self.datadir, names, config):
                entries[name] = Entry.from_list(raw)
            # The rare record the cache cannot hold is parsed here again.
            names = [n for n in names if not entries[n].has_record and entries[n].identity is not None]
            many = False
        for done, name in enumerate(names, start=1):
            entries[name], customer = parse_entry(self.datadir.root, name, config)
            if customer is not None:
                built[name] = customer
            if self.datadir.progress and many:
                self.datadir.progress(done, len(names))
        return built

    def _notice_slow(self, count: int) -> None:
        from salescrm.store.yamlio import HAVE_LIBYAML

        if not HAVE_LIBYAML and self.datadir.notice:
            self.datadir.notice(
                f"parsing {count} customer files without libyaml is slow; install PyYAML with "
                "libyaml (apt-get install libyaml-dev, then: pip install --force-reinstall pyyaml)"
            )

    def _recheck(self, entries: dict[str, Entry], config: Config) -> None:
        """salescrm.yaml changed: check every record against the new rules (no YAML parsing)."""
        from salescrm.store import cached_customer

        for name, entry in entries.items():
            if not entry.has_record:
                continue
            customer = cached_customer.customer_of(
                entry, lambda name=name: self.datadir.read_customer(Path(name).stem)
            )
            from salescrm.core.validate import validate_customer

            rules = validate_customer(customer, config, name)
            if any(p.line is None and p.keys for p in rules):
                with contextlib.suppress(OSError, UnicodeDecodeError):
                    rules = _with_lines(rules, (self.datadir.root / name).read_text("utf-8"))
            entry.rule_problems = [_problem_data(p) for p in rules]

    # -- the file --------------------------------------------------------------------------
    def _read_index(self) -> IndexFile | None:
        """The index, mapped, with its names and stat keys checked and its records file
        mapped; None when it is missing, foreign or damaged."""
        try:
            index = IndexFile(self.path)
            if not self._ours(index.header):
                return None
            records_path = self.path.parent / _records_name(index.header.get("records"))
            index.records = (records_path, map_file(records_path))
            return index  # its names and stat keys are checked where they are read
        except Exception:  # whatever is wrong with a cache, the cure is to rebuild it
            return None

    def _ours(self, header: dict[str, Any]) -> bool:
        """Whether a cache file was written in this format, for this data directory, by this code."""
        return (
            header.get("format") == CACHE_FORMAT
            and header.get("root") == str(self.datadir.root.resolve())
            and header.get("code") == code_fingerprint()
        )

    def _entries(self, index: IndexFile | None) -> tuple[dict[str, Any], dict[str, Entry]]:
        """The header and entries of the index; nothing when there is none or it is damaged."""
        if index is None:
            return {}, {}
        try:
            assert index.records is not None
            records = index.records[1]
            names = index.column("names")
            stats = index.column("stats", 4 * len(names))
            problems, identities, parts = (index.column(column, len(names)) for column in _LAZY_COLUMNS)
            kind_columns = [
                (kind, self._summary_column(index, kind, len(names), packed=True)) for kind in SUMMARIES
            ]
            found = {}
            for i, name in enumerate(names):
                packed = {"problems": problems[i], "identity": identities[i], "parts": parts[i]}
                packed["summaries"] = {kind: values[i] for kind, values in kind_columns}
                entry = Entry.packed(stats[4 * i : 4 * i + 4], packed, records)
                if problems[i] is not None:
                    entry.problems  # noqa: B018 -- decoded now: a damaged one rebuilds the cache
                else:
                    entry.problems, entry.rule_problems = [], []
                found[name] = entry
            self._records, self._read = index.records, index
            return index.header, found
        except Exception:  # whatever is wrong with a cache, the cure is to rebuild it
            return {}, {}

    @staticmethod
    def _summary_column(
        index: IndexFile, kind: str, length: int, packed: bool = False, tuples: bool = False
    ) -> list[Any]:
        """One summary's column: decoded, or (``packed``) each value still packed."""
        name = f"summary:{kind}"
        try:
            return index.packed_items(name, length) if packed else index.column(name, length, tuples)
        except KeyError:  # a summary this index does not hold: read from the files
            return [None] * length

    def _write(self, config_text: str, entries: dict[str, Entry]) -> None:
        """The long lists go to a new ``records-*.bin`` (read later through mmap, only the
        parts a command uses), the rest to the index, which names that file. The index is
        kept in columns, one list per field, each entry's value packed on its own: a command
        decodes only the columns, and the entries, it reads."""
        try:
            self._write_columns(config_text, entries)
        except (ValueError, TypeError, KeyError, msgpack.UnpackException):
            # A damaged value of the old index surfaced while copying it: start afresh.
            with contextlib.suppress(OSError):
                self.path.unlink()

    def _write_columns(self, config_text: str, entries: dict[str, Entry]) -> None:
        stats: list[int] = []
        columns: dict[str, list[bytes | None]] = {column: [] for column in _LAZY_COLUMNS}
        kinds = {f"summary:{kind}": PackedItems() for kind in SUMMARIES}
        for entry in entries.values():
            stats += entry.stat
            columns["problems"].append(entry.column("problems"))
            columns["identity"].append(entry.column("identity"))
            for kind, values in zip(SUMMARIES, kinds.values(), strict=True):
                values.append(entry.summaries.get(kind))
        with contextlib.suppress(OSError):  # a cache that cannot be saved only costs time
            folder = self.path.parent
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            records, wheres = self._store_parts(folder, entries)
            columns["parts"] = [pack(where) if where else None for where in wheres]
            header = {
                "format": CACHE_FORMAT,
                "root": str(self.datadir.root.resolve()),
                "code": code_fingerprint(),
                "config": config_text,  # the rules every entry was checked by
                "written_ns": self.started_ns,
                "records": records.name,
            }
            index = index_pieces(header, {"names": list(entries), "stats": stats, **columns, **kinds})
            index_file = write_new(folder, ".index-", ".tmp", index)  # ~17 MB, written, never joined
            # What a write's duplicate check needs, on its own: a fraction of the index.
            who = {
                "names": list(entries),
                "stats": stats,
                "keys": BytesInPieces(self._identity_pieces(entries)),
            }
            identity_file = write_new(folder, ".index-", ".tmp", index_pieces(header, who))
            os.replace(index_file, self.path)
            os.replace(identity_file, self.path.with_name(IDENTITY_NAME))
            _remove_old_records(folder, keep=records)

    def _identity_pieces(self, entries: dict[str, Entry]) -> list[bytes]:
        """The identity file's text for ``entries`` (store/identity_text.py), in pieces. When the
        identity file holds the text of the index these entries were read from, that text is
        kept and only the lines of the files parsed again or gone are replaced: the first read
        after a one-customer write builds one customer's lines, not 10,000 (~50 ms)."""
        fresh = [name for name, entry in entries.items() if not entry.from_index]
        kept = self._kept_identity_text() if len(fresh) <= _FEW_CHANGES else None
        if kept is None:
            text, fresh = identity_text.EMPTY, list(entries)
        else:
            text, names = kept
            text = identity_text.without(text, [*fresh, *set(names).difference(entries)])
        lines = [identity_text.lines_of(name, entries[name].identity if entries[name].sound() else None)
                 for name in fresh]  # fmt: skip
        return [text, *lines]

    def _kept_identity_text(self) -> tuple[bytes, list[str]] | None:
        """The identity file's text and files, if it was saved with the index that was read (the
        same header, so the same time and rules, and the same files): a write since, or other
        rules now, and it is built again."""
        read = self._read
        if read is None or self._written_under_these_rules(read.header) is None:
            return None
        with contextlib.suppress(Exception):  # missing or damaged: built again
            kept, text = self._identity_file()
            if (
                kept.header == read.header
                and kept.blob("names") == read.blob("names")
                and kept.blob("stats") == read.blob("stats")
            ):
                return text, read.column("names")
        return None

    def _store_parts(self, folder: Path, entries: dict[str, Entry]) -> tuple[Path, list[dict[str, Any]]]:
        """The records file and where each entry's parts lie in it.

        Parts already in the records file this command read stay where they are and the
        new ones are appended (one write, so another writer's append cannot interleave):
        a command after a one-customer change writes kilobytes, not the whole file. When
        appending would leave more than half the file unused, all parts go to a new file."""
        fresh = bytearray()
        wheres: list[dict[str, Any]] = []
        live = 0
        for entry in entries.values():
            kept = self._records is not None and entry.records is self._records[1]
            where: dict[str, Any] = {}
            for key in entry.parts:
                if kept:
                    where[key] = entry.parts[key]
                else:
                    packed = entry.part(key)
                    where[key] = (len(fresh), len(packed))  # a tuple: not yet placed
                    fresh += packed
                live += where[key][1]
            wheres.append(where)
        base = self._append(fresh, live)
        if base is None:  # a new file holding every part, in order
            blob = bytearray()
            for entry, where in zip(entries.values(), wheres, strict=True):
                for key in where:
                    packed = entry.part(key)
                    where[key] = [len(blob), len(packed)]
                    blob += packed
            return write_new(folder, "records-", ".bin", blob), wheres
        for where in wheres:
            for key, (offset, length) in where.items():
                where[key] = [base + offset, length] if isinstance(where[key], tuple) else [offset, length]
        assert self._records is not None
        return self._records[0], wheres

    def _append(self, fresh: bytearray, live: int) -> int | None:
        """Append ``fresh`` to the records file that was read; its offset, or None when
        there is none to append to or the file would be more than half garbage."""
        if self._records is None:
            return None
        path = self._records[0]
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)  # never re-created if removed meanwhile
        except OSError:
            return None
        try:
            if 2 * live < os.fstat(fd).st_size + len(fresh):
                return None
            if not fresh:
                return 0
            if os.write(fd, fresh) != len(fresh):  # a short write: this file is not to be trusted
                return None
            return os.lseek(fd, 0, os.SEEK_CUR) - len(fresh)
        finally:
            os.close(fd)


def _same_files(kept: IndexFile, written_ns: int, current: Scan) -> bool:
    """Whether ``current`` holds the files of ``kept`` (an index or the identity file) with
    the same stat keys, all settled before ``written_ns`` (see RecordCache._settled)."""
    return _same_keys(kept, current) and current.newest() < written_ns - RACY_NS


def _same_keys(kept: IndexFile, current: Scan) -> bool:
    """Whether ``current`` holds the files of ``kept`` with the same stat keys: two whole-list
    comparisons, or two byte comparisons when the scan came packed."""
    if current.packed is not None:
        return current.packed == (kept.blob("names"), kept.blob("stats"))
    return current.names == kept.column("names") and current.stats == kept.column("stats")


def _records_name(name: Any) -> str:
    if not (isinstance(name, str) and name.startswith("records-") and name.endswith(".bin")) or "/" in name:
        raise ValueError("not a records file name")
    return name


def _remove_old_records(folder: Path, keep: Path) -> None:
    # A reader holding an older file keeps its mapping; one that has not opened it yet
    # finds it gone and rebuilds. Files younger than a minute may be another writer's.
    cutoff = time.time() - 60
    for old in folder.glob("records-*.bin"):
        with contextlib.suppress(OSError):
            if old != keep and old.stat().st_mtime < cutoff:
                old.unlink()
    for old in folder.glob(".index-*.tmp"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def on_every_core(
    work: Callable[[str, list[str], Config], list[T]], datadir: DataDir, names: list[str], config: Config
) -> Iterable[T]:
    """``work(root, some names, config)`` in worker processes over every core, chunk by chunk
    as they finish (libyaml holds the GIL: threads would not help); reports progress."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    workers = cores()
    size = max(20, min(250, len(names) // (workers * 8)))
    chunks = [names[i : i + size] for i in range(0, len(names), size)]
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    done = 0
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [pool.submit(work, str(datadir.root), chunk, config) for chunk in chunks]
        for future in as_completed(futures):
            results = future.result()
            done += len(results)
            if datadir.progress:
                datadir.progress(done, len(names))
            yield from results
