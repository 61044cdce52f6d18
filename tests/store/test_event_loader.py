"""The event-stream loader gives exactly what PyYAML's safe loader gives, and leaves anything
unusual to it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from salescrm.core.errors import DamagedError
from salescrm.store.yamlio import _build, _load_events, _Unusual, dump_text, load_text

ROOT = Path(__file__).resolve().parent.parent.parent


def _safe(text: str):  # type: ignore[no-untyped-def]
    return yaml.load(text, Loader=yaml.SafeLoader)


def test_every_sample_file_reads_the_same() -> None:
    files = sorted((ROOT / "data" / "customers").glob("*.yaml")) + [ROOT / "data" / "salescrm.yaml"]
    for path in files:
        text = path.read_text("utf-8")
        assert _load_events(text) == _safe(text), path.name


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a: 1\nb: 1.5\nc: true\nd: null\ne: ~\nf: 2024-05-03\ng: 2024-05-03T10:00\nh: '2024-05-03'\n",
        "a: [1, 'x', \"y\", {b: c}]\nb: |\n  line one\n  line two\nc: >\n  folded\n",
        "a: 0o17\nb: 0x1F\nc: 1_000\nd: .inf\ne: -.inf\nf: .nan\ng: yes\nh: Off\ni: 2001-12-14t21:59:43.10-05:00\n",
        "a: 1\na: 2\n",
        "- 1\n- - 2\n  - 3\n- {}\n- []\n",
        "中文: 客户有意向\n'quoted key': 1\n? complex\n: value\n",
    ],
)
def test_the_same_as_the_safe_loader(text: str) -> None:
    expected = _safe(text)
    got = _load_events(text)
    if expected != expected:  # nan
        return
    assert repr(got) == repr(expected)


@given(
    st.lists(
        st.sampled_from(["1", "1.5", "yes", "~", "2024-05-03", "2024-05-03T10:00", "0x1F", "x"]), max_size=8
    )
)
def test_remembered_scalars_read_the_same_every_time(values: list[str]) -> None:
    # Plain scalars are remembered between files: the second reading comes from memory.
    text = "".join(f"k{i}: {value}\n" for i, value in enumerate(values))
    for _ in range(2):
        assert repr(_load_events(text)) == repr(_safe(text))


def test_the_pure_python_parser_builds_the_same() -> None:
    """Without libyaml the same loop reads PyYAML's pure-Python parser (it ends with None too)."""
    for path in sorted((ROOT / "data" / "customers").glob("*.yaml"))[:5]:
        text = path.read_text("utf-8")
        loader = yaml.SafeLoader(text)
        try:
            assert _build(loader.get_event) == _load_events(text), path.name
        finally:
            loader.dispose()


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",
        "a: !!python/object/apply:os.system ['x']\n",
        "a: !custom 1\n",
        "<<: {a: 1}\n",
        "a: 1\n---\nb: 2\n",
        "? [1, 2]\n: x\n",
        "a: &x [1]\n",
        "a: &m {b: 1}\n",
        "a: !!seq [1]\n",
        "a: !!map {b: 1}\n",
        "- *x\n",
    ],  # fmt: skip
)
def test_unusual_texts_go_to_the_careful_loader(text: str) -> None:
    with pytest.raises(_Unusual):
        _load_events(text)


def test_the_careful_loader_still_refuses_what_it_refused() -> None:
    for text in (
        "a: &x [1]\nb: *x\n",
        "a: !!python/object/apply:os.system ['x']\n",
        "a: 1\n---\nb: 2\n",
        "=",
    ):  # "=" found by make fuzz
        with pytest.raises(DamagedError):
            load_text(text, "x.yaml")
    with pytest.raises(DamagedError, match=r"x.yaml:3: bad YAML"):  # where libyaml notices
        load_text("a: 1\nb: [unclosed\n", "x.yaml")
    with pytest.raises(DamagedError):
        load_text("a: 2024-13-45\n", "x.yaml")


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.text(max_size=20),
    st.dates(), st.floats(allow_nan=False, allow_infinity=False, width=32),
)  # fmt: skip
DATA = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(DATA)
def test_what_we_write_reads_back_the_same_both_ways(data: object) -> None:
    text = dump_text(data)
    assert _load_events(text) == _safe(text)
