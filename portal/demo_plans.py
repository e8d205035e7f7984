"""Demo interview plans: each demo position's rounds, with real kits and pools.

Kept apart from `demo_data.py` because the kits are long Chinese texts; `seed_plans` saves
them through HR's own use case, so each round is audited as HR's edit would be.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.db.database import Database
from portal.db.people import Person, get_person_by_userid
from portal.plans import save_round
from portal.scheduling import Actor
from portal.scheduling.kits import FocusArea, Question, RoundFields
from portal.scheduling.rooms import RoomKind

Anchors = tuple[str, str, str, str]

CODING = (
    "编程能力",
    "把问题拆解成正确、可读、可测试的代码。",
    (
        "写不出能运行的代码，或需要面试官一步步提示。",
        "能写出主流程，但边界条件和错误处理多处遗漏，调试靠试。",
        "独立写出正确的代码，命名清楚，能自己补上测试用例并解释复杂度。",
        "代码简洁正确，主动讨论取舍（性能、可读性），并能给出更优解法。",
    ),
)
ANALYSIS = (
    "问题分析",
    "弄清问题、提出假设、验证并收敛到可行的解法。",
    (
        "没弄清题意就动手，卡住后不知道从哪里排查。",
        "能在提示下找到方向，但考虑不全，换个条件就不会了。",
        "主动澄清需求和边界，比较两种以上解法并说明复杂度。",
        "快速抓住问题本质，能把解法推广到变体，并指出题目本身的假设。",
    ),
)
DESIGN = (
    "系统设计",
    "为真实规模的需求设计服务：数据模型、接口、扩展与故障。",
    (
        "只能描述单机方案，说不清数据怎么存、接口怎么定。",
        "方案能跑通，但忽略容量估算、一致性或单点故障。",
        "给出分层清楚的方案，做了容量估算，说明了缓存、队列和故障处理的取舍。",
        "在此之上主动识别瓶颈与演进路径，能用线上经验佐证取舍。",
    ),
)
FRONTEND = (
    "前端工程",
    "组件设计、状态管理、性能与可访问性。",
    (
        "只会照抄示例，说不清组件的状态从哪里来。",
        "能完成页面，但状态混乱、重复渲染多，不考虑移动端和无障碍。",
        "组件职责清楚，状态集中管理，能定位并解决一个性能问题。",
        "能设计团队复用的组件库，兼顾性能预算、无障碍和渐进增强。",
    ),
)
PRODUCT = (
    "产品思维",
    "从用户问题出发定义需求，并用数据验证。",
    (
        "直接给功能清单，说不出为谁解决什么问题。",
        "能描述用户和场景，但优先级凭感觉，没有衡量指标。",
        "清楚定义问题、目标用户和成功指标，能讲清优先级取舍。",
        "在此之上能设计实验验证假设，并举出自己用数据推翻原判断的例子。",
    ),
)
CRAFT = (
    "设计能力",
    "交互与视觉方案，以及背后的用户研究。",
    (
        "作品集只有结果图，说不出设计决策的理由。",
        "能讲设计过程，但缺少用户研究支撑，方案之间没有比较。",
        "从研究到方案到验证完整，能说明每个关键决策的依据。",
        "能推动跨团队的设计规范落地，并用数据证明设计带来的改进。",
    ),
)
TEAMWORK = (
    "沟通协作",
    "说清楚自己的想法，听懂别人的，和团队一起推进事情。",
    (
        "表达混乱，回避分歧，或把问题都归咎于他人。",
        "能说清自己做了什么，但很少主动同步，遇到分歧靠上级裁决。",
        "表达有条理，能举出主动对齐、化解分歧并推进结果的具体例子。",
        "能在跨团队的复杂局面中建立共识，并帮助他人成长。",
    ),
)
MOTIVATION = (
    "动机与匹配",
    "为什么是这个岗位、这家公司，期望是否与我们匹配。",
    (
        "说不出为什么换工作，对岗位和公司毫无了解。",
        "动机主要是薪资或逃离现状，对岗位理解停留在描述上。",
        "动机清楚且与岗位相符，对团队和业务有基本了解，期望合理。",
        "对业务有独到见解，职业规划与岗位发展高度一致。",
    ),
)


@dataclass(frozen=True)
class DemoRound:
    name: str
    minutes: int
    kind: RoomKind
    panel: int
    areas: tuple[tuple[str, str, Anchors], ...]
    questions: tuple[str, ...]
    pool: tuple[str, ...]  # userids; those not synced yet are left out


HR_ROUND = DemoRound(
    "HR 面",
    45,
    RoomKind.NON_TECHNICAL,
    1,
    (TEAMWORK, MOTIVATION),
    ("为什么考虑离开现在的公司？", "讲一次你和同事意见不一致、最后怎么解决的经历。"),
    ("liuyang", "zhaolei"),
)
ENGINEERING_QUESTIONS = (
    "实现一个支持过期时间的 LRU 缓存，并写出测试。",
    "给定一组会议的起止时间，最少需要几间会议室？先讲思路再写代码。",
    "设计一个每天处理一亿条消息的通知系统。",
)


def _engineering(first: str, pool: tuple[str, ...]) -> tuple[DemoRound, ...]:
    return (
        DemoRound(
            "技术一面",
            60,
            RoomKind.TECHNICAL,
            2,
            (CODING, ANALYSIS, TEAMWORK),
            ENGINEERING_QUESTIONS[:2],
            pool,
        ),
        DemoRound(
            "技术二面",
            60,
            RoomKind.TECHNICAL,
            2,
            (CODING, DESIGN) if first == "backend" else (FRONTEND, DESIGN),
            ENGINEERING_QUESTIONS[2:],
            pool,
        ),
        HR_ROUND,
    )


def _business(area: tuple[str, str, Anchors], pool: tuple[str, ...]) -> tuple[DemoRound, ...]:
    return (
        DemoRound(
            "业务一面",
            60,
            RoomKind.NON_TECHNICAL,
            1,
            (area, TEAMWORK),
            ("讲一个你从零推动上线的项目：问题是什么，你怎么判断做对了？",),
            pool,
        ),
        HR_ROUND,
    )


# In the order of `demo_data.POSITIONS`.
PLANS = (
    _engineering("backend", ("zhangwei", "lina", "sunhao", "zhengyu")),
    _engineering("frontend", ("wangfang", "zhangwei")),
    _business(PRODUCT, ("zhoujie", "sunhao")),
    _business(CRAFT, ("wuxin", "maxiaoyu")),
)


def _fields(demo: DemoRound, people: dict[str, Person]) -> RoundFields:
    areas = tuple(
        FocusArea(f"a{index}", name, description, anchors)
        for index, (name, description, anchors) in enumerate(demo.areas, start=1)
    )
    return RoundFields(
        name=demo.name,
        duration_minutes=demo.minutes,
        room_kind=demo.kind,
        room_paper_uid=None,
        panel_size=demo.panel,
        focus_areas=areas,
        questions=tuple(Question(text) for text in demo.questions),
        pool=tuple(people[u].id for u in demo.pool if u in people and people[u].active),
    )


async def seed_plans(db: Database, position_ids: list[int], *, actor: Actor, now: datetime) -> None:
    """Give each demo position its plan (`position_ids` in the order of `PLANS`)."""
    userids = sorted({u for rounds in PLANS for demo in rounds for u in demo.pool})
    found = [await get_person_by_userid(db, userid) for userid in userids]
    people = {p.wecom_userid: p for p in found if p}
    for position_id, rounds in zip(position_ids, PLANS, strict=True):
        for demo in rounds:
            await save_round(db, position_id, None, _fields(demo, people), actor=actor, now=now)
