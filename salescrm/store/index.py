"""The derived index: one SQLite database (WAL) per data directory, in the user's cache folder.

The YAML files are the truth; the index is derived from them, rebuilt at will, and invisible
(DESIGN §7): whatever it holds, only plain ``Customer`` objects, built through their
constructors, leave it, and a reading command prints the same with a fresh index and a
settled one. ``check`` never reads it.

Where: ``cache_dir(root)/index.sqlite`` (``store/cache_files.py``: the user's own folder,
0700). What:

- ``meta``: the schema version, a fingerprint of salescrm's code, the data directory it
  indexes, the salescrm.yaml its rows were checked by, and salescrm.yaml's parsed data.
- ``files``: a row per customer file — its stat key, when it was read, its problems, the
  record (msgpack of ``customer_to_data``), the day of its latest event, the columns filters
  read, and one column per summary (``SUMMARIES``: the few values a command family reads).
- ``identity_keys``: each usable customer's credit code, normal name, phones, e-mails
  (``core/identity.py``) and the numbers merged into it, indexed: the duplicate check is a
  lookup, not a scan.

A row is trusted (git's racy-index rule) when its stat key ``(size, mtime_ns, inode,
ctime_ns)`` equals the file's and the file's mtime and ctime are older than the moment the
row was read minus ``RACY_NS``: a file changed within the same timestamp tick as the read,
even to the same size, is read again. A refresh re-parses only such files, on every core
when there are many, and writes them in one transaction, so a concurrent reader sees the
index before or after it, never half of it. A damaged, foreign or old index is deleted and
rebuilt (saying so); a cache folder that cannot be written means working without an index
(an in-memory one, saying so once).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sqlite3
import stat
import time
from array import array
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import msgpack

from salescrm.core.config import Config
from salescrm.core.errors import Problem, message_data, message_of
from salescrm.store import cores, remind_index
from salescrm.store.cache_files import cache_dir, code_fingerprint
from salescrm.store.remind_index import TABLES as REMIND_TABLES
from salescrm.store.remind_index import head_of
from salescrm.store.scan import Scan, customer_names

if TYPE_CHECKING:
    from salescrm.core.identity import Identity
    from salescrm.core.model import Customer
    from salescrm.store.customer_file import Parsed
    from salescrm.store.datadir import DataDir

INDEX_NAME = "index.sqlite"
SCHEMA = 9  # bump when the tables or what a column holds change: the index is rebuilt
_LARGE_LOG = 4 << 20  # bytes of write-ahead log after a refresh that are moved into the index at once
_BATCH = 1000  # rows written at a time during a refresh
RACY_NS = 2_000_000_000  # a file this close to the moment its row was read is read again


class Summary(NamedTuple):
    """A few values of a customer that a command reads instead of the whole record: a pure
    function of the customer, computed when the file is parsed and kept in its own column
    (so a summary from the index equals one computed from the parsed file). Named by module
    and function, imported when used: a command imports only the summary it reads."""

    module: str
    of_name: str  # of(customer)
    to_name: str  # to_data(summary): plain lists, strings, numbers
    from_name: str  # from_data(data)
    tuples: bool = False  # its data's arrays decoded as tuples (read-only rows)

    @property
    def of(self) -> Callable[[Customer], Any]:
        return _resolve(self.module, self.of_name)

    @property
    def to_data(self) -> Callable[[Any], Any]:
        return _resolve(self.module, self.to_name)

    @property
    def from_data(self) -> Callable[[Any], Any]:
        return _resolve(self.module, self.from_name)


@functools.cache
def _resolve(module: str, name: str) -> Callable[[Any], Any]:
    return getattr(import_module(module), name)


SUMMARIES: dict[str, Summary] = {
    "remind": Summary("salescrm.core.reminders", "facts_of", "facts_to_data", "facts_from_data", True),
    "deals": Summary("salescrm.core.dealrows", "rows_of", "rows_to_data", "rows_from_data"),  # reports
    "list": Summary("salescrm.core.listrows", "row_of", "row_to_data", "row_from_data"),  # list, query
    "find": Summary("salescrm.core.find", "keys_of", "keys_to_data", "keys_from_data"),  # find, CUSTOMER
    # won deals' plan lines and receipts: report receivables and collection, pay list
    "money": Summary("salescrm.core.moneyrows", "money_of", "money_to_data", "money_from_data"),
    # follow-ups and tasks: who, which day, how (report activity, the review pack)
    "activity": Summary(
        "salescrm.core.activityrows", "activity_of", "activity_to_data", "activity_from_data", True
    ),
    # each deal's listed values and latest activity: opp list
    "opps": Summary("salescrm.core.opprows", "opp_rows_of", "opp_rows_to_data", "opp_rows_from_data", True),
}

_TABLES = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE files (
    name BLOB PRIMARY KEY,
    size INTEGER, mtime_ns INTEGER, inode INTEGER, ctime_ns INTEGER,
    read_ns INTEGER NOT NULL,
    problems BLOB, rule_problems BLOB,
    usable INTEGER NOT NULL,
    customer_id BLOB, tier BLOB, owner BLOB, folded_name BLOB, archived INTEGER,
    last_event INTEGER,
    digest BLOB
);
CREATE TABLE records (name BLOB PRIMARY KEY, record BLOB NOT NULL);
{"".join(f"CREATE TABLE summary_{name} (name BLOB PRIMARY KEY, data BLOB NOT NULL);" for name in SUMMARIES)}
CREATE INDEX files_last_event ON files (last_event) WHERE usable;
CREATE INDEX files_customer_id ON files (customer_id);
CREATE TABLE identity_keys (file BLOB NOT NULL, kind INTEGER NOT NULL, key BLOB NOT NULL);
CREATE INDEX identity_keys_key ON identity_keys (key, kind);
CREATE INDEX identity_keys_file ON identity_keys (file);
{REMIND_TABLES}"""
# The columns a read may narrow by (``Index.summaries``): what the filters of lists and
# queries test (``core.query.narrowing``), text folded as queries compare it.
NARROWING = {"tier": "tier", "owner": "owner", "name": "folded_name", "archived": "archived"}
Narrow = list[tuple[str, str, tuple[Any, ...]]]  # (column, "in" | "contains", folded values)
# identity_keys.kind: the duplicate check's precedence (core/identity.MATCH_ORDER), then
# the numbers merged into the customer (never a duplicate, found by ``alias_of``).
_CREDIT, _NAME, _PHONE, _EMAIL, _ALIAS = range(5)


