"""The parsed-record cache: it saves work and never hides a change or a problem."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import msgpack
import pytest

from salescrm.core.identity import identity_of
from salescrm.store import cache, scan
from salescrm.store.cache import RecordCache
from salescrm.store.cached_customer import CachedCustomer
from salescrm.store.datadir import DataDir
from salescrm.store.generate import Plan, generate
from salescrm.store.index_file import IndexFile, index_bytes

FIRST = "customers/CRM202201001.yaml"


@pytest.fixture
def team(tmp_path: Path) -> DataDir:
    """Six generated customers; every file counts as settled (written long before the cache)."""
    generate(tmp_path / "team", Plan(6, seed=3), workers=1)
    return DataDir(tmp_path / "team")


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache is written a minute after the files: no entry is racy."""
    monkeypatch.setattr(cache, "_now_ns", lambda: 2**62)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files parsed, in order."""
    parsed: list[str] = []
    real = cache.parse_entry

    def counting(root: Path, name: str, config: object) -> object:
        parsed.append(name)
        return real(root, name, config)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "parse_entry", counting)
    return parsed


def fresh(datadir: DataDir) -> DataDir:
    return DataDir(datadir.root)  # a new command: nothing kept in memory


def edit_same_size(path: Path, old: str, new: str) -> None:
    """Change ``path`` in place (same inode, same size) and put its mtime back."""
    st = path.stat()
    text = path.read_text("utf-8")
    assert old in text and len(old.encode()) == len(new.encode())
    with path.open("r+b") as handle:
        handle.write(text.replace(old, new, 1).encode())
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns


def test_warm_load_gives_the_same_customers_as_parsing(team: DataDir, later: None, parses: list[str]) -> None:
    cold = team.load_all()
    assert len(parses) == 6
    warm = fresh(team).load_all()
    assert len(parses) == 6  # nothing parsed again
    assert all(isinstance(c, CachedCustomer) for c in warm.customers)
    parsed = [team.load_file(path)[0] for path in team.customer_files()]
    assert warm.customers == parsed == cold.customers
    assert [len(c.followups) for c in warm.customers] == [len(c.followups) for c in parsed]


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
    monkeypatch.setattr(cache, "_now_ns", lambda: 5_500_000_000)  # the same tick as the files
    team.load_all()
    edit_same_size(team.root / FIRST, "有限公司00000", "有限集团00000")
    names = {c.id: c.name for c in fresh(team).load_all().customers}
    assert names["CRM202201001"].endswith("有限集团00000")


def test_a_racy_entry_is_trusted_once_it_has_settled(
    team: DataDir, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    monkeypatch.setattr(scan, "key_of", lambda st: [st.st_size, 5_000_000_000, 7, 5_000_000_000])
    monkeypatch.setattr(cache, "_now_ns", lambda: 5_500_000_000)
    team.load_all()
    fresh(team).load_all()
    assert len(parses) == 12  # still within the tick: parsed again
    monkeypatch.setattr(cache, "_now_ns", lambda: 60_000_000_000)
    fresh(team).load_all()  # parsed once more, then saved as settled
    parses.clear()
    fresh(team).load_all()
    assert parses == []


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


@pytest.mark.parametrize("damage", [b"", b"\x93\x01\x02", b"not msgpack at all", b"\xde\xad\xbe\xef" * 10])
def test_a_corrupt_cache_is_rebuilt_silently(team: DataDir, later: None, damage: bytes) -> None:
    expected = team.load_all().customers
    path = RecordCache(team).path
    path.write_bytes(damage)
    assert fresh(team).load_all().customers == expected
    for records in path.parent.glob("records-*.bin"):
        records.write_bytes(damage)
    assert fresh(team).load_all().customers == expected
    assert IndexFile(path).header["format"] == cache.CACHE_FORMAT
    assert fresh(team).load_all().customers == expected


def test_a_truncated_or_foreign_cache_is_not_used(team: DataDir, later: None, parses: list[str]) -> None:
    expected = team.load_all().customers
    path = RecordCache(team).path
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert fresh(team).load_all().customers == expected
    index = IndexFile(path)
    path.write_bytes(index_bytes({**index.header, "root": "/somewhere/else"}, index.all_columns()))
    parses.clear()
    assert fresh(team).load_all().customers == expected
    assert len(parses) == 6


def test_a_damaged_part_in_the_cache_falls_back_to_the_file(team: DataDir, later: None) -> None:
    expected = team.load_all().customers
    path = RecordCache(team).path
    index = IndexFile(path)
    parts = index.column("parts")[index.column("names").index(FIRST)]
    offset, length = msgpack.unpackb(parts)["followups"]
    records = path.parent / index.header["records"]
    data = bytearray(records.read_bytes())
    data[offset : offset + length] = b"\xc1" * length  # 0xc1: never valid msgpack
    records.write_bytes(bytes(data))
    assert fresh(team).load_all().customers == expected


@pytest.mark.parametrize("column", ["parts", "identity", "problems"])
def test_a_damaged_column_of_one_entry_costs_only_time(team: DataDir, later: None, column: str) -> None:
    """The index keeps each entry's values packed apart and decodes them on first use:
    garbage in one of them is read from the file (or rebuilds the cache), never shown."""
    expected = team.load_all().customers
    facts, _ = team.load_summaries("remind", date.max)
    path = RecordCache(team).path
    index = IndexFile(path)
    raw = index.all_columns()
    raw[column][raw["names"].index(FIRST)] = b"\xc1"  # 0xc1: never valid msgpack
    raw["summary:remind"][raw["names"].index(FIRST)] = b"\xc1"
    path.write_bytes(index_bytes(index.header, raw))
    assert fresh(team).load_all().customers == expected
    assert fresh(team).load_summaries("remind", date.max)[0] == facts
    assert sorted(i.customer_id for i in RecordCache(fresh(team)).identities()) == sorted(
        c.id for c in expected
    )
    (team.root / raw["names"][-1]).touch()  # a write is due
    assert fresh(team).load_all().customers == expected
    assert fresh(team).load_all().customers == expected


def test_the_cache_lives_in_the_user_cache_dir(team: DataDir) -> None:
    team.load_all()
    path = RecordCache(team).path
    assert path.is_file() and str(path).startswith(os.environ["XDG_CACHE_HOME"])
    assert not any(p.name.endswith(".msgpack") for p in team.root.rglob("*"))
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


def test_damaged_file_problems_are_cached_too(team: DataDir, later: None, parses: list[str]) -> None:
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


def test_many_files_are_parsed_on_every_core(
    team: DataDir, monkeypatch: pytest.MonkeyPatch, later: None
) -> None:
    monkeypatch.setattr(cache, "PARALLEL_FROM", 2)
    monkeypatch.setattr(cache, "cores", lambda: 2)
    seen: list[tuple[int, int]] = []
    team.progress = lambda done, total: seen.append((done, total))
    parallel = team.load_all()
    assert seen[-1] == (6, 6)
    assert parallel.customers == [team.load_file(p)[0] for p in team.customer_files()]


def _identities(datadir: DataDir) -> list[tuple[str, str]]:
    return sorted((i.customer_id, i.name) for i in RecordCache(fresh(datadir)).identities())


def test_identities_come_from_their_own_small_file(
    team: DataDir, later: None, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = sorted((c.id, identity_of(c).name) for c in team.load_all().customers)
    parses.clear()
    monkeypatch.setattr(RecordCache, "_read_index", lambda self: pytest.fail("the index was read"))
    assert _identities(team) == expected
    assert parses == []  # nothing was parsed either


def test_identities_see_a_changed_file_and_ignore_a_damaged_one(
    team: DataDir, later: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    parses: list[str] = []
    real = cache.parse_customer_file
    monkeypatch.setattr(
        cache,
        "parse_customer_file",
        lambda path, name, config: parses.append(name) or real(path, name, config),
    )
    team.load_all()
    path = team.root / FIRST
    text = path.read_text("utf-8")
    name = next(line for line in text.splitlines() if line.startswith("name: ")).removeprefix("name: ")
    path.write_text(text.replace(f"name: {name}", "name: 改了名字的商行"), "utf-8")
    parses.clear()
    assert ("CRM202201001", "改了名字的商行") in _identities(team)
    assert parses == [FIRST]
    assert ("CRM202201001", "改了名字的商行") in _identities(team)
    assert parses == [FIRST]  # the identity file was brought up to date: the next write parses nothing
    path.write_text("<<<<<<< HEAD\n", "utf-8")
    assert "CRM202201001" not in [number for number, _ in _identities(team)]


def test_a_damaged_identity_file_falls_back_to_the_index(team: DataDir, later: None) -> None:
    expected = sorted((c.id, identity_of(c).name) for c in team.load_all().customers)
    (cache.cache_dir(team.root) / cache.IDENTITY_NAME).write_bytes(b"\x93garbage")
    assert _identities(team) == expected


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
    assert reads == []  # kept in the cache folder by the digest of its text
    path = team.root / "salescrm.yaml"
    path.write_text(path.read_text("utf-8").replace(f"team: {expected.team}", "team: 华东大区"), "utf-8")
    assert fresh(team).config.team == "华东大区"
    assert reads == ["salescrm.yaml"]
    assert fresh(team).config.team == "华东大区" and reads == ["salescrm.yaml"]


def _records_file(datadir: DataDir) -> Path:
    path = RecordCache(datadir).path
    return path.parent / IndexFile(path).header["records"]


def test_a_change_appends_its_parts_until_half_the_records_file_is_garbage(
    team: DataDir, later: None
) -> None:
    team.load_all()
    first = _records_file(team)
    size = first.stat().st_size
    target = team.root / FIRST
    grown = []
    for n in range(12):
        target.write_text(target.read_text("utf-8").replace("name: ", f"name: 改{n}", 1), "utf-8")
        expected = [fresh(team).read_customer(stem) for stem in sorted(team.customer_ids())]
        assert fresh(team).load_all().customers == expected
        assert fresh(team).load_all().customers == expected
        grown.append((_records_file(team), _records_file(team).stat().st_size))
    # The first changes are appended to the same file, a little each time ...
    assert grown[0][0] == first and size < grown[0][1] < 1.5 * size
    assert grown[1][0] == first and grown[1][1] > grown[0][1]
    # ... until half of it would be garbage: then every part goes to a new, compact file.
    assert any(path != first for path, _ in grown)
    assert all(length <= 2 * size + 4096 for _, length in grown)


def test_an_unchanged_team_is_summarised_from_the_index_columns_alone(
    team: DataDir, later: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    facts = team.load_summaries("remind", date.max)[0]
    built: list[int] = []
    real = RecordCache._entries
    monkeypatch.setattr(RecordCache, "_entries", lambda self, index: built.append(1) or real(self, index))
    assert fresh(team).load_summaries("remind", date.max)[0] == facts
    assert built == []  # no entry object: one comparison of names and stat keys sufficed
    target = team.root / FIRST
    target.write_text(target.read_text("utf-8").replace("name: ", "name: 新", 1), "utf-8")
    changed = fresh(team).load_summaries("remind", date.max)[0]
    assert built == [1] and changed != facts
    assert next(f for f in changed if f.id == "CRM202201001").name.startswith("新")


def test_check_reads_many_files_on_every_core_and_finds_the_same(
    team: DataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    from salescrm.store.checking import check_all

    target = team.root / FIRST
    target.write_text(target.read_text("utf-8").replace("name: ", "name: 1\nname: ", 1), "utf-8")
    serial = check_all(team)
    assert any("given twice" in p.message for p in serial)
    monkeypatch.setattr(cache, "PARALLEL_FROM", 2)
    monkeypatch.setattr(cache, "cores", lambda: 2)
    seen: list[tuple[int, int]] = []
    team.progress = lambda done, total: seen.append((done, total))
    assert check_all(team) == serial
    assert seen[-1] == (6, 6)
