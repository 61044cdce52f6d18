"""Write the bundled sample team into ``data/`` (run: python tools/sample_team.py).

The sample is realistic Chinese data for a fixed "today" (2026-11-27, the demo's
--as-of date): a manager, three reps, marketing and after-sales; 30 customers
across all tiers and industries; follow-up plans and records; opportunities in
every stage, won ones with contracts, lost ones with reasons. It is generated so
that it stays consistent when the file format grows; the output is committed.
"""

from __future__ import annotations

import random
import shutil
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from salescrm.core.ids import next_customer_id  # noqa: E402
from salescrm.core.model import (  # noqa: E402
    Contact,
    Contract,
    Customer,
    Feedback,
    FollowUp,
    Installment,
    Negotiation,
    Opportunity,
    Receipt,
    StageMove,
    Task,
)
from salescrm.core.records import customer_to_data  # noqa: E402
from salescrm.store.datadir import default_config_text  # noqa: E402
from salescrm.store.yamlio import dump_text  # noqa: E402

TODAY = date(2026, 11, 27)
REPS = ["zhang.wei", "wang.fang", "chen.jie"]

MEMBERS = """\
members:
  - {id: li.na, name: 李娜, email: li.na@example.com, dept: management, role: manager}
  - {id: zhang.wei, name: 张伟, email: zhang.wei@example.com, dept: sales, role: rep, manager: li.na}
  - {id: wang.fang, name: 王芳, email: wang.fang@example.com, dept: sales, role: rep, manager: li.na}
  - {id: chen.jie, name: 陈杰, email: chen.jie@example.com, dept: sales, role: rep, manager: li.na}
  - {id: liu.yang, name: 刘洋, email: liu.yang@example.com, dept: marketing, role: rep, manager: li.na}
  - {id: zhao.qiang, name: 赵强, email: zhao.qiang@example.com, dept: after-sales, role: rep, manager: li.na}
"""

TARGETS = """\
targets:
  zhang.wei:
    2026: {amount: 1500000, quarters: {Q1: 250000, Q2: 375000, Q3: 375000, Q4: 500000}}
  wang.fang:
    2026: {amount: 1200000, quarters: {Q1: 200000, Q2: 300000, Q3: 300000, Q4: 400000}}
  chen.jie:
    2026: {amount: 900000, quarters: {Q1: 150000, Q2: 225000, Q3: 225000, Q4: 300000}}
"""
FILTERS = """\
filters:
  高潜客户: tier = B and followups(3m) > 5 and tag = 需求明确
  重点跟进: tier in (VIP, A) and days_since_contact > 14
"""
# Customers the reps are working hard on this quarter: a follow-up every ~12 days.
HOT = {"泰州医药高新区管委会", "杭州西溪私立医院"}

