"""农户清单 display frames (lists, villages, pipeline, 绿色通道, one household's detail): frames in,
Chinese-headed frames out, no Streamlit. Identifiers arrive already masked.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_loaders.households import HouseholdDetail, ListCounts
from paicha.rules import money
from paicha.verdicts import AnswerColumn, CheckedField
from paicha.vocab import (
    GreenChannel,
    Guarantee,
    HazardKind,
    HazardLevel,
    HouseholdList,
    KeyGroup,
    KeyNotHome,
    MonitoringRule,
    MonitorType,
    ScreeningMethod,
    ScreeningResult,
)
from ui.tables.formats import MISSING
from ui.text import t

C = "households.columns."


def day_text(value: object) -> str:
    """A date with its year (2024-09-12): lists are printed and kept; empty when missing."""
    return value.isoformat() if isinstance(value, dt.date) and not pd.isna(value) else ""


def yes_no(value: object) -> str:
    if value is None or pd.isna(value):
        return ""
    return t("text.yes") if bool(value) else t("text.no")


def _labels(enum, codes: object) -> str:
    if not isinstance(codes, str) or not codes:
        return ""
    return t("text.list_separator").join(enum(c).label for c in codes.split(",") if c in enum.labels())


def _key_groups(frame: pd.DataFrame) -> list[str]:
    groups = [g for g in KeyGroup if g.column in frame.columns]
    flags = frame[[g.column for g in groups]].to_numpy(dtype=bool) if groups else None
    return [t("text.list_separator").join(g.label for g, on in zip(groups, row, strict=True) if on)
            for row in (flags if flags is not None else [[]] * len(frame))]


def list_label(which: str, counts: ListCounts) -> str:
    """"未排查农户（4,048）": the list selector's option text."""
    return t("households.list_option", name=HouseholdList(which).label, n=f"{counts.of(which):,}")


def rule_counts_text(counts: ListCounts) -> str:
    """"按规则：人均纯收入低于监测线 307 户、支出骤增 213 户……" (a household may fire several)."""
    return t("households.by_rule", rules=t("text.list_separator").join(
        t("households.with_count", name=MonitoringRule(code).label, n=n) for code, n in counts.by_rule.items()))


def household_table(frame: pd.DataFrame, which: str) -> pd.DataFrame:
    """A page of a household list: priority, who, where, why first; identifiers after."""
    out = pd.DataFrame({
        t(C + "priority"): frame["priority"].to_numpy(),
        t(C + "household_id"): frame["household_id"].to_numpy(),
        t(C + "village"): frame["village_name"].to_numpy(),
        t(C + "address"): frame["address"].fillna("").to_numpy(),
        t(C + "head_name"): frame["head_name"].to_numpy(),
        t(C + "key_groups"): _key_groups(frame),
    })
    if which == HouseholdList.key_not_home:
        out[t(C + "key_not_home")] = [KeyNotHome(v).label if v else "" for v in frame["key_not_home"]]
    if which == HouseholdList.should_monitor:
        out[t(C + "rules")] = [t("text.list_separator").join(MonitoringRule(c).label for c in codes)
                               for codes in frame["rules"]]
    out[t(C + "reason")] = frame["reason"].to_numpy()
    if which != HouseholdList.unscreened:
        out[t(C + "first_on")] = [day_text(v) for v in frame["first_on"]]
        out[t(C + "methods")] = [_labels(ScreeningMethod, v) for v in frame["methods"]]
    out[t(C + "members")] = frame["members"].to_numpy()
    out[t(C + "head_id_number")] = frame["head_id_number"].to_numpy()
    out[t(C + "phone")] = frame["phone"].to_numpy()
    return out


def household_columns() -> dict[str, int]:
    """Column widths (pixels) of a list: the reason, what a cadre reads first, gets room."""
    return {t(C + "priority"): 50, t(C + "household_id"): 160, t(C + "village"): 130, t(C + "address"): 100,
            t(C + "head_name"): 70, t(C + "key_groups"): 130, t(C + "key_not_home"): 100, t(C + "rules"): 170,
            t(C + "reason"): 430}


