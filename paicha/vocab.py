"""The policy's vocabularies as enums, each member carrying its Chinese label."""

from __future__ import annotations

from enum import StrEnum

from paicha.text import joined


class LabelledEnum(StrEnum):
    """A str enum whose value is the stable English code and whose ``label`` is the Chinese name.

    The store keeps the English code so that a relabelled UI never rewrites data.
    """

    def __new__(cls, code: str, label: str) -> LabelledEnum:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def from_label(cls, label: str) -> LabelledEnum:
        for member in cls:
            if member.label == label:
                return member
        raise KeyError(label)

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {m.value: m.label for m in cls}


class ScreeningMethod(LabelledEnum):
    home_visit = ("home_visit", "入户排查")
    village_assessment = ("village_assessment", "村级研判")
    online_inquiry = ("online_inquiry", "线上问询")


class ScreeningResult(LabelledEnum):
    no_risk = ("no_risk", "无风险")
    risk_found = ("risk_found", "存在风险隐患")
    propose_monitoring = ("propose_monitoring", "建议纳入监测")


class MonitorType(LabelledEnum):
    none = ("none", "非监测对象")
    unstable_former_poor = ("unstable_former_poor", "脱贫不稳定户")
    marginal = ("marginal", "边缘易致贫户")
    sudden_hardship = ("sudden_hardship", "突发严重困难户")


class KeyGroup(LabelledEnum):
    """重点群体: any flag makes a household one that must be visited at home (入户排查)."""

    new_dibao = ("new_dibao", "2024年新增低保对象")
    dispersed_tekun = ("dispersed_tekun", "分散供养特困人员")
    large_temp_aid = ("large_temp_aid", "大额临时救助对象")
    severe_disability = ("severe_disability", "重度残疾人")
    serious_illness = ("serious_illness", "大病重病患者")
    mental_disorder = ("mental_disorder", "精神障碍患者")
    rejected_application = ("rejected_application", "2024年低保特困申请未通过")

    @property
    def column(self) -> str:
        """Column name of this flag in the households table."""
        return f"kg_{self.value}"


class Guarantee(LabelledEnum):
    """三保障 and drinking water: a flag means a problem was found."""

    education = ("education", "义务教育有保障问题")
    medical = ("medical", "基本医疗有保障问题")
    housing = ("housing", "住房安全有保障问题")
    water = ("water", "饮水安全有保障问题")

    @property
    def column(self) -> str:
        return f"problem_{self.value}"


class Level(LabelledEnum):
    """The three levels progress is counted at (``paicha progress --level``).

    The label names the level (乡镇级), not a unit of it: a unit's column header (乡镇（街道）)
    is catalogue text (``columns.town``).
    """

    district = ("district", "区级")
    town = ("town", "乡镇级")
    village = ("village", "村级")


class Status(LabelledEnum):
    """Progress status of a unit; cut-offs live in the configuration."""

    done = ("done", "完成")
    on_track = ("on_track", "正常")
    lagging = ("lagging", "滞后")
    severely_lagging = ("severely_lagging", "严重滞后")
    not_started = ("not_started", "未启动")


class Light(LabelledEnum):
    """Traffic light of one of a town's four checks; ``label`` is its word in a deadline column.

    The colour is one vocabulary (one code, one cell colour in ``ui.theme``) but each column
    says it in its own words: a deadline is 按时 or 逾期未完成, the screening pace speaks in
    status words (正常, 滞后, 严重滞后), the projected finish is 可按期 or 预计超期. One enum
    with the words of every column on the member, rather than one enum per column, because a
    column's light is computed as a colour and compared as one (``progress.town_lights``);
    the words are how a colour reads in that column (:meth:`word`). "" where a column never
    shows that colour.
    """

    # code, deadline word (the label), pace word, finish word
    green = ("green", "按时", Status.on_track.label, "可按期")
    amber = ("amber", "延迟完成", Status.lagging.label, "")
    red = ("red", "逾期未完成", Status.severely_lagging.label, "预计超期")
    grey = ("grey", "未到期", "", "")

    def __new__(cls, code: str, label: str, pace: str = "", finish: str = "") -> Light:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        member._words = {"deadline": label, "pace": pace, "finish": finish}
        return member

    def word(self, check: str) -> str:
        """How this colour reads in the column of ``check``: "deadline", "pace" or "finish"."""
        return self._words[check]


