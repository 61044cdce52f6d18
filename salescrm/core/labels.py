"""The fixed vocabularies (tiers, stages, channels, …): English keys, Chinese labels.

Files store the English key; the command line accepts either, and ``--lang zh``
shows the Chinese label.
"""

from __future__ import annotations

from dataclasses import dataclass

from salescrm.core.errors import UsageError


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
        choices = ", ".join(f"{key} ({label})" for key, label in self.zh.items())
        raise UsageError(f"unknown {self.kind} {text!r}", hint=f"choose one of: {choices}")

    def label(self, key: str, lang: str = "en") -> str:
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

# Column headings of listings and reports, for --lang zh.
HEADINGS_ZH: dict[str, str] = {
    "id": "编号",
    "name": "名称",
    "customer": "客户",
    "industry": "行业",
    "tier": "等级",
    "owner": "负责人",
    "source": "来源",
    "tags": "标签",
    "contact": "联系人",
    "phone": "电话",
    "email": "邮箱",
    "created": "创建日期",
    "needs": "需求",
    "dept": "部门",
    "role": "角色",
    "manager": "上级",
    "archived": "已归档",
    "active": "在职",
    "last_contact": "最近联系",
    "next_due": "下次跟进",
    "size": "规模",
    "title": "职务",
    "birthday": "生日",
    "task": "计划",
    "due": "到期",
    "via": "方式",
    "focus": "重点",
    "goal": "目标",
    "status": "状态",
    "record": "记录",
    "at": "时间",
    "by": "记录人",
    "content": "内容",
    "next": "下次",
    "files": "附件",
    "opportunity": "商机",
    "stage": "阶段",
    "amount": "金额",
    "close": "预计成交",
    "contract/reason": "合同/原因",
    "from": "原等级",
    "to": "新等级",
    "reason": "原因",
    "when": "时间",
    "who": "操作人",
    "author": "提交者",
    "command": "命令",
    "records": "记录",
    "ref": "编号",
    "kind": "类型",
    "text": "内容",
    "vague": "含糊之处",
    "probability": "赢率%",
    "idle_days": "未跟进天数",
    # reports (docs/reports.md); JSON and CSV keep the English keys
    "member": "成员",
    "target": "目标",
    "won": "成交额",
    "attainment_pct": "完成率%",
    "gap": "差额",
    "pipeline_weighted": "加权商机",
    "close_month": "预计成交月",
    "deals": "商机数",
    "weighted": "加权金额",
    "reached": "到达数",
    "pct_of_previous": "占上阶段%",
    "pct_of_created": "占新建%",
    "median_days": "中位天数",
    "lost": "输单数",
    "lost_share_pct": "数量占比%",
    "amount_share_pct": "金额占比%",
    "competitor": "竞争对手",
    "customers": "客户数",
    "customer_share_pct": "客户占比%",
    "won_share_pct": "成交占比%",
    "followups": "跟进次数",
    "visit": "拜访",
    "meeting": "线上会议",
    "other": "其他",
    "wechat": "微信",
    "wecom": "企业微信",
    "tasks_on_time": "按时完成",
    "tasks_late": "逾期完成",
    "overdue_now": "当前逾期",
    "period": "期间",
    "year": "年度",
    "won_12m": "近12月成交",
    "note": "备注",
    "figure": "指标",
    "value": "数值",
    "expression": "表达式",
    # the pool (docs/pool.md)
    "former_owner": "原负责人",
    "released": "退回日期",
    "no_followup_days": "未跟进天数",
    "no_won_days": "未成交天数",
    "never": "永不退回",
    "setting": "设置",
    # payments (回款) and the forecast
    "line": "回款计划",
    "receipt": "回款记录",
    "paid": "已回款",
    "open": "未回款",
    "days_late": "逾期天数",
    "plan": "计划行",
    "bank_ref": "银行流水号",
    "overpay": "超额原因",
    "item": "条目",
    "field": "字段",
    "old": "原值",
    "new": "新值",
    "contract": "合同金额",
    "received": "已回款额",
    "owed": "应收",
    "not_due": "未到期",
    "overdue": "已逾期",
    "days_0_30": "逾期0-30天",
    "days_31_60": "逾期31-60天",
    "days_61_90": "逾期61-90天",
    "days_over_90": "逾期90天以上",
    "month": "月份",
    "planned": "计划回款",
    "collection_pct": "回款率%",
    "collection": "回款",
    "forecast": "预测",
    "accuracy_pct": "准确率%",
    "commit": "承诺",
    "best_case": "最佳",
    "pipeline": "管道",
    "remaining_target": "剩余目标",
    "coverage": "覆盖率",
}

# The key figures printed under a report's table (its ``summary``), for --lang zh.
FIGURES_ZH: dict[str, str] = {
    "opened": "新建商机",
    "past_close_deals": "过预计成交日未结商机",
    "past_close_amount": "过预计成交日未结金额",
    "won": "成交数",
    "lost": "输单数",
    "open": "进行中",
    "lead_to_won_pct": "线索成交率%",
    "win_rate_pct": "赢单率%",
    "new_customers": "新客户",
    "new_customers_won": "新客户成交数",
    "owed": "应收合计",
    "overdue": "逾期合计",
    "overdue_pct": "逾期占比%",
    "planned": "计划回款",
    "received": "已回款",
    "collection_pct": "回款率%",
    "basis": "口径",
    "open_deals": "进行中商机",
    "velocity_per_day": "商机流速(每天)",
    "deals_past_stage_limit": "超阶段时限商机",
}


def heading(column: str, lang: str) -> str:
    return HEADINGS_ZH.get(column, column) if lang == "zh" else column


def figure(name: str, lang: str) -> str:
    """The name of a report's key figure (``lead_to_won_pct`` → 线索成交率%)."""
    return FIGURES_ZH.get(name, heading(name, lang)) if lang == "zh" else name
