"""The fixed vocabularies (tiers, stages, channels, …): English keys, Chinese names accepted.

Files store the English key; the command line accepts the key, the Chinese name or an
alias. What a listing shows is the catalogue's label (salescrm/i18n.py, context = ``kind``);
a test checks that the catalogue's Chinese label of every key is the name accepted here.
"""

from __future__ import annotations

from dataclasses import dataclass

from salescrm.core.errors import Listed, Msg, Term, UsageError


@dataclass(frozen=True)
class Vocabulary:
    """One closed list of keys with their Chinese labels and accepted aliases."""

    kind: str
    zh: dict[str, str]
    aliases: dict[str, str]

    @property
    def keys(self) -> list[str]:
        return list(self.zh)

    def parse(self, text: str) -> str:
        """Key for ``text`` (key, Chinese label or alias, case-insensitive)."""
        wanted = text.strip()
        lowered = wanted.lower()
        for key, label in self.zh.items():
            if lowered == key.lower() or wanted == label:
                return key
        if lowered in self.aliases:
            return self.aliases[lowered]
        choices = Listed([Term(self.kind, key, f"{key} ({label})") for key, label in self.zh.items()])
        raise UsageError(
            Msg("unknown {kind} {text!r}", kind=Term("vocabulary", self.kind), text=text),
            hint=Msg("choose one of: {choices}", choices=choices),
        )

    def label(self, key: str, lang: str = "en") -> str:
        """The Chinese name accepted for ``key`` (error messages name both); listings use the
        catalogue (salescrm.i18n.label)."""
        if lang == "zh":
            return self.zh.get(key, key)
        return key


TIERS = Vocabulary("tier", {"VIP": "VIP", "A": "A", "B": "B", "C": "C"}, {})

STAGES = Vocabulary(
    "stage",
    {
        "lead": "线索",
        "needs_analysis": "需求分析",
        "proposal": "方案制定",
        "negotiation": "商务谈判",
        "won": "成交",
        "lost": "失败",
    },
    {"needs-analysis": "needs_analysis", "needs": "needs_analysis", "赢单": "won", "输单": "lost"},
)
OPEN_STAGES = ("lead", "needs_analysis", "proposal", "negotiation")
CLOSED_STAGES = ("won", "lost")

# Forecast categories (report forecast): from the stage unless a deal overrides (opp set forecast=).
FORECASTS = Vocabulary(
    "forecast category",
    {"commit": "承诺", "best_case": "最佳", "pipeline": "管道", "omitted": "排除"},
    {"best-case": "best_case", "bestcase": "best_case", "omit": "omitted"},
)

CHANNELS = Vocabulary(
    "channel",
    {
        "phone": "电话",
        "visit": "拜访",
        "email": "邮件",
        "meeting": "线上会议",
        "wechat": "微信",
        "wecom": "企业微信",
        "other": "其他",
    },  # fmt: skip
    {
        "call": "phone",
        "tel": "phone",
        "online": "meeting",
        "online-meeting": "meeting",
        "video": "meeting",
        "weixin": "wechat",
        "企微": "wecom",
        "wework": "wecom",
        "work-wechat": "wecom",
        "上门拜访": "visit",
        "电子邮件": "email",
        "会议": "meeting",
    },
)

DEPARTMENTS = Vocabulary(
    "department",
    {"sales": "销售", "marketing": "市场部", "after-sales": "售后", "management": "管理层"},
    {
        "市场": "marketing",
        "销售部": "sales",
        "售后部": "after-sales",
        "管理": "management",
        "after_sales": "after-sales",
        "aftersales": "after-sales",
        "service": "after-sales",
    },
)

ROLES = Vocabulary(
    "role",
    {"rep": "销售代表", "manager": "经理", "marketing": "市场专员", "after-sales": "售后专员"},
    {
        "销售": "rep",
        "销售经理": "manager",
        "市场": "marketing",
        "售后": "after-sales",
        "after_sales": "after-sales",
    },
)

SIZES = Vocabulary(
    "size",
    {"small": "小型", "medium": "中型", "large": "大型", "enterprise": "集团"},
    {"小": "small", "中": "medium", "大": "large", "大型企业": "enterprise"},
)

TASK_STATUSES = Vocabulary(
    "task status",
    {"open": "待办", "done": "已完成", "cancelled": "已取消"},
    {"canceled": "cancelled"},
)
