"""``remind`` as queries over the index: the reminder facts of each customer (``core/reminders.
Facts``) as tables, and what is due on a day worked out in SQL.

Tables (filled where a file's row is written, ``index.row_of``; nothing in them depends on
salescrm.yaml, so a changed team file needs no refill, only its ``usable`` flag set again):

- ``remind_customers``: a row per customer — tier, owner, archived, the days its cadence and
  pool clocks count from, its first open task, and flags for the rare rules (birthdays,
  feedback, lost claims, over-planned deals);
- ``remind_tasks``, ``remind_deals``, ``remind_installments``: its open tasks, open deals and
  open installments. Each row repeats what the query tests and prints of its customer
  (usable, latest event, number, name, tier): a query is one scan of one table, no join (a
  join by file name is a B-tree search a row: ~5 times slower at 10,000 customers).

The team's rules (cadence and stale days, pool clocks, birthday care) go into the queries as
``CASE`` expressions of bound values.

``due()`` answers with the rows of the common reminders (tasks, cadence, installments, stale
deals: most of a team's digest), the facts of only the customers that may have a rare one
(a birthday, news, a lost claim, an over-planned deal, a pool warning: a superset, judged by
the rules in ``core/reminders.py``), and the facts, rewound, of every customer with events
after the day (what the index holds of them is not what they were then). The rules' own
arithmetic, in Python, stays the reference: a differential test runs both over generated
teams (tests/store/test_remind_index.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from salescrm.core.config import Config
    from salescrm.core.reminders import Facts

_HEAD = "name BLOB NOT NULL, usable INTEGER, last_event INTEGER, skip INTEGER, "  # skip: archived or whole
_CUSTOMER = "customer_id TEXT, cname TEXT, tier TEXT, "
TABLES = f"""
CREATE TABLE remind_customers (
    {_HEAD}{_CUSTOMER}owner TEXT, whole INTEGER, last_followup INTEGER, first_contact INTEGER,
    latest_next INTEGER, taken INTEGER, last_won INTEGER, first_task INTEGER, birthdays INTEGER,
    first_news INTEGER, claims_from INTEGER, claims_to INTEGER, overplanned INTEGER
);
CREATE INDEX remind_customers_name ON remind_customers (name);
CREATE TABLE remind_tasks (
    {_HEAD}{_CUSTOMER}task_id TEXT, due TEXT, due_day INTEGER, via TEXT, focus TEXT, goal TEXT, owner TEXT
);
CREATE INDEX remind_tasks_name ON remind_tasks (name);
CREATE TABLE remind_deals (
    {_HEAD}{_CUSTOMER}last_followup INTEGER, deal_id TEXT, deal_name TEXT, owner TEXT, stage TEXT,
    moved INTEGER
);
CREATE INDEX remind_deals_name ON remind_deals (name);
CREATE TABLE remind_installments (
    {_HEAD}{_CUSTOMER}ref TEXT, due_day INTEGER, open_amount TEXT, owner TEXT, deal_name TEXT
);
CREATE INDEX remind_installments_name ON remind_installments (name);
"""
TABLE_NAMES = ("remind_customers", "remind_tasks", "remind_deals", "remind_installments")

Rows = dict[str, list[tuple[Any, ...]]]  # table → its rows of one customer, after the head


def rows_of(f: Facts) -> Rows:
    """The rows of one customer's facts, after their head (``with_head`` adds it). A customer
    whose text SQLite cannot hold as text (a lone surrogate from a YAML escape) is marked
    ``whole``: its facts go through the rules."""
    whole = not _encodable(f)
    news = [row[2] for row in f.feedback]
    claims = [row[1] for row in f.lost_claims]
    first_task = min((task[2] for task in f.tasks), default=None)
    who = (f.id, f.name, f.tier) if not whole else (None, None, None)
    customer = (
        *who, f.owner if not whole else None, int(whole), f.last_followup, f.first_contact, f.latest_next,
        f.taken, f.last_won, first_task, int(bool(f.birthdays)), min(news, default=None),
        min(claims, default=None), max(claims, default=None), int(bool(f.overplanned)),
    )  # fmt: skip
    if whole:
        return {"remind_customers": [customer]}
    return {
        "remind_customers": [customer],
        "remind_tasks": [(*who, *task) for task in f.tasks],
        "remind_deals": [(*who, f.last_followup, *deal) for deal in f.deals],
        "remind_installments": [(*who, *row) for row in f.installments],
    }


def _encodable(f: Facts) -> bool:
    """Every text in ``f`` is UTF-8 (plain values only: msgpack writes them all, in C, and
    refuses a lone surrogate as strict UTF-8 does)."""
    import msgpack

    try:
        msgpack.packb(f)
    except UnicodeEncodeError:
        return False
    return True


def replace(
    db: sqlite3.Connection, names: list[list[bytes | None]], held: list[tuple[bytes | None, Head, Rows]]
) -> None:
    """Drop the rows of the files ``names`` and insert ``held`` (file name, head, its rows)."""
    for table in TABLE_NAMES:
        db.executemany(f"DELETE FROM {table} WHERE name = ?", names)
    for table in TABLE_NAMES:
        rows = [(name, *head, *row) for name, head, found in held for row in found.get(table, ())]
        if rows:
            db.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)


Head = tuple[int, int, int]  # usable, last_event, skip (archived or whole)


def head_of(usable: bool, last_event: int, archived: bool, rows: Rows) -> Head:
    return int(usable), last_event, int(archived or rows["remind_customers"][0][4])


def set_usable(db: sqlite3.Connection, name: bytes, usable: bool) -> None:
    """salescrm.yaml's rules changed whether the file ``name`` is usable."""
    for table in TABLE_NAMES:
        db.execute(f"UPDATE {table} SET usable = ? WHERE name = ?", (int(usable), name))


