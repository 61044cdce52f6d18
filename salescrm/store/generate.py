"""A realistic synthetic data directory, for benchmarks (``salescrm dev generate``).

Customers are built as model records and written through ``core.records`` and
``store.yamlio``, so the files are exactly what salescrm itself writes. Customer
``i`` is drawn from its own ``Random(seed, i)``: the output is the same for a
seed however the work is split across processes.
"""

from __future__ import annotations

import os
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from salescrm.core.config import DEFAULT_INDUSTRIES, DEFAULT_LOSS_REASONS
from salescrm.core.ids import customer_id
from salescrm.core.labels import OPEN_STAGES
from salescrm.core.model import (
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
from salescrm.core.parse import normal_amount
from salescrm.core.records import customer_to_data
from salescrm.store.yamlio import dump_text

FIRST_MONTH = date(2022, 1, 1)
MANAGERS = [("li.na", "李娜"), ("chen.jun", "陈军")]
REPS = [
    ("zhang.wei", "张伟"), ("wang.fang", "王芳"), ("liu.yang", "刘洋"), ("yang.jing", "杨静"),
    ("huang.lei", "黄磊"), ("zhou.min", "周敏"), ("wu.tao", "吴涛"), ("xu.li", "徐丽"),
    ("sun.hao", "孙浩"), ("ma.chao", "马超"), ("zhu.hong", "朱红"), ("hu.bin", "胡斌"),
    ("guo.qiang", "郭强"), ("he.xin", "何欣"), ("lin.feng", "林峰"), ("luo.dan", "罗丹"),
]  # fmt: skip
OTHERS = [("qian.mkt", "钱晓", "marketing"), ("zhao.svc", "赵强", "after-sales")]
CITIES = ["上海", "北京", "深圳", "杭州", "南京", "苏州", "成都", "武汉", "广州", "天津", "西安", "重庆"]
WORDS = ["华信", "创新", "远景", "天成", "恒通", "瑞达", "博雅", "启明", "中科", "宏达", "金桥", "新元",
         "云帆", "盛世", "鼎立", "嘉和", "长城", "东方", "海纳", "星辰"]  # fmt: skip
KINDS = ["科技", "制造", "信息技术", "电子", "医疗器械", "教育咨询", "物流", "能源", "商贸", "软件"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
TITLES = ["采购总监", "采购经理", "IT经理", "总经理", "财务总监", "行政主管", "技术负责人"]
SOURCES = ["年春季行业展会", "年秋季行业展会", "年线上推广", "年客户转介绍", "年电话营销", "年官网咨询"]
NEEDS = ["需要采购{n}台办公电脑", "计划升级{n}个门店的收银系统", "需要{n}套设计软件授权",
         "准备建设{n}人规模的呼叫中心", "需要为{n}名员工配置笔记本", "计划采购{n}台服务器"]  # fmt: skip
TAGS = ["急需采购", "长期合作意向", "价格敏感", "决策链长", "重点客户", "年底预算"]
NOTES = ["客户希望下月交付,对价格上浮{p}%可接受", "演示了新版本,客户提出{n}项改进需求",
         "对方采购总监确认预算{n}万,需要在月底前报价", "现场拜访,了解到竞品报价低{p}%",
         "客户要求补充{n}个案例,下周三前提供", "电话沟通付款方式,客户倾向{p}%预付",
         "线上会议演示方案,对方技术负责人提出{n}个问题", "客户有意向"]  # fmt: skip
COMPETITORS = ["竞品X", "竞品Y", "本地代理商", "国际品牌Z"]
CHANNELS = ["phone", "visit", "email", "meeting", "other"]
TIER_WEIGHTS = (("VIP", 3), ("A", 12), ("B", 35), ("C", 50))


@dataclass(frozen=True)
class Plan:
    """What to generate: how many customers, from which seed, as of which day."""

    customers: int
    seed: int = 1
    as_of: date = date(2026, 11, 27)

    @property
    def months(self) -> int:
        return (self.as_of.year - FIRST_MONTH.year) * 12 + self.as_of.month - FIRST_MONTH.month

    def month_of(self, index: int) -> date:
        """Customers are spread evenly over the months before ``as_of``: index → creation month."""
        offset = index * self.months // self.customers
        year, month = divmod(FIRST_MONTH.month - 1 + offset, 12)
        return date(FIRST_MONTH.year + year, month + 1, 1)

    def number_of(self, index: int) -> str:
        offset = index * self.months // self.customers
        first_of_month = -(-offset * self.customers // self.months)  # the month's first index
        return customer_id(self.month_of(index), index - first_of_month + 1)


def team_config(team: str) -> str:
    """salescrm.yaml for the generated team: managers, reps, marketing, after-sales."""
    lines = ["format: 1", f"team: {team}", "currency: CNY", "locale: zh_CN", "members:"]
    for member_id, name in MANAGERS:
        lines.append(f"  - {{id: {member_id}, name: {name}, dept: management, role: manager}}")
    for index, (member_id, name) in enumerate(REPS):
        manager = MANAGERS[index % len(MANAGERS)][0]
        lines.append(
            f"  - {{id: {member_id}, name: {name}, email: {member_id}@example.com, manager: {manager}}}"
        )
    for member_id, name, dept in OTHERS:
        lines.append(f"  - {{id: {member_id}, name: {name}, dept: {dept}}}")
    lines.append("targets: {}")
    return "\n".join(lines) + "\n"


def build_customer(plan: Plan, index: int) -> Customer:
    rng = random.Random(f"{plan.seed}:{index}")
    month = plan.month_of(index)
    created = month + timedelta(days=rng.randrange(28))
    owner = REPS[index % len(REPS)][0]
    tier = rng.choices([t for t, _ in TIER_WEIGHTS], [w for _, w in TIER_WEIGHTS])[0]
    name = f"{rng.choice(CITIES)}{rng.choice(WORDS)}{rng.choice(KINDS)}有限公司{index:05d}"
    customer = Customer(
        id=plan.number_of(index),
        name=name,
        source=f"{created.year}{rng.choice(SOURCES)}",
        needs=rng.choice(NEEDS).format(n=rng.randrange(5, 500)),
        owner=owner,
        created=created,
        tier=tier,
        industry=rng.choice(DEFAULT_INDUSTRIES),
        size=rng.choice(["small", "medium", "large", "enterprise"]),
        tags=sorted(set(rng.sample(TAGS, rng.randrange(3)))),
        first_contact=created,
        contacts=_contacts(rng, index, tier),
    )
    days = max((plan.as_of - created).days, 1)
    customer.followups = _followups(rng, created, days, owner)
    customer.tasks = _tasks(rng, plan.as_of, owner)
    customer.opportunities = [
        _opportunity(rng, customer, n + 1, days, plan.as_of) for n in range(_count(rng))
    ]
    money = random.Random(f"{plan.seed}:{index}:payments")  # its own draws: the rest stays as it was
    for o in customer.opportunities:
        _payments(money, o, plan.as_of)
    if rng.random() < 0.1:
        customer.feedback = [Feedback("B1", created + timedelta(days=rng.randrange(days)), "zhao.svc",
                                      "after-sales", "两台设备屏幕闪烁,已安排上门换货")]  # fmt: skip
    return customer


def _count(rng: random.Random) -> int:
    return rng.choice([1, 2, 3, 3, 4, 5])  # 3 on average: 30,000 for 10,000 customers


def _contacts(rng: random.Random, index: int, tier: str) -> list[Contact]:
    contacts: list[Contact] = []
    for n in range(rng.choice([1, 1, 2, 3])):
        birthday = None
        if tier == "VIP" or rng.random() < 0.2:
            birthday = f"{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        surname, role = rng.choice(SURNAMES), rng.choice(["经理", "总", "工", "主任"])
        # Contacts are unique by name within a customer (check warns otherwise): a surname
        # already taken moves on to the next one, drawing nothing more from rng.
        taken = {c.name for c in contacts}
        while f"{surname}{role}" in taken:
            surname = SURNAMES[(SURNAMES.index(surname) + 1) % len(SURNAMES)]
        contacts.append(
            Contact(
                name=f"{surname}{role}",
                title=rng.choice(TITLES),
                phone=f"1{rng.choice('3589')}{index:05d}{n}{rng.randrange(1000):03d}",
                email=f"c{index}.{n}@example{index % 97}.com" if rng.random() < 0.6 else None,
                birthday=birthday,
                primary=n == 0,
            )
        )
    return contacts


def _followups(rng: random.Random, created: date, days: int, owner: str) -> list[FollowUp]:
    moments = sorted(rng.randrange(days * 24) for _ in range(rng.randrange(10, 31)))
    followups = []
    for n, hours in enumerate(moments, start=1):
        at = datetime.combine(created, datetime.min.time()) + timedelta(hours=hours)
        at = at.replace(hour=9 + at.hour % 9, minute=rng.choice([0, 15, 30, 45]))
        note = rng.choice(NOTES).format(n=rng.randrange(2, 50), p=rng.randrange(3, 30))
        followups.append(FollowUp(f"F{n}", at, rng.choice(CHANNELS), owner, note, next=None))
    if followups:
        last = followups[-1]
        last.next = (last.at + timedelta(days=14)).date() if isinstance(last.at, datetime) else None
    return followups


def _tasks(rng: random.Random, as_of: date, owner: str) -> list[Task]:
    tasks = []
    for n in range(1, rng.choice([1, 1, 2, 3]) + 1):
        due = datetime.combine(as_of + timedelta(days=rng.randrange(-20, 30)), datetime.min.time())
        status = "open" if n == 1 or rng.random() < 0.5 else "done"
        tasks.append(Task(f"T{n}", due.replace(hour=10), rng.choice(CHANNELS[:4]), "演示样机", "确认配置",
                          owner, status))  # fmt: skip
    return tasks


STAGE_PATH = ["lead", "needs_analysis", "proposal", "negotiation"]


def _opportunity(rng: random.Random, customer: Customer, n: int, days: int, as_of: date) -> Opportunity:
    stage = rng.choices([*OPEN_STAGES, "won", "lost"], [20, 15, 15, 10, 25, 15])[0]
    start = customer.created + timedelta(days=rng.randrange(days))
    reached = STAGE_PATH if stage in ("won", "lost") else STAGE_PATH[: STAGE_PATH.index(stage) + 1]
    if stage == "lost":
        reached = STAGE_PATH[: rng.randrange(1, 5)]
    history = [
        StageMove(s, min(start + timedelta(days=12 * i), as_of), customer.owner)
        for i, s in enumerate(reached)
    ]
    if stage in ("won", "lost"):
        history.append(
            StageMove(stage, min(start + timedelta(days=12 * len(reached)), as_of), customer.owner)
        )
    names = [m.stage for m in history]
    folder = f"attachments/{customer.id}"
    artefacts = {}
    if "proposal" in names:
        artefacts["needs_report"] = f"{folder}/O{n}-needs.pdf"
    if "negotiation" in names:
        artefacts["proposal"] = f"{folder}/O{n}-proposal.pdf"
    talks = Negotiation()
    if "negotiation" in names:
        talks = Negotiation(["李总"], [rng.choice(COMPETITORS)], ["价格"], ["分期付款"])
    amount = Decimal(rng.randrange(5, 2000) * 1000)
    opportunity = Opportunity(
        id=f"O{n}",
        name=f"{customer.name[:8]}{start.year}年度采购{n}",
        amount=amount,
        close=start + timedelta(days=60 + rng.randrange(90)),
        owner=customer.owner,
        stage=stage,
        created=start,
        stage_history=history,
        artefacts=artefacts,
        negotiation=talks,
    )
    if stage == "won":
        signed = history[-1].at
        opportunity.contract = Contract(f"HT-{customer.id[3:]}-{n}", amount, "30%预付,验收后30天付清", signed)
    if stage == "lost":
        opportunity.lost_reason = rng.choice(DEFAULT_LOSS_REASONS)
    return opportunity


def _payments(rng: random.Random, o: Opportunity, as_of: date) -> None:
    """Most won deals get a plan the day they are won, as their terms say (30 % on signing,
    the rest 30-90 days later); each line due by ``as_of`` is paid on time, late, in part,
    or not yet (overdue)."""
    contract = o.contract
    if contract is None or rng.random() < 0.2:
        return
    first = (contract.amount * 3 / 10).quantize(Decimal(1))
    rest_due = contract.signed + timedelta(days=rng.randrange(30, 91))
    lines = [(contract.signed, first, "30%预付"), (rest_due, contract.amount - first, "验收后30天付清")]
    o.plan = [Installment(f"P{n}", due, amount, contract.signed, o.owner, note)
              for n, (due, amount, note) in enumerate(lines, start=1)]  # fmt: skip
    paid = []
    for line in o.plan:
        fate = rng.random()
        late = rng.randrange(0, 10) if fate < 0.6 else rng.randrange(20, 120)
        if line.due > as_of or fate >= 0.9 or line.due + timedelta(days=late) > as_of:
            continue  # not due yet, or overdue
        amount = line.amount if fate < 0.8 else normal_amount(line.amount / 2)
        paid.append((line.due + timedelta(days=late), amount, line.id))
    o.receipts = [Receipt(f"R{n}", at, amount, o.owner, line_id)
                  for n, (at, amount, line_id) in enumerate(sorted(paid), start=1)]  # fmt: skip


def _write_range(root: str, plan: Plan, start: int, stop: int) -> int:
    folder = Path(root)
    for index in range(start, stop):
        customer = build_customer(plan, index)
        path = folder / "customers" / f"{customer.id}.yaml"
        path.write_text(dump_text(customer_to_data(customer)), encoding="utf-8")
        for o in customer.opportunities:
            for attachment in o.artefacts.values():
                target = folder / attachment
                target.parent.mkdir(exist_ok=True)
                target.write_bytes(b"%PDF-1.4 placeholder\n")
    return stop - start


def generate(root: Path, plan: Plan, team: str = "华东销售大区", workers: int | None = None) -> int:
    """Write ``plan.customers`` customers into a new data directory at ``root``."""
    from salescrm.store.datadir import init_data_dir

    init_data_dir(root, team, use_git=False)
    (root / "salescrm.yaml").write_text(team_config(team), encoding="utf-8")
    workers = workers or os.cpu_count() or 1
    chunk = max(1, min(500, -(-plan.customers // workers)))
    ranges = [(s, min(s + chunk, plan.customers)) for s in range(0, plan.customers, chunk)]
    if workers == 1 or len(ranges) == 1:
        return sum(_write_range(str(root), plan, a, b) for a, b in ranges)
    with ProcessPoolExecutor(workers) as pool:
        done = pool.map(_write_range, *zip(*[(str(root), plan, a, b) for a, b in ranges], strict=True))
        return sum(done)