class HazardKind(LabelledEnum):
    """The hazards a zone can be drawn for (the import maps the usual spellings onto them)."""

    flood = ("flood", "暴雨洪涝")
    low_prices = ("low_prices", "农产品价格低迷")
    construction_jobs = ("construction_jobs", "建筑业用工及工资下降")
    unstable_jobs = ("unstable_jobs", "务工就业不稳")
    water_shortage = ("water_shortage", "季节性缺水")


class HazardLevel(LabelledEnum):
    """How exposed a hazard zone is; stored as the code, read from files in any usual spelling."""

    high = ("high", "高")
    medium = ("medium", "中")
    low = ("low", "低")


class Permission(LabelledEnum):
    """What a role may do beyond reading its scope; each is checked where the action happens."""

    unmask = ("unmask", "查看完整身份证号和电话")
    export = ("export", "导出")
    import_data = ("import", "导入数据")
    sample = ("sample", "抽查抽样与结果录入")
    manage_users = ("manage_users", "用户管理")
    read_audit = ("read_audit", "查看审计日志")


class Role(LabelledEnum):
    """The four kinds of account; the permissions of each are in ``paicha.access.ROLE_PERMISSIONS``."""

    admin = ("admin", "管理员")
    leader = ("leader", "区领导")
    supervisor = ("supervisor", "镇街督导")
    checker = ("checker", "抽查员")


class DivisionKind(LabelledEnum):
    village = ("village", "村")
    community = ("community", "社区")


# -- households (农户清单): the lists, the 应纳未纳 rules, the monitoring pipeline ----------------


class HouseholdList(LabelledEnum):
    """The lists of 农户清单; the codes are the page's ``list`` query parameter and the CLI's --list."""

    unscreened = ("unscreened", "未排查农户")
    key_not_home = ("key_not_home", "重点户未入户")
    should_monitor = ("should_monitor", "应纳未纳疑似户")
    zero_monitoring_villages = ("zero_monitoring_villages", "无监测对象的村（社区）")


# The key-group and hazard filters' value for any key group / any hazard zone (the page's query
# parameter, the CLI's --key-group and --hazard); here rather than in paicha.household_lists so
# that the CLI offers it without loading pandas.
ANY = "any"


class KeyNotHome(LabelledEnum):
    """Why a key household is on the list of those not visited at home."""

    never_screened = ("never_screened", "未排查")
    not_at_home = ("not_at_home", "应入户未入户")  # screened, but only by 村级研判 or 线上问询


class MonitoringRule(LabelledEnum):
    """应纳未纳 rules: a household that is not a monitoring object and for which one fires may
    have been missed (确保应纳尽纳). Definitions and cut-offs: ``paicha.rules``.
    """

    income_below_line = ("income_below_line", "人均纯收入低于监测线")
    spending_shock = ("spending_shock", "支出骤增")
    guarantee_problem = ("guarantee_problem", "三保障或饮水安全问题")
    proposal_not_followed = ("proposal_not_followed", "建议纳入监测未纳入")
    assistance_only = ("assistance_only", "一兜了之风险")


class GreenChannel(LabelledEnum):
    """绿色通道: assistance started before identification (先落实帮扶措施，后补充完善相关程序)."""

    identified_after = ("identified_after", "已补认定")
    waiting = ("waiting", "待认定")
    overdue = ("overdue", "待认定超期")


class Method(LabelledEnum):
    """The five ways a spot-check sample can be drawn (``paicha.sampling.Method``; the page shows the same labels)."""

    srs = ("srs", "简单随机抽样")
    stratified = ("stratified", "分层随机抽样")
    pps = ("pps", "按规模成比例抽村（PPS）")
    backcheck = ("backcheck", "复核抽查（疑点户优先）")
    lqas = ("lqas", "逐村批质量保证抽样（LQAS）")