# -- values in blobs: msgpack, dates and amounts as extension types (nothing can run code) --

_DATE, _DATETIME, _DECIMAL = 1, 2, 3


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return msgpack.ExtType(_DATETIME, value.isoformat().encode())
    if isinstance(value, date):
        return msgpack.ExtType(_DATE, value.isoformat().encode())
    if isinstance(value, Decimal):
        return msgpack.ExtType(_DECIMAL, str(value).encode())
    raise TypeError(f"cannot index a {type(value).__name__}")


def _decode(code: int, data: bytes) -> Any:
    text = data.decode()
    if code == _DATE:
        return date.fromisoformat(text)
    if code == _DATETIME:
        return datetime.fromisoformat(text)
    if code == _DECIMAL:
        return Decimal(text)
    raise ValueError(f"unknown extension type {code}")


def pack(value: Any) -> bytes:
    return msgpack.packb(value, default=_encode, use_bin_type=True, unicode_errors="surrogatepass")


def unpack(data: bytes, tuples: bool = False) -> Any:
    return msgpack.unpackb(
        data,
        ext_hook=_decode,
        raw=False,
        strict_map_key=False,
        use_list=not tuples,
        unicode_errors="surrogatepass",
    )


# Text in the index's columns is kept as UTF-8 bytes, lone surrogates included (a file name
# that is not UTF-8, an escape in a YAML string): SQLite's own text would refuse them.
def _b(text: str | None) -> bytes | None:
    return None if text is None else text.encode("utf-8", "surrogatepass")


