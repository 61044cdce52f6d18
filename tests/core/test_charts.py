from decimal import Decimal
from xml.etree import ElementTree

from wcwidth import wcswidth

from salescrm.formats.charts import Bar, svg_bars, svg_funnel, terminal_bars


def test_terminal_bars_align_chinese_labels() -> None:
    bars = [Bar("张伟", Decimal(240000), Decimal(300000), "80%"), Bar("Wang Fang", 60000), Bar("陈", 0)]
    lines = terminal_bars(bars, 20).splitlines()
    amounts = ["240,000", "60,000", "0"]
    # every amount ends at the same display column, whatever the label's script
    ends = {
        wcswidth(line[: line.index(amount) + len(amount)])
        for line, amount in zip(lines, amounts, strict=False)
    }
    assert ends == {len("Wang Fang") + 2 + len("240,000")}
    assert lines[0].startswith("张伟       240,000  ") and lines[0].endswith("80%")
    assert "█" * 16 in lines[0]  # 240000 of the largest (the 300000 target) in 20 columns
    assert "┃" in lines[0]
    assert lines[-1] == "(┃ target)"


def test_terminal_bars_of_nothing() -> None:
    assert terminal_bars([]) == ""


def test_svg_is_well_formed_and_escapes_labels() -> None:
    svg = svg_bars([Bar("<b>张伟</b>", 100, 120, "83%"), Bar("王芳", 50)], title="业绩 & 目标")
    root = ElementTree.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "<b>张伟</b>" in texts and "业绩 & 目标" in texts
    assert len(list(root.iter("{http://www.w3.org/2000/svg}rect"))) == 2
    assert len(list(root.iter("{http://www.w3.org/2000/svg}line"))) == 1


def test_svg_funnel_widths_follow_the_first_stage() -> None:
    root = ElementTree.fromstring(svg_funnel([Bar("线索", 10), Bar("成交", 5)], width=440))
    widths = [float(r.get("width", 0)) for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert widths == [400.0, 200.0]