# -- what is due on a day -------------------------------------------------------------------

_LIVE = "usable AND last_event <= :today AND NOT skip"
_CLOCK = "max(coalesce({last}, taken), taken) + {days}"  # a pool clock's day (core/pool_rules.py)


class Found(NamedTuple):
    """What ``due`` found: rows, and the files whose facts the rules must read."""

    rows: dict[str, list[tuple[Any, ...]]]  # tasks, cadence, payments, stale
    rare: list[bytes]  # customers that may have a rare reminder: those rules only
    whole: list[bytes]  # customers whose text the tables cannot hold: every rule
    late: list[bytes]  # customers with events after the day: rewound, every rule


def due(
    db: sqlite3.Connection, config: Config, today: date, least_days: int, people: Collection[str] | None
) -> Found:
    """The rows of tasks, cadence, installments and stale deals at least ``least_days``
    overdue, and the files whose facts the rules must read (in file order), for customers
    whose reminders can reach the digests of ``people`` (None: everyone's)."""
    values: dict[str, Any] = {"today": today.toordinal(), "latest": _bounded(today.toordinal() - least_days)}
    case = _Cases(values)
    tiers, pool = config.tiers, config.pool
    fallback = tiers[min(tiers, key=lambda t: tiers[t].threshold)]  # a tier not configured
    cadence = case("tier", {n: r.cadence_days for n, r in tiers.items()}, fallback.cadence_days)
    care = case("tier", {n: int(r.birthday_care) for n, r in tiers.items()}, int(fallback.birthday_care))
    stale = case("stage", {n: r.stale_days for n, r in config.stages.items() if r.stale_days is not None})
    kept = {n: r for n, r in pool.recycle.items() if not r.never}
    clocks = [
        case("tier", {n: r.no_followup_days for n, r in kept.items() if r.no_followup_days is not None}),
        case("tier", {n: r.no_won_days for n, r in kept.items() if r.no_won_days is not None}),
    ]
    followup, won = (
        _CLOCK.format(last="last_followup", days=clocks[0]),
        _CLOCK.format(last="last_won", days=clocks[1]),
    )
    values["warn"] = _bounded(pool.warn_days)
    mine = ""
    if people is not None:
        values.update({f"p{i}": member for i, member in enumerate(sorted(people))})
        mine = " AND owner IN ({})".format(", ".join(f":p{i}" for i in range(len(people))) or "NULL")
    found: dict[str, list[tuple[Any, ...]]] = {}
    found["tasks"] = db.execute(
        "SELECT customer_id, cname, tier, task_id, due, due_day, via, focus, goal, owner FROM remind_tasks "
        f"WHERE due_day <= :latest AND {_LIVE}{mine}",
        values,
    ).fetchall()
    # The cadence's day: the tier's days after the latest contact, or the latest record's
    # ``next`` when that comes first; a reminder when it comes before every open task.
    since = "coalesce(last_followup, first_contact)"
    day = f"min({since} + {cadence}, coalesce(latest_next, {since} + {cadence}))"
    found["cadence"] = db.execute(
        f"SELECT customer_id, cname, tier, owner, day, since FROM (SELECT *, {since} AS since, {day} AS day "
        f"FROM remind_customers WHERE {_LIVE}{mine}) "
        "WHERE day <= :latest AND (first_task IS NULL OR day < first_task)",
        values,
    ).fetchall()
    found["payments"] = db.execute(
        "SELECT customer_id, cname, tier, ref, due_day, open_amount, owner, deal_name "
        f"FROM remind_installments WHERE due_day <= :latest AND {_LIVE}{mine}",
        values,
    ).fetchall()
    touched = "max(moved, coalesce(last_followup, moved))"
    found["stale"] = db.execute(
        "SELECT customer_id, cname, tier, deal_id, deal_name, owner, stage, touched, days FROM (SELECT *, "
        f"{touched} AS touched, {stale} AS days FROM remind_deals WHERE {_LIVE}{mine}) "
        "WHERE :today - touched > days",
        values,
    ).fetchall()
    # A superset of the customers with a birthday, news, a lost claim, an over-planned deal
    # or a pool warning: their facts decide.
    rare = db.execute(
        f"SELECT name FROM remind_customers WHERE {_LIVE} AND (overplanned OR (birthdays AND {care}) "
        "OR first_news <= :today OR (claims_to >= :today - :warn AND claims_from <= :today) "
        f"OR (owner != '' AND min(coalesce({followup}, {won}), coalesce({won}, {followup})) - :today "
        "BETWEEN 1 AND :warn)) ORDER BY name",
        values,
    ).fetchall()
    whole = db.execute(
        "SELECT name FROM remind_customers WHERE usable AND last_event <= :today AND whole ORDER BY name",
        values,
    ).fetchall()
    late = db.execute("SELECT name FROM files WHERE usable AND last_event > :today ORDER BY name", values)
    return Found(found, [n for (n,) in rare], [n for (n,) in whole], [n for (n,) in late.fetchall()])


_LIMIT = 1 << 62  # beyond every day and every sum of two days: SQLite's integers stop at 2**63


def _bounded(number: int) -> int:
    """``number`` within what SQLite holds (``--within 99999999999999999999``), comparing with
    every day as it did."""
    return max(-_LIMIT, min(number, _LIMIT))


class _Cases:
    """``CASE column WHEN … THEN … ELSE … END`` of a mapping, its values bound by name."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __call__(self, column: str, mapping: dict[str, Any], otherwise: Any = None) -> str:
        whens = []
        for key, value in mapping.items():
            n = len(self.values)
            self.values.update({f"k{n}": key, f"v{n}": _bounded(value)})
            whens.append(f" WHEN :k{n} THEN :v{n}")
        n = len(self.values)
        self.values[f"e{n}"] = None if otherwise is None else _bounded(otherwise)
        return f"(CASE {column}{''.join(whens)} ELSE :e{n} END)"
