"""What each import kind's columns are: canonical headers, the spellings real exports use, types."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from paicha.text import t
from paicha.vocab import (
    Guarantee,
    HazardKind,
    HazardLevel,
    KeyGroup,
    LabelledEnum,
    MonitorType,
    ScreeningMethod,
    ScreeningResult,
)


class ImportKind(LabelledEnum):
    """The five things that can be imported; ``label`` is the Chinese name shown to users
    (and the sheet name of a template).
    """

    households = ("households", "农户花名册")
    screenings = ("screenings", "排查记录")
    key_groups = ("key_groups", "重点群体名单")
    milestones = ("milestones", "乡镇工作节点")
    hazards = ("hazards", "风险区图层")

    @property
    def is_tabular(self) -> bool:
        return self is not ImportKind.hazards

MODES: dict[ImportKind, str] = {kind: t(f"import.mode.{kind.value}") for kind in ImportKind}

# Short codes written to import_log.mode; the Chinese text above is what users read.
MODE_CODES: dict[ImportKind, str] = {
    ImportKind.households: "upsert",
    ImportKind.screenings: "append",
    ImportKind.key_groups: "set_flags",
    ImportKind.milestones: "upsert",
    ImportKind.hazards: "replace_zones",
}

# Applying order for a batch with several kinds: screenings and key-group lists refer to
# households, so a roster in the same batch must land first.
APPLY_ORDER = (
    ImportKind.households, ImportKind.key_groups, ImportKind.screenings,
    ImportKind.milestones, ImportKind.hazards,
)

# A plausible box for WGS-84 coordinates anywhere in China, for hazard layers (guessing a
# missing CRS, checking geometry): a flood zone may reach past the district. Households and
# visits are held to the district's own box instead (validate.district_box).
LON_RANGE = (73.0, 135.0)
LAT_RANGE = (18.0, 54.0)


@dataclass(frozen=True)
class Field:
    """One importable column.

    ``parse`` names the cell parser (see ``cells.PARSERS``); ``default`` is what a blank cell
    means (False for a flag, 非监测对象 for the monitoring type) and None when blank is "unknown".
    ``meaning`` names its help line in the catalogue (``import.meaning.<meaning or name>``).
    """

    name: str
    header: str
    parse: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    enum: type[LabelledEnum] | None = None
    default: object = None
    meaning: str = ""

    @property
    def help_key(self) -> str:
        return self.meaning or self.name


ID_ALIASES = (
    "证件号码", "身份证号", "身份证号码", "户主身份证号", "户主身份证号码", "户主证件号",
    "公民身份号码", "身份证", "户主身份证", "证件号",
)
TOWN_ALIASES = (
    "乡镇", "街道", "乡镇街道", "乡镇/街道", "镇/街道", "镇街", "镇(街道)", "乡(镇)", "所属乡镇",
    "乡镇名称", "乡镇(街道)名称", "所在乡镇",
)
VILLAGE_ALIASES = (
    "村", "社区", "行政村", "村/社区", "村(居)", "村居", "村(居委会)", "所属村", "村名称", "村名",
    "村(社区)名称", "所在村", "村委会",
)
HOUSEHOLD_ID_ALIASES = ("户号", "家庭编号", "农户编号", "户编码", "户代码", "农户户编号")

# Real-world spellings of enum values beyond their label and English code.
ENUM_SPELLINGS: dict[LabelledEnum, tuple[str, ...]] = {
    ScreeningMethod.home_visit: ("入户", "入户走访", "上门", "入户核查", "走访"),
    ScreeningMethod.village_assessment: ("研判", "村研判", "村级研判排查"),
    ScreeningMethod.online_inquiry: ("线上", "线上排查", "电话问询", "网上问询"),
    ScreeningResult.no_risk: ("无", "正常", "无风险隐患", "未发现风险"),
    ScreeningResult.risk_found: ("有风险", "存在风险", "风险隐患", "有风险隐患"),
    ScreeningResult.propose_monitoring: ("纳入监测", "建议纳入", "拟纳入监测"),
    MonitorType.none: ("无", "否", "非监测户", "一般户", "一般农户", "不是"),
    MonitorType.unstable_former_poor: ("脱贫不稳定",),
    MonitorType.marginal: ("边缘易致贫", "边缘户"),
    MonitorType.sudden_hardship: ("突发严重困难", "突发困难户"),
    KeyGroup.new_dibao: ("新增低保对象", "新增低保", "低保新增"),
    KeyGroup.dispersed_tekun: ("分散供养特困", "分散特困", "分散供养特困对象"),
    KeyGroup.large_temp_aid: ("大额临时救助", "大额临时救助对象"),
    KeyGroup.severe_disability: ("重度残疾", "重残"),
    KeyGroup.serious_illness: ("大病重病", "大病患者", "重病患者"),
    KeyGroup.mental_disorder: ("精神障碍", "严重精神障碍患者"),
    KeyGroup.rejected_application: ("低保特困申请未通过", "申请低保特困未通过", "低保特困未通过"),
    HazardKind.flood: ("洪涝", "暴雨", "洪水", "山洪", "内涝", "洪涝灾害"),
    HazardKind.low_prices: ("价格低迷", "农产品价格"),
    HazardKind.construction_jobs: ("建筑业", "建筑业用工", "建筑业工资下降"),
    HazardKind.unstable_jobs: ("务工不稳", "就业不稳", "务工就业"),
    HazardKind.water_shortage: ("缺水", "季节性缺水问题"),
    HazardLevel.high: ("高风险", "高风险区", "h"),
    HazardLevel.medium: ("中风险", "中风险区", "中等", "m"),
    HazardLevel.low: ("低风险", "低风险区", "l"),
    # Flag headers: a 三保障 problem column is as often headed by its subject alone.
    Guarantee.education: ("义务教育", "义务教育问题"),
    Guarantee.medical: ("基本医疗", "基本医疗问题"),
    Guarantee.housing: ("住房安全", "住房安全问题"),
    Guarantee.water: ("饮水安全", "饮水安全问题"),
}

# How cells and rows are written in real exports. Matched after normalise_value (NFKC: a
# full-width colon is ":", so "注：" needs no spelling of its own), except where noted.
BLANK_SPELLINGS = frozenset({"", "-", "--", "—", "——", "/", "\\", "－", "n/a", "na", "null", "none", "nan"})
NOTHING_SPELLINGS = frozenset({"无", "暂无", "没有"})  # "nothing" in a number, date or phone cell: blank
YES_SPELLINGS = frozenset({"是", "y", "yes", "√", "✓", "✔", "1", "有", "true", "t", "对"})
NO_SPELLINGS = frozenset({"否", "n", "no", "×", "✗", "✘", "0", "无", "false", "f", "不是", "没有", "错"})
LIST_SEPARATOR_SPELLINGS = ("、", ",", ";", "/")  # between items typed into one cell (and spaces)
DATE_MARK_SPELLINGS = ("年", "月", "日")  # 2024年8月23日
MONEY_UNIT_SPELLINGS = ("元",)
INDICATOR_UNIT_SPELLINGS = ("%", "％", "天")  # 12.5%, 35天: the unit is in the indicator's name
MEMBER_UNIT_SPELLINGS = ("人", "口")  # stripped in this order: 3口人, 3人, 3口
TOTAL_ROW_SPELLINGS = ("合计", "总计", "小计", "共计")
FOOTNOTE_SPELLINGS = ("注:", "备注:", "说明:", "填表人", "填报人", "制表人", "审核人", "负责人:", "联系人:")
COLUMN_NUMBER_BRACKET_SPELLINGS = "()（）"  # (1) （2）: stripped before NFKC, so both widths
# Longest first: "社区居民委员会" must be stripped before "居民委员会" would leave "…社区".
VILLAGE_SUFFIX_SPELLINGS = ("社区居民委员会", "社区居委会", "村民委员会", "居民委员会", "村委会", "居委会")
TOWN_SUFFIX_SPELLINGS = ("街道办事处", "街道", "镇", "乡")
QUESTION_PREFIX_SPELLINGS = ("是否",)  # 是否脱贫户 is the header 脱贫户 asked as a question


def _flag_aliases(member: LabelledEnum) -> tuple[str, ...]:
    return ENUM_SPELLINGS.get(member, ())


def _coord_fields(meaning_prefix: str = "") -> list[Field]:
    return [
        Field("lon", "经度", "lon", aliases=("东经", "lon", "longitude", "经度(°)"),
              meaning=f"{meaning_prefix}lon"),
        Field("lat", "纬度", "lat", aliases=("北纬", "lat", "latitude", "纬度(°)"),
              meaning=f"{meaning_prefix}lat"),
    ]


FIELDS: dict[ImportKind, tuple[Field, ...]] = {
    ImportKind.households: (
        Field("household_id", "户编号", "code", True, HOUSEHOLD_ID_ALIASES),
        Field("head_name", "户主姓名", "text", True, ("户主", "户主名称", "姓名")),
        Field("head_id_number", "户主证件号码", "id_number", True, ID_ALIASES),
        Field("town", "乡镇(街道)", "town", True, TOWN_ALIASES),
        Field("village", "村(社区)", "village", True, VILLAGE_ALIASES),
        Field("members", "家庭人口数", "int", True,
              ("人口数", "家庭人口", "家庭人数", "人口", "户人口数", "家庭成员数", "人数")),
        Field("phone", "联系电话", "phone", False,
              ("电话", "联系方式", "手机号", "手机号码", "电话号码", "户主电话")),
        Field("is_former_poor", "是否脱贫户", "bool", True, ("脱贫户", "是否脱贫人口", "脱贫户标识")),
        Field("monitor_type", "监测对象类型", "enum", False,
              ("监测类型", "监测对象类别", "监测户类型", "监测对象"), MonitorType, MonitorType.none),
        Field("per_capita_income", "家庭人均纯收入(元)", "money", False,
              ("人均纯收入", "家庭人均纯收入", "人均收入", "家庭年人均纯收入")),
        Field("compliant_oop_spending", "合规自付支出(元)", "money", False,
              ("合规自付支出", "医疗合规自付支出", "合规自付费用", "合规自付")),
        *_coord_fields(),
        *(Field(g.column, g.label, "bool", False, _flag_aliases(g), default=False, meaning="key_flag")
          for g in KeyGroup),
        *(Field(g.column, g.label, "bool", False, _flag_aliases(g), default=False,
                meaning="guarantee_flag") for g in Guarantee),
        # Added with the household lists: where to find the household, and the monitoring
        # pipeline (识别纳入监测 → 落实帮扶措施; 绿色通道 for disasters). Optional: older files
        # without them import as before and keep what the store holds.
        Field("address", "住址(村民小组)", "text", False,
              ("住址", "家庭住址", "现住址", "居住地址", "详细地址", "村民小组", "所属村民小组", "组别")),
        Field("identified_on", "识别纳入监测日期", "date", False,
              ("纳入监测日期", "识别日期", "认定日期", "识别纳入日期", "监测对象识别日期", "纳入监测时间")),
        Field("assisted_on", "首次落实帮扶措施日期", "date", False,
              ("帮扶措施落实日期", "首次帮扶日期", "帮扶开始日期", "落实帮扶措施日期", "帮扶措施开始日期")),
        Field("disaster_affected", "是否因灾受损", "bool", False,
              ("因灾受损", "是否受灾", "受灾户", "是否因灾", "因灾"), default=False),
    ),
    ImportKind.screenings: (
        Field("household_id", "户编号", "code", True, HOUSEHOLD_ID_ALIASES),
        Field("screened_on", "排查日期", "date", True,
              ("排查时间", "走访日期", "入户日期", "排查完成日期")),
        Field("method", "排查方式", "enum", True, ("排查形式", "排查类型"), ScreeningMethod),
        Field("screener", "排查人员", "text", False,
              ("排查人", "排查责任人", "走访人员", "排查人姓名")),
        Field("result", "排查结果", "enum", True, ("排查结论",), ScreeningResult),
        Field("leaflet_given", "是否发放明白纸", "bool_optional", False,
              ("明白纸", "发放明白纸", "是否发放政策明白纸", "明白纸发放")),
        Field("confirmed_online_on", "线上确认日期", "date", False,
              ("线上录入确认日期", "线上信息确认日期", "线上确认时间", "系统确认日期")),
        *_coord_fields("visit_"),
    ),
    ImportKind.key_groups: (
        Field("household_id", "户编号", "code", False, HOUSEHOLD_ID_ALIASES,
              meaning="key_group_household_id"),
        Field("head_id_number", "户主证件号码", "id_number", False, ID_ALIASES,
              meaning="key_group_id_number"),
        Field("group", "重点群体类别", "enum", True,
              ("重点群体", "群体类别", "人员类别", "重点人群类别", "类别"), KeyGroup),
        Field("department", "来源部门", "text", False, ("来源单位", "数据来源", "部门", "提供部门")),
    ),
    ImportKind.milestones: (
        Field("town", "乡镇(街道)", "town", True, TOWN_ALIASES),
        Field("plan_done_on", "工作方案完成日期", "date", False,
              ("工作方案", "工作方案制定日期", "方案完成日期")),
        Field("training_done_on", "分类培训完成日期", "date", False,
              ("分类培训", "培训完成日期", "分类培训日期")),
        Field("report_submitted_on", "总结报告报送日期", "date", False,
              ("总结报告", "报告报送日期", "总结报告日期", "总结报告上报日期")),
        Field("report_approved", "主要领导是否审定", "bool_optional", False,
              ("主要领导审定", "是否审定", "领导审定", "总结报告是否审定")),
    ),
    # Hazard layers are not spreadsheets, but their feature properties are read as a table with
    # these "headers", so property names get the same generous matching and error reporting.
    ImportKind.hazards: (
        Field("zone_id", "编号", "code", False,
              ("zone_id", "区域编号", "图斑编号", "风险区编号", "id", "code", "编码")),
        Field("kind", "灾害类型", "enum", False, ("kind", "类型", "风险类型", "hazard", "hazard_kind"),
              HazardKind, HazardKind.flood),
        Field("level", "风险等级", "enum", False, ("level", "等级", "级别"), HazardLevel),
        Field("name", "名称", "text", False, ("name", "区域名称", "风险区名称")),
        Field("village", "村(社区)", "village", False, (*VILLAGE_ALIASES, "village_code", "村代码")),
        # A village-level hazard (every kind but floods) says how bad it is with one number and
        # what that number is: 价格降幅(%), 务工人员未就业占比(%), 缺水天数(天).
        Field("indicator", "指标值", "number", False, ("indicator", "指标", "指标数值", "value")),
        Field("indicator_name", "指标名称", "text", False,
              ("indicator_name", "指标含义", "指标说明", "指标类型")),
        Field("source", "数据来源", "text", False, ("source", "来源", "来源单位", "提供部门")),
        Field("observed_on", "数据日期", "date", False,
              ("observed_on", "date", "日期", "统计日期", "监测日期", "数据时间")),
    ),
}

# A header that only one kind has: seeing it tells which kind a file is.
SIGNATURES: dict[ImportKind, frozenset[str]] = {
    ImportKind.screenings: frozenset({"screened_on", "method", "result"}),
    ImportKind.key_groups: frozenset({"group"}),
    ImportKind.milestones: frozenset({"plan_done_on", "training_done_on", "report_submitted_on",
                                      "report_approved"}),
    ImportKind.households: frozenset({"members", "is_former_poor", "monitor_type", "head_name",
                                      "per_capita_income"}),
}

_SPACES = re.compile(r"\s+")
_TRAILING_BRACKET = re.compile(r"\([^()]*\)$")


def normalise_header(text: object) -> str:
    """Fold the ways a header is typed: full-width forms (NFKC), spaces, line breaks, ``*`` marks."""
    folded = unicodedata.normalize("NFKC", str(text or ""))
    # NFKC has made a full-width ＊ the ASCII one.
    return _SPACES.sub("", folded).replace("*", "").lower()


def _header_forms(key: str) -> list[str]:
    """The normalised header, then without a trailing unit in brackets, then without 是否."""
    forms = [key]
    stripped = _TRAILING_BRACKET.sub("", key)
    if stripped and stripped != key:
        forms.append(stripped)
    for form in list(forms):
        for prefix in QUESTION_PREFIX_SPELLINGS:
            if form.startswith(prefix) and len(form) > len(prefix):
                forms.append(form[len(prefix):])
    return forms


def _build_lookup(fields: tuple[Field, ...]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for field in fields:
        for spelling in (field.header, field.name, *field.aliases):
            key = normalise_header(spelling)
            owner = lookup.setdefault(key, field.name)
            if owner != field.name:
                raise ValueError(f"header alias {spelling!r} maps to {owner} and {field.name}")
    return lookup


HEADER_LOOKUP: dict[ImportKind, dict[str, str]] = {k: _build_lookup(f) for k, f in FIELDS.items()}


def match_header(text: object, kind: ImportKind) -> str | None:
    """The field a header cell names for ``kind``, or None."""
    lookup = HEADER_LOOKUP[kind]
    for form in _header_forms(normalise_header(text)):
        if form in lookup:
            return lookup[form]
    return None


def fields_by_name(kind: ImportKind) -> dict[str, Field]:
    return {f.name: f for f in FIELDS[kind]}


def normalise_value(text: str) -> str:
    """Key for matching enum and yes/no spellings: NFKC, no spaces, lower case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).lower()


def enum_lookup(enum: type[LabelledEnum]) -> dict[str, str]:
    """Every accepted spelling of an enum's members → the member's English code."""
    table: dict[str, str] = {}
    for member in enum:
        for spelling in (member.value, member.label, *ENUM_SPELLINGS.get(member, ())):
            table[normalise_value(spelling)] = member.value
    return table
