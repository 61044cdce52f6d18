"""A SQLite database of the customers: the way into BI tools when flat files are outgrown.

One table each for customers, contacts, tasks, follow-ups, opportunities and
feedback; list items carry ``customer_id``. Written to a temporary file and
renamed, so a reader never sees half a database.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from salescrm.core.model import Customer
from salescrm.core.parse import format_when

SCHEMA = """
CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT NOT NULL, industry TEXT, size TEXT, source TEXT,
  tags TEXT, tier TEXT, tier_pinned INTEGER, owner TEXT, created TEXT, first_contact TEXT, needs TEXT,
  archived INTEGER);
CREATE TABLE contacts (customer_id TEXT REFERENCES customers(id), name TEXT, title TEXT, phone TEXT,
  email TEXT, birthday TEXT, is_primary INTEGER);
CREATE TABLE tasks (customer_id TEXT REFERENCES customers(id), id TEXT, due TEXT, via TEXT, focus TEXT,
  goal TEXT, owner TEXT, status TEXT, created TEXT, closed TEXT, note TEXT, PRIMARY KEY (customer_id, id));
CREATE TABLE followups (customer_id TEXT REFERENCES customers(id), id TEXT, at TEXT, via TEXT, by TEXT,
  content TEXT, next TEXT, task TEXT, attachments TEXT, PRIMARY KEY (customer_id, id));
CREATE TABLE opportunities (customer_id TEXT REFERENCES customers(id), id TEXT, name TEXT, amount NUMERIC,
  close TEXT, owner TEXT, stage TEXT, created TEXT, probability NUMERIC, lost_reason TEXT, lost_note TEXT,
  contract_number TEXT, contract_amount NUMERIC, payment_terms TEXT, signed TEXT,
  PRIMARY KEY (customer_id, id));
CREATE TABLE feedback (customer_id TEXT REFERENCES customers(id), id TEXT, at TEXT, by TEXT, dept TEXT,
  content TEXT, attachments TEXT, PRIMARY KEY (customer_id, id));
"""


def write_sqlite(path: Path, customers: Iterable[Customer]) -> None:
    fd, temp = tempfile.mkstemp(prefix=".salescrm-tmp-", suffix=".sqlite", dir=path.parent)
    os.close(fd)
    try:
        with contextlib.closing(sqlite3.connect(temp)) as db:
            db.executescript(SCHEMA)
            for table, rows in _rows(customers).items():
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
            db.commit()
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def _rows(customers: Iterable[Customer]) -> dict[str, list[tuple[Any, ...]]]:
    tables: dict[str, list[tuple[Any, ...]]] = {
        name: [] for name in ("customers", "contacts", "tasks", "followups", "opportunities", "feedback")
    }
    for c in customers:
        tables["customers"].append((c.id, c.name, c.industry, c.size, c.source, ";".join(c.tags), c.tier,
                                    int(c.tier_pinned), c.owner, _text(c.created), _text(c.first_contact),
                                    c.needs, int(c.archived)))  # fmt: skip
        tables["contacts"] += [(c.id, x.name, x.title, x.phone, x.email, x.birthday, int(x.primary))
                               for x in c.contacts]  # fmt: skip
        tables["tasks"] += [(c.id, t.id, _text(t.due), t.via, t.focus, t.goal, t.owner, t.status,
                             _text(t.created), _text(t.closed), t.note) for t in c.tasks]  # fmt: skip
        tables["followups"] += [(c.id, f.id, _text(f.at), f.via, f.by, f.content, _text(f.next), f.task,
                                 ";".join(f.attachments)) for f in c.followups]  # fmt: skip
        tables["opportunities"] += [_opportunity(c.id, o) for o in c.opportunities]
        tables["feedback"] += [(c.id, b.id, _text(b.at), b.by, b.dept, b.content, ";".join(b.attachments))
                               for b in c.feedback]  # fmt: skip
    return tables


def _opportunity(customer_id: str, o: Any) -> tuple[Any, ...]:
    k = o.contract
    return (customer_id, o.id, o.name, str(o.amount), _text(o.close), o.owner, o.stage, _text(o.created),
            str(o.probability) if o.probability is not None else None, o.lost_reason, o.lost_note,
            k.number if k else None, str(k.amount) if k else None, k.payment_terms if k else None,
            _text(k.signed) if k else None)  # fmt: skip


def _text(value: Any) -> str | None:
    return format_when(value) if value is not None else None