# name, industry, size, source, tier, created, contact, title, phone, birthday, needs, tags
CUSTOMERS = [
    ("上海启明科技有限公司", "IT服务", "medium", "2024年春季行业展会", "VIP", "2024-05-03", "王建国", "采购总监",
     "021-5555-5678", "12-02", "全员办公电脑更新换代,约300台,要求三年上门保修", ["长期合作意向", "需求明确"]),
    ("苏州恒达精密制造有限公司", "制造业", "large", "客户转介绍:启明科技王总", "VIP", "2024-06-12", "刘海涛", "副总经理",
     "0512-6688-1020", "12-01", "车间MES系统升级与200台工控机采购", ["长期合作意向"]),
    ("杭州云帆电子商务有限公司", "零售", "medium", "2024年秋季电商峰会", "A", "2024-09-20", "陈静", "IT经理",
     "0571-8765-4321", "03-15", "仓储系统配套的手持终端80台", ["需求明确"]),
    ("南京金陵银行信息中心", "金融", "enterprise", "官网咨询", "A", "2024-10-08", "孙立", "信息科技部处长",
     "025-8321-7788", "07-21", "分行网点终端安全加固,涉及120个网点", ["长期合作意向"]),
    ("宁波港通物流集团", "物流", "large", "2025年物流装备展", "A", "2025-03-11", "周敏", "信息部经理",
     "0574-2788-9900", "09-09", "调度中心大屏与40台工作站", []),
    ("合肥育才教育集团", "教育", "large", "电话营销", "B", "2025-04-02", "吴芳", "后勤主任",
     "0551-6233-4455", None, "新校区机房建设,两间机房共100台学生机", ["需求明确"]),
    ("无锡康宁医疗器械有限公司", "医疗", "medium", "2025年医疗器械博览会", "B", "2025-05-19", "郑凯", "采购经理",
     "0510-8523-1166", None, "研发部门高性能工作站15台", []),
    ("上海浦江置业有限公司", "房地产", "large", "客户转介绍:金陵银行孙处", "B", "2025-06-07", "何伟", "行政总监",
     "021-6288-3344", None, "售楼处智能导览设备与会议系统", []),
    ("江苏华能新能源有限公司", "能源", "enterprise", "2025年新能源峰会", "B", "2025-07-15", "马超", "数字化部长",
     "025-5899-6677", None, "风电场远程监控终端,首批30套", ["急需采购"]),
    ("常州市政务服务中心", "政府", "large", "政府采购网公告", "B", "2025-08-01", "钱晓东", "科长",
     "0519-8566-2233", None, "政务大厅自助终端20台,需国产化适配", ["需求明确"]),
    ("嘉兴织造印染有限公司", "制造业", "medium", "线上推广:百度搜索", "B", "2025-09-10", "冯磊", "厂长",
     "0573-8221-5566", None, "印染车间环境监测传感器与看板", []),
    ("温州鹿城眼镜连锁", "零售", "small", "线上推广:微信公众号", "C", "2025-10-22", "潘丽", "店长",
     "0577-8833-6611", None, "12家门店收银机更换", []),
    ("绍兴越州中学", "教育", "medium", "电话营销", "C", "2025-11-05", "蒋涛", "信息中心主任",
     "0575-8511-2299", None, "智慧教室改造,首期6间", []),
    ("上海瑞和门诊部", "医疗", "small", "官网咨询", "C", "2025-12-16", "韩梅", "院长助理",
     "021-5433-8899", None, "门诊信息系统终端10台与打印机", []),
    ("扬州运河文旅集团", "其他", "medium", "2026年文旅产业展", "C", "2026-01-09", "杨帆", "办公室主任",
     "0514-8766-5500", None, "景区票务闸机与手持验票终端", []),
    ("镇江长江航运有限公司", "物流", "medium", "客户转介绍:港通物流周经理", "C", "2026-02-23", "朱峰", "调度主管",
     "0511-8522-3311", None, "船舶调度系统升级,需要现场勘察", []),
    ("南通海安纺织有限公司", "制造业", "small", "2026年春季行业展会", "C", "2026-03-14", "秦勇", "总经理",
     "0513-8877-6655", None, "ERP配套电脑20台", ["急需采购"]),
    ("徐州淮海证券营业部", "金融", "small", "线上推广:行业论坛", "C", "2026-04-08", "许诺", "营业部经理",
     "0516-8399-2200", None, "交易终端及双屏显示器30套", []),
    ("泰州医药高新区管委会", "政府", "large", "政府采购网公告", "B", "2026-05-06", "沈冰", "信息化处副处长",
     "0523-8688-7700", None, "园区企业服务平台硬件,含服务器与终端", ["需求明确"]),
    ("上海星辰数据服务有限公司", "IT服务", "medium", "2026年春季行业展会", "A", "2026-05-20", "彭亮", "CTO",
     "021-6077-1188", "12-04", "数据中心运维工作站与备件,年度框架协议", ["长期合作意向", "需求明确"]),
    ("昆山捷诚电子有限公司", "制造业", "large", "客户转介绍:恒达精密刘总", "B", "2026-06-03", "吕洋", "IT主管",
     "0512-5766-4433", None, "SMT车间看板与工控机40台", ["需求明确"]),
    ("湖州安吉竹业有限公司", "制造业", "small", "电话营销", "C", "2026-06-25", "曹敏", "财务经理",
     "0572-5122-9988", None, "财务部电脑8台", []),
    ("杭州西溪私立医院", "医疗", "medium", "2026年医疗器械博览会", "B", "2026-07-14", "袁媛", "信息科主任",
     "0571-8899-0011", None, "护士站移动推车终端25台", ["需求明确"]),
    ("苏州工业园区人才公寓", "房地产", "medium", "官网咨询", "C", "2026-08-02", "邓刚", "物业经理",
     "0512-6255-7744", None, "门禁与访客登记终端", []),
    ("无锡锡能热电有限公司", "能源", "medium", "2026年新能源峰会", "C", "2026-08-19", "许强", "设备部经理",
     "0510-8211-3399", None, "厂区巡检平板20台,要求防爆", ["急需采购"]),
    ("上海申通速运华东分拨中心", "物流", "large", "线上推广:百度搜索", "C", "2026-09-03", "曾磊", "运营总监",
     "021-5988-2266", None, "分拣线扫描终端60台", ["需求明确"]),
    ("南京鼓楼实验小学", "教育", "small", "电话营销", "C", "2026-09-28", "罗丹", "教务主任",
     "025-8633-1144", None, "教师办公电脑更新30台", []),
    ("杭州钱塘跨境贸易有限公司", "零售", "medium", "2026年秋季电商峰会", "C", "2026-10-12", "谢婷", "运营经理",
     "0571-8677-3322", None, "跨境仓储系统终端与标签打印机", []),
    ("宁波北仑港务中心", "物流", "enterprise", "客户转介绍:港通物流周经理", "C", "2026-11-02", "邹凯", "技术部长",
     "0574-8678-9911", None, "港区无线覆盖与车载终端,预算待定", []),
    ("合肥科大讯联智能有限公司", "IT服务", "small", "官网咨询", "C", "2026-11-18", "黄博", "采购专员",
     "0551-6588-7722", None, "研发测试机房服务器4台", []),
]  # fmt: skip

