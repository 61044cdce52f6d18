"""Point 4: escape sequences, control characters and bidi overrides from files never reach the terminal.

alice commits a customer whose name, contact and needs hold OSC title and hyperlink sequences,
a screen clear, BEL, NUL, DEL and U+202E, and a file whose name holds a newline and a fake
line of output. bob's check reports each with its line and refuses to push; every command
shows them as text (``\\x1b``, ``⟨U+202E⟩``), never raw.
"""

from __future__ import annotations

import json
import os

from salescrm.cli.render import table
from salescrm.core.safe_text import quoted, unsafe_characters, visible
from tests.security.conftest import AS_OF, FIRST, Team, recovers

RAW = ["\x1b", "\x07", "\x00", "\x7f", "\u202e", "\x9b"]
HOSTILE = "CRM202611002"


def hostile_customer(text: str) -> str:
    """A copy of the first customer with escapes in its name, contact and needs (YAML escapes)."""
    text = text.replace(FIRST, HOSTILE)
    text = text.replace("name: 某某科技有限公司", 'name: "\\e]0;pwned\\a某某\\e[2J科技\\u202eexe.pdf"')
    text = text.replace("name: 王经理", 'name: "\\e]8;;http://evil.example\\e\\\\王经理\\e]8;;\\e\\\\"')
    return text.replace("needs: 需要采购50台办公电脑", 'needs: "需要\\0采购\\x7f电脑\\x9b31m"')


def test_check_reports_and_every_command_shows_them_visibly(team: Team) -> None:
    first = (team.alice.root / "customers" / f"{FIRST}.yaml").read_text("utf-8")
    fake = "customers/CRM202611003\nerror: all good.yaml"
    config = (
        (team.alice.root / "salescrm.yaml")
        .read_text("utf-8")
        .replace("filters: {}", "filters: {hostile: tier = VIP}")
    )
    crafted = {f"customers/{HOSTILE}.yaml": hostile_customer(first), fake: "x: 1\n", "salescrm.yaml": config}
    team.alice.push_crafted("escapes", crafted)

    synced = team.bob("sync")
    assert synced.returncode == 1 and "nothing was pushed" in synced.stderr
    checked = team.bob("check")
    assert checked.returncode == 1
    assert (
        f"customers/{HOSTILE}.yaml:2: text holds control characters or bidi controls: \\x1b, \\x07, ⟨U+202E⟩"
        in checked.stdout
    )
    assert (
        f"customers/{HOSTILE}.yaml:10: text holds control characters or bidi controls: \\x00, \\x7f, \\x9b"
        in checked.stdout
    )
    assert f"customers/{HOSTILE}.yaml:12: text holds control characters" in checked.stdout  # the contact
    assert "customers/CRM202611003\\nerror: all good.yaml" in checked.stdout
    for output in (synced.stdout + synced.stderr, checked.stdout):
        assert not [line for line in output.splitlines() if line.startswith("error: all good")]

    # The file is valid salescrm data: reads show it, visibly.
    commands = [["customer", "list"], ["customer", "show", HOSTILE], ["query", "tier = VIP"],
                ["remind", "--all", "--as-of", AS_OF], ["customer", "list", "-f", "md"], ["opp", "list"],
                ["report", "review", "--as-of", AS_OF, "--filter", "hostile"]]  # fmt: skip
    for command in commands:
        result = team.bob(*command)
        assert result.returncode == 0, (command, result.stderr)
        for char in RAW:
            assert char not in result.stdout + result.stderr, (command, repr(char))
    review = team.bob("report", "review", "--as-of", AS_OF, "--filter", "hostile").stdout
    assert "\\x1b]0;pwned\\x07某某" in review
    shown = team.bob("customer", "show", HOSTILE).stdout
    assert "\\x1b]0;pwned\\x07某某\\x1b[2J科技⟨U+202E⟩exe.pdf" in shown
    assert "需要\\x00采购\\x7f电脑\\x9b31m" in shown
    # JSON is the scripting interface: the data as it is, escaped by JSON itself.
    data = json.loads(team.bob("customer", "list", "-f", "json").stdout)
    assert any(row["name"] == "\x1b]0;pwned\x07某某\x1b[2J科技\u202eexe.pdf" for row in data)
    recovers(team)


def test_visible_shows_each_kind_and_leaves_clean_text_alone() -> None:
    assert visible("上海启明科技有限公司") == "上海启明科技有限公司"
    assert visible("a\tb\nc") == "a\\tb\\nc"
    assert visible("a\tb\nc", multiline=True) == "a\tb\nc"
    assert (
        visible("\r\x1b[2J\x07\x00\x7f\x85\u202e\u2066\u2028")
        == "\\r\\x1b[2J\\x07\\x00\\x7f\\x85⟨U+202E⟩⟨U+2066⟩⟨U+2028⟩"
    )
    assert quoted("a\nb.yaml") == "'a\\nb.yaml'"
    assert unsafe_characters("多行\n文本\t") is None
    assert unsafe_characters("\x1b]0;x\x07") == "\\x1b, \\x07"


def test_tables_show_cells_visibly() -> None:
    text = table([["\x1b[2J王经理", "ok"]], ["name", "\u202eid"])
    assert "\x1b" not in text and "\u202e" not in text
    assert "\\x1b[2J王经理" in text and "⟨U+202E⟩id" in text


def test_file_names_that_are_not_utf_8_are_shown_not_a_crash(team: Team) -> None:
    alice = team.alice
    for name in (b"customers/CRM202611004\xff.yaml", b"notes-\xfe.txt"):
        (alice.root / os.fsdecode(name)).write_bytes(b"x: 1\n")
    alice.git("add", "--all")
    alice.git("commit", "--quiet", "-m", "odd names")
    alice.git("push", "--quiet", "origin", "HEAD")
    synced = team.bob("sync")
    assert synced.returncode == 1 and "unexpected" not in synced.stderr
    checked = team.bob("check")
    assert (
        checked.returncode == 1 and "customers/CRM202611004⟨U+DCFF⟩.yaml:1: id: is required" in checked.stdout
    )
    listed = team.bob("customer", "list")
    assert listed.returncode == 0 and "skipped customers/CRM202611004⟨U+DCFF⟩.yaml" in listed.stderr
    recovers(team)
