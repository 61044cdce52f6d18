"""A SQLite database of the customers: the way into BI tools when flat files are outgrown.

One table each for customers, contacts, tasks, follow-ups, opportunities,
feedback, payment plan lines, receipts and receivables (as of the export's day); list
items carry ``customer_id``. Written to a temporary file and
renamed, so a reader never sees half a database.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from salescrm.core.model import Customer, Opportunity
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
CREATE TABLE payment_plan (customer_id TEXT REFERENCES customers(id), opportunity_id TEXT, id TEXT,
  due TEXT, amount NUMERIC, paid NUMERIC, open NUMERIC, days_late INTEGER, note TEXT, planned TEXT, by TEXT,
  PRIMARY KEY (customer_id, opportunity_id, id));
CREATE TABLE receipts (customer_id TEXT REFERENCES customers(id), opportunity_id TEXT, id TEXT, at TEXT,
  amount NUMERIC, by TEXT, plan TEXT, ref TEXT, overpay TEXT, PRIMARY KEY (customer_id, opportunity_id, id));
CREATE TABLE receivables (customer_id TEXT REFERENCES customers(id), opportunity_id TEXT, owner TEXT,
  contract NUMERIC, received NUMERIC, owed NUMERIC, not_due NUMERIC, overdue NUMERIC, days_0_30 NUMERIC,
  days_31_60 NUMERIC, days_61_90 NUMERIC, days_over_90 NUMERIC, PRIMARY KEY (customer_id, opportunity_id));
"""


def write_sqlite(path: Path, customers: Iterable[Customer], as_of: date) -> None:
    """The customers (as they stood on ``as_of``) into a new database at ``path``."""
    fd, temp = tempfile.mkstemp(prefix=".salescrm-tmp-", suffix=".sqlite", dir=path.parent)
    os.close(fd)
    try:
        with contextlib.closing(sqlite3.connect(temp)) as db:
            db.executescript(SCHEMA)
            for table, rows in _rows(customers, as_of).items():
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
            db.commit()
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def _rows(customers: Iterable[Customer], as_of: date) -> dict[str, list[tuple[Any, ...]]]:
    tables: dict[str, list[tuple[Any, ...]]] = {
        name: [] for name in ("customers", "contacts", "tasks", "followups", "opportunities", "feedback",
                              "payment_plan", "receipts", "receivables")
    }  # fmt: skip
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
        for o in c.opportunities:
            if o.stage == "won" and o.contract is not None:
                _payments(tables, c.id, o, as_of)
    return tables


def _payments(
    tables: dict[str, list[tuple[Any, ...]]], customer_id: str, o: Opportunity, as_of: date
) -> None:
    """A won deal's plan lines, receipts and receivable (回款) as of ``as_of``."""
    from salescrm.core.payments import installments
    from salescrm.core.reports.receivables import deal_figures

    planned = {p.id: p for p in o.plan}
    tables["payment_plan"] += [(customer_id, o.id, x.id, _text(x.due), str(x.amount), str(x.paid),
                                str(x.open), x.days_late, x.note, _text(planned[x.id].at), planned[x.id].by)
                               for x in installments(o, as_of)]  # fmt: skip
    tables["receipts"] += [(customer_id, o.id, r.id, _text(r.at), str(r.amount), r.by, r.plan, r.ref,
                            r.overpay) for r in o.receipts]  # fmt: skip
    figures = deal_figures(o, as_of)
    tables["receivables"].append((customer_id, o.id, o.owner, *(str(value) for value in figures.values())))


def _opportunity(customer_id: str, o: Any) -> tuple[Any, ...]:
    k = o.contract
    return (customer_id, o.id, o.name, str(o.amount), _text(o.close), o.owner, o.stage, _text(o.created),
            str(o.probability) if o.probability is not None else None, o.lost_reason, o.lost_note,
            k.number if k else None, str(k.amount) if k else None, k.payment_terms if k else None,
            _text(k.signed) if k else None)  # fmt: skip


def _text(value: Any) -> str | None:
    return format_when(value) if value is not None else None
