"""The sections of 农户清单: a household list with its exports, the villages without a monitoring
object, one household's detail, and the monitoring pipeline with its 绿色通道.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from data_loaders import household_exports, households
from data_loaders.excel import to_csv_bytes
from data_loaders.households import ListCounts
from paicha.household_lists import ListFilters, ListRequest
from paicha.vocab import HouseholdList, Permission
from ui import cache, exports, keys, layout
from ui.forms import households as forms
from ui.safe import escape as safe_text
from ui.session import Session
from ui.tables import households as tables
from ui.text import t
from ui.unmask import log_unmasked

PAGE_SIZE = 50


def place_text(session: Session, places: pd.DataFrame, filters: ListFilters) -> str:
    """"甘泉镇 甘泉村委会", "甘泉镇" or "全区": where a list is, for captions and file titles."""
    towns = dict(zip(places["town_code"], places["town_name"], strict=True))
    villages = dict(zip(places["village_code"], places["village_name"], strict=True))
    town = filters.town_code or session.scope.town_code
    parts = [towns.get(town, town) if town else t("households.district")]
    if filters.village_code:
        parts.append(villages.get(filters.village_code, filters.village_code))
    return " ".join(parts)


def list_caption(session: Session, which: HouseholdList, counts: ListCounts, place: str) -> None:
    st.caption(t(f"households.caption.{which.value}", as_of=session.as_of, place=safe_text(place),
                 n=f"{counts.of(which.value):,}", never=counts.key_never_screened, not_home=counts.key_not_at_home,
                 days=cache.settings().monitoring.proposal_workdays))
    if which is HouseholdList.should_monitor:
        st.caption(tables.rule_counts_text(counts))


def household_list(session: Session, request: ListRequest, counts: ListCounts, reason: str | None,
                   place: str) -> pd.DataFrame:
    """One page of the chosen household list, its unmask audit and its two exports; the page shown."""
    which = request.which.value
    total = counts.of(which)
    if total == 0:
        st.success(t("households.empty"))
        return pd.DataFrame(columns=["household_id", "head_name"])
    page = layout.pager(total, PAGE_SIZE, keys.HOUSEHOLDS_PAGE)
    listed = replace(request, household_id=None)
    frame = cache.household_page(session.scope, session.as_of, listed, page, PAGE_SIZE, reason is not None,
                                 session.version)
    widths = {header: st.column_config.TextColumn(width=width) for header, width in tables.household_columns().items()}
    st.dataframe(tables.household_table(frame, which), hide_index=True, width="stretch", key=keys.HOUSEHOLDS_TABLE,
                 column_config=widths)
    if reason is not None:
        log_unmasked(session, f"households.{which}", reason, frame["household_id"])
    _exports(session, listed, total, reason, place)
    return frame


def _exports(session: Session, request: ListRequest, total: int, reason: str | None, place: str) -> None:
    if not session.user.can(Permission.export):
        return
    if total > household_exports.EXPORT_LIMIT:
        st.info(t("households.too_many", limit=f"{household_exports.EXPORT_LIMIT:,}"))
        return
    unmasked = reason is not None
    label = request.which.label
    fetch = cache.household_export_rows(session.scope, session.as_of, request, unmasked, session.version)
    title = t("households.file.title", campaign=cache.settings().campaign.name, list=label, place=place,
              as_of=session.as_of.isoformat(), n=total,
              masked=t("households.file.unmasked" if unmasked else "households.file.masked"))
    stem = t("households.file.stem", list=label, place=place.replace(" ", "_"), as_of=session.as_of.isoformat())
    filters = {**request.params(), "as_of": session.as_of, "reason": reason}

    def workbook() -> tuple[bytes, int]:
        rows = fetch()
        return household_exports.field_list(rows, title, masked=not unmasked), len(rows)

    def csv() -> tuple[bytes, int]:
        rows = fetch()
        return household_exports.csv_bytes(rows), len(rows)

    left, right = st.columns(2)
    with left:
        exports.offer(session, t("households.export_xlsx"), keys.HOUSEHOLDS_EXPORT_XLSX, workbook,
                      file_name=f"{stem}.xlsx", mime=household_exports.XLSX_MIME, action="export_household_list",
                      filters=filters, masked=not unmasked, note=False)
    with right:
        exports.offer(session, t("households.export_csv"), keys.HOUSEHOLDS_EXPORT_CSV, csv, file_name=f"{stem}.csv",
                      mime="text/csv", action="export_household_list", filters=filters, masked=not unmasked,
                      note=False)
    st.caption(t("households.export_note", masked=t("export.unmasked" if unmasked else "export.masked")))


def village_list(session: Session, filters: ListFilters, counts: ListCounts, place: str) -> None:
    """Villages with farm households but no monitoring object (重点区域), paginated, with a CSV."""
    total = counts.zero_monitoring_villages
    if total == 0:
        st.success(t("households.villages_none"))
        return
    page = layout.pager(total, PAGE_SIZE, keys.HOUSEHOLDS_PAGE)
    frame = cache.zero_monitoring_villages(session.scope, session.as_of, filters.place_only, page, PAGE_SIZE,
                                           session.version)
    st.dataframe(tables.village_table(frame), hide_index=True, width="stretch", key=keys.HOUSEHOLDS_TABLE)
    if not session.user.can(Permission.export):
        return
    store, settings, scope, as_of = cache.store(), cache.settings(), session.scope, session.as_of

    def csv() -> tuple[bytes, int]:
        rows = households.zero_monitoring_villages(store, settings, scope, as_of, filters.place_only,
                                                   household_exports.EXPORT_LIMIT)
        return to_csv_bytes(tables.village_table(rows)), len(rows)

    stem = t("households.file.stem", list=HouseholdList.zero_monitoring_villages.label, place=place.replace(" ", "_"),
             as_of=as_of.isoformat())
    exports.offer(session, t("households.export_csv"), keys.HOUSEHOLDS_EXPORT_CSV, csv, file_name=f"{stem}.csv",
                  mime="text/csv", action="export_household_list", masked=True,
                  filters={**filters.place_only.as_dict(), "list": HouseholdList.zero_monitoring_villages.value,
                           "as_of": as_of})


def household_detail(session: Session, shown: pd.DataFrame, reason: str | None) -> None:
    """Roster facts, rules, zones, every screening up to the date and the spot checks of one household."""
    st.subheader(t("households.detail_title"))
    household_id = forms.detail_choice(shown)
    if household_id is None:
        return
    detail = cache.household_detail(session.scope, session.as_of, household_id, reason is not None, session.version)
    if detail is None:
        st.info(t("households.detail_missing", household=safe_text(household_id)))
        return
    if reason is not None:
        log_unmasked(session, "households.detail", reason, [household_id])
    left, right = st.columns([2, 3])
    left.dataframe(tables.detail_facts(detail), hide_index=True, width="stretch", height=598)
    with right:
        st.markdown(f"**{t('households.detail_rules')}**")
        widths = {header: st.column_config.TextColumn(width=w) for header, w in tables.detail_rule_columns().items()}
        st.dataframe(tables.detail_rules(detail), hide_index=True, width="stretch", column_config=widths)
        for title, frame, table in (("households.detail_hazards", detail.hazards, tables.detail_hazards),
                                    ("households.detail_screenings", detail.screenings, tables.detail_screenings),
                                    ("households.detail_spot_checks", detail.spot_checks, tables.detail_spot_checks)):
            st.markdown(f"**{t(title)}**")
            if frame.empty:
                st.caption(t("households.detail_nothing"))
            else:
                st.dataframe(table(frame), hide_index=True, width="stretch")


def pipeline(session: Session, places: pd.DataFrame, filters: ListFilters) -> None:
    """Proposed → identified → assisted per town and village, and the 绿色通道's households."""
    days = cache.settings().monitoring.green_channel_workdays
    st.subheader(t("households.pipeline.title"))
    st.caption(t("households.pipeline.caption", as_of=session.as_of, days=days))
    frame = cache.household_pipeline(session.scope, session.as_of, filters.place_only, session.version)
    layout.metric_row(tables.pipeline_metrics(frame, days))
    towns = dict(zip(places["town_code"], places["town_name"], strict=True))
    villages = dict(zip(places["village_code"], places["village_name"], strict=True))
    by_town, by_village, green = st.tabs([t("households.pipeline.by_town"), t("households.pipeline.by_village"),
                                          t("households.pipeline.green_list")])
    by_town.dataframe(tables.pipeline_table(frame, "town", towns, days), hide_index=True, width="stretch",
                      key=keys.HOUSEHOLDS_PIPELINE_TOWNS)
    by_village.dataframe(tables.pipeline_table(frame, "village", villages, days), hide_index=True, width="stretch",
                         key=keys.HOUSEHOLDS_PIPELINE_VILLAGES)
    with green:
        total = tables.pipeline_totals(frame)["green_channel"]
        if total == 0:
            st.caption(t("households.pipeline.green_none"))
            return
        page = layout.pager(total, PAGE_SIZE, keys.HOUSEHOLDS_GREEN_PAGE)
        rows = cache.green_channel(session.scope, session.as_of, filters.place_only, page, PAGE_SIZE, session.version)
        st.dataframe(tables.green_table(rows), hide_index=True, width="stretch", key=keys.HOUSEHOLDS_GREEN_TABLE)
