"""Fuzz target: any bytes as a customer file must load, or fail with salescrm's own errors.

Run with ``make fuzz`` (FUZZ_SECONDS=60 by default). A crash is any exception other
than CrmError escaping the loader, or a loaded customer that cannot be written back.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from salescrm.core.errors import CrmError
    from salescrm.core.records import customer_from_data, customer_to_data
    from salescrm.store.yamlio import dump_text, load_text

SEEDS = [
    b"id: CRM202405001\nname: x\nsource: s\nneeds: n\nowner: a\ncreated: 2024-05-03\n"
    b"contacts: [{name: w, phone: '12345'}]\n",
]


def test_one(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    try:
        document = load_text(text, "fuzz.yaml")
    except CrmError:
        return
    customer, _problems = customer_from_data(document, "fuzz.yaml")
    if customer is not None:
        again, problems = customer_from_data(load_text(dump_text(customer_to_data(customer)), "x"), "x")
        assert again is not None, problems


def main() -> None:
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
