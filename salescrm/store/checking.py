"""Everything ``salescrm check`` looks at, beyond what loading a file already reports."""

from __future__ import annotations

import contextlib

from salescrm.core.errors import Problem
from salescrm.core.model import Customer
from salescrm.core.stages import contract_key
from salescrm.core.validate import validate_unique_ids
from salescrm.store.datadir import DataDir
from salescrm.store.yamlio import duplicate_keys


def check_all(datadir: DataDir) -> list[Problem]:
    problems = list(datadir.config_problems())
    if any(p.severity == "error" for p in problems):
        return problems  # without valid rules the customers cannot be judged
    ids_by_file: dict[str, str] = {}
    customers = []
    for path in datadir.customer_files():
        customer, found = datadir.load_file(path)
        problems += found
        name = datadir.relative(path)
        if not path.is_symlink() and path.stat().st_size < 5_000_000:
            with contextlib.suppress(UnicodeDecodeError):  # already reported by load_file
                problems += duplicate_keys(path.read_text("utf-8"), name)
        if customer is not None:
            ids_by_file[name] = customer.id
            customers.append(customer)
    problems += validate_unique_ids(ids_by_file)
    problems += _contracts(customers)
    problems += _stray_files(datadir)
    problems += _missing_attachments(datadir, customers)
    return problems


def _missing_attachments(datadir: DataDir, customers: list[Customer]) -> list[Problem]:
    """Files a record names that are not in attachments/ (a teammate forgot to commit one)."""
    problems = []
    for customer in customers:
        named = [*(p for f in customer.followups for p in f.attachments),
                 *(p for b in customer.feedback for p in b.attachments),
                 *(p for o in customer.opportunities for p in o.artefacts.values())]  # fmt: skip
        for path in named:
            target = datadir.root / path
            if not target.is_file() or target.is_symlink():
                message = f"attachment {path} is missing"
                problems.append(Problem(f"customers/{customer.id}.yaml", message, severity="warning"))
    return problems


def _contracts(customers: list[Customer]) -> list[Problem]:
    seen: dict[str, str] = {}
    problems = []
    for customer in customers:
        for o in customer.opportunities:
            if o.contract:
                ref = f"{customer.id}-{o.id}"
                key = contract_key(o.contract.number)  # HT-1 and ht-1 are one number
                if key in seen:
                    problems.append(
                        Problem(f"customers/{customer.id}.yaml",
                                f"contract {o.contract.number} of {ref} is also on {seen[key]}")
                    )  # fmt: skip
                seen.setdefault(key, ref)
    return problems


def _stray_files(datadir: DataDir) -> list[Problem]:
    problems = []
    if datadir.attachments_dir.is_dir():
        for path in datadir.attachments_dir.rglob("*"):
            if path.is_symlink():
                problems.append(
                    Problem(datadir.relative(path), "is a symbolic link; attachments must be files")
                )
    return problems
