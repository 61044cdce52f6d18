"""Point 6: a cache folder another local user owns, or may write to, is never trusted.

With a shared ``$XDG_CACHE_HOME``, another user pre-creates ``salescrm/`` (mode 0777) and
plants a forged copy of the team's settings (here: English labels instead of Chinese). The
victim's commands refuse the folder, say so once, work without it, and leave it untouched.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from salescrm.store.index import pack, unpack
from tests.security.conftest import Team


def forged_cache(team: Team, tmp_path: Path) -> Path:
    """A shared cache home whose salescrm/ holds bob's cache with the locale forged to en."""
    real = tmp_path / "real-cache"
    assert team.bob("customer", "list", env={"XDG_CACHE_HOME": str(real)}).returncode == 0
    shared = tmp_path / "shared"
    shutil.copytree(real, shared)
    (index,) = (shared / "salescrm").glob("*/index.sqlite")
    db = sqlite3.connect(index, isolation_level=None)
    (packed,) = db.execute("SELECT value FROM meta WHERE key = 'config_data'").fetchone()
    kept = unpack(packed)
    kept["data"]["locale"] = "en"
    db.execute("UPDATE meta SET value = ? WHERE key = 'config_data'", (pack(kept),))
    db.close()
    return shared


def test_a_cache_folder_others_may_write_is_refused(team: Team, tmp_path: Path) -> None:
    shared = forged_cache(team, tmp_path)
    env = {"XDG_CACHE_HOME": str(shared), "SALESCRM_LANG": ""}  # the team's locale: zh_CN, the forgery's en
    os.chmod(shared / "salescrm", 0o777)
    before = sorted(str(p.relative_to(shared)) for p in shared.rglob("*"))
    listed = team.bob("customer", "list", env=env)
    assert listed.returncode == 0
    assert listed.stderr.splitlines() == [
        f"warning: not using the cache folder {shared / 'salescrm'}: others may write to it (mode 777; "
        "chmod 700 it); working without it (slower)"
    ]
    assert (
        "客户名称" in listed.stdout or "名称" in listed.stdout.splitlines()[0]
    )  # Chinese: the forgery unused
    assert sorted(str(p.relative_to(shared)) for p in shared.rglob("*")) == before
    os.chmod(shared / "salescrm", 0o700)  # the owner fixes it: the cache (and its forgery) is used
    trusted = team.bob("customer", "list", env=env)
    assert trusted.stderr == "" and trusted.stdout.splitlines()[0] != listed.stdout.splitlines()[0]


@pytest.mark.skipif(os.getuid() != 0, reason="giving a folder to another user needs root")
def test_a_cache_folder_another_user_owns_is_refused(team: Team, tmp_path: Path) -> None:
    shared = forged_cache(team, tmp_path)
    os.chown(shared / "salescrm", 65534, 65534)
    listed = team.bob("customer", "list", env={"XDG_CACHE_HOME": str(shared), "SALESCRM_LANG": ""})
    assert listed.returncode == 0 and "another user owns it; working without it" in listed.stderr


def test_a_new_cache_folder_is_private(team: Team, tmp_path: Path) -> None:
    home = tmp_path / "fresh"
    assert team.bob("remind", "--all", env={"XDG_CACHE_HOME": str(home)}).returncode == 0
    folders = [home / "salescrm", *(home / "salescrm").iterdir()]
    assert folders[1:] and all(f.stat().st_mode & 0o777 == 0o700 for f in folders)
