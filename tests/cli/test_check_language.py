"""``check`` in the reader's language: the problems are templates with values (core.errors.Msg),
translated at the edge, the same whether read from the file or from the index."""

from __future__ import annotations

import re

from tests.conftest import Crm

GOOD = "CRM202405001"
BAD = "CRM202405009"


def _damaged(crm: Crm) -> None:
    """Customers with problems of every layer: a rule, a warning, a type, a YAML key given twice."""
    assert crm.add_customer("好公司", "--at", "2024-05-03") == GOOD
    text = (crm.root / "customers" / f"{GOOD}.yaml").read_text("utf-8")

    def damaged(number: str, old: str, new: str) -> None:
        (crm.root / "customers" / f"{number}.yaml").write_text(
            text.replace(GOOD, number).replace(old, new), "utf-8"
        )

    damaged(BAD, "tier: C", "tier: Z\nsize: 巨型\nfavourite: 绿茶")
    damaged("CRM202405010", "created: 2024-05-03", "created: 昨天")
    damaged("CRM202405011", "needs:", "needs: a\nneeds:")


def test_check_says_its_problems_in_chinese_and_in_english(crm: Crm) -> None:
    _damaged(crm)
    zh = crm("--lang zh check")
    assert zh.exit_code == 1
    assert f"customers/{BAD}.yaml:5: 未知的等级 'Z'; 可选: VIP, A, B, C\n" in zh.stdout
    assert f"customers/{BAD}.yaml:6: 未知的规模 '巨型'; 可选: small, medium, large, enterprise\n" in zh.stdout
    assert f"customers/{BAD}.yaml:7: warning: 未知的键 'favourite'(原样保留)\n" in zh.stdout
    assert "created: 应为日期(YYYY-MM-DD[THH:MM]), 实际为 '昨天'" in zh.stdout
    assert "键 'needs' 重复出现" in zh.stdout
    assert re.search(r"\n发现 \d+ 个错误\n$", zh.stdout)
    # what is left once file names, keys, values and the allowed keys are taken out: no English
    left = re.sub(r"customers/\S+|'[^']*'|\b[a-z_]+:|CRM\d+|salescrm customer merge KEEP DROP|VIP|small|medium|large|enterprise|warning:|YYYY-MM-DD\[THH:MM\]", " ",
                  zh.stdout)  # fmt: skip
    assert re.findall(r"[A-Za-z]{2,}", left) == [], zh.stdout
    en = crm("--lang en check")
    assert f"customers/{BAD}.yaml:5: unknown tier 'Z'; one of: VIP, A, B, C\n" in en.stdout
    assert re.findall(r"[\u4e00-\u9fff]", re.sub(r"'[^']*'", "", en.stdout)) == []
    assert re.search(r"\d+ errors found\n$", en.stdout)


def test_problems_read_from_the_index_are_said_like_those_read_from_the_file(crm: Crm) -> None:
    _damaged(crm)
    cold = crm("--lang zh customer list")
    warm = crm("--lang zh customer list")  # the second run reads the problems the index kept
    assert cold.stderr == warm.stderr and "已跳过" in warm.stderr and "未知的等级" in warm.stderr
    assert crm("--lang zh check").stdout == crm("--lang zh check").stdout
