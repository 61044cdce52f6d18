"""The duplicate check's search of the identity file: the same answer as comparing identities."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salescrm.core.identity import Identity, find_duplicate, identity_of
from salescrm.core.model import Customer
from salescrm.store import cache, identity_text
from salescrm.store.datadir import DataDir
from salescrm.store.generate import Plan, generate

FIRST = "customers/CRM202201001.yaml"


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DataDir:
    """Twelve generated customers; the cache is written long after the files (none racy)."""
    generate(tmp_path / "team", Plan(12, seed=11), workers=1)
    monkeypatch.setattr(cache, "_now_ns", lambda: 2**62)
    return DataDir(tmp_path / "team")


def candidates(team: DataDir) -> list[Identity]:
    """New customers repeating each existing one's name, phones or e-mails, and one repeating none."""
    found = [Identity("CRM000001001", "完全不同的公司", frozenset({"13000000000"}), frozenset({"x@y.cn"}))]
    every = [identity_of(c) for c in team.load_all().customers]
    for mine in every:
        found.append(mine._replace(customer_id="CRM000001001"))
        found.append(Identity("CRM000001001", "", frozenset(mine.phones), frozenset()))
        found.append(Identity("CRM000001001", "新公司", frozenset(), frozenset(mine.emails)))
    # The name of one customer with a phone or e-mail of the one before it: the earlier one is named.
    for earlier, later in zip(every, every[1:], strict=False):
        found.append(Identity("CRM000001001", later.name, frozenset(earlier.phones), frozenset()))
        found.append(Identity("CRM000001001", later.name, frozenset(), frozenset(earlier.emails)))
    return found


def expected(team: DataDir, mine: Identity) -> tuple[str, str] | None:
    return find_duplicate(mine, [identity_of(c) for c in DataDir(team.root).load_all().customers])


def test_the_search_answers_as_comparing_every_identity(team: DataDir) -> None:
    every = candidates(team)
    assert sum(expected(team, mine) is not None for mine in every) >= 24
    for mine in every:
        assert DataDir(team.root).duplicate_of(mine) == expected(team, mine)


def test_a_changed_a_new_and_a_deleted_file_are_seen_and_the_file_is_kept_up_to_date(team: DataDir) -> None:
    team.load_all()
    first = team.root / FIRST
    text = first.read_text("utf-8")
    first.write_text(text.replace("phone: ", "phone: 1", 1), "utf-8")  # a changed phone
    (team.root / "customers/CRM209901001.yaml").write_text(text.replace("CRM202201001", "CRM209901001"))
    (team.root / "customers/CRM202210001.yaml").unlink()
    every = candidates(team)
    for mine in every:
        assert DataDir(team.root).duplicate_of(mine) == expected(team, mine)
    parses: list[str] = []
    real = cache.parse_customer_file

    def counting(path: Path, name: str, config: object) -> object:
        parses.append(name)
        return real(path, name, config)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cache, "parse_customer_file", counting)
        for mine in every:
            assert DataDir(team.root).duplicate_of(mine) == expected(team, mine)
    assert parses == []  # the identity file was saved up to date


def test_a_customer_added_is_put_in_the_identity_file_by_the_write(team: DataDir) -> None:
    from salescrm.core.customers import NewCustomer, build_customer

    team.load_all()
    new = NewCustomer("新增的公司", "展会", "王经理", "13911112222", None, "采购电脑", None, None, [], None, None,
                      None, None)  # fmt: skip
    customer = build_customer(new, "CRM209911001", team.load_all().customers[0].created, "li.na", team.config)
    with team.transaction("customer add", "li.na") as tx:
        assert team.duplicate_of(identity_of(customer)) is None
        tx.save(customer)
    path = cache.cache_dir(team.root) / cache.IDENTITY_NAME
    rows = identity_text.identities_of(cache.IndexFile(path).column("keys"))
    assert ("customers/CRM209911001.yaml", identity_of(customer)._replace(phones=["13911112222"],
            emails=[])) in rows  # fmt: skip
    again = identity_of(customer)._replace(customer_id="CRM000001001")
    assert DataDir(team.root).duplicate_of(again) == ("CRM209911001", "name")


def _saved_identities(team: DataDir) -> list[tuple[str, str, str, list[str], list[str]]]:
    text = cache.IndexFile(cache.cache_dir(team.root) / cache.IDENTITY_NAME).column("keys")
    return sorted((file, *found[:2], sorted(found.phones), sorted(found.emails))
                  for file, found in identity_text.identities_of(text))  # fmt: skip


