"""The real program in a subprocess, as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "salescrm", *args], cwd=cwd, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=60)  # fmt: skip


def test_a_new_team_from_scratch(tmp_path: Path) -> None:
    assert run("init", "crm", "--team", "测试团队", cwd=tmp_path).returncode == 0
    crm = tmp_path / "crm"
    assert run("member", "add", "li.na", "--name", "李娜", cwd=crm).returncode == 0
    added = run("customer", "add", "某某科技", "--source", "展会", "--contact", "王经理", "--phone", "021-5555-5678",
                "--needs", "采购电脑", cwd=crm / "customers", env={"SALESCRM_USER": "li.na"})  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip().startswith("CRM") and added.stderr == ""
    listed = run("customer", "list", cwd=crm)
    assert "某某科技" in listed.stdout
    assert run("check", cwd=crm).returncode == 0


def test_bad_usage_is_one_error_line_and_exit_2(tmp_path: Path) -> None:
    result = run("customer", "list", "--no-such-option", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: No such option: --no-such-option")
    assert "Traceback" not in result.stderr


def test_the_sample_team_is_sound(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    result = run("--data", str(data), "check", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    listed = run("--data", str(data), "customer", "list", "-f", "json", cwd=tmp_path)
    assert listed.stdout.count('"id": "CRM') >= 30


def test_help_lists_the_command_groups(tmp_path: Path) -> None:
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    for group in ("init", "member", "customer", "check"):
        assert group in result.stdout
