"""Point 1: a 12-line alias bomb must not hang ``check`` or ``sync`` (nor hold the lock)."""

from __future__ import annotations

from tests.security.conftest import FIRST, Team, recovers

BOMB_NAME = "customers/CRM202611009.yaml"


def alias_bomb(width: int = 10, depth: int = 8) -> str:
    """Ten-wide aliases nested eight deep: 10^8 paths in 12 lines."""
    lines = [f"a0: &a0 [{', '.join(['x'] * width)}]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, depth + 1)]
    return "\n".join(lines) + "\nid: CRM202611009\n"


def test_check_and_sync_finish_on_an_alias_bomb_and_the_victim_recovers(team: Team) -> None:
    team.alice.push_crafted("a bomb", {BOMB_NAME: alias_bomb()})
    synced = team.bob("sync")  # finishes (the subprocess timeout would fail the test)
    assert synced.returncode == 1 and "nothing was pushed" in synced.stderr
    checked = team.bob("check")
    assert checked.returncode == 1
    assert f"{BOMB_NAME}:1: bad YAML: anchors and aliases are not allowed" in checked.stdout
    # Reads skip the file; writes are not locked out.
    assert team.bob("customer", "list").returncode == 0
    assert team.bob("customer", "tag", FIRST, "+重点").returncode == 0
    recovers(team)


def test_a_bomb_in_salescrm_yaml_and_deep_nesting_are_reported_not_walked(team: Team) -> None:
    deep = "deep: " + "[" * 5000 + "]" * 5000 + "\n"
    text = (team.alice.root / "salescrm.yaml").read_text("utf-8")
    team.alice.push_crafted(
        "bombs", {"salescrm.yaml": alias_bomb() + text, "customers/CRM202611008.yaml": deep}
    )
    synced = team.bob("sync")
    assert synced.returncode in (1, 5) and "error:" in synced.stderr
    checked = team.bob("check")
    assert checked.returncode == 1 and "salescrm.yaml" in checked.stdout
    recovers(team)