NOTES = [
    "电话沟通:{contact}确认{need},预算已报批,要求两周内提供正式报价",
    "上门拜访:与{contact}及技术负责人开会,演示样机,对方关注售后响应时间,要求4小时到场",
    "邮件发送方案V2,{contact}回复价格需再降3%,交付期希望提前到下月15日",
    "线上会议:{contact}转述领导意见,数量从原计划调整,需重新核算单价",
    "电话回访:{contact}表示竞品报价低5%,但更看重我方的本地服务团队",
    "拜访现场勘察:机房面积约80平米,电源需扩容,已拍照留档,下周出施工方案",
    "{contact}反馈试用两台样机运行稳定,财务流程走完后签合同",
    "电话:{contact}说预算延后到下季度,建议每月保持联系,提供新品资料",
]
CHANNEL_OF = ["phone", "visit", "email", "meeting", "phone", "visit", "phone", "phone"]
COMPETITORS = ["联想", "戴尔", "惠普", "华为", "浪潮"]
LOSS = ["价格过高", "选择竞品", "需求取消", "预算不足", "联系中断"]

# Per customer index: opportunities as (stage, amount, created, close/signed).
OPPORTUNITIES: dict[int, list[tuple[str, int, str, str]]] = {
    0: [("won", 620000, "2025-11-10", "2026-03-18"), ("negotiation", 380000, "2026-08-01", "2026-12-20")],
    1: [("won", 450000, "2025-12-01", "2026-04-22"), ("won", 160000, "2026-05-10", "2026-09-30"),
        ("proposal", 260000, "2026-10-09", "2027-01-31")],
    2: [("won", 180000, "2026-02-15", "2026-06-12"), ("needs_analysis", 90000, "2026-11-01", "2027-02-28")],
    3: [("won", 240000, "2026-01-08", "2026-05-29"), ("lost", 150000, "2026-03-01", "2026-07-15")],
    4: [("won", 135000, "2025-06-20", "2025-10-30"), ("negotiation", 210000, "2026-09-12", "2026-12-15")],
    5: [("won", 62000, "2026-03-02", "2026-06-20"), ("proposal", 48000, "2026-10-20", "2026-12-31")],
    6: [("won", 45000, "2026-01-12", "2026-04-10")],
    7: [("lost", 88000, "2026-02-01", "2026-05-20"), ("won", 36000, "2026-06-01", "2026-08-28")],
    8: [("won", 105000, "2026-04-15", "2026-08-10"), ("needs_analysis", 300000, "2026-10-25", "2027-03-31")],
    9: [("won", 28000, "2026-05-05", "2026-07-22"), ("lead", 60000, "2026-11-10", "2027-04-30")],
    10: [("won", 18500, "2026-06-18", "2026-09-05")],
    11: [("lost", 36000, "2026-01-05", "2026-03-20")],
    12: [("proposal", 72000, "2026-09-15", "2026-12-30")],
    13: [("lead", 25000, "2026-10-01", "2027-01-15")],
    14: [("lost", 54000, "2026-02-10", "2026-06-30")],
    15: [("needs_analysis", 120000, "2026-06-01", "2026-12-31")],
    16: [("won", 8600, "2026-04-01", "2026-05-15"), ("lost", 30000, "2026-06-01", "2026-09-01")],
    17: [("negotiation", 96000, "2026-08-20", "2026-12-10")],
    18: [("won", 42000, "2026-07-01", "2026-10-18"), ("proposal", 150000, "2026-10-28", "2027-02-28")],
    19: [("won", 210000, "2026-06-10", "2026-10-30"), ("negotiation", 160000, "2026-10-15", "2027-01-20")],
    20: [("won", 76000, "2026-07-01", "2026-10-25"), ("lead", 40000, "2026-11-20", "2027-03-31")],
    21: [("lost", 12000, "2026-07-10", "2026-09-20")],
    22: [("won", 33000, "2026-08-01", "2026-11-05"), ("needs_analysis", 90000, "2026-11-08", "2027-02-15")],
    23: [("lead", 18000, "2026-08-10", "2026-12-31")],
    24: [("proposal", 64000, "2026-09-01", "2026-12-20")],
    25: [("needs_analysis", 110000, "2026-09-10", "2027-01-31")],
    26: [("lost", 45000, "2026-10-01", "2026-11-20")],
    27: [("lead", 38000, "2026-10-15", "2027-02-28")],
    28: [("lead", 500000, "2026-11-05", "2027-06-30")],
    29: [],
}  # fmt: skip

