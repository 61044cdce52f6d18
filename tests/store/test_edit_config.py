"""edit_config keeps each section's comment above the section that follows it."""

from __future__ import annotations


def test_growing_and_emptying_sections_keeps_the_comments_in_place(crm) -> None:  # type: ignore[no-untyped-def]
    crm.ok("target set zhang.wei --year 2026 --amount 1200000", user="li.na")
    crm.ok("target set wang.fang --year 2026 --amount 600000", user="li.na")
    crm.ok(["filter", "save", "甲", "tier = A"])
    crm.ok("filter delete 甲")
    text = (crm.root / "salescrm.yaml").read_text()
    assert "  role: after-sales\n\n# Allowed values of a customer's industry.\nindustries:" in text
    assert text.index("# Allowed values") > text.index("zhao.svc")
    assert "        Q4: 150000\n\n# Saved filters: salescrm filter save NAME EXPR\nfilters: {}\n" in text
    assert "  wang.fang:\n    2026:" in text
