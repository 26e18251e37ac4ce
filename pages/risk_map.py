"""风险地图: hazard zones and the exposed households not yet reached, on an offline map."""

import streamlit as st
import streamlit.components.v1 as components

from data_loaders.reports import POINT_LIMIT
from paicha.vocab import HazardKind
from ui import cache, keys, tables
from ui.session import demo_banner, sidebar
from ui.text import t

session = sidebar()
demo_banner(session)
st.title(t("map.title"))
if session.scope.is_empty:
    st.info(t("sidebar.signed_out"))
    st.stop()

towns = cache.progress(session.scope, session.as_of, "town", session.version)
town_names = dict(zip(towns["code"], towns["name"], strict=True))
scope_label = next(iter(town_names.values())) if session.scope.town_code else t("sidebar.scope_district")
st.caption(t("map.caption", as_of=session.as_of, scope=scope_label))

left, right = st.columns([3, 1])
kinds = right.multiselect(t("map.kinds"), [k.value for k in HazardKind], default=[HazardKind.flood.value],
                          format_func=lambda k: t(f"hazard.{k}"), key=keys.RISK_KINDS)
with_points = right.toggle(t("map.show_points"), value=True, key=keys.RISK_POINTS)
html, villages, drawn = cache.risk_map_html(session.scope, session.as_of, tuple(sorted(kinds)), with_points, session.version)
with left:
    components.html(html, height=620)
if drawn >= POINT_LIMIT:
    right.info(t("map.points_capped", n=POINT_LIMIT))

st.subheader(t("map.table"))
table = tables.exposure_table(villages, town_names)
if table.empty:
    st.info(t("map.none"))
else:
    st.dataframe(table, hide_index=True, width="stretch")