STAGE_ORDER = ["lead", "needs_analysis", "proposal", "negotiation"]


def main() -> None:
    target = ROOT / "data"
    if target.exists():
        shutil.rmtree(target)
    (target / "customers").mkdir(parents=True)
    (target / "attachments").mkdir()
    (target / "attachments" / ".gitkeep").write_bytes(b"")
    config = (
        default_config_text("华东销售一部")
        .replace("members: []\n", MEMBERS)
        .replace("targets: {}\n", TARGETS)
        .replace("filters: {}\n", FILTERS)
    )
    (target / "salescrm.yaml").write_text(config, encoding="utf-8")
    (target / ".gitignore").write_text(".salescrm/\n", encoding="utf-8")
    (target / ".gitattributes").write_text("customers/*.yaml merge=salescrm\n", encoding="utf-8")
    rng = random.Random(20261127)
    taken: list[str] = []
    contracts = 0
    for index, row in enumerate(CUSTOMERS):
        customer, contracts = build(index, row, rng, taken, contracts)
        taken.append(customer.id)
        path = target / "customers" / f"{customer.id}.yaml"
        path.write_text(dump_text(customer_to_data(customer)), encoding="utf-8")
        write_artefacts(target, customer)
    print(f"wrote {len(taken)} customers to {target}")


