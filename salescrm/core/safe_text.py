"""Text from a file, made safe to show: control characters and bidi overrides become visible.

Every string that arrived through git (a name, a note, a file name) can hold bytes a
terminal obeys: ESC starts a sequence that clears the screen, retitles the window or
hides a link (OSC 8); BEL rings; CR and a newline overwrite or fake a line; U+202E turns
the rest of a line around. ``visible`` shows each as text (``\\x1b``, ``⟨U+202E⟩``) and is
called wherever such a string is printed or mailed (the render edge); ``check`` reports
them with ``unsafe_characters``.
"""

from __future__ import annotations

import re

# C0 but tab and newline, DEL, C1; the bidi embeddings, overrides, isolates and marks; the
# Unicode line and paragraph separators (a line break to some terminals and mailers).
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_SURROGATES = "\ud800-\udfff"  # a file name's bytes that are not UTF-8 (surrogateescape)
_UNSAFE_MULTILINE = re.compile(f"[{_CONTROLS}{_BIDI}{_SURROGATES}]")
_UNSAFE_ONE_LINE = re.compile(f"[\t\n{_CONTROLS}{_BIDI}{_SURROGATES}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"⟨U+{code:04X}⟩"


def visible(text: str, multiline: bool = False) -> str:
    """``text`` with every control character and bidi control shown as text; tab and newline
    are kept only where ``multiline`` (a note, a whole message body) allows them."""
    pattern = _UNSAFE_MULTILINE if multiline else _UNSAFE_ONE_LINE
    if pattern.search(text) is None:  # the common case: nothing to change, no copy
        return text
    return pattern.sub(_shown, text)


def is_safe(text: str, multiline: bool = False) -> bool:
    """Whether ``visible`` would leave ``text`` as it is."""
    return (_UNSAFE_MULTILINE if multiline else _UNSAFE_ONE_LINE).search(text) is None


def unsafe_characters(text: str) -> str | None:
    """The unsafe characters in ``text`` (tab and newline allowed), shown, or None."""
    found = _UNSAFE_MULTILINE.findall(text)
    if not found:
        return None
    return ", ".join(dict.fromkeys(visible(char) for char in found))


def quoted(name: str) -> str:
    """A file name for a message: quoted, every control character shown (a name with a newline
    cannot fake a line of output)."""
    return f"'{visible(name)}'"