class SpotCheckReason(LabelledEnum):
    """Why a household is in a spot-check sample: drawn at random, or for a back-check flag.

    The four flags are the sampling frame's warning columns, in the priority that names the
    reason when several are set (``paicha.sampling.FLAG_COLUMNS``).
    """

    random = ("random", "随机抽中")
    certainty = ("certainty", "大村必选")
    key_not_home_visited = ("key_not_home_visited", "重点户未入户")
    screener_overload = ("screener_overload", "排查员单日入户过多")
    far_visit = ("far_visit", "入户定位偏离住址")
    hazard_exposed = ("hazard_exposed", "位于风险区")


class Verdict(LabelledEnum):
    """An LQAS village's state: judged on its ``n`` re-checks, or still waiting for some."""

    passed = ("passed", "合格")
    failed = ("failed", "不合格")
    pending = ("pending", "待完成")


class Holiday(LabelledEnum):
    """The official holidays the working-day calendar names (chinesecalendar's ``Holiday``).

    The code is the library's member name; :func:`paicha.calendar.holiday_of` maps a day onto it.
    """

    new_years_day = ("new_years_day", "元旦")
    spring_festival = ("spring_festival", "春节")
    tomb_sweeping_day = ("tomb_sweeping_day", "清明节")
    labour_day = ("labour_day", "劳动节")
    dragon_boat_festival = ("dragon_boat_festival", "端午节")
    national_day = ("national_day", "国庆节")
    mid_autumn_festival = ("mid_autumn_festival", "中秋节")
    anti_fascist_70th_day = ("anti_fascist_70th_day", "抗战胜利70周年纪念日")


class ReasonRule(LabelledEnum):
    """Why a village is behind: each a named rule of ``paicha.reasons`` with its cut-off and
    weight in the configuration (``[reasons]``, ``[reason_weights]``).
    """

    late_start = ("late_start", "开工晚")
    start_due = ("start_due", "尚未开工")
    short_span = ("short_span", "排查工作日不足")
    slow_rate = ("slow_rate", "速度不够")
    catching_up = ("catching_up", "落后但在追赶")
    pause = ("pause", "中途停顿")
    key_not_home = ("key_not_home", "重点户未入户")
    leaflet_behind = ("leaflet_behind", "明白纸滞后")
    confirmation_behind = ("confirmation_behind", "线上确认滞后")


class Transition(LabelledEnum):
    """How a unit's status changed between the comparison date and the as-of date."""

    finished = ("finished", "已完成")
    turned_red = ("turned_red", "转为红色")
    turned_amber = ("turned_amber", "转为橙色")
    turned_green = ("turned_green", "转为绿色")
    unchanged = ("unchanged", "无变化")


def key_group_labels(frame) -> list[str]:
    """Per row of a frame with kg_* flag columns: the Chinese labels of its set flags, joined."""
    groups = [g for g in KeyGroup if g.column in frame.columns]
    return [joined(g.label for g in groups if row[g.column]) for _, row in frame.iterrows()]


class MapMeasure(LabelledEnum):
    """What the risk map colours the villages by; each has one entry in ``ui.maps.measures``."""

    screened_pct = ("screened_pct", "排查进度（%）")
    lag = ("lag", "滞后户数")
    status = ("status", "进度状态")
    key_not_home = ("key_not_home", "重点户未入户")
    exposed_unscreened = ("exposed_unscreened", "风险区内未排查户")
    should_monitor = ("should_monitor", "应纳未纳疑似户")  # the households page's list of the same name


class HeatSubject(LabelledEnum):
    """Which at-risk households the heat layer counts (a household counts once, whatever the reasons)."""

    unscreened = ("unscreened", "未排查")
    key_not_home = ("key_not_home", "重点户未入户")
    exposed = ("exposed", "位于所选风险区")
    should_monitor = ("should_monitor", "应纳未纳疑似户")  # not a monitoring object, a rule fired
