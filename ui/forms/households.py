"""农户清单's filters: read from the query string, drawn as widgets, written back to the query string.

The query string is the state a link carries (progress rows and map villages link here with a
filter set), so it wins whenever it changed from outside (a link, a reload, a typed address);
otherwise the widgets win and the query string follows them. Scope always wins over both: a
supervisor's ``town`` naming another town is ignored (``paicha.household_lists.confined``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import streamlit as st

from data_loaders.households import ListCounts
from paicha.calendar import covered_range
from paicha.household_lists import ANY, ListFilters, ListRequest, confined, request_from_params
from paicha.privacy import mask_name
from paicha.scope import Scope
from paicha.verdicts import CheckedField
from paicha.vocab import (
    HazardKind,
    HouseholdList,
    KeyGroup,
    MonitoringRule,
    ScreeningMethod,
    ScreeningResult,
)
from ui import keys
from ui.tables import households as tables
from ui.text import t

ALL = t("households.filter.all")
# The first-screening filter offers the campaign's years up to the last the holiday calendar knows.
SCREENED_FIRST, SCREENED_LAST = dt.date(2024, 1, 1), covered_range()[1]
WIDGET_OF = {"town_code": keys.HOUSEHOLDS_TOWN, "village_code": keys.HOUSEHOLDS_VILLAGE,
             "key_group": keys.HOUSEHOLDS_KEY_GROUP, "hazard": keys.HOUSEHOLDS_HAZARD, "rule": keys.HOUSEHOLDS_RULE,
             "method": keys.HOUSEHOLDS_METHOD, "result": keys.HOUSEHOLDS_RESULT}


def _query() -> dict[str, str]:
    return {k: st.query_params.get(k) for k in st.query_params}


def arrive(scope: Scope, places: pd.DataFrame) -> None:
    """When the query string is not the one this page last wrote, it sets every filter widget."""
    raw = _query()
    if raw == st.session_state.get(keys.HOUSEHOLDS_PARAMS):
        return
    request = request_from_params(raw)
    filters = confined(request.filters, scope, dict(zip(places["village_code"], places["town_code"], strict=True)))
    for name, key in WIDGET_OF.items():
        value = getattr(filters, name)
        st.session_state[key] = value.value if hasattr(value, "value") else value
    # A date the widget cannot show (a hand-edited link: 9999-12-31) is dropped, not raised.
    dates = tuple(d for d in (filters.screened_from, filters.screened_to)
                  if d is not None and SCREENED_FIRST <= d <= SCREENED_LAST)
    st.session_state[keys.HOUSEHOLDS_SCREENED] = dates
    st.session_state[keys.HOUSEHOLDS_LIST] = request.which.value
    st.session_state[keys.HOUSEHOLDS_DETAIL] = request.household_id
    st.session_state[keys.HOUSEHOLDS_PARAMS] = raw


def _none_or(label_of):
    return lambda code: t("households.filter.all") if code is None else label_of(code)


def _keep_valid(key: str, options: list) -> None:
    if st.session_state.get(key) not in options:
        st.session_state[key] = None


def filters(scope: Scope, places: pd.DataFrame) -> ListFilters:
    """The filter widgets (town only for district users); the chosen filters, inside the scope."""
    towns = dict(zip(places["town_code"], places["town_name"], strict=True))
    cols = st.columns(4)
    town = scope.town_code
    if not scope.town_code:
        options = [None, *towns]
        _keep_valid(keys.HOUSEHOLDS_TOWN, options)
        town = cols[0].selectbox(t("households.filter.town"), options, key=keys.HOUSEHOLDS_TOWN, placeholder=ALL,
                                 format_func=_none_or(towns.get))
    in_town = places if town is None else places[places["town_code"] == town]
    villages = dict(zip(in_town["village_code"], in_town["village_name"], strict=True))
    options = [None, *villages]
    _keep_valid(keys.HOUSEHOLDS_VILLAGE, options)
    village = cols[1].selectbox(t("households.filter.village"), options, key=keys.HOUSEHOLDS_VILLAGE, placeholder=ALL,
                                format_func=_none_or(villages.get))
    options = [None, ANY, *KeyGroup.labels()]
    _keep_valid(keys.HOUSEHOLDS_KEY_GROUP, options)
    key_group = cols[2].selectbox(t("households.filter.key_group"), options, key=keys.HOUSEHOLDS_KEY_GROUP, placeholder=ALL,
                                  format_func=_none_or(lambda c: t("households.filter.any_key") if c == ANY
                                                       else KeyGroup(c).label))
    options = [None, ANY, *HazardKind.labels()]
    _keep_valid(keys.HOUSEHOLDS_HAZARD, options)
    hazard = cols[3].selectbox(t("households.filter.hazard"), options, key=keys.HOUSEHOLDS_HAZARD, placeholder=ALL,
                               format_func=_none_or(lambda c: t("households.filter.any_hazard") if c == ANY
                                                    else HazardKind(c).label))
    cols = st.columns(4)
    options = [None, *MonitoringRule.labels()]
    _keep_valid(keys.HOUSEHOLDS_RULE, options)
    rule = cols[0].selectbox(t("households.filter.rule"), options, key=keys.HOUSEHOLDS_RULE, placeholder=ALL,
                             format_func=_none_or(lambda c: MonitoringRule(c).label),
                             help=t("households.filter.rule_help"))
    options = [None, *ScreeningMethod.labels()]
    _keep_valid(keys.HOUSEHOLDS_METHOD, options)
    method = cols[1].selectbox(CheckedField.method.label, options, key=keys.HOUSEHOLDS_METHOD, placeholder=ALL,
                               format_func=_none_or(lambda c: ScreeningMethod(c).label),
                               help=t("households.filter.method_help"))
    options = [None, *ScreeningResult.labels()]
    _keep_valid(keys.HOUSEHOLDS_RESULT, options)
    result = cols[2].selectbox(CheckedField.result.label, options, key=keys.HOUSEHOLDS_RESULT, placeholder=ALL,
                               format_func=_none_or(lambda c: ScreeningResult(c).label),
                               help=t("households.filter.result_help"))
    st.session_state.setdefault(keys.HOUSEHOLDS_SCREENED, ())
    dates = cols[3].date_input(t("households.filter.screened"), key=keys.HOUSEHOLDS_SCREENED, format="YYYY-MM-DD",
                               min_value=SCREENED_FIRST, max_value=SCREENED_LAST)
    dates = tuple(dates) if isinstance(dates, list | tuple) else (dates,) if dates else ()
    return ListFilters(
        town_code=town, village_code=village, key_group=key_group, hazard=hazard,
        rule=MonitoringRule(rule) if rule else None, method=ScreeningMethod(method) if method else None,
        result=ScreeningResult(result) if result else None,
        screened_from=dates[0] if dates else None, screened_to=dates[1] if len(dates) > 1 else dates[0] if dates else None)


def list_choice(counts: ListCounts) -> HouseholdList:
    """Which list, each option with its count under the filters."""
    options = [w.value for w in HouseholdList]
    if st.session_state.get(keys.HOUSEHOLDS_LIST) not in options:
        st.session_state[keys.HOUSEHOLDS_LIST] = HouseholdList.unscreened.value
    chosen = st.radio(t("households.list"), options, key=keys.HOUSEHOLDS_LIST, horizontal=True,
                      format_func=lambda w: tables.list_label(w, counts), label_visibility="collapsed")
    return HouseholdList(chosen)


def detail_choice(households: pd.DataFrame) -> str | None:
    """The household whose detail is open: one of the shown page's, or the one a link named."""
    named = st.session_state.get(keys.HOUSEHOLDS_DETAIL)
    ids = [str(h) for h in households["household_id"]] if not households.empty else []
    options = [None, *ids, *([named] if named and named not in ids else [])]
    # The picker names a household by its number and surname (王**): option text is widget text,
    # which the page must not fill with a file's value as it stands.
    heads = dict(zip(ids, households["head_name"].map(mask_name), strict=True)) if ids else {}
    return st.selectbox(t("households.detail_pick"), options, key=keys.HOUSEHOLDS_DETAIL,
                        placeholder=t("households.detail_none"),
                        format_func=lambda h: t("households.detail_none") if h is None else
                        f"{h} {heads.get(h) or ''}".strip())


def remember(request: ListRequest) -> None:
    """Write the request back to the query string (so the address can be copied or bookmarked)
    and start at the first page whenever the list or its filters changed.
    """
    params = request.params()
    if params != _query():
        st.query_params.from_dict(params)
    st.session_state[keys.HOUSEHOLDS_PARAMS] = params
    shown = replace(request, household_id=None)
    if st.session_state.get(keys.HOUSEHOLDS_SHOWN) != shown:
        st.session_state[keys.HOUSEHOLDS_SHOWN] = shown
        st.session_state[keys.HOUSEHOLDS_PAGE] = 1
        st.session_state[keys.HOUSEHOLDS_GREEN_PAGE] = 1