def _s(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


# -- one file, read -------------------------------------------------------------------------


@dataclass
class FileRow:
    """What the index keeps of one customer file (the values of its ``files`` row)."""

    name: str
    stat: list[int]
    read_ns: int
    problems: list[list[Any]]
    rule_problems: list[list[Any]]
    customer: dict[str, Any] | None  # id, tier, owner, archived, last_event, record, summaries
    keys: list[tuple[int, str]]  # (kind, key) of its identity
    digest: bytes | None = None  # of the bytes read: a racy row whose file still holds them is kept

    @property
    def usable(self) -> bool:
        return self.customer is not None and not any(
            p[4] == "error" for p in (*self.problems, *self.rule_problems)
        )

    def values(self) -> tuple[Any, ...]:
        """Its ``files`` row (the record and the summaries have tables of their own: a large
        value in a row would be walked through by every read of a column after it)."""
        c = self.customer or {}
        return (
            _b(self.name), *self.stat, self.read_ns,
            pack(self.problems) if self.problems else None,
            pack(self.rule_problems) if self.rule_problems else None,
            int(self.usable), _b(c.get("id")), _b(c.get("tier")), _b(c.get("owner")), _b(c.get("name")),
            c.get("archived"),
            c.get("last_event"), self.digest,
        )  # fmt: skip


def _problem_data(problem: Problem) -> list[Any]:
    return [problem.file, message_data(problem.message), problem.line, list(problem.keys), problem.severity]


def _problem(data: list[Any]) -> Problem:
    file, message, line, keys, severity = data
    said = message_of(message)  # a Msg again, said in the reader's language
    return Problem(file, said if isinstance(said, str) else str(said), line, tuple(keys), severity)


def row_of(name: str, stat: list[int], read_ns: int, parsed: Parsed, summarise: bool = True) -> FileRow:
    """The row of a parsed file; without ``summarise``, its summaries are left for the first
    read that needs them (``Index.summaries``): one file written or pulled does not import
    what every summary needs (pinyin for ``find``: half a second)."""
    row = FileRow(
        name,
        stat,
        read_ns,
        [_problem_data(p) for p in parsed.problems],
        [_problem_data(p) for p in parsed.rule_problems],
        None,
        [],
    )
    customer = parsed.customer
    if customer is not None:
        row.customer = _columns_of(customer, summarise)
        row.keys = _identity_keys(customer)
    return row


def _columns_of(customer: Customer, summarise: bool) -> dict[str, Any]:
    from salescrm.core.folding import fold
    from salescrm.core.records import customer_to_data
    from salescrm.core.reminders import facts_of
    from salescrm.core.timeline import last_event_day

    facts = facts_of(customer)  # remind's tables, always; its summary when summarising
    return {
        "id": customer.id,
        "tier": fold(customer.tier),
        "owner": fold(customer.owner),
        "name": fold(customer.name),
        "archived": int(customer.archived),
        "last_event": last_event_day(customer).toordinal(),
        "record": pack(customer_to_data(customer)),
        "summaries": {
            name: pack(kind.to_data(facts)) if name == "remind" else _summary(kind, customer)
            for name, kind in SUMMARIES.items()
        }
        if summarise
        else {},
        "remind": remind_index.rows_of(facts),
    }


def _summary(kind: Summary, customer: Customer) -> bytes:
    return pack(kind.to_data(kind.of(customer)))


def _identity_keys(customer: Customer) -> list[tuple[int, str]]:
    from salescrm.core.identity import identity_of

    return _keys_of(identity_of(customer)) + [(_ALIAS, alias) for alias in sorted(customer.aliases)]


def _keys_of(identity: Identity) -> list[tuple[int, str]]:
    """(kind, key) of what the duplicate check compares."""
    keys = [(_CREDIT, identity.credit_code)] if identity.credit_code else []
    keys += [(_NAME, identity.name)] if identity.name else []
    keys += [(_PHONE, phone) for phone in sorted(identity.phones)]
    return keys + [(_EMAIL, email) for email in sorted(identity.emails)]


def read_row(root: Path, name: str, config: Config, summarise: bool = True) -> FileRow:
    """Stat, hash, then parse one file: a plain file is opened once, and its stat key (of
    the open file), digest and parse all come from that one read; a change after it is caught
    next time, as the stat or the digest no longer matches what was parsed."""
    from salescrm.store.customer_file import parse_customer_file
    from salescrm.store.scan import key_of

    read_ns = _now_ns()
    path = root / name
    plain = _read_plain(path)
    if plain is not None:
        key, raw = plain
        row = row_of(name, key, read_ns, parse_customer_file(path, name, config, raw), summarise)
        row.digest = _hash(raw)
        return row
    try:  # a link, a folder, a huge or unreadable file: the parse says what it is (no digest)
        key = key_of(path.lstat())
    except OSError:
        key = [-1, -1, -1, -1]
    return row_of(name, key, read_ns, parse_customer_file(path, name, config), summarise)


def _read_plain(path: Path) -> tuple[list[int], bytes] | None:
    """(stat key, bytes) of a plain file of at most MAX_FILE_BYTES, through one open that
    follows no link; None for anything else."""
    from salescrm.store.customer_file import MAX_FILE_BYTES
    from salescrm.store.scan import key_of

    if not hasattr(os, "O_NOFOLLOW"):  # no such open here: the careful path
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # a FIFO must not block
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            return None
        chunks = []
        left = MAX_FILE_BYTES + 1
        while left > 0 and (chunk := os.read(fd, max(st.st_size + 1, 1 << 16))):
            chunks.append(chunk)
            left -= len(chunk)
        raw = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        return None if len(raw) > MAX_FILE_BYTES else (key_of(st), raw)
    except OSError:
        return None
    finally:
        os.close(fd)


def _hash(raw: bytes) -> bytes:
    try:  # hashlib's own blake2b, without hashlib's import of OpenSSL (~3 ms of a write)
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - another Python
        from hashlib import blake2b

    return blake2b(raw, digest_size=16).digest()


def _digest(path: Path) -> bytes | None:
    """A hash of the file's bytes (None: it cannot be read as a plain file)."""
    plain = _read_plain(path)
    return None if plain is None else _hash(plain[1])


def _read_chunk(root: str, names: list[str], config: Config) -> list[FileRow]:
    """Worker: read some files."""
    gc.disable()  # many small acyclic objects: see cli/main.py
    return [read_row(Path(root), name, config) for name in names]


def _now_ns() -> int:
    return time.time_ns()


# -- the database ---------------------------------------------------------------------------

# Said once per process: a cache folder that cannot be written.
_unwritable: set[Path] = set()


class Index:
    """The index of one data directory: brought up to date from the files, then read."""

    def __init__(self, datadir: DataDir) -> None:
        self.datadir = datadir
        self.path = cache_dir(datadir.root) / INDEX_NAME
        self._db: sqlite3.Connection | None = None
        self._fresh = False  # refreshed by this object already
        self._pending: list[tuple[str, bytes, bytes, bytes]] = []  # summaries computed by a read, to keep

    def forget(self) -> None:
        """The files changed (this process wrote them): refresh again before the next answer."""
        self._fresh = False

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
            self._fresh = False

    # -- opening ------------------------------------------------------------------------
    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._open()
        return self._db

    def _open(self) -> sqlite3.Connection:
        try:
            return self._open_file()
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise
            if self.path not in _unwritable:
                _unwritable.add(self.path)
                self._notice(f"cannot use the index {self.path} ({error}); working without it (slower)")
        except OSError as error:
            if self.path not in _unwritable:
                _unwritable.add(self.path)
                self._notice(
                    f"cannot use the index {self.path} ({error.strerror}); working without it (slower)"
                )
        return self._prepared(sqlite3.connect(":memory:", isolation_level=None))

    def _open_file(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            return self._prepared(self._connect())
        except sqlite3.OperationalError:
            raise
        except (sqlite3.DatabaseError, _Foreign) as error:
            why = str(error) if isinstance(error, _Foreign) else f"damaged: {error}"
            self._notice(f"rebuilding the index {self.path} ({why})")
            self._remove()
            return self._prepared(self._connect())

    def _connect(self) -> sqlite3.Connection:
        if self.path.is_symlink():
            raise _Foreign("it is a link")
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None)  # transactions: ours
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def _prepared(self, db: sqlite3.Connection) -> sqlite3.Connection:
        """``db`` with this schema, for this data directory and this code; a new database is
        given the tables, an old-schema or other code's one is emptied and given them again."""
        expected = {"schema": SCHEMA, "root": str(self.datadir.root.resolve()), "code": code_fingerprint()}
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "meta" in tables:
            found = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('schema', 'root', 'code')"))
            if found == expected:
                return db
            if found.get("root") not in (None, expected["root"]):
                raise _Foreign(f"it indexes another data directory, {found.get('root')}")
        db.execute("BEGIN IMMEDIATE")
        try:
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                db.execute(f'DROP TABLE IF EXISTS "{name}"')
            for statement in _TABLES.split(";"):  # executescript would commit first
                db.execute(statement)
            db.executemany("INSERT INTO meta VALUES (?, ?)", expected.items())
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return db

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.path}{suffix}")

    def _notice(self, message: str) -> None:
        if self.datadir.notice is not None:
            self.datadir.notice(message)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Reads that see one state of the index, brought up to date first (WAL: a writer's
        commit waits for no reader, and no reader sees half of it)."""
        self.refresh()
        db = self.db
        if db.in_transaction:
            yield db
            return
        db.execute("BEGIN")
        try:
            yield db
        finally:
            db.execute("COMMIT")
        self._keep_pending()

    # -- salescrm.yaml ---------------------------------------------------------------------
    def config_data(self, text: str) -> Any:
        """The data of salescrm.yaml's ``text``: kept with the text, so a command whose team
        file has not changed neither imports nor runs YAML."""
        with contextlib.suppress(Exception):  # a missing or damaged copy: read the YAML
            row = self.db.execute("SELECT value FROM meta WHERE key = 'config_data'").fetchone()
            if row is not None:
                kept = unpack(row[0])
                if kept["text"] == text:
                    return kept["data"]
        from salescrm.store.scan import CONFIG_NAME
        from salescrm.store.yamlio import load_text

        data = load_text(text, CONFIG_NAME)
        with contextlib.suppress(sqlite3.Error, TypeError, ValueError, OverflowError):
            packed = pack({"text": text, "data": data})
            if unpack(packed)["data"] == data:  # only what msgpack carries exactly
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('config_data', ?)", (packed,))
        return data

    # -- refreshing ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Bring every row up to date with the files: parse only the new, changed and racy
        ones, drop the gone ones, and re-check every record when salescrm.yaml changed; all
        in one transaction. When the files and salescrm.yaml are exactly as the last time
        every row was found trusted (one comparison of the whole scan), nothing is read."""
        if self._fresh:
            return
        self._fresh = True
        datadir = self.datadir
        config, config_text = datadir.config, datadir.config_text
        current = Scan.of_folder(str(datadir.customers_dir), datadir.customer_file_names())
        db = self.db
        settled = _scan_bytes(current, config_text)
        found = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('settled', 'racy')"))
        only: list[str] | None = None  # the files to judge, when not every one
        if found.get("settled") == settled:
            # Every row is trusted for this very scan, except those of the files a write (or
            # a racy read) left racy: only they are judged, by their bytes.
            only = unpack(found["racy"]) if found.get("racy") else []
            if not only:
                return
        (version,) = db.execute("PRAGMA data_version").fetchone()  # changes with another's commit
        rows = "SELECT name, size, mtime_ns, inode, ctime_ns, read_ns, digest FROM files"
        if only is None:
            known = {_s(row[0]): row[1:] for row in db.execute(rows)}
            keys_now = dict(current.items())
        else:
            chosen = [_b(name) for name in only]
            known = {_s(row[0]): row[1:] for row in db.execute(
                f"{rows} WHERE name IN ({', '.join('?' * len(chosen))})", chosen)}  # fmt: skip
            keys_now = {name: key for name in only if (key := current.key(name)) is not None}
        untrusted = [name for name, key in keys_now.items() if not _trusted(known.get(name), key)]
        # A racy row (read within RACY_NS of the file's last change) whose file still holds
        # the bytes it was read from is kept: git's answer to a racy entry, a look at the
        # content (a hash: no YAML, no summaries). This command's own writes leave such rows.
        hashed_ns = _now_ns()  # before the bytes are read: the moment the rows kept are true of
        root = datadir.root
        kept = {name for name in untrusted if _same_bytes(known.get(name), keys_now[name], root, name)}
        stale = [name for name in untrusted if name not in kept]
        gone = set(known).difference(current.names) if only is None else set()
        row = db.execute("SELECT value FROM meta WHERE key = 'config_text'").fetchone()
        same_rules = row is not None and row[0] == config_text
        # Parsed rows go into the transaction as they come, a batch at a time: at 100,000
        # customers, holding every row until the end would take a gigabyte. The writer's lock
        # is held meanwhile; readers see the index as it was until the commit.
        with self._writing() as db:
            self._replace(db, [], gone)
            # Rows of files not in ``known`` need no deleting, unless another process
            # committed since ``known`` was read.
            had = known if db.execute("PRAGMA data_version").fetchone()[0] == version else None
            # The scan is settled when every row holds its file's key as scanned: then the
            # next refresh that finds the same scan judges only the rows still racy.
            settles = len(keys_now) == len(only if only is not None else current)
            racy = [n for n in kept if not _trusted((*keys_now[n], hashed_ns), keys_now[n])]
            batch: list[FileRow] = []
            for row in self._read(stale, config):
                if row.stat != keys_now.get(row.name):
                    settles = False  # changed since it was scanned
                elif not _trusted((*row.stat, row.read_ns), row.stat):
                    racy.append(row.name)
                batch.append(row)
                if len(batch) >= _BATCH:
                    self._replace(db, batch, (), had)
                    batch = []
            self._replace(db, batch, (), had)
            db.executemany("UPDATE files SET read_ns = ? WHERE name = ?", [(hashed_ns, _b(n)) for n in kept])
            if not same_rules:
                self._recheck(db, config, set(stale))
                db.execute("INSERT OR REPLACE INTO meta VALUES ('config_text', ?)", (config_text,))
            _settle(db, settled if settles else None, racy)
        self._checkpoint()

    def _replace(
        self,
        db: sqlite3.Connection,
        rows: list[FileRow],
        gone: Collection[str],
        known: Collection[str] | None = None,
    ) -> None:
        """Put ``rows`` in place of the rows of their files, and drop those of ``gone``; with
        ``known``, the files that had rows (others have nothing to delete: a first run)."""
        names = [[_b(name)] for name in (*gone, *(r.name for r in rows)) if known is None or name in known]
        if names:
            db.executemany("DELETE FROM files WHERE name = ?", names)
            db.executemany("DELETE FROM identity_keys WHERE file = ?", names)
            db.executemany("DELETE FROM records WHERE name = ?", names)
            for kind in SUMMARIES:
                db.executemany(f"DELETE FROM summary_{kind} WHERE name = ?", names)
        db.executemany(f"INSERT INTO files VALUES ({', '.join('?' * 16)})", [r.values() for r in rows])
        held = [(_b(r.name), r.customer) for r in rows if r.customer is not None]
        db.executemany("INSERT INTO records VALUES (?, ?)", [(n, c["record"]) for n, c in held])
        for kind in SUMMARIES:
            summaries = [(n, c["summaries"][kind]) for n, c in held if kind in c["summaries"]]
            db.executemany(f"INSERT INTO summary_{kind} VALUES (?, ?)", summaries)
        keys = [(_b(r.name), kind, _b(key)) for r in rows if r.usable for kind, key in r.keys]
        db.executemany("INSERT INTO identity_keys VALUES (?, ?, ?)", keys)
        heads = [
            (_b(r.name), head_of(r.usable, c["last_event"], c["archived"], c["remind"]), c["remind"])
            for r in rows
            if (c := r.customer) is not None
        ]
        remind_index.replace(db, names, heads)

    def _checkpoint(self) -> None:
        # Into the database file, and the log emptied: a command ends without closing its
        # connection, and the next one to open would otherwise read a log as large as the
        # index (70 MB after a first run at 10,000 customers) to rebuild the log's own index.
        with contextlib.suppress(sqlite3.Error, OSError):
            if os.path.getsize(f"{self.path}-wal") > _LARGE_LOG:
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def wrote(self, names: list[str]) -> None:
        """This process wrote (or removed) these customer files, holding the data directory's
        lock: their rows are read again now, without summaries, so that the next command finds
        them by their bytes instead of parsing them (a write updates its rows, not the index)."""
        datadir = self.datadir
        root, config = datadir.root, datadir.config
        rows = [read_row(root, name, config, summarise=False) for name in names if (root / name).exists()]
        gone = [name for name in names if not (root / name).exists()]
        with contextlib.suppress(sqlite3.Error), self._writing() as db:
            self._replace(db, rows, gone)
            # The settled scan stays settled with the written files' keys in it, those files
            # racy: the next command compares the scan in one go and their bytes alone. A
            # file another process changed meanwhile has a key in neither: the scan differs.
            found = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('settled', 'racy')"))
            racy = unpack(found["racy"]) if found.get("racy") else []
            written = _written_into(found.get("settled"), rows, gone)
            _settle(db, written, [*racy, *(row.name for row in rows)])

    def _read(self, names: list[str], config: Config) -> Iterator[FileRow]:
        if len(names) >= cores.PARALLEL_FROM:
            self._notice_slow(len(names))
            if cores.count() > 1:
                yield from cores.on_every_core(_read_chunk, self.datadir, names, config)
                return
        summarise = len(names) >= cores.PARALLEL_FROM  # a few files: their summaries when read
        for done, name in enumerate(names, start=1):
            yield read_row(self.datadir.root, name, config, summarise)
            if self.datadir.progress and len(names) >= cores.PARALLEL_FROM:
                self.datadir.progress(done, len(names))

    def _notice_slow(self, count: int) -> None:
        from salescrm.store.yamlio import HAVE_LIBYAML

        if not HAVE_LIBYAML:
            self._notice(
                f"parsing {count} customer files without libyaml is slow; install PyYAML with "
                "libyaml (apt-get install libyaml-dev, then: pip install --force-reinstall pyyaml)"
            )

    def _recheck(self, db: sqlite3.Connection, config: Config, fresh: set[str]) -> None:
        """salescrm.yaml changed: check every record against the new rules (no YAML parsing)."""
        from salescrm.core.validate import validate_customer
        from salescrm.store.customer_file import with_lines

        # The records of the rows not just parsed only: after a first run, none (their checks
        # are the new rules' already; fetching every record would copy the whole table).
        found = db.execute("SELECT name, problems FROM files").fetchall()
        for key, problems in found:
            name = _s(key)
            if name in fresh:
                continue
            held = db.execute("SELECT record FROM records WHERE name = ?", (key,)).fetchone()
            if held is None:
                continue
            record = held[0]
            rules = validate_customer(_customer(unpack(record)), config, name)
            if any(p.line is None and p.keys for p in rules):
                with contextlib.suppress(OSError, UnicodeDecodeError):
                    rules = with_lines(rules, (self.datadir.root / name).read_text("utf-8"))
            errors = any(p.severity == "error" for p in rules) or (
                problems is not None and any(p[4] == "error" for p in unpack(problems))
            )
            db.execute(
                "UPDATE files SET rule_problems = ?, usable = ? WHERE name = ?",
                (pack([_problem_data(p) for p in rules]) if rules else None, int(not errors), key),
            )
            remind_index.set_usable(db, key, not errors)
            if errors:
                db.execute("DELETE FROM identity_keys WHERE file = ?", (key,))
            elif not db.execute("SELECT 1 FROM identity_keys WHERE file = ?", (key,)).fetchone():
                keys = [(key, kind, _b(text)) for kind, text in _identity_keys(_customer(unpack(record)))]
                db.executemany("INSERT INTO identity_keys VALUES (?, ?, ?)", keys)

    # -- answers ---------------------------------------------------------------------------
    def problems(self) -> list[Problem]:
        """Every problem of every file, in file order."""
        self.refresh()
        found: list[Problem] = []
        query = (
            "SELECT problems, rule_problems FROM files "
            "WHERE problems IS NOT NULL OR rule_problems IS NOT NULL ORDER BY name"
        )
        for problems, rules in self.db.execute(query):
            for packed in (problems, rules):
                if packed is not None:
                    found += [_problem(p) for p in unpack(packed)]
        return found

    def summaries(self, name: str, narrow: Narrow | None = None, as_of: date | None = None) -> list[Any]:
        """One summary (SUMMARIES[name]) of every usable customer, in file order; with
        ``narrow``, only of those whose columns hold those values now, or that have events
        after ``as_of`` (what they held then is for the caller to judge, after rewinding)."""
        kind = SUMMARIES[name]
        self.refresh()
        from_data, tuples = kind.from_data, kind.tuples
        query = f"SELECT name, data FROM files LEFT JOIN summary_{name} USING (name) WHERE usable"
        values: list[Any] = []
        if narrow:
            tests = []
            for field, how, wanted in narrow:
                column = NARROWING[field]
                if how == "in":
                    tests.append(f"{column} IN ({', '.join('?' * len(wanted))})")
                else:  # contains: UTF-8 bytes hold the bytes of a text exactly when the text holds it
                    tests.append("(" + " OR ".join(f"instr({column}, ?) > 0" for _ in wanted) + ")")
                values += [_b(v) if isinstance(v, str) else v for v in wanted]
            query += f" AND ((({' AND '.join(tests)})) OR last_event > ?)"
            values.append((as_of or date.max).toordinal())
        found = []
        for key, packed in self.db.execute(query + " ORDER BY name", values).fetchall():
            if packed is None:  # a file parsed alone, not yet summarised this way
                packed = self._summarised(name, key)
            found.append(from_data(unpack(packed, tuples)))
        return found

    def _summarised(self, name: str, key: bytes) -> bytes:
        """The summary ``name`` of the file ``key``, from its record, kept for the next read
        when the index can be written now (else computed again next time: the same value)."""
        (record,) = self.db.execute("SELECT record FROM records WHERE name = ?", (key,)).fetchone()
        packed = _summary(SUMMARIES[name], _customer(unpack(record)))
        self._pending.append((name, key, packed, record))
        return packed

    def _keep_pending(self) -> None:
        pending, self._pending = self._pending, []
        if pending:
            with contextlib.suppress(sqlite3.Error), self._writing() as db:
                for name, key, packed, record in pending:  # unless another process read the file again
                    db.execute(
                        f"INSERT OR IGNORE INTO summary_{name} SELECT ?, ? "
                        "WHERE EXISTS (SELECT 1 FROM records WHERE name = ? AND record = ?)",
                        (key, packed, key, record),
                    )

    def remind_due(
        self, config: Config, today: date, least_days: int, people: Collection[str] | None
    ) -> remind_index.Found:
        """What ``remind`` finds due on ``today`` in SQL (``store/remind_index.py``)."""
        self.refresh()
        return remind_index.due(self.db, config, today, least_days, people)

    def summaries_of(self, name: str, keys: list[bytes]) -> list[Any]:
        """One summary (SUMMARIES[name]) of each of the files ``keys``, in that order."""
        kind = SUMMARIES[name]
        query = f"SELECT data FROM summary_{name} WHERE name = ?"
        found = []
        for key in keys:
            row = self.db.execute(query, (key,)).fetchone()
            packed = row[0] if row is not None else self._summarised(name, key)
            found.append(kind.from_data(unpack(packed, kind.tuples)))
        return found

    def records_of(self, keys: list[bytes]) -> list[Customer]:
        """The records of the files ``keys``, in that order."""
        query = "SELECT record FROM records WHERE name = ?"
        return [_customer(unpack(self.db.execute(query, (key,)).fetchone()[0])) for key in keys]

    def late(self, day: date) -> set[str]:
        """The numbers of usable customers with an event after ``day``."""
        self.refresh()
        query = "SELECT customer_id FROM files WHERE usable AND last_event > ?"
        return {_s(number) for (number,) in self.db.execute(query, (day.toordinal(),))}

    def customers(self, after: date | None = None) -> list[Customer]:
        """Every usable customer (or those with an event ``after`` that day), in file order:
        plain records."""
        self.refresh()
        query = "SELECT record FROM records JOIN files USING (name) WHERE usable"
        if after is not None:
            query += f" AND last_event > {after.toordinal():d}"
        return [_customer(unpack(record)) for (record,) in self.db.execute(query + " ORDER BY name")]

    def each_customer(self, after: date | None = None) -> Iterator[Customer]:
        """Every usable customer (or those with an event ``after`` that day) in number order,
        decoded one at a time as it is asked for (an export of every customer holds none)."""
        self.refresh()
        query = "SELECT customer_id, name FROM files WHERE usable"
        if after is not None:
            query += f" AND last_event > {after.toordinal():d}"
        numbered = self.db.execute(query).fetchall()
        query = "SELECT record FROM records WHERE name = ?"
        for _, name in sorted(numbered):  # no cursor is left open while the caller works
            yield _customer(unpack(self.db.execute(query, (name,)).fetchone()[0]))

    def duplicate_of(self, mine: Identity) -> tuple[str, str] | None:
        """(number, what matched) of the first customer, in file order, that ``mine``
        repeats, as ``core.identity.find_duplicate`` finds it: a lookup of its keys."""
        from salescrm.core.identity import MATCH_ORDER

        self.refresh()
        keys = _keys_of(mine)
        if not keys:
            return None
        matches = []
        query = (
            "SELECT k.file, k.kind, f.customer_id FROM identity_keys k JOIN files f ON f.name = k.file "
            "WHERE k.key = ? AND k.kind = ? AND f.usable"
        )
        for kind, key in keys:
            for file, found_kind, number in self.db.execute(query, (_b(key), kind)):
                if _s(number) != mine.customer_id:
                    matches.append((file, found_kind, _s(number)))
        if not matches:
            return None
        _, kind, number = min(matches)
        return number, MATCH_ORDER[kind]

    def names(self) -> list[tuple[str, str]]:
        """(number, normalised name) of every usable customer with a name, in file order:
        the close-name check's input."""
        self.refresh()
        query = (
            "SELECT f.customer_id, k.key FROM identity_keys k JOIN files f ON f.name = k.file "
            f"WHERE k.kind = {_NAME} AND f.usable ORDER BY k.file"
        )
        return [(_s(number), _s(name)) for number, name in self.db.execute(query)]

    def identities(self) -> list[Identity]:
        """Every usable customer's identity, in file order (``core/identity.py``)."""
        from salescrm.core.identity import Identity

        self.refresh()
        query = (
            "SELECT f.name, f.customer_id, k.kind, k.key FROM files f "
            "LEFT JOIN identity_keys k ON k.file = f.name WHERE f.usable ORDER BY f.name, k.rowid"
        )
        found: dict[bytes, tuple[str, dict[int, list[str]]]] = {}
        for file, number, kind, key in self.db.execute(query):
            keys = found.setdefault(file, (_s(number), {}))[1]
            if kind is not None:
                keys.setdefault(kind, []).append(_s(key))
        return [
            Identity(
                number,
                keys.get(_NAME, [""])[0],
                keys.get(_PHONE, []),
                keys.get(_EMAIL, []),
                keys.get(_CREDIT, [""])[0],
                tuple(keys.get(_ALIAS, ())),
            )
            for number, keys in found.values()
        ]

    def alias_of(self, number: str) -> str | None:
        """The number of the usable customer that ``number`` was merged into, if any."""
        self.refresh()
        query = (
            "SELECT f.customer_id FROM identity_keys k JOIN files f ON f.name = k.file "
            f"WHERE k.key = ? AND k.kind = {_ALIAS} AND f.usable ORDER BY k.file LIMIT 1"
        )
        row = self.db.execute(query, (_b(number),)).fetchone()
        return None if row is None else _s(row[0])


