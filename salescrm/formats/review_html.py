"""The review pack as one self-contained HTML file for the review meeting (复盘会).

Inline CSS and inline SVG only: no script, no web font, no image, no link to
anything, so it opens offline and prints to PDF. Text is escaped with
``html.escape``; the charts come from ``formats/charts.py``.
"""

from __future__ import annotations

from html import escape

from salescrm.core.review import ReviewPack
from salescrm.formats.charts import FONT, svg_bars, svg_funnel
from salescrm.formats.review_sections import (
    Section,
    key_figures,
    period_line,
    review_sections,
    text,
    title_line,
)

STYLE = f"""
:root {{ color-scheme: light; }}
body {{ font-family: {FONT}; color: #1f2430; background: #f4f6fa; margin: 0; font-size: 14px; }}
main {{ max-width: 1040px; margin: 0 auto; padding: 24px; }}
header h1 {{ font-size: 24px; margin: 0 0 4px; }}
header p {{ color: #5b6475; margin: 0 0 16px; }}
.figures {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px;
  margin-bottom: 18px; }}
.figure {{ background: #fff; border-radius: 8px; padding: 10px 14px; border: 1px solid #e1e5ee; }}
.figure b {{ display: block; font-size: 20px; font-variant-numeric: tabular-nums; }}
.figure span {{ color: #5b6475; font-size: 12px; }}
section {{ background: #fff; border: 1px solid #e1e5ee; border-radius: 8px; padding: 14px 18px;
  margin-bottom: 16px; }}
section h2 {{ font-size: 17px; margin: 0 0 8px; border-left: 4px solid #2f6fde; padding-left: 8px; }}
.note {{ color: #5b6475; margin: 4px 0 8px; font-size: 12px; }}
.empty {{ color: #8c8c8c; }}
svg {{ max-width: 100%; height: auto; display: block; margin: 4px 0 10px; }}
table {{ border-collapse: collapse; width: 100%; font-size: 13px; }}
th, td {{ border-bottom: 1px solid #e7eaf0; padding: 5px 8px; text-align: left; vertical-align: top; }}
th {{ background: #f0f3f9; font-weight: 600; white-space: nowrap; }}
th.n, td.n {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
tr:last-child td {{ border-bottom: none; }}
@media print {{
  @page {{ size: A4; margin: 12mm; }}
  body {{ background: #fff; font-size: 11px; }}
  main {{ max-width: none; padding: 0; }}
  section, .figure {{ border-color: #bbb; break-inside: avoid; page-break-inside: avoid; }}
  section h2 {{ break-after: avoid; }}
  th {{ background: #eee; }}
  svg {{ max-height: 90mm; }}
}}
"""


def _figures(pack: ReviewPack, lang: str) -> str:
    cards = "".join(
        f'<div class="figure"><span>{escape(label)}</span><b>{escape(value)}</b></div>'
        for label, value in key_figures(pack, lang)
    )
    return f'<div class="figures" aria-label="{escape(text("figures", lang))}">{cards}</div>'


def _is_number(value: str) -> bool:
    return value != "" and value.replace(",", "").replace(".", "").rstrip("%").lstrip("-").isdigit()


def _table(section: Section) -> str:
    """The section's rows; columns of numbers (amounts, counts, %) are right-aligned, heading too."""
    numeric = [
        all(_is_number(cell) for row in section.rows if (cell := row[i])) for i in range(len(section.headers))
    ]
    align = [' class="n"' if flag else "" for flag in numeric]
    head = "".join(f"<th{a}>{escape(h)}</th>" for a, h in zip(align, section.headers, strict=True))
    body = "".join(
        "<tr>" + "".join(f"<td{a}>{escape(c)}</td>" for a, c in zip(align, row, strict=True)) + "</tr>"
        for row in section.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _chart(section: Section) -> str:
    """The section's SVG chart, with its legend; nothing when every bar is zero."""
    if not section.bars or not any(float(bar.value) for bar in section.bars):
        return ""
    drawn = (
        svg_funnel(section.bars, width=720)
        if section.chart == "funnel"
        else svg_bars(section.bars, width=720)
    )
    return drawn + (f'<p class="note">{escape(section.legend)}</p>' if section.legend else "")


def _section(section: Section) -> str:
    notes = "".join(f'<p class="note">{escape(note)}</p>' for note in section.notes if note)
    body = (
        _chart(section) + _table(section) if section.rows else f'<p class="empty">{escape(section.empty)}</p>'
    )
    return f'<section id="{section.key}"><h2>{escape(section.title)}</h2>{notes}{body}</section>'


def review_html(pack: ReviewPack, lang: str = "zh") -> str:
    """The whole pack as one HTML document (UTF-8 text).

    Example: review_html(review_pack(...), "en")
    """
    title = title_line(pack, lang)
    sections = "\n".join(_section(s) for s in review_sections(pack, lang))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        f"<header><h1>{escape(title)}</h1><p>{escape(period_line(pack, lang))}</p></header>\n"
        f"{_figures(pack, lang)}\n{sections}\n</main>\n</body>\n</html>\n"
    )
