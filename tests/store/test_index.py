"""The derived index (store/index.py): it saves work, never hides a change or a problem, and
hands out plain customers equal to those parsed from the files."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from salescrm.core.identity import find_duplicate, identity_of
from salescrm.core.model import Customer
from salescrm.store import cores, index, scan
from salescrm.store.datadir import DataDir
from salescrm.store.generate import Plan, generate

FIRST = "customers/CRM202201001.yaml"


@pytest.fixture
def team(tmp_path: Path) -> DataDir:
    """Six generated customers."""
    generate(tmp_path / "team", Plan(6, seed=3), workers=1)
    return DataDir(tmp_path / "team")


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file is read long after it was written: no row is racy."""
    monkeypatch.setattr(index, "_now_ns", lambda: 2**62)


def fresh(datadir: DataDir) -> DataDir:
    return DataDir(datadir.root)  # a new command: nothing kept in memory


def parsed_from_files(datadir: DataDir) -> list[Customer]:
    return [c for path in datadir.customer_files() if (c := datadir.load_file(path)[0]) is not None]


def edit_same_size(path: Path, old: str, new: str) -> None:
    """Change ``path`` in place (same inode, same size) and put its mtime back."""
    st = path.stat()
    text = path.read_text("utf-8")
    assert old in text and len(old.encode()) == len(new.encode())
    with path.open("r+b") as handle:
        handle.write(text.replace(old, new, 1).encode())
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns


def test_warm_load_gives_plain_customers_equal_to_parsing(
    team: DataDir, later: None, parses: list[str]
) -> None:
    cold = team.load_all()
    assert len(parses) == 6
    warm = fresh(team).load_all()
    assert len(parses) == 6  # nothing parsed again
    parsed = parsed_from_files(team)
    assert all(type(c) is Customer for c in warm.customers)
    assert warm.customers == parsed == cold.customers
    for mine, theirs in zip(warm.customers, parsed, strict=True):  # field by field, as vars() sees them
        assert vars(mine) == vars(theirs)
        assert [f.name for f in fields(mine)] == list(vars(mine))


def test_one_changed_file_is_the_only_one_parsed(team: DataDir, later: None, parses: list[str]) -> None:
    team.load_all()
    path = team.root / FIRST
    path.write_text(path.read_text("utf-8").replace("tier: ", "tier: A\nx_note: 1\nold_tier: ", 1), "utf-8")
    parses.clear()
    loaded = fresh(team).load_all()
    assert parses == [FIRST]
    first = next(c for c in loaded.customers if c.id == "CRM202201001")
    assert first.tier == "A" and first.extra == {"x_note": 1, "old_tier": "C"}


def test_same_size_edit_with_the_old_mtime_is_seen(team: DataDir, later: None) -> None:
    before = {c.id: c.name for c in team.load_all().customers}
    edit_same_size(team.root / FIRST, "有限公司00000", "有限集团00000")
    after = {c.id: c.name for c in fresh(team).load_all().customers}
    assert before["CRM202201001"].endswith("有限公司00000")
    assert after["CRM202201001"] == before["CRM202201001"].replace("公司", "集团")