def write_artefacts(target: Path, customer: Customer) -> None:
    """The documents the stages required, as short Markdown files (the sample has no PDFs)."""
    for o in customer.opportunities:
        for name, path in o.artefacts.items():
            title = "客户需求调研报告" if name == "needs_report" else "解决方案建议书"
            body = (
                f"# {title}: {o.name}\n\n客户: {customer.name}\n\n"
                f"## 需求\n\n{customer.needs}\n\n## 预算\n\n约 {o.amount:,} 元,预计 {o.close} 前决策。\n"
            )
            file = target / path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(body, encoding="utf-8")


def build(
    index: int, row: tuple, rng: random.Random, taken: list[str], contracts: int
) -> tuple[Customer, int]:  # type: ignore[type-arg]
    name, industry, size, source, tier, created_text, contact, title, phone, birthday, needs, tags = row
    created = date.fromisoformat(created_text)
    owner = REPS[index % 3]
    customer = Customer(
        id=next_customer_id(created, taken),
        name=name,
        source=source,
        needs=needs,
        owner=owner,
        created=created,
        tier=tier,
        industry=industry,
        size=size,
        tags=sorted(tags),
        first_contact=created,
        contacts=[
            Contact(name=contact, title=title, phone=phone, birthday=birthday, primary=True,
                    email=f"contact{index + 1}@example.com" if index % 4 == 0 else None)
        ],
    )  # fmt: skip
    customer.followups = followups(customer, contact, needs, rng)
    customer.tasks = tasks(index, customer, rng)
    for number, (stage, amount, opened, closing) in enumerate(OPPORTUNITIES[index], start=1):
        opportunity = build_opportunity(customer, number, stage, amount, opened, closing, contracts)
        contracts += opportunity.contract is not None
        customer.opportunities.append(opportunity)
    if index in (0, 1, 6):
        customer.feedback.append(
            Feedback(
                "B1",
                datetime(2026, 9, 2, 15, 30),
                "zhao.qiang",
                "after-sales",
                "两台设备屏幕闪烁,已上门更换,客户对响应速度满意",
            )  # fmt: skip
        )
    return customer, contracts


def followups(customer: Customer, contact: str, needs: str, rng: random.Random) -> list[FollowUp]:
    """A history of concrete notes from creation up to (nearly) today, spaced by tier."""
    spacing = {"VIP": 9, "A": 16, "B": 26, "C": 45}[customer.tier]
    if customer.name in HOT:
        spacing = 12
    records = []
    moment = datetime.combine(customer.created, datetime.min.time()) + timedelta(hours=10)
    last = datetime.combine(TODAY, datetime.min.time()) - timedelta(days=rng.randint(2, 40))
    number = 0
    # Older customers' early history is left out: the last 18 months tell the story.
    while moment <= last:
        number += 1
        pick = rng.randrange(len(NOTES))
        need = needs.split(",")[0]
        records.append(
            FollowUp(
                f"F{number}",
                moment,
                CHANNEL_OF[pick],
                customer.owner,
                NOTES[pick].format(contact=contact, need=need),
            )  # fmt: skip
        )
        day = max(moment.date(), TODAY - timedelta(days=540)) + timedelta(days=spacing + rng.randint(-3, 5))
        moment = datetime.combine(day, datetime.min.time()) + timedelta(hours=rng.randint(9, 17))
    if records:
        records[-1].next = (records[-1].at + timedelta(days=spacing)).date()
    return records


def tasks(index: int, customer: Customer, rng: random.Random) -> list[Task]:
    """Some done, one open per active customer: a few overdue, some due soon."""
    plans = []
    if customer.followups:
        first = customer.followups[0]
        plans.append(Task("T1", first.at, first.via, "首次需求沟通", "明确采购数量与预算", customer.owner,
                          "done", created=customer.created, closed=first.at))  # fmt: skip
    if index % 3 != 2:
        due = datetime.combine(TODAY, datetime.min.time()) + timedelta(days=(index % 9) - 5, hours=10)
        plans.append(Task(f"T{len(plans) + 1}", due, ["visit", "phone", "meeting"][index % 3],
                          "演示样机并确认配置", "拿到盖章的采购需求确认单", customer.owner, "open",
                          created=due.date() - timedelta(days=10)))  # fmt: skip
    return plans


