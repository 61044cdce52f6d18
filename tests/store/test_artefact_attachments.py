"""store.attachments: a user's file copied in under a safe, unique name."""

from __future__ import annotations

from pathlib import Path

import pytest

from salescrm.core.config import Config
from salescrm.core.errors import UsageError
from salescrm.store.attachments import attach, safe_name, unique_name
from salescrm.store.datadir import DataDir, init_data_dir

CUSTOMER = "CRM202405001"


@pytest.fixture
def datadir(tmp_path: Path) -> DataDir:
    init_data_dir(tmp_path / "team", "测试团队", use_git=False)
    return DataDir(tmp_path / "team")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("需求调研报告.pdf", "需求调研报告.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\王\\方案 v2.docx", "方案_v2.docx"),
        ("..", "file"),
        (".bashrc", "bashrc"),
        ("a;rm -rf $HOME.txt", "a_rm_-rf_HOME.txt"),
    ],
)
def test_safe_name_keeps_no_path(given: str, expected: str) -> None:
    assert safe_name(given) == expected


def test_unique_name_counts_up() -> None:
    assert unique_name("needs.pdf", set()) == "needs.pdf"
    assert unique_name("needs.pdf", {"NEEDS.pdf", "needs-2.pdf"}) == "needs-3.pdf"
    assert unique_name("readme", {"readme"}) == "readme-2"


def test_attach_copies_only_when_the_transaction_ends(datadir: DataDir, tmp_path: Path) -> None:
    source = tmp_path / "needs.pdf"
    source.write_bytes(b"%PDF report")
    with datadir.transaction("test", "zhang.wei") as tx:
        first = attach(tx, datadir, CUSTOMER, str(source), Config())
        second = attach(tx, datadir, CUSTOMER, str(source), Config())
        assert not (datadir.root / first).exists()
    assert (first, second) == ("attachments/CRM202405001/needs.pdf", "attachments/CRM202405001/needs-2.pdf")
    assert (datadir.root / second).read_bytes() == b"%PDF report"
    with datadir.transaction("test", "zhang.wei") as tx:
        assert attach(tx, datadir, CUSTOMER, str(source), Config()).endswith("needs-3.pdf")


def test_attach_refuses_what_is_not_a_plain_small_file(datadir: DataDir, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    link = tmp_path / "link.pdf"
    link.symlink_to(big)
    small = Config(attachment_max_mb=1)
    with datadir.transaction("test", "zhang.wei") as tx:
        for path, message in [
            (tmp_path / "missing.pdf", "no such file"),
            (tmp_path, "is not a file"),
            (link, "is a symbolic link"),
            (big, "is 1.0 MB; attachments are at most 1 MB"),
        ]:
            with pytest.raises(UsageError, match=message) as caught:
                attach(tx, datadir, CUSTOMER, str(path), small)
            assert caught.value.exit_code == 2
    with pytest.raises(UsageError, match="bad customer number"), datadir.transaction("t", "zhang.wei") as tx:
        attach(tx, datadir, "../x", str(big), Config())
    assert not any((datadir.root / "attachments").rglob("*.bin"))
