"""PyYAML's import without compiling its pure-Python reader's pattern (store/yamlio.py)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml

import salescrm.store.yamlio  # noqa: F401 - imported for what it does to yaml.reader


def test_the_reader_pattern_is_compiled_only_when_used() -> None:
    probe = (
        "import re; compile_ = re.compile\n"
        "import salescrm.store.yamlio, yaml.reader\n"
        "print(type(yaml.reader.Reader.NON_PRINTABLE).__name__, re.compile is compile_)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    stand_in, restored = run.stdout.split()
    assert stand_in == "_CompiledOnUse"  # PyYAML changed its pattern? then yamlio's must follow
    assert restored == "True"


@pytest.mark.parametrize("bad", ["\x01", "\x7f", "\ufffe"])
def test_the_pure_python_reader_still_refuses_what_yaml_does_not_allow(bad: str) -> None:
    with pytest.raises(yaml.reader.ReaderError):
        yaml.load(f"a: x{bad}", Loader=yaml.SafeLoader)


def test_the_pure_python_reader_still_reads_chinese_and_emoji() -> None:
    assert yaml.load("客户: 某某科技 🚀\n", Loader=yaml.SafeLoader) == {"客户": "某某科技 🚀"}
    pattern = yaml.reader.Reader.NON_PRINTABLE
    assert pattern.search("ok\x07").start() == 2
    assert re.compile(pattern.pattern).pattern == pattern.pattern
