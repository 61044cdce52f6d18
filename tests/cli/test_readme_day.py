"""The README's "A day with salescrm" works as written, on a clone of the sample team."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def _day_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split("## A day with salescrm", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    joined = block.replace("\\\n", " ")
    return [re.sub(r"\s+#\s.*$", "", line).strip() for line in joined.splitlines() if line.strip()]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_a_day_with_salescrm_runs_as_the_readme_says(tmp_path: Path) -> None:
    data = tmp_path / "crm"
    shutil.copytree(ROOT / "data", data)
    _git(tmp_path, "init", "--quiet", "--bare", "remote.git")
    _git(data, "init", "--quiet")
    _git(data, "add", "-A")
    _git(
        data,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "commit",
        "--quiet",
        "-m",
        "the sample team",
    )
    _git(data, "remote", "add", "origin", str(tmp_path / "remote.git"))
    _git(data, "push", "--quiet", "-u", "origin", "HEAD")
    env = {**os.environ, "SALESCRM_DATA": str(data), "SALESCRM_USER": "zhang.wei"}
    commands = _day_commands()
    assert len(commands) >= 8 and all(c.startswith("salescrm ") for c in commands)
    for command in commands:
        argv = [sys.executable, "-m", "salescrm", *shlex.split(command)[1:]]
        result = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        assert "Traceback" not in result.stderr
    assert (tmp_path / "review.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    check = subprocess.run(
        [sys.executable, "-m", "salescrm", "check"], env=env, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout
