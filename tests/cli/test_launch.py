"""The installed command: which command lines start the scan of customers/ on the other core."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from salescrm.cli.launch import scan_folder
from salescrm.store.datadir import DataDir
from salescrm.store.generate import Plan, generate


@pytest.fixture
def team(tmp_path: Path) -> DataDir:
    generate(tmp_path / "team", Plan(6, seed=5), workers=1)
    return DataDir(tmp_path / "team")


@pytest.mark.parametrize(
    ("args", "scans"),
    [
        (["remind", "--all"], True),
        (["--data", "{root}", "report", "conversion"], True),
        (["--data={root}", "--as", "li.na", "customer", "list", "--tier", "VIP"], True),
        (["--lang=en", "query", "tier = B"], True),
        (["tier", "review"], True),
        (["customer", "add", "某某科技"], True),  # used only if no writer held the lock since
        (["customer", "show", "CRM202201001"], False),
        (["remind", "--help"], False),
        (["--help"], False),
        (["--version"], False),
        (["--data"], False),
        ([], False),
    ],
)
def test_the_launcher_scans_for_the_commands_that_read_every_file(
    team: DataDir, args: list[str], scans: bool
) -> None:
    args = [a.replace("{root}", str(team.root)) for a in args]
    folder = scan_folder(args, {"SALESCRM_DATA": str(team.root)}, "/")
    assert folder == (os.path.join(team.root, "customers") if scans else None)


def test_the_launcher_finds_the_data_directory_as_the_command_will(team: DataDir, tmp_path: Path) -> None:
    inside = team.root / "customers"
    assert scan_folder(["remind"], {}, str(inside)) == os.path.join(team.root, "customers")
    assert scan_folder(["remind"], {}, str(tmp_path)) is None  # no data directory here or above
    assert scan_folder(["--data", str(tmp_path), "remind"], {}, str(inside)) is None


def test_the_installed_command_with_its_head_start_prints_what_the_command_line_does(team: DataDir) -> None:
    from typer.testing import CliRunner

    from salescrm.cli.main import app

    args = ["--data", str(team.root), "remind", "--all", "--as-of", "2026-11-27"]
    env = {**os.environ, "SALESCRM_USER": "li.na"}
    for _ in range(2):  # cold, then warm: the second run's scan comes from the child
        run = subprocess.run([sys.executable, "-m", "salescrm", *args], capture_output=True, text=True, env=env,
                             timeout=60, check=False)  # fmt: skip
        assert run.returncode == 0, run.stderr
    in_process = CliRunner().invoke(app, args, env={"SALESCRM_USER": "li.na"})
    assert in_process.exit_code == 0
    assert run.stdout == in_process.stdout and "CRM2022" in run.stdout


def test_a_warm_read_imports_neither_yaml_nor_the_model(team: DataDir, tmp_path: Path) -> None:
    """What a read command leaves out at start-up (docs/performance.md, Start-up): YAML, the
    model's dataclasses, hashlib, tempfile and platformdirs."""
    args = ["--data", str(team.root), "remind", "--all", "--as-of", "2026-11-27"]
    env = {**os.environ, "SALESCRM_USER": "li.na", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    time.sleep(2.1)  # files younger than 2 s when the cache is written are read again (racy)
    subprocess.run(
        [sys.executable, "-m", "salescrm", *args], capture_output=True, env=env, timeout=60, check=True
    )
    probe = (
        "import sys, runpy\n"
        f"sys.argv = ['salescrm', *{args!r}]\n"
        "try:\n    runpy.run_module('salescrm', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "found = [m for m in ('yaml', 'salescrm.core.model', 'hashlib', 'tempfile', 'platformdirs') if m in sys.modules]\n"
        "print(found, file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         env={**env, "SALESCRM_DEBUG": "1"}, timeout=60, check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "CRM2022" in run.stdout and run.stderr.strip().endswith("[]")