def village_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Villages with farm households but no monitoring object, with what tells where to look."""
    return pd.DataFrame({
        t(C + "town"): frame["town_name"].to_numpy(),
        t(C + "village"): frame["village_name"].to_numpy(),
        t(C + "households"): frame["households"].to_numpy(),
        t(C + "key_households"): frame["key_households"].to_numpy(),
        t(C + "key_not_home_count"): frame["key_not_home"].to_numpy(),
        t(C + "unscreened"): frame["unscreened"].to_numpy(),
        t(C + "candidates"): frame["candidates"].to_numpy(),
        t(C + "below_line"): frame["below_line"].to_numpy(),
        t(C + "lowest_income"): [money(v) if not pd.isna(v) else MISSING for v in frame["lowest_income"]],
    })


PIPELINE = ("proposed", "identified", "assisted", "monitored", "green_channel", "waiting", "overdue", "disaster")


def pipeline_totals(frame: pd.DataFrame) -> dict[str, int]:
    return {c: int(frame[c].sum()) for c in PIPELINE}


def pipeline_metrics(frame: pd.DataFrame, green_workdays: int) -> list[dict[str, object]]:
    """The row of metrics over the pipeline: proposed → identified → assisted, and 绿色通道."""
    total = pipeline_totals(frame)
    return [
        {"label": t("households.pipeline.proposed"), "value": f"{total['proposed']:,}"},
        {"label": t("households.pipeline.identified"), "value": f"{total['identified']:,}"},
        {"label": t("households.pipeline.assisted"), "value": f"{total['assisted']:,}"},
        {"label": t("households.pipeline.green_channel"), "value": f"{total['green_channel']:,}",
         "help": t("households.pipeline.green_help")},
        {"label": t("households.pipeline.overdue", days=green_workdays), "value": f"{total['overdue']:,}",
         "delta": t("households.pipeline.waiting_value", n=total["waiting"]), "delta_color": "off",
         "delta_arrow": "off"},
    ]


def pipeline_table(frame: pd.DataFrame, level: str, names: dict[str, str], green_workdays: int) -> pd.DataFrame:
    """The pipeline per town or per village (``level`` "town" or "village")."""
    key = f"{level}_code"
    grouped = frame.groupby(key, as_index=False)[list(PIPELINE)].sum() if level == "town" else frame
    out = pd.DataFrame({t(C + level): grouped[key].map(names).to_numpy()})
    for c in PIPELINE:
        header = t(f"households.pipeline.{c}", days=green_workdays) if c == "overdue" else t(f"households.pipeline.{c}")
        out[header] = grouped[c].to_numpy()
    return out


def green_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Households of the 绿色通道: helped first, identified after (or not yet)."""
    return pd.DataFrame({
        t(C + "household_id"): frame["household_id"].to_numpy(),
        t(C + "village"): frame["village_name"].to_numpy(),
        t(C + "head_name"): frame["head_name"].to_numpy(),
        t(C + "disaster"): [yes_no(v) for v in frame["disaster_affected"]],
        t(C + "proposed_on"): [day_text(v) for v in frame["proposed_on"]],
        t(C + "assisted_on"): [day_text(v) for v in frame["assisted_on"]],
        t(C + "identified_on"): [day_text(v) for v in frame["identified_on"]],
        t(C + "workdays_waited"): frame["workdays_waited"].to_numpy(),
        t(C + "green_state"): [GreenChannel(v).label for v in frame["state"]],
    })


# --------------------------------------------------------------------------- one household


