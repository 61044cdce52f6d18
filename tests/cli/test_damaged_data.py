"""Damaged and hostile files, as a teammate's commit could deliver them (DESIGN §3, §6, SECURITY.md).

Each is reported by ``check`` with its file and line; read commands skip it with a
warning and answer for the rest; writes to it are refused (exit 5) and change nothing;
nothing in it is executed, followed or expanded.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Crm, Digest

GOOD = "CRM202405001"
BAD = "CRM202405009"
READS = [["customer", "list"], ["remind", "--all"], ["report", "pipeline"], ["query", "tier = C"],
         ["opp", "list", "--where", "tier = C"]]  # fmt: skip


def good_and_bad(crm: Crm, damage: Callable[[str], str]) -> Path:
    """Customer GOOD, and BAD: a copy of it with ``damage`` done to its text."""
    assert crm.add_customer("好公司", "--at", "2024-05-03") == GOOD
    text = (crm.root / "customers" / f"{GOOD}.yaml").read_text("utf-8").replace(GOOD, BAD)
    bad = crm.root / "customers" / f"{BAD}.yaml"
    bad.write_text(damage(text), "utf-8")
    return bad


DAMAGES: dict[str, tuple[Callable[[str], str], str]] = {
    # name: (what is done to a good file, what check says, with the line)
    "bad YAML": (lambda t: t.replace("tier: C", "tier: [C"), f"customers/{BAD}.yaml:6: bad YAML"),
    "conflict markers": (
        lambda t: t.replace("tier: C\n", "<<<<<<< HEAD\ntier: C\n=======\ntier: B\n>>>>>>> theirs\n"),
        f"customers/{BAD}.yaml:5: unresolved git conflict markers",
    ),
    "wrong type": (
        lambda t: t.replace("tier: C", "tier: [1, 2]"),
        f"customers/{BAD}.yaml:5: tier: expected text",
    ),
    "YAML bomb": (
        lambda t: (
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n" + t
        ),
        f"customers/{BAD}.yaml:1: bad YAML: anchors and aliases are not allowed",
    ),
    "name differs from id": (
        lambda t: t.replace(f"id: {BAD}", "id: CRM202405008"),
        f"customers/{BAD}.yaml:1:",
    ),
    "two files with one id": (lambda t: t.replace(f"id: {BAD}", f"id: {GOOD}"), f"customers/{BAD}.yaml:1:"),
}


@pytest.mark.parametrize("kind", DAMAGES)
def test_a_damaged_file_is_reported_skipped_and_never_written(kind: str, crm: Crm, digest: Digest) -> None:
    damage, reported = DAMAGES[kind]
    good_and_bad(crm, damage)
    check = crm("check")
    assert check.exit_code == 1 and reported in check.stdout, check.stdout
    for command in READS:
        result = crm(command)
        assert result.exit_code == 0, (command, result.stderr)
        assert result.stderr.count(f"warning: skipped customers/{BAD}.yaml") == 1, (command, result.stderr)
        assert "Traceback" not in result.stderr
    assert GOOD in crm.ok("customer list") and GOOD in crm.ok(["query", "tier = C"])
    before = digest(crm.root)
    result = crm(f"customer tag {BAD} +x")
    assert result.exit_code == 5 and result.stderr.startswith(f"error: customers/{BAD}.yaml")
    assert digest(crm.root) == before


def test_unknown_keys_are_a_warning_and_the_customer_is_kept(crm: Crm) -> None:
    good_and_bad(crm, lambda t: t + "colour: blue\n")
    check = crm("check")
    assert f"customers/{BAD}.yaml:" in check.stdout and "colour" in check.stdout
    assert BAD in crm.ok("customer list")


def test_duplicate_keys_are_reported_with_their_line(crm: Crm) -> None:
    good_and_bad(crm, lambda t: t.replace("tier: C\n", "tier: C\ntier: VIP\n"))
    check = crm("check")
    assert check.exit_code == 1 and f"customers/{BAD}.yaml:6: key 'tier' is given twice" in check.stdout


def test_yaml_tags_run_nothing(crm: Crm, tmp_path: Path, digest: Digest) -> None:
    pwned = tmp_path / "pwned"
    payload = f"name: !!python/object/apply:os.system ['touch {pwned}']\n"
    good_and_bad(
        crm, lambda t: payload + "\n".join(line for line in t.splitlines() if not line.startswith("name:"))
    )
    check = crm("check")
    assert check.exit_code == 1 and f"customers/{BAD}.yaml:1: bad YAML" in check.stdout
    for command in [*READS, ["customer", "show", BAD], ["export", "json"]]:
        crm(command)
    assert crm(f"customer tag {BAD} +x").exit_code == 5
    assert not pwned.exists()


def test_a_50_mb_file_is_refused_by_its_size_without_reading_it(
    crm: Crm, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = good_and_bad(crm, lambda t: t)
    with big.open("r+b") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB that cost no disk
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        assert self.name != f"{BAD}.yaml", "the 50 MB file was read whole"
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    check = crm("check")
    assert (
        check.exit_code == 1
        and f"customers/{BAD}.yaml: is 50 MB; a salescrm file is at most 5 MB" in check.stdout
    )
    assert "warning: skipped" in crm("customer list").stderr


def test_a_linked_customer_file_is_not_followed(crm: Crm, tmp_path: Path) -> None:
    assert crm.add_customer("好公司", "--at", "2024-05-03") == GOOD
    outside = tmp_path / "secret.yaml"
    outside.write_text(
        (crm.root / "customers" / f"{GOOD}.yaml")
        .read_text("utf-8")
        .replace(GOOD, BAD)
        .replace("好公司", "机密内容"),
        "utf-8",
    )
    (crm.root / "customers" / f"{BAD}.yaml").symlink_to(outside)
    check = crm("check")
    assert check.exit_code == 1 and f"customers/{BAD}.yaml: is a symbolic link" in check.stdout
    show = crm(f"customer show {BAD}")
    assert show.exit_code == 5 and "机密内容" not in show.stdout + show.stderr
    for command in [*READS, ["export", "json"], ["export", "csv"]]:
        assert "机密内容" not in crm.ok(command)
    assert crm(f"customer tag {BAD} +x").exit_code == 5
    assert "机密内容" in outside.read_text("utf-8")  # and the target is untouched


def test_a_fifo_in_place_of_a_customer_file_is_refused_not_waited_on(crm: Crm) -> None:
    assert crm.add_customer("好公司", "--at", "2024-05-03") == GOOD
    os.mkfifo(crm.root / "customers" / f"{BAD}.yaml")  # opening it to read would wait for a writer
    check = crm("check")
    assert check.exit_code == 1 and f"customers/{BAD}.yaml: is not a plain file" in check.stdout
    assert crm(f"customer show {BAD}").exit_code == 5
    assert "warning: skipped" in crm("customer list").stderr
    for command in READS:
        crm.ok(command)


def test_attachments_outside_the_data_directory_are_never_opened(crm: Crm, tmp_path: Path) -> None:
    assert crm.add_customer("好公司", "--at", "2024-05-03") == GOOD
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", "utf-8")
    crm.ok(f"followup log {GOOD} --via phone --content 客户确认下月采购20台,预算15万")
    path = crm.root / "customers" / f"{GOOD}.yaml"
    relative = os.path.relpath(secret, crm.root)  # ../../secret.txt
    path.write_text(
        path.read_text("utf-8").replace("content:", f"attachments: ['{relative}']\n  content:"), "utf-8"
    )
    folder = crm.root / "attachments" / GOOD
    folder.mkdir(parents=True)
    (folder / "quote.pdf").symlink_to(secret)
    check = crm("check")
    assert check.exit_code == 1
    assert f"attachments/{GOOD}/quote.pdf: is a symbolic link" in check.stdout
    assert relative in check.stdout
    outputs = [crm(command) for command in (*READS, ["customer", "show", GOOD], ["customer", "show", GOOD, "-f", "json"],
               ["followup", "list"], *(["export", f] for f in ("csv", "json", "vcard", "ics")))]  # fmt: skip
    assert all("TOPSECRET" not in r.stdout + r.stderr and "Traceback" not in r.stderr for r in outputs)


def test_a_tampered_cache_is_rebuilt_and_damage_stays_reported(crm: Crm) -> None:
    good_and_bad(crm, lambda t: t.replace("tier: C", "tier: [C"))
    first = crm("customer list -f json")
    cache = Path(os.environ["XDG_CACHE_HOME"])
    files = [p for p in cache.rglob("*") if p.is_file()]
    assert files, "the first read commands builds the cache"
    for path in files:  # foreign bytes, and a pickle that would run code if unpickled
        path.write_bytes(b"\x80\x04cos\nsystem\n(S'touch /tmp/salescrm-pwned'\ntR." + os.urandom(64))
    again = crm("customer list -f json")
    assert (again.exit_code, again.stdout) == (0, first.stdout)
    assert "warning: skipped customers/CRM202405009.yaml:6: bad YAML" in again.stderr
    assert not Path("/tmp/salescrm-pwned").exists()
    assert crm("check").exit_code == 1 and crm("check").exit_code == 1  # cached or not, still damaged