def _identities_of(customers: list[Customer]) -> list[tuple[str, str, str, list[str], list[str]]]:
    return sorted((f"customers/{c.id}.yaml", *identity_of(c)[:2], sorted(identity_of(c).phones),
                   sorted(identity_of(c).emails)) for c in customers)  # fmt: skip


def _lines_built(patch: pytest.MonkeyPatch) -> list[str]:
    """The files whose identity lines are built from here on."""
    built: list[str] = []
    real = identity_text.lines_of

    def counting(file: str, row: object) -> bytes:
        built.append(file)
        return real(file, row)  # type: ignore[arg-type]

    patch.setattr(identity_text, "lines_of", counting)
    return built


def test_a_read_after_a_change_patches_the_identity_text_it_saved_with_the_index(team: DataDir) -> None:
    team.load_all()  # the index and the identity file, saved together
    first = team.root / FIRST
    text = first.read_text("utf-8")
    first.write_text(text.replace("phone: ", "phone: 1", 1), "utf-8")
    (team.root / "customers/CRM209901001.yaml").write_text(text.replace("CRM202201001", "CRM209901001"))
    (team.root / "customers/CRM202210001.yaml").unlink()
    with pytest.MonkeyPatch.context() as patch:
        built = _lines_built(patch)
        customers = DataDir(team.root).load_all().customers  # a read: refreshes and saves both
    assert sorted(built) == [FIRST, "customers/CRM209901001.yaml"]  # the other lines were kept
    assert _saved_identities(team) == _identities_of(customers)
    for mine in candidates(team):
        assert DataDir(team.root).duplicate_of(mine) == expected(team, mine)


def test_an_identity_file_saved_since_the_index_or_under_other_rules_is_built_again(team: DataDir) -> None:
    someone = identity_of(team.load_all().customers[1])
    first = team.root / FIRST
    first.write_text(first.read_text("utf-8").replace("phone: ", "phone: 1", 1), "utf-8")
    assert DataDir(team.root).duplicate_of(someone) is not None  # saves the identity file alone
    with pytest.MonkeyPatch.context() as patch:
        built = _lines_built(patch)
        customers = DataDir(team.root).load_all().customers
    assert len(built) == 12
    assert _saved_identities(team) == _identities_of(customers)
    config = team.root / "salescrm.yaml"
    config.write_text(config.read_text("utf-8") + "\n# the rules changed\n", "utf-8")
    first.write_text(first.read_text("utf-8").replace("phone: 1", "phone: 12", 1), "utf-8")
    with pytest.MonkeyPatch.context() as patch:
        built = _lines_built(patch)
        customers = DataDir(team.root).load_all().customers
    assert len(built) == 12
    assert _saved_identities(team) == _identities_of(customers)


keys = st.text(st.characters(blacklist_categories=["Cs"]), max_size=8)


@given(st.lists(st.tuples(keys, st.lists(keys, max_size=2), st.lists(keys, max_size=2)), max_size=6), keys)
def test_any_text_is_found_whole_and_only_whole(
    rows: list[tuple[str, list[str], list[str]]], probe: str
) -> None:
    """Keys and file names hold anything, newlines and separators too; a key is found only whole."""
    named = [(f"customers/x\n{i}\x1f.yaml", [f"CRM{i}", name, phones, emails])
             for i, (name, phones, emails) in enumerate(rows)]  # fmt: skip
    text = identity_text.text_of(named)
    existing = [Identity(row[0], row[1], row[2], row[3]) for _, row in named]
    mine = Identity("CRM-new", probe, frozenset({probe}), frozenset({probe}))
    match = identity_text.first_match(text, mine)
    assert (match[1:] if match else None) == find_duplicate(mine, existing)
    assert [found for _, found in identity_text.identities_of(text)] == [
        Identity(row[0], row[1], row[2], row[3]) for _, row in named
    ]
    assert identity_text.without(text, [file for file, _ in named]) == identity_text.EMPTY
    odd = [file for i, (file, _) in enumerate(named) if i % 2]
    assert identity_text.without(text, odd) == identity_text.text_of(named[::2])


@given(st.lists(st.tuples(keys, st.lists(keys, max_size=2)), max_size=6))
def test_the_names_read_by_one_expression_are_those_of_every_line(rows: list[tuple[str, list[str]]]) -> None:
    """names_of (the close-name check's fast read) agrees with identities_of (every line parsed)."""
    named = [(f"customers/x\n{i}\x1f.yaml", [f"CRM{i}", name, phones, [], "", []])
             for i, (name, phones) in enumerate(rows)]  # fmt: skip
    text = identity_text.text_of(named)
    assert sorted(identity_text.names_of(text)) == sorted(
        (found.customer_id, found.name) for _, found in identity_text.identities_of(text)
    )