def test_same_tick_edit_is_seen_even_when_the_stat_cannot_tell(
    team: DataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A filesystem whose timestamps and inodes say nothing: only the racy rule can help.
    monkeypatch.setattr(scan, "key_of", lambda st: [st.st_size, 5_000_000_000, 7, 5_000_000_000])
    monkeypatch.setattr(index, "_now_ns", lambda: 5_500_000_000)  # the same tick as the files
    team.load_all()
    edit_same_size(team.root / FIRST, "有限公司00000", "有限集团00000")
    names = {c.id: c.name for c in fresh(team).load_all().customers}
    assert names["CRM202201001"].endswith("有限集团00000")


def test_a_racy_row_is_trusted_once_it_has_settled(
    team: DataDir, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    monkeypatch.setattr(scan, "key_of", lambda st: [st.st_size, 5_000_000_000, 7, 5_000_000_000])
    monkeypatch.setattr(index, "_now_ns", lambda: 5_500_000_000)
    team.load_all()
    fresh(team).load_all()
    assert len(parses) == 6  # still within the tick: each file's bytes compared, none parsed again
    monkeypatch.setattr(index, "_now_ns", lambda: 60_000_000_000)
    fresh(team).load_all()  # compared once more, now settled
    assert len(parses) == 6
    hashed: list[Path] = []
    real_digest = index._digest
    monkeypatch.setattr(index, "_digest", lambda path: hashed.append(path) or real_digest(path))
    fresh(team).load_all()
    assert (len(parses), hashed) == (6, [])  # the whole scan was the settled one: nothing read


def test_deleted_and_renamed_files(team: DataDir, later: None) -> None:
    team.load_all()
    (team.root / FIRST).unlink()
    second = team.root / "customers/CRM202210001.yaml"
    second.rename(team.root / "customers/CRM202210099.yaml")
    loaded = fresh(team).load_all()
    assert [c.id for c in loaded.customers] == [
        "CRM202308001",
        "CRM202406001",
        "CRM202503001",
        "CRM202601001",
    ]
    assert [str(p) for p in loaded.problems] == [
        "customers/CRM202210099.yaml:1: file name 'CRM202210099' differs from its id 'CRM202210001'"
    ]


def _warnings(datadir: DataDir) -> list[str]:
    said: list[str] = []
    datadir.notice = said.append
    return said


@pytest.mark.parametrize(
    "damage",
    [
        b"\x93\x01\x02",
        b"not sqlite at all" * 10,
        b"\xde\xad\xbe\xef" * 1000,
        b"SQLite format 3\x00" + b"\xff" * 200,
    ],
)
def test_a_damaged_index_is_rebuilt_with_a_warning(team: DataDir, later: None, damage: bytes) -> None:
    expected = team.load_all()
    path = team.index.path
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(damage)
    again = fresh(team)
    said = _warnings(again)
    loaded = again.load_all()
    assert loaded.customers == expected.customers and loaded.problems == expected.problems
    assert len(said) == 1 and said[0].startswith(f"rebuilding the index {path} (damaged")
    assert fresh(team).load_all().customers == expected.customers


def test_a_truncated_index_is_rebuilt(team: DataDir, later: None) -> None:
    expected = team.load_all().customers
    team.index.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = team.index.path
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    assert fresh(team).load_all().customers == expected
    assert fresh(team).load_all().customers == expected


def test_another_directorys_or_schemas_index_is_rebuilt(
    team: DataDir, later: None, parses: list[str]
) -> None:
    expected = team.load_all().customers
    db = sqlite3.connect(team.index.path, isolation_level=None)
    db.execute("UPDATE meta SET value = '/somewhere/else' WHERE key = 'root'")
    db.close()
    parses.clear()
    again = fresh(team)
    said = _warnings(again)
    assert again.load_all().customers == expected
    assert len(parses) == 6 and said == [
        f"rebuilding the index {team.index.path} (it indexes another data directory, /somewhere/else)"
    ]
    db = sqlite3.connect(team.index.path, isolation_level=None)
    db.execute("UPDATE meta SET value = 0 WHERE key = 'schema'")
    db.execute("CREATE TABLE stranger (x)")
    db.close()
    parses.clear()
    assert fresh(team).load_all().customers == expected
    assert len(parses) == 6
    tables = {r[0] for r in sqlite3.connect(team.index.path).execute("SELECT name FROM sqlite_master")}
    assert "stranger" not in tables


def test_an_unusable_cache_folder_means_working_without_an_index(
    team: DataDir, later: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = team.load_all().customers
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
    blocked = DataDir(team.root)
    blocked.index.path.parent.parent.mkdir(parents=True, exist_ok=True)
    blocked.index.path.parent.write_bytes(b"")  # a file where its folder would be: cannot be made
    said = _warnings(blocked)
    assert blocked.load_all().customers == expected
    assert fresh(blocked).load_all().customers == expected
    assert len(said) == 1 and said[0].startswith(f"cannot use the index {blocked.index.path}")
    assert said[0].endswith("; working without it (slower)")


def test_the_index_lives_in_the_user_cache_dir(team: DataDir) -> None:
    team.load_all()
    path = team.index.path
    assert path.is_file() and str(path).startswith(os.environ["XDG_CACHE_HOME"])
    assert not any(p.suffix in (".sqlite", ".msgpack") for p in team.root.rglob("*"))
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"


@pytest.mark.parametrize(
    ("xdg", "home"),
    [("/srv/cache", "/home/li"), ("", "/home/li"), ("relative/cache", "/home/li"), ("/srv/cache/", None),
     (None, "/home/li/"), ("", "relative-home"), (None, None)],
)  # fmt: skip
def test_the_cache_root_is_where_platformdirs_puts_it(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None, home: str | None
) -> None:
    from platformdirs import user_cache_dir

    from salescrm.store.cache_files import user_cache_root

    for name, value in (("XDG_CACHE_HOME", xdg), ("HOME", home)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert user_cache_root() == Path(user_cache_dir("salescrm"))


def test_damaged_file_problems_are_indexed_too(team: DataDir, later: None, parses: list[str]) -> None:
    (team.root / FIRST).write_text("id: CRM202201001\nname: [unclosed\n", "utf-8")
    cold = team.load_all()
    warm = fresh(team).load_all()
    assert parses.count(FIRST) == 1
    assert [str(p) for p in cold.problems] == [str(p) for p in warm.problems]
    assert str(warm.problems[0]).startswith("customers/CRM202201001.yaml:3: bad YAML")
    assert len(warm.customers) == 5


def test_changed_rules_recheck_every_record_without_parsing(
    team: DataDir, later: None, parses: list[str]
) -> None:
    team.load_all()
    config = team.root / "salescrm.yaml"
    config.write_text(config.read_text("utf-8") + "industries: [其他]\n", "utf-8")
    parses.clear()
    loaded = fresh(team).load_all()
    assert parses == []
    assert loaded.problems and all("unknown industry" in p.message for p in loaded.problems)
    assert all(p.line == 3 for p in loaded.problems)
    assert loaded.customers == parsed_from_files(fresh(team))  # as the files read under the new rules
    config.write_text(config.read_text("utf-8").replace("industries: [其他]\n", ""), "utf-8")
    assert fresh(team).load_all().customers == parsed_from_files(fresh(team))
    assert parses == []


def test_many_files_are_parsed_on_every_core(
    team: DataDir, monkeypatch: pytest.MonkeyPatch, later: None
) -> None:
    monkeypatch.setattr(cores, "PARALLEL_FROM", 2)
    monkeypatch.setattr(cores, "count", lambda: 2)
    seen: list[tuple[int, int]] = []
    team.progress = lambda done, total: seen.append((done, total))
    parallel = team.load_all()
    assert seen[-1] == (6, 6)
    assert parallel.customers == parsed_from_files(team)


def test_the_duplicate_check_is_a_lookup_that_agrees_with_a_scan(
    team: DataDir, later: None, parses: list[str]
) -> None:
    customers = team.load_all().customers
    every = [identity_of(c) for c in customers]
    parses.clear()
    for someone in every:
        assert fresh(team).duplicate_of(someone._replace(customer_id="CRM209901001")) == find_duplicate(
            someone._replace(customer_id="CRM209901001"), every
        )
        assert fresh(team).duplicate_of(someone) == find_duplicate(someone, every)  # itself is no duplicate
    phone_only = every[2]._replace(customer_id="CRM209901001", name="别的名字", emails=frozenset())
    assert fresh(team).duplicate_of(phone_only) == find_duplicate(phone_only, every)
    assert parses == []


def test_identities_names_and_aliases_from_the_index_agree_with_the_files(team: DataDir, later: None) -> None:
    path = team.root / FIRST
    text = path.read_text("utf-8")
    path.write_text(
        text + "credit_code: 91350100M000100Y43\naliases: [CRM202101009, CRM202101003]\n", "utf-8"
    )
    customers = parsed_from_files(team)
    assert set(customers[0].aliases) == {"CRM202101003", "CRM202101009"}
    expected = [identity_of(c) for c in customers]
    found = fresh(team).identities()
    assert [i.customer_id for i in found] == [i.customer_id for i in expected]
    for mine, theirs in zip(found, expected, strict=True):
        assert (mine.name, mine.credit_code, set(mine.aliases)) == (
            theirs.name,
            theirs.credit_code,
            set(theirs.aliases),
        )
        assert (set(mine.phones), set(mine.emails)) == (set(theirs.phones), set(theirs.emails))
    assert fresh(team).index.names() == [(i.customer_id, i.name) for i in expected if i.name]
    assert fresh(team).alias_of("CRM202101009") == "CRM202201001" == fresh(team).alias_of("CRM202101003")
    assert fresh(team).alias_of("CRM202201001") is None
    credit_only = expected[1]._replace(customer_id="CRM209901001", credit_code="91350100M000100Y43")
    assert fresh(team).duplicate_of(credit_only) == find_duplicate(credit_only, expected)
    assert fresh(team).duplicate_of(credit_only) == ("CRM202201001", "credit code")


def test_the_duplicate_check_sees_a_changed_file_and_ignores_a_damaged_one(
    team: DataDir, later: None
) -> None:
    team.load_all()
    path = team.root / FIRST
    text = path.read_text("utf-8")
    name = next(line for line in text.splitlines() if line.startswith("name: ")).removeprefix("name: ")
    path.write_text(text.replace(f"name: {name}", "name: 改了名字的商行"), "utf-8")
    mine = identity_of(parsed_from_files(team)[0])._replace(customer_id="CRM209901001")
    assert fresh(team).duplicate_of(mine) == ("CRM202201001", "name")
    path.write_text("<<<<<<< HEAD\n", "utf-8")
    assert fresh(team).duplicate_of(mine) is None


def test_salescrm_yaml_is_read_without_yaml_until_it_changes(
    team: DataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    from salescrm.store import yamlio

    expected = team.config
    real_load_text = yamlio.load_text
    reads: list[str] = []
    monkeypatch.setattr(
        yamlio, "load_text", lambda text, name: reads.append(name) or real_load_text(text, name)
    )
    assert fresh(team).config == expected
    assert reads == []  # kept in the index with its text
    path = team.root / "salescrm.yaml"
    path.write_text(path.read_text("utf-8").replace(f"team: {expected.team}", "team: 华东大区"), "utf-8")
    assert fresh(team).config.team == "华东大区"
    assert reads == ["salescrm.yaml"]
    assert fresh(team).config.team == "华东大区" and reads == ["salescrm.yaml"]


def test_summaries_as_of_a_day_rewind_only_customers_with_later_events(
    team: DataDir, later: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from salescrm.core.reminders import facts_of
    from salescrm.core.timeline import customer_as_of

    customers = team.load_all().customers
    day = date(2024, 6, 30)
    rewound = [r for c in customers if (r := customer_as_of(c, day)) is not None]
    facts, _ = fresh(team).load_summaries("remind", day)
    assert facts == [facts_of(c) for c in rewound]
    assert fresh(team).load_summaries("remind", date.max)[0] == [facts_of(c) for c in customers]


def test_check_reads_many_files_on_every_core_and_finds_the_same(
    team: DataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    from salescrm.store.checking import check_all

    target = team.root / FIRST
    target.write_text(target.read_text("utf-8").replace("name: ", "name: 1\nname: ", 1), "utf-8")
    serial = check_all(team)
    assert any("given twice" in p.message for p in serial)
    monkeypatch.setattr(cores, "PARALLEL_FROM", 2)
    monkeypatch.setattr(cores, "count", lambda: 2)
    seen: list[tuple[int, int]] = []
    team.progress = lambda done, total: seen.append((done, total))
    assert check_all(team) == serial
    assert seen[-1] == (6, 6)


def test_a_data_directory_under_spaces_and_chinese_characters(tmp_path: Path, later: None) -> None:
    root = tmp_path / "销售 数据 (2026)" / "团队 A"
    generate(root, Plan(4, seed=2), workers=1)
    team = DataDir(root)
    cold = team.load_all()
    assert len(cold.customers) == 4 and fresh(team).load_all() == cold
    assert fresh(team).index.path.parent.name != root.name  # named by a checksum of the path


def test_hostile_files_are_indexed_as_problems_and_not_read_again(
    team: DataDir, later: None, parses: list[str]
) -> None:
    lines = ["a0: &a0 [" + ", ".join(["x"] * 10) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    (team.customers_dir / "CRM202611001.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    (team.customers_dir / "CRM202611002.yaml").write_text("deep: " + "[" * 5000 + "]" * 5000 + "\n")
    (team.customers_dir / "CRM202611003.yaml").symlink_to(team.root / FIRST)
    cold = team.load_all()
    assert len(cold.customers) == 6
    messages = {p.file: p.message for p in cold.problems}
    assert "anchors and aliases" in messages["customers/CRM202611001.yaml"]
    assert "link" in messages["customers/CRM202611003.yaml"]
    assert "customers/CRM202611002.yaml" in messages
    parses.clear()
    assert fresh(team).load_all() == cold and parses == []


def test_a_write_updates_its_own_row_and_the_next_read_parses_nothing(
    team: DataDir, parses: list[str]
) -> None:
    from dataclasses import replace

    from salescrm.core.find import keys_of

    team.load_all()
    parses.clear()
    first = team.read_customer("CRM202201001")
    with team.transaction("test", "li.na") as tx:
        tx.save(replace(first, needs="需要采购80台服务器"))
    assert parses == [FIRST]  # the file written, read back under the lock, summaries left for later
    parses.clear()
    loaded = fresh(team).load_all()  # the written file is racy: its bytes are compared, not parsed
    assert parses == []
    assert loaded.customers == parsed_from_files(team)
    found, _ = fresh(team).load_summaries("find", date.max)  # the one missing summary, from its record
    assert found == [keys_of(c) for c in parsed_from_files(team)]
    assert parses == []


QUERIES = [
    "tier = B", "tier = vip or tier = A", "tier in (A, B) and not archived", "owner = zhang.wei",
    "owner = ZHANG.WEI and tier = C", "name ~ 科技", "(name ~ 南京 or name ~ 苏州) and tier != VIP", "archived",
    "not archived and name ~ 有限", "name ~ ＮＡＮＪＩＮＧ or tier = B", "not (tier = B)", "owner = me",
    "name = 不存在的公司", "tier = B and followups(6m) > 1",
]  # fmt: skip


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("day", [date(2024, 6, 30), date.max])
def test_a_query_narrowed_by_the_index_picks_what_the_whole_scan_picks(
    tmp_path: Path, text: str, day: date
) -> None:
    from salescrm.core.query import narrowing, parse_query, query_context

    generate(tmp_path / "team", Plan(30, seed=5), workers=1)
    team = DataDir(tmp_path / "team")
    query, ctx = parse_query(text), query_context(min(day, date(2026, 11, 27)), "zhang.wei")
    every, _ = team.load_summaries("list", ctx.as_of)
    narrowed, _ = fresh(team).load_summaries("list", ctx.as_of, narrowing(query, ctx))
    expected = [r for r in every if query.selects_row(r, ctx)]
    assert [r for r in narrowed if query.selects_row(r, ctx)] == expected
    assert len(narrowed) <= len(every)


def test_a_file_is_read_once_for_its_stat_key_digest_and_parse(team: DataDir, tmp_path: Path) -> None:
    row = index.read_row(team.root, FIRST, team.config)
    path = team.root / FIRST
    assert row.stat == scan.key_of(path.lstat())
    assert row.digest == index._digest(path) is not None
    assert row.customer is not None and row.usable
    os.mkfifo(team.customers_dir / "CRM202611004.yaml")  # not a plain file: refused, never waited on
    (team.customers_dir / "CRM202611005.yaml").symlink_to(path)  # not followed: no digest, a problem
    for name in ("customers/CRM202611004.yaml", "customers/CRM202611005.yaml"):
        odd = index.read_row(team.root, name, team.config)
        assert odd.digest is None and odd.customer is None and odd.problems
        assert odd.stat == scan.key_of((team.root / name).lstat())
