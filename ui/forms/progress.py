"""村级进度 widgets: the town a district user looks at, and the statuses to list."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from paicha.scope import Scope
from paicha.villages import SEVERITY
from ui import keys
from ui.session import Session
from ui.tables.progress import status_label
from ui.text import t

TOWN_PARAM = "town"
DISTRICT = ""  # the selector's value for the whole district


def town_scope(session: Session, towns: pd.DataFrame) -> Scope:
    """The scope the page's figures take: a supervisor's own town (no selector); for district
    users the whole district (the default) or the town they pick, the most households behind
    first.

    A ``?town=CODE`` in the address (a link from another page, a reload) picks that town when it
    lies in the user's scope; the pick is written back there, so a reload keeps it.
    """
    if session.scope.town_code or towns.empty:
        return session.scope
    ordered = towns.sort_values(["lag", "code"], ascending=[False, True])
    labels = {DISTRICT: t("villages.all_towns")}
    labels |= {c: t("villages.town_option", name=n, status=status_label(s))
               for c, n, s in zip(ordered["code"], ordered["name"], ordered["status"], strict=True)}
    asked = st.query_params.get(TOWN_PARAM)
    if asked in labels and keys.VILLAGES_TOWN not in st.session_state:
        st.session_state[keys.VILLAGES_TOWN] = asked
    code = st.selectbox(t("villages.town"), list(labels), format_func=labels.__getitem__, key=keys.VILLAGES_TOWN)
    if code == DISTRICT:
        st.query_params.pop(TOWN_PARAM, None)
        return session.scope
    if st.query_params.get(TOWN_PARAM) != code:
        st.query_params[TOWN_PARAM] = code
    return Scope.town(session.scope.district_code, code)


def status_filter() -> list[str]:
    """The statuses to list; none chosen lists every village."""
    return st.multiselect(t("villages.status_filter"), sorted(SEVERITY, key=SEVERITY.get), format_func=status_label,
                          key=keys.VILLAGES_STATUS, placeholder=t("villages.all_statuses"))
