"""Charts as text: SVG for the HTML review pack, Unicode bars for the terminal.

Pure functions from (label, value) pairs to strings; no I/O, no fonts fetched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from wcwidth import wcswidth

Number = int | float | Decimal
FONT = "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC',sans-serif"
PALETTE = ["#2f6fde", "#1aa179", "#f0a020", "#d9534f", "#7a5cc9", "#3fb1c6", "#8c8c8c"]


@dataclass(frozen=True)
class Bar:
    """One bar of a chart."""

    label: str
    value: Number
    target: Number | None = None  # drawn as a marker line: attainment against target
    note: str = ""  # printed after the bar (e.g. "80%")


def _display_width(text: str) -> int:
    width = wcswidth(text)
    return width if width >= 0 else len(text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _display_width(text), 0)


def _amount(value: Number) -> str:
    number = Decimal(str(value))
    return f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"


format_amount = _amount  # the review pack's tables print amounts as its charts do


# -- terminal --------------------------------------------------------------------------

_EIGHTHS = " ▏▎▍▌▋▊▉"


def terminal_bars(bars: Sequence[Bar], width: int = 40, target: str = "target") -> str:
    """Horizontal bars of Unicode blocks; labels padded by display width (CJK counts two)."""
    if not bars:
        return ""
    label_width = max(_display_width(b.label) for b in bars)
    largest = max(max(float(b.value), float(b.target or 0)) for b in bars) or 1.0
    value_width = max(len(_amount(b.value)) for b in bars)
    lines = []
    for bar in bars:
        eighths = round(float(bar.value) / largest * width * 8)
        full, part = divmod(max(eighths, 0), 8)
        drawn = "█" * full + (_EIGHTHS[part] if part else "")
        if bar.target:
            mark = min(round(float(bar.target) / largest * width), width - 1)
            drawn = drawn.ljust(width)
            drawn = drawn[:mark] + ("┃" if drawn[mark] == " " else "╋") + drawn[mark + 1 :]
        note = f"  {bar.note}" if bar.note else ""
        lines.append(
            f"{_pad(bar.label, label_width)}  {_amount(bar.value).rjust(value_width)}  {drawn.rstrip()}{note}"
        )
    legend = f"  (┃ {target})" if any(b.target for b in bars) else ""  # target: the word, in the language
    return "\n".join(lines) + ("\n" + legend.strip() if legend else "") + "\n"


# -- SVG -------------------------------------------------------------------------------


def _element(name: str, text: str | None = None, **attributes: object) -> str:
    """One SVG element; attribute names use _ for - (font_size → font-size)."""
    attrs = " ".join(
        f'{key.rstrip("_").replace("_", "-")}="{_value(value)}"' for key, value in attributes.items()
    )
    return f"<{name} {attrs}>{escape(text)}</{name}>" if text is not None else f"<{name} {attrs}/>"


def _value(value: object) -> str:
    return f"{value:.1f}" if isinstance(value, float) else escape(str(value))


def _title(title: str) -> str:
    return _element("text", title, x=0, y=16, font_weight="bold", font_size=14) if title else ""


def svg_bars(bars: Sequence[Bar], title: str = "", width: int = 640, row: int = 28) -> str:
    """A horizontal bar chart; a target, where given, is a dark tick across the bar."""
    label_space = min(max((_display_width(b.label) for b in bars), default=4) * 7 + 16, 220)
    plot = width - label_space - 150
    largest = max((max(float(b.value), float(b.target or 0)) for b in bars), default=0) or 1.0
    top = 26 if title else 4
    parts = [_svg_open(width, row * len(bars) + top + 4, title), _title(title)]
    for i, bar in enumerate(bars):
        y = top + i * row
        length = float(bar.value) / largest * plot
        parts.append(
            _element("text", bar.label, x=label_space - 8, y=y + 17, text_anchor="end", font_size=12)
        )
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            _element("rect", x=label_space, y=y + 4, width=length, height=row - 10, fill=colour, rx=2)
        )
        if bar.target:
            x = label_space + float(bar.target) / largest * plot
            parts.append(_element("line", x1=x, x2=x, y1=y, y2=y + row - 2, stroke="#222", stroke_width=2))
        text = _amount(bar.value) + (f"  {bar.note}" if bar.note else "")
        parts.append(_element("text", text, x=label_space + length + 6, y=y + 17, font_size=12))
    parts.append("</svg>")
    return "".join(parts)


def svg_funnel(stages: Sequence[Bar], title: str = "", width: int = 640, row: int = 34) -> str:
    """A centred funnel: each stage's width is its share of the first stage."""
    first = float(stages[0].value) if stages and float(stages[0].value) else 1.0
    top = 26 if title else 4
    parts = [_svg_open(width, row * len(stages) + top + 4, title), _title(title)]
    centre = width / 2
    for i, stage in enumerate(stages):
        span = max(float(stage.value) / first * (width - 40), 2.0)
        y = top + i * row
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            _element("rect", x=centre - span / 2, y=y, width=span, height=row - 4, fill=colour, rx=3)
        )
        text = f"{stage.label}  {_amount(stage.value)}" + (f"  {stage.note}" if stage.note else "")
        parts.append(
            _element(
                "text",
                text,
                x=centre,
                y=y + row / 2 + 2,
                text_anchor="middle",
                font_size=12,
                fill="#fff",
                stroke="#000",
                stroke_width=0.3,
                paint_order="stroke",
            )  # fmt: skip
        )
    parts.append("</svg>")
    return "".join(parts)


def _svg_open(width: int, height: int, title: str) -> str:
    label = f' aria-label="{escape(title)}"' if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img"{label} width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}">'
    )
