"""总览: the leaders' one screen — big numbers, what changed, deadlines, towns, the lagging."""

import streamlit as st

from ui import cache, keys
from ui.figures import progress as figures
from ui.session import page_start
from ui.tables import progress as tables
from ui.text import t

session = page_start("overview.title")

cfg = cache.settings()
ov = cache.overview(session.scope, session.as_of, session.version)
st.caption(t("overview.caption", as_of=ov.as_of, weekday=tables.weekday(ov.as_of), previous=ov.previous_day))
d, p = ov.district, ov.previous
if d.empty:
    st.info(t("app.no_data"))
    st.stop()

cols = st.columns(6)
cols[0].metric(t("overview.households"), f"{d.households:,}")
cols[1].metric(t("overview.screened"), f"{d.screened:,}", delta=f"{d.screened - p.screened:+,}" if p is not None else None)
cols[2].metric(t("overview.screened_pct"), f"{d.screened_pct:.1f}%",
               delta=t("overview.expected", pct=f"{100 * d.expected / max(d.households, 1):.1f}"), delta_color="off")
cols[3].metric(t("overview.key"), f"{d.key_pct:.1f}%", delta=t("overview.key_value", visited=d.key_home_visited, total=d.key_households),
               delta_color="off", help=t("overview.key_help"))
cols[4].metric(t("overview.proposed"), f"{d.proposed:,}", delta=f"{d.proposed - p.proposed:+,}" if p is not None else None, delta_color="off")
cols[5].metric(t("overview.leaflet"), f"{100 * d.leaflet / max(d.screened, 1):.1f}%",
               delta=f"{t('overview.confirmed')} {100 * d.confirmed_online / max(d.screened, 1):.1f}%", delta_color="off")

st.subheader(t("overview.deadlines"))
for col, state in zip(st.columns(3), ov.deadlines, strict=True):
    label, value, when = tables.deadline_text(state)
    col.metric(t("text.with_note", text=label, note=when), value)

st.subheader(t("overview.towns"))
st.dataframe(tables.town_lights_table(ov.lights), hide_index=True, width="stretch", key=keys.OVERVIEW_TOWNS)
st.caption(t("overview.towns_caption", lag=cfg.thresholds.lagging_points, severe=cfg.thresholds.severe_points))

left, right = st.columns([5, 4])
with left:
    st.subheader(t("overview.curve"))
    st.plotly_chart(figures.cumulative_figure(ov.curve, cfg.campaign.start, cfg.campaign.screening_deadline),
                    width="stretch", key=keys.OVERVIEW_CURVE)
with right:
    st.subheader(t("overview.behind"))
    if ov.behind.empty:
        st.success(t("overview.behind_none"))
    else:
        town_names = dict(zip(ov.towns["code"], ov.towns["name"], strict=True))
        st.dataframe(tables.behind_table(ov.behind, town_names), hide_index=True, width="stretch", key=keys.OVERVIEW_BEHIND)
    days = cfg.campaign.min_village_workdays
    if ov.short_span.empty:
        st.caption(t("overview.short_span_none", days=days))
    else:
        st.warning(t("overview.short_span", n=len(ov.short_span), days=days, latest=ov.latest_start)
                   + tables.short_span_names(ov.short_span))