class _Foreign(Exception):
    """An index file that is not ours to use (another data directory's, a link)."""


def _scan_bytes(scan: Scan, config_text: str) -> bytes:
    """The whole scan and salescrm.yaml as one value, to compare with the last settled one."""
    names = "\n".join(scan.names).encode("utf-8", "surrogatepass")
    return b"\0".join([names, scan.stats.tobytes(), config_text.encode("utf-8", "surrogatepass")])


def _settle(db: sqlite3.Connection, settled: bytes | None, racy: list[str]) -> None:
    """Keep ``settled`` as the scan at which every row holds its file's key and is trusted,
    except the rows of ``racy`` (judged by their bytes next time); None: no such scan."""
    if settled is None:
        db.execute("DELETE FROM meta WHERE key IN ('settled', 'racy')")
        return
    db.execute("INSERT OR REPLACE INTO meta VALUES ('settled', ?)", (settled,))
    db.execute("INSERT OR REPLACE INTO meta VALUES ('racy', ?)", (pack(sorted(set(racy))),))


def _written_into(settled: bytes | None, rows: list[FileRow], gone: Collection[str]) -> bytes | None:
    """The settled scan ``settled`` with the keys of the files just written (``rows``) put in
    and those of ``gone`` taken out; None when there is none, or it cannot be read back."""
    if settled is None:
        return None
    cut = settled.find(b"\0")
    names = _s(settled[:cut]).split("\n") if cut > 0 else []
    end = cut + 1 + 32 * len(names)  # four 8-byte numbers a file
    if cut < 0 or settled[end : end + 1] != b"\0":
        return None
    scan = Scan(names, array("q", settled[cut + 1 : end]))
    for name in gone:
        scan.remove(name)
    for row in rows:
        if not _listed(row.name):
            return None  # a name the scan never lists: no scan will equal this one
        scan.put(row.name, row.stat)
    config = _s(settled[end + 1 :])
    return _scan_bytes(scan, config)


def _listed(name: str) -> bool:
    """Whether ``name`` is one the scan lists (``customers/`` and a customer file's name)."""
    folder, _, base = name.partition("/")
    return folder == "customers" and "\n" not in base and customer_names([base]) == [base]


def _same_bytes(known: tuple[Any, ...] | None, key: list[int], root: Path, name: str) -> bool:
    """A row whose stat key is the file's, and whose digest the file's bytes still have."""
    if known is None or known[5] is None or list(known[:4]) != key:
        return False  # (no path built: a first run asks this of every file)
    return _digest(root / name) == known[5]


def _trusted(known: tuple[Any, ...] | None, key: list[int]) -> bool:
    # git's racy rule: a file touched within RACY_NS of the moment its row was read may
    # have changed again in the same timestamp tick, invisibly to its stat.
    if known is None or list(known[:4]) != key:
        return False
    return max(key[1], key[3]) < known[4] - RACY_NS


@functools.cache
def _builder() -> Callable[[Any], Customer]:
    from salescrm.core.model import Customer
    from salescrm.core.rebuild import builder

    return builder(Customer)


def _customer(data: dict[str, Any]) -> Customer:
    return _builder()(data)
