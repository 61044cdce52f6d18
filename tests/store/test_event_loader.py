"""The event-stream loader and the line reader give exactly what PyYAML's safe loader gives,
and leave anything unusual to it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from salescrm.core.errors import DamagedError
from salescrm.store.yamlio import _build, _load_events, _load_lines, _Unusual, dump_text, load_text

ROOT = Path(__file__).resolve().parent.parent.parent


def _safe(text: str):  # type: ignore[no-untyped-def]
    return yaml.load(text, Loader=yaml.SafeLoader)


def test_every_sample_file_reads_the_same() -> None:
    files = sorted((ROOT / "data" / "customers").glob("*.yaml")) + [ROOT / "data" / "salescrm.yaml"]
    for path in files:
        text = path.read_text("utf-8")
        assert _load_events(text) == _safe(text), path.name
        if path.parent.name == "customers":  # written by salescrm: the line reader takes each one
            assert repr(_load_lines(text)) == repr(_safe(text)), path.name


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


@settings(max_examples=300, deadline=None)
@given(DATA)
def test_the_line_reader_reads_what_we_write_as_the_safe_loader_does(data: object) -> None:
    text = dump_text(data)
    try:
        got = _load_lines(text)
    except _Unusual:
        return
    assert repr(got) == repr(_safe(text))


# Lines of a customer file and their near misses: indents, list items, keys YAML resolves, and
# values that are no plain one-line scalar (an indicator, a comment, a quote, a flow, a colon).
_KEYS = st.sampled_from(["id", "name", "a_b", "yes", "null", "On", "_x", "k1"])
_VALUES = st.sampled_from(["x", "客户有意向", "2024-05-03", "1", "'18000000626'"]) | st.sampled_from(
    [
        "x", "客户有意向", "2024-05-03", "2024-05-03T10:00", "2024-13-45", "1", "0x1F", "1_000", "1.5",
        ".inf", "~", "null", "yes", "Off", "'18000000626'", "'it''s'", "'a'b'", "'''", '"q"',
        '"a\\nb"', '"a"b"', "[]", "{}", "[1]", "{a: 1}", "a: b", "a:b", "a #b", "a#b", "C#",
        "-1", "- x", "-", "? x", "&x 1", "*x", "!!str 1", "|", ">", "%x", "@x", "`x", "x ", " x",
        "x:", "a, b", "a,b", "公司[北京]", "O'Brien", "<<", "=", "a\tb", "",
    ]
)  # fmt: skip


def _mapping(draw: st.DrawFn, indent: int, first: str, depth: int) -> list[str]:
    """The lines of a block mapping at ``indent`` (its first line starting with ``first``)."""
    lines: list[str] = []
    for i in range(draw(st.integers(1, 3))):
        head = (first if i == 0 else " " * indent) + draw(_KEYS) + ":"
        shape = draw(st.sampled_from(["value", "value", "mapping", "list", "indentless", "none"]))
        if shape == "value" or depth == 0:
            lines.append(f"{head} {draw(_VALUES)}")
        elif shape == "none":
            lines.append(head)
        elif shape == "mapping":
            below = indent + draw(st.sampled_from([1, 2, 4]))
            lines += [head, *_mapping(draw, below, " " * below, depth - 1)]
        else:
            below = indent if shape == "indentless" else indent + draw(st.sampled_from([1, 2]))
            lines.append(head)
            for _ in range(draw(st.integers(1, 3))):
                item = " " * below + "- "
                if draw(st.booleans()):
                    lines += _mapping(draw, below + 2, item, depth - 1)
                else:
                    lines.append(item + draw(_VALUES))
    return lines


@st.composite
def _texts(draw: st.DrawFn) -> str:
    """A block layout as salescrm writes it, sometimes with one line changed: indented
    otherwise, or replaced by a line of another kind."""
    lines = _mapping(draw, 0, "", 3)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(lines) - 1))
        changed = draw(st.sampled_from([" " + lines[at], lines[at][1:], "", "# note", "---", "- x", "a:\tb"]))
        lines[at] = changed
    return "\n".join(lines) + draw(st.sampled_from(["\n", "\n", ""]))


@settings(max_examples=3000, deadline=None)
@given(_texts())
def test_the_line_reader_agrees_with_the_safe_loader_or_leaves_the_text(text: str) -> None:
    try:
        got = _load_lines(text)
    except (_Unusual, ValueError):  # load_text leaves any error to the event reader, which decides:
        return  # a bad date may be part of a value going on below ("- 2024-13-45\n - x")
    assert repr(got) == repr(_safe(text)), text


@pytest.mark.parametrize(
    "text",
    [
        "a: 1",  # no last line break
        "a: 1\n\nb: 2\n",
        "a: 1  # note\n",
        "a: b\n  c\n",  # a plain value going on below
        "a:\n- x\n  y\n",
        "a: 'x\n  y'\n",
        "a: [1, 2]\n",
        "a: |\n  x\n",
        'a: "x\\ty"\n',
        "- x\n",
        " a: 1\n",
        "a:\n  b: 1\n c: 2\n",
        "a: x\tb\n",
        "a: \u00a0\n",
        "'a': 1\n",
        "a: &x 1\n",
    ],
)
def test_the_line_reader_leaves_what_it_does_not_take(text: str) -> None:
    with pytest.raises(_Unusual):
        _load_lines(text)


def test_an_error_in_the_line_reader_is_left_to_the_event_reader() -> None:
    # The line reader resolves 2024-13-45 (no such day) before it sees that the value goes on
    # below: the text is a list holding one text, as the safe loader reads it.
    text = "id:\n- 2024-13-45\n - x\n"
    assert load_text(text, "x.yaml") == _safe(text) == {"id": ["2024-13-45 - x"]}