def detail_facts(detail: HouseholdDetail) -> pd.DataFrame:
    """The roster facts as two columns (项目, 内容), identifiers as they arrive (masked or not)."""
    f = detail.facts
    monitor = MonitorType(f["monitor_type"]).label if f.get("monitor_type") in MonitorType.labels() else ""

    def amount(value: object) -> str:
        return MISSING if value is None or pd.isna(value) else t("households.yuan", amount=money(float(value)))

    rows = [
        ("household_id", f["household_id"]), ("place", f"{f['town_name']} {f['village_name']}"),
        ("address", f.get("address") or MISSING), ("head_name", f.get("head_name") or MISSING),
        ("head_id_number", f.get("head_id_number") or MISSING), ("phone", f.get("phone") or MISSING),
        ("members", f.get("members")), ("former_poor", yes_no(f.get("is_former_poor"))),
        ("monitor_type", monitor), ("identified_on", day_text(f.get("identified_on")) or MISSING),
        ("assisted_on", day_text(f.get("assisted_on")) or MISSING),
        ("disaster", yes_no(f.get("disaster_affected")) or t("text.no")),
        ("per_capita_income", amount(f.get("per_capita_income"))),
        ("spending", amount(f.get("compliant_oop_spending"))),
        ("key_groups", t("text.list_separator").join(g.label for g in KeyGroup if f.get(g.column)) or MISSING),
        ("guarantee", t("text.list_separator").join(g.label for g in Guarantee if f.get(g.column)) or MISSING),
    ]
    return pd.DataFrame({t(C + "item"): [t(f"households.detail.{k}") for k, _ in rows],
                         t(C + "value"): [MISSING if v is None else str(v) for _, v in rows]})


def detail_rule_columns() -> dict[str, int]:
    return {t(C + "rule"): 150, t(C + "fires"): 70, t(C + "rule_facts"): 520}


def detail_rules(detail: HouseholdDetail) -> pd.DataFrame:
    return pd.DataFrame({
        t(C + "rule"): [rule.label for rule, _, _ in detail.rules],
        t(C + "fires"): [yes_no(fires) for _, fires, _ in detail.rules],
        t(C + "rule_facts"): [text for _, _, text in detail.rules],
    })


def detail_hazards(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        t(C + "hazard_kind"): [HazardKind(k).label if k in HazardKind.labels() else k for k in frame["kind"]],
        t(C + "hazard_level"): [HazardLevel(v).label if isinstance(v, str) and v in HazardLevel.labels() else MISSING
                                for v in frame["level"]],
        t(C + "hazard_name"): frame["name"].fillna(MISSING).to_numpy(),
        t(C + "hazard_source"): frame["source"].fillna(MISSING).to_numpy(),
    })


def detail_screenings(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        t(C + "screened_on"): [day_text(v) for v in frame["screened_on"]],
        CheckedField.method.label: [ScreeningMethod(m).label for m in frame["method"]],
        t(C + "screener"): frame["screener"].fillna(MISSING).to_numpy(),
        CheckedField.result.label: [ScreeningResult(r).label for r in frame["result"]],
        t(C + "leaflet"): [yes_no(v) for v in frame["leaflet_given"]],
        t(C + "confirmed_online_on"): [day_text(v) for v in frame["confirmed_online_on"]],
    })


def detail_spot_checks(frame: pd.DataFrame) -> pd.DataFrame:
    def label(enum, code):
        return enum(code).label if isinstance(code, str) and code in enum.labels() else ""

    return pd.DataFrame({
        t(C + "draw_id"): frame["draw_id"].to_numpy(),
        t(C + "draw_as_of"): [day_text(v) for v in frame["as_of"]],
        CheckedField.visited.label: [yes_no(v) for v in frame["visited"]],
        CheckedField.method.label: [label(ScreeningMethod, v) for v in frame["method"]],
        CheckedField.result.label: [label(ScreeningResult, v) for v in frame["result"]],
        AnswerColumn.consistent.label: [yes_no(v) for v in frame["consistent"]],
        AnswerColumn.differing.label: [_labels(CheckedField, v) for v in frame["differing"]],
        t(C + "checked_by"): frame["checked_by"].fillna("").to_numpy(),
    })
