"""Point 8: the member a command ran as is self-asserted; ``log`` shows git's author beside it."""

from __future__ import annotations

import json

from tests.security.conftest import FIRST, Team


def test_log_shows_who_really_committed_a_change_claimed_by_the_manager(team: Team) -> None:
    alice = team.alice
    claimed = alice("customer", "set", FIRST, "industry=制造业", env={"SALESCRM_USER": "li.na"})
    assert claimed.returncode == 0, claimed.stderr
    assert alice.git("push", "--quiet", "origin", "HEAD") == ""
    assert team.bob("sync").returncode == 0
    rows = json.loads(team.bob("log", FIRST, "-f", "json").stdout)
    assert (rows[0]["who"], rows[0]["command"], rows[0]["author"]) == (
        "li.na",
        "customer set",
        "Alice <alice@example.com>",
    )
    table = team.bob("log", FIRST).stdout
    assert "Alice <alice@example.com>" in table.splitlines()[2]
