"""Point 3: committed symbolic links never make salescrm write outside the repository.

A link arriving by ``sync`` is refused before the merge and the clone stays as it was; one
that arrived another way (a plain ``git pull``) is refused by every command before it reads
or writes; the lock is never opened through a link.
"""

from __future__ import annotations

import pytest

from tests.security.conftest import FIRST, Team, outside_untouched, recovers


def links(team: Team) -> dict[str, dict[str, str]]:
    precious = str(team.outside / "precious.txt")
    return {
        "the lock": {".salescrm/lock": precious},
        "customers/": {"customers": str(team.outside)},
        "attachments/": {"attachments": str(team.outside)},
        "a customer's attachments folder": {f"attachments/{FIRST}": str(team.outside)},
        "a customer file": {"customers/CRM202611005.yaml": precious},
    }


@pytest.mark.parametrize("kind", ["the lock", "customers/", "attachments/", "a customer's attachments folder",
                                  "a customer file"])  # fmt: skip
def test_sync_refuses_a_commit_with_a_link_before_merging(team: Team, kind: str) -> None:
    link = links(team)[kind]
    removed: dict[str, str | bytes | None] = {
        name: None for name in link if (team.alice.root / name).exists()
    }
    if removed:
        team.alice.push_crafted(f"remove {kind}", removed)
    team.alice.push_crafted(f"a link: {kind}", {}, link)
    before = team.bob.state()
    synced = team.bob("sync")
    assert synced.returncode == 5 and "a symbolic link: nothing was merged" in synced.stderr
    assert team.bob.state() == before
    assert team.bob("customer", "tag", FIRST, "+重点").returncode == 0  # writing still works
    outside_untouched(team)
    team.alice.revert_last(2 if removed else 1)  # the removal too
    synced = team.bob("sync")
    assert synced.returncode == 0, synced.stderr
    assert team.bob("check").returncode == 0


@pytest.mark.parametrize("folder", ["customers", "attachments", ".salescrm"])
def test_every_command_refuses_a_linked_folder_that_arrived_another_way(team: Team, folder: str) -> None:
    path = team.bob.root / folder
    if path.exists():
        path.rename(team.bob.root.parent / f"moved-{folder}")
    path.symlink_to(team.outside)
    for command in (["customer", "list"], ["customer", "add", "新公司", "--source", "展会", "--contact", "王",
                    "--phone", "13800000009", "--needs", "采购笔记本电脑"], ["check"], ["remind", "--all"], ["sync"]):  # fmt: skip
        result = team.bob(*command)
        assert (result.returncode, result.stderr.splitlines()[0]) == (
            5, f"error: {folder}/ is a symbolic link; salescrm does not follow links")  # fmt: skip
    outside_untouched(team)


def test_a_locally_planted_lock_link_is_refused_and_its_target_untouched(team: Team) -> None:
    lock = team.bob.root / ".salescrm" / "lock"
    lock.unlink()
    lock.symlink_to(team.outside / "precious.txt")
    result = team.bob("customer", "tag", FIRST, "+重点")
    assert result.returncode == 5 and "is a symbolic link" in result.stderr
    lock.unlink()
    lock.symlink_to(team.outside / "new-file")  # a link to nothing: never created either
    assert team.bob("customer", "tag", FIRST, "+重点").returncode == 5
    outside_untouched(team)


def test_an_attachment_is_never_copied_through_a_linked_folder(team: Team) -> None:
    folder = team.bob.root / "attachments" / FIRST
    folder.symlink_to(team.outside)
    source = team.bob.root.parent / "report.pdf"
    source.write_bytes(b"%PDF-1.4 a report")
    before = team.bob.state()
    result = team.bob(
        "feedback", "add", FIRST, "--content", "客户反馈屏幕闪烁已换货", "--attach", str(source)
    )
    assert result.returncode == 5 and f"attachments/{FIRST} is a symbolic link" in result.stderr
    assert team.bob.state() == before  # the customer file unchanged, nothing committed
    outside_untouched(team)
    folder.unlink()
    recovers_check = team.bob("check")
    assert recovers_check.returncode == 0


def test_check_reports_a_link_inside_attachments(team: Team) -> None:
    (team.bob.root / "attachments" / FIRST).symlink_to(team.outside)
    checked = team.bob("check")
    assert checked.returncode == 1
    assert f"attachments/{FIRST}: is a symbolic link; attachments must be files" in checked.stdout


def test_revert_restores_sync(team: Team) -> None:
    team.alice.push_crafted("lock link", {}, {".salescrm/lock": str(team.outside / "precious.txt")})
    assert team.bob("sync").returncode == 5
    recovers(team)
    outside_untouched(team)
