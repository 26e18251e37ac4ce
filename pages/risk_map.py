"""风险地图: hazard zones and the exposed households not yet reached, on an offline map."""

import streamlit as st
import streamlit.components.v1 as components

from data_loaders.reports import POINT_LIMIT
from paicha.vocab import HazardKind
from ui import cache, keys
from ui.session import page_start, scope_label
from ui.tables import risk
from ui.text import t

session = page_start("map.title")

towns = cache.progress(session.scope, session.as_of, "town", session.version)
town_names = dict(zip(towns["code"], towns["name"], strict=True))
st.caption(t("map.caption", as_of=session.as_of, scope=scope_label(session, town_names)))

left, right = st.columns([3, 1])
kinds = right.multiselect(t("map.kinds"), [k.value for k in HazardKind], default=[HazardKind.flood.value],
                          format_func=lambda k: HazardKind(k).label, key=keys.RISK_KINDS)
with_points = right.toggle(t("map.show_points"), value=True, key=keys.RISK_POINTS)
html, villages, drawn, skipped = cache.risk_map_html(session.scope, session.as_of, tuple(sorted(kinds)), with_points,
                                                     session.version)
with left:
    components.html(html, height=620)
if drawn >= POINT_LIMIT:
    right.info(t("map.points_capped", n=POINT_LIMIT))
if skipped:
    right.warning(t("map.zones_without_shape", n=skipped))

st.subheader(t("map.table"))
table = risk.exposure_table(villages, town_names)
if table.empty:
    st.info(t("map.none"))
else:
    st.dataframe(table, hide_index=True, width="stretch")