def build_opportunity(
    customer: Customer, number: int, stage: str, amount: int, opened: str, closing: str, contracts: int
) -> Opportunity:
    created = date.fromisoformat(opened)
    close = date.fromisoformat(closing)
    year = created.year
    opportunity = Opportunity(
        id=f"O{number}",
        name=f"{customer.name[:6]}{year}年{'设备采购' if number == 1 else '二期项目'}",
        amount=Decimal(amount),
        close=close,
        owner=customer.owner,
        created=created,
        stage=stage,
    )
    reached = STAGE_ORDER if stage in ("won", "lost") else STAGE_ORDER[: STAGE_ORDER.index(stage) + 1]
    if stage == "lost":
        reached = STAGE_ORDER[: 1 + (number + len(customer.name)) % 4]
    # Open deals moved on the way to today, closed ones on the way to their closing day.
    until = close if stage in ("won", "lost") else min(close, TODAY - timedelta(days=2))
    span = max((until - created).days, 8)
    for step, name in enumerate(reached):
        at = created + timedelta(days=span * step // (len(reached) + 1))
        opportunity.stage_history.append(StageMove(name, at, customer.owner))
    base = f"attachments/{customer.id}"
    if "proposal" in reached:
        opportunity.artefacts["needs_report"] = f"{base}/O{number}-需求调研报告.md"
    if "negotiation" in reached:
        opportunity.artefacts["proposal"] = f"{base}/O{number}-解决方案建议书.md"
        opportunity.negotiation = Negotiation(["采购总监", "总经理"], [COMPETITORS[number % 5]],
                                              ["对方要求延长付款周期"], ["分三期付款,首付30%"])  # fmt: skip
    if stage == "won":
        opportunity.stage_history.append(StageMove("won", close, customer.owner))
        opportunity.contract = Contract(
            number=f"HT-{close.year}-{contracts + 1:03d}",
            amount=Decimal(amount),
            payment_terms="30%预付,验收后30天付清",
            signed=close,
        )
        opportunity.plan, opportunity.receipts = payments(opportunity, contracts)
    elif stage == "lost":
        opportunity.stage_history.append(StageMove("lost", close, customer.owner))
        opportunity.lost_reason = LOSS[(number + len(customer.name)) % 5]
        if opportunity.lost_reason == "选择竞品":
            opportunity.negotiation.competitors = [COMPETITORS[len(customer.name) % 5]]
    return opportunity


def payments(o: Opportunity, contracts: int) -> tuple[list[Installment], list[Receipt]]:
    """30 % due on signing, 70 % 45 days later (acceptance, then 30 days); paid on time, late,
    in part or not at all by TODAY, by the contract's number, so that receivables have ages."""
    assert o.contract is not None
    signed, total = o.contract.signed, o.contract.amount
    first = (total * 3 / 10).quantize(Decimal(1))
    plan = [Installment("P1", signed, first, signed, o.owner, "30%预付"),
            Installment("P2", signed + timedelta(days=45), total - first, signed, o.owner, "验收后30天付清")]  # fmt: skip
    receipts: list[Receipt] = []

    def pay(day: date, amount: Decimal, line: str) -> None:
        if day <= TODAY:
            receipts.append(Receipt(f"R{len(receipts) + 1}", day, amount, o.owner, line,
                                    f"B{day:%Y%m%d}-{contracts + 1:03d}"))  # fmt: skip

    pay(signed + timedelta(days=3 + contracts % 5), first, "P1")
    due, kind = plan[1].due, contracts % 4
    if kind == 0:
        pay(due - timedelta(days=2), total - first, "P2")  # on time
    elif kind == 1:
        pay(due + timedelta(days=20), total - first, "P2")  # late
    elif kind == 2:
        pay(due + timedelta(days=10), ((total - first) / 2).quantize(Decimal(1)), "P2")  # late, and half
    return plan, receipts  # kind 3: nothing yet


if __name__ == "__main__":
    main()
