"""The installed command: which command lines start the scan of customers/ on the other core."""

from __future__ import annotations

import os
import subprocess
import sys
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
