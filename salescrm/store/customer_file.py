"""One customer file read and checked: its text (refusing links, huge files, other encodings),
the customer, and the problems of reading it and of the team's rules, with their lines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from salescrm.core.config import Config
from salescrm.core.errors import DamagedError, Msg, NotFoundError, Problem

if TYPE_CHECKING:
    from salescrm.core.model import Customer

MAX_FILE_BYTES = 5 * 1024 * 1024  # a customer file this large is not a customer file


@dataclass
class Parsed:
    """One customer file read and checked: the customer (None when it cannot be
    read at all), the problems of reading it, and those of the team's rules."""

    customer: Customer | None
    problems: list[Problem]
    rule_problems: list[Problem]

    @property
    def usable(self) -> Customer | None:
        """The customer, unless an error makes it unusable."""
        errors = any(p.severity == "error" for p in (*self.problems, *self.rule_problems))
        return None if errors else self.customer


def parse_customer_file(path: Path, name: str, config: Config, raw: bytes | None = None) -> Parsed:
    """Read, parse and validate one customer file; problems carry their lines. ``raw``: its
    bytes, already read from the plain file at ``path`` (the index hashes the same bytes)."""
    try:
        text = read_text(path, name) if raw is None else decoded(raw, name)
        from salescrm.store.yamlio import load_text  # YAML only where a file is parsed

        data = load_text(text, name)
    except DamagedError as error:
        return Parsed(None, [_problem_of(error.message, name)], [])
    from salescrm.core.records import customer_from_data  # the model, only where a file is read
    from salescrm.core.validate import validate_customer, validate_file_name

    customer, problems = customer_from_data(data, name)
    if customer is None:
        return Parsed(None, with_lines(problems, text), [])
    problems += validate_file_name(customer, path.stem, name)
    rules = validate_customer(customer, config, name)
    return Parsed(customer, with_lines(problems, text), with_lines(rules, text))


def read_text(path: Path, name: str) -> str:
    try:
        if path.is_symlink():
            raise DamagedError(Msg("{name}: is a symbolic link; salescrm does not follow links", name=name))
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DamagedError(
                Msg(
                    "{name}: is {value} MB; a salescrm file is at most 5 MB",
                    name=name,
                    value=size // 1024 // 1024,
                )
            )
        return decoded(path.read_bytes(), name)
    except FileNotFoundError:
        raise NotFoundError(Msg("{name}: no such file", name=name)) from None
    except IsADirectoryError:
        raise DamagedError(Msg("{name}: is a folder, not a file", name=name)) from None
    except PermissionError:
        raise DamagedError(Msg("{name}: cannot be read (permission denied)", name=name)) from None


def decoded(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DamagedError(
            Msg(
                "{name}: is not UTF-8 text ({reason} at byte {start})",
                name=name,
                reason=error.reason,
                start=error.start,
            )
        ) from None


def _problem_of(message: str, name: str) -> Problem:
    """A DamagedError's ``file:line: text`` message as a Problem."""
    rest = message.removeprefix(name)
    line = None
    if rest.startswith(":") and rest[1:].split(":", 1)[0].isdigit():
        number, rest = rest[1:].split(":", 1)
        line = int(number)
        return Problem(name, rest.strip(), line=line)
    return Problem(name, rest.lstrip(":").strip(), line=line)


def with_lines(problems: list[Problem], text: str) -> list[Problem]:
    located = []
    for problem in problems:
        if problem.line is None and problem.keys:
            from salescrm.store.yamlio import line_of  # YAML only when there is a line to find

            problem = Problem(
                problem.file,
                problem.message,
                line_of(text, problem.keys),
                problem.keys,
                problem.severity,
            )
        located.append(problem)
    return located
