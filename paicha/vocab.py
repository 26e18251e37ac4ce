"""The policy's vocabularies as enums, each member carrying its Chinese label."""

from __future__ import annotations

from enum import StrEnum


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


class Status(LabelledEnum):
    """Progress status of a unit; cut-offs live in the configuration."""

    done = ("done", "完成")
    on_track = ("on_track", "正常")
    lagging = ("lagging", "滞后")
    severely_lagging = ("severely_lagging", "严重滞后")
    not_started = ("not_started", "未启动")


class Light(LabelledEnum):
    """Traffic light of a deadline check."""

    green = ("green", "按时")
    amber = ("amber", "延迟完成")
    red = ("red", "逾期未完成")
    grey = ("grey", "未到期")


class HazardKind(LabelledEnum):
    flood = ("flood", "暴雨洪涝")
    low_prices = ("low_prices", "农产品价格低迷")
    construction_jobs = ("construction_jobs", "建筑业用工及工资下降")
    unstable_jobs = ("unstable_jobs", "务工就业不稳")
    water_shortage = ("water_shortage", "季节性缺水")


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


class KeyNotHome(LabelledEnum):
    """Why a key household is on the list of those not visited at home."""

    never_screened = ("never_screened", "未排查")
    not_at_home = ("not_at_home", "应入户未入户")  # screened, but only by 村级研判 or 线上问询


class MonitoringRule(LabelledEnum):
    """应纳未纳 rules: a household that is not a monitoring object and for which one fires may
    have been missed (确保应纳尽纳). Definitions and cut-offs: ``paicha.rules``."""

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


def key_group_labels(frame) -> list[str]:
    """Per row of a frame with kg_* flag columns: the Chinese labels of its set flags, joined."""
    groups = [g for g in KeyGroup if g.column in frame.columns]
    return ["、".join(g.label for g in groups if row[g.column]) for _, row in frame.iterrows()]


def method_labels(codes: str | None) -> str:
    """"home_visit,online_inquiry" → "入户排查、线上问询"; empty when there is no record."""
    if not codes or not isinstance(codes, str):
        return ""
    return "、".join(ScreeningMethod(c).label for c in codes.split(","))
