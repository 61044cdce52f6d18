"""Everything ``salescrm check`` looks at, beyond what loading a file already reports."""

from __future__ import annotations

import contextlib
import gc
import stat
from dataclasses import dataclass, field
from pathlib import Path

from salescrm.core.config import Config
from salescrm.core.errors import Msg, Problem
from salescrm.core.identity import Identity, identity_of, likely_pairs, pair_text
from salescrm.core.stages import contract_key
from salescrm.core.validate import validate_unique_ids
from salescrm.store.datadir import DataDir, parse_customer_file
from salescrm.store.yamlio import duplicate_keys


@dataclass
class Findings:
    """What check learns from one customer file, for the checks across files."""

    name: str  # customers/….yaml
    problems: list[Problem]
    customer_id: str | None = None  # None: the file is not a usable customer
    contracts: list[tuple[str, str]] = field(default_factory=list)  # (number, CRM…-O1)
    attachments: list[str] = field(default_factory=list)  # every file its records name
    identity: Identity | None = None  # what the duplicate check compares


def check_all(datadir: DataDir) -> list[Problem]:
    problems = list(datadir.config_problems())
    if any(p.severity == "error" for p in problems):
        return problems  # without valid rules the customers cannot be judged
    problems += _team_file(datadir)
    names = [datadir.relative(path) for path in datadir.customer_files()]
    findings = _findings(datadir, names)
    for found in findings:
        problems += found.problems
    problems += validate_unique_ids({f.name: f.customer_id for f in findings if f.customer_id})
    problems += _contracts(findings)
    problems += _duplicates(findings)
    problems += _stray_files(datadir)
    problems += _missing_attachments(datadir, findings)
    return problems


def _findings(datadir: DataDir, names: list[str]) -> list[Findings]:
    """Each file's findings, in the order of ``names``: on every core when there are many."""
    from salescrm.store import cores

    if len(names) < cores.PARALLEL_FROM or cores.count() < 2:
        return check_files(str(datadir.root), names, datadir.config)
    found = {f.name: f for f in cores.on_every_core(check_files, datadir, names, datadir.config)}
    return [found[name] for name in names]


def check_files(root: str, names: list[str], config: Config) -> list[Findings]:
    """Read and judge some customer files (in a worker process when there are many)."""
    gc.disable()  # many small acyclic objects: see cli/main.py
    return [_check_file(Path(root), name, config) for name in names]


def _check_file(root: Path, name: str, config: Config) -> Findings:
    path = root / name
    parsed = parse_customer_file(path, name, config)
    found = Findings(name, parsed.problems + parsed.rule_problems)
    st = path.lstat()
    if stat.S_ISREG(st.st_mode) and st.st_size < 5_000_000:  # no link, FIFO or device: refused above
        with contextlib.suppress(UnicodeDecodeError):  # already reported by the parse
            found.problems += duplicate_keys(path.read_text("utf-8"), name)
    customer = parsed.usable
    if customer is not None:
        found.customer_id = customer.id
        found.identity = None if customer.archived else identity_of(customer)  # archived: settled
        found.contracts = [
            (o.contract.number, f"{customer.id}-{o.id}") for o in customer.opportunities if o.contract
        ]
        found.attachments = [*(p for f in customer.followups for p in f.attachments),
                             *(p for b in customer.feedback for p in b.attachments),
                             *(p for o in customer.opportunities for p in o.artefacts.values())]  # fmt: skip
    return found


def check_files_of(datadir: DataDir, names: list[str]) -> list[Problem]:
    """What ``check`` finds in these files alone (customer files and salescrm.yaml): what
    ``sync`` checks before it commits a pending change."""
    problems = datadir.config_problems()
    if any(p.severity == "error" for p in problems):  # no rules to judge the customers by
        return problems if "salescrm.yaml" in names else []  # not ours: the fix may be coming in
    problems = _team_file(datadir) + problems if "salescrm.yaml" in names else []
    customers = [n for n in names if n.startswith("customers/") and n.endswith(".yaml")]
    if not customers:
        return problems
    for found in check_files(str(datadir.root), customers, datadir.config):
        problems += found.problems
    return problems


def _duplicates(findings: list[Findings]) -> list[Problem]:
    """Customers that share a credit code, name, phone or e-mail: a warning (two clones may
    each have added the company; ``customer merge`` joins them, ``customer dupes`` lists them
    with close names too)."""
    pairs = likely_pairs([f.identity for f in findings if f.identity is not None], None)
    return [
        Problem(
            f"customers/{p.second}.yaml",
            Msg("{pair}: salescrm customer merge KEEP DROP", pair=pair_text(p)),
            severity="warning",
        )  # fmt: skip
        for p in pairs
    ]


def _team_file(datadir: DataDir) -> list[Problem]:
    """salescrm.yaml as a file that came by git: keys only a user's own settings may hold,
    member e-mails that are not one address, control characters, saved filters that do not
    parse (or nest too deep), keys given twice."""
    from salescrm.core.query import QueryError, parse_query
    from salescrm.core.shared_settings import validate_shared_settings
    from salescrm.store.customer_file import with_lines
    from salescrm.store.scan import CONFIG_NAME
    from salescrm.store.yamlio import load_text

    text = datadir.config_text
    problems = validate_shared_settings(load_text(text, CONFIG_NAME), CONFIG_NAME)  # never the index
    for name, expression in datadir.config.filters.items():
        try:
            parse_query(expression)
        except QueryError as error:
            problems.append(
                Problem(
                    CONFIG_NAME,
                    Msg("saved filter {name!r}: {reason}", name=name, reason=error.reason),
                    keys=("filters", name),
                )  # fmt: skip
            )
    return with_lines(problems, text) + duplicate_keys(text, CONFIG_NAME)


def _missing_attachments(datadir: DataDir, findings: list[Findings]) -> list[Problem]:
    """Files a record names that are not in attachments/ (a teammate forgot to commit one)."""
    problems = []
    for found in findings:
        for path in found.attachments:
            target = datadir.root / path
            if not target.is_file() or target.is_symlink():
                message = Msg("attachment {path} is missing", path=path)
                problems.append(Problem(f"customers/{found.customer_id}.yaml", message, severity="warning"))
    return problems


def _contracts(findings: list[Findings]) -> list[Problem]:
    seen: dict[str, str] = {}
    problems = []
    for found in findings:
        for number, ref in found.contracts:
            key = contract_key(number)  # HT-1 and ht-1 are one number
            if key in seen:
                problems.append(
                    Problem(
                        f"customers/{found.customer_id}.yaml",
                        Msg(
                            "contract {number} of {ref} is also on {other}",
                            number=number,
                            ref=ref,
                            other=seen[key],
                        ),
                    )
                )
            seen.setdefault(key, ref)
    return problems


def _stray_files(datadir: DataDir) -> list[Problem]:
    problems = []
    if datadir.attachments_dir.is_dir():
        for path in datadir.attachments_dir.rglob("*"):
            if path.is_symlink():
                problems.append(
                    Problem(datadir.relative(path), Msg("is a symbolic link; attachments must be files"))
                )
    return problems
