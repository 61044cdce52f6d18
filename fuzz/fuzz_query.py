"""Fuzz target: any text as a query must parse and run on a customer, or raise QueryError.

Run with ``make fuzz`` (FUZZ_SECONDS=60 by default). A crash is any other exception from
parsing, or any exception at all from running a parsed query on the sample customers.
"""

from __future__ import annotations

import sys
from datetime import date

import atheris

with atheris.instrument_imports():
    from salescrm.core.query import QueryError, parse_query, query_context

sys.path.insert(0, ".")
from tests.scenario import worked_example  # noqa: E402  (realistic customers with deals and follow-ups)

CUSTOMERS = worked_example()
CONTEXT = query_context(date(2026, 11, 27), "zhang.wei")


def test_one(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(200)
    try:
        query = parse_query(text)
    except QueryError:
        return
    for customer in CUSTOMERS:
        query.matches(customer, CONTEXT)
        for opportunity in customer.opportunities:
            query.matches_opportunity(customer, opportunity, CONTEXT)


def main() -> None:
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
