"""Which language a command speaks: --lang (anywhere), $SALESCRM_LANG, salescrm.yaml, $LC_ALL/$LANG."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import Crm, Digest


def headings(crm: Crm, *args: str) -> str:
    return crm.ok(["member", "list", *args]).splitlines()[0].split()[0]


def test_the_order_is_option_variable_team_file(crm: Crm, monkeypatch: pytest.MonkeyPatch) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    assert headings(crm) == "编号"  # the test team's locale: zh_CN
    monkeypatch.setenv("SALESCRM_LANG", "en_US.UTF-8")
    assert headings(crm) == "id"
    assert headings(crm, "--lang", "zh") == "编号"  # the option wins, wherever it is
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert headings(crm) == "id"  # the system's language comes last


def test_outside_a_data_directory_the_system_language_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crm: Crm
) -> None:
    from salescrm.cli.context import Session

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SALESCRM_LANG", raising=False)
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert Session(data_option=str(tmp_path / "nowhere")).lang == "zh"
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    assert Session(data_option=str(tmp_path / "nowhere")).lang == "en"


@pytest.mark.parametrize(
    ("args", "variable", "message"),
    [
        (["--lang", "fr"], None, "error: unknown language 'fr' (--lang)"),
        (["member", "list", "--lang=xx"], None, "error: unknown language 'xx' (--lang)"),
        (["member", "list"], "klingon", "error: unknown language 'klingon' (SALESCRM_LANG)"),
        (["--help", "--lang", "xx"], None, "error: unknown language 'xx' (--lang)"),  # not English help
        (["customer", "add", "--help", "--lang", "xx"], None, "error: unknown language 'xx' (--lang)"),
        (["--help"], "klingon", "error: unknown language 'klingon' (SALESCRM_LANG)"),
    ],
)
def test_an_unknown_language_is_a_clear_error(
    crm: Crm,
    digest: Digest,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    variable: str | None,
    message: str,
) -> None:
    crm.lang = None  # the team's locale (zh_CN)
    if variable:
        monkeypatch.setenv("SALESCRM_LANG", variable)
    before = digest(crm.root)
    result = crm([*args, "member", "add", "x.y", "--name", "某人"] if args[0] == "--lang" else args)
    assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (
        2,
        "",
        [message, "hint: use zh or en"],
    )
    assert digest(crm.root) == before
