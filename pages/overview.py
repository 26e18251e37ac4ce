"""总览: the leaders' one screen — big numbers, what changed since a date, deadlines, towns, the lagging."""

import streamlit as st

from ui import cache, keys, layout
from ui.session import page_start
from ui.tables import progress as tables
from ui.text import t

session = page_start("overview.title")

cfg = cache.settings()
ov = cache.overview(session.scope, session.as_of, session.since, session.version)
st.caption(t("overview.caption", as_of=tables.day_caption(ov.as_of), since=tables.day_caption(ov.since)))
d = ov.district
if d.empty:
    st.info(t("app.no_data"))
    st.stop()
layout.metric_row(tables.overview_metrics(d, ov.previous, ov.since))

st.subheader(t("overview.deadlines"))
for col, state in zip(st.columns(3), ov.deadlines, strict=True):
    label, value, when = tables.deadline_text(state)
    col.metric(t("text.with_note", text=label, note=when), value)

st.subheader(t("overview.towns"))
layout.table(tables.town_lights_table(ov.lights), key=keys.OVERVIEW_TOWNS)
st.caption(t("overview.towns_caption", lag=cfg.thresholds.lagging_points, severe=cfg.thresholds.severe_points))

st.subheader(t("overview.changes", since=tables.day_caption(ov.since)))
lines = tables.transition_lines(ov.changes[ov.changes["level"] == "village"])
st.markdown("\n\n".join([t("villages.changes_summary", screened=tables.signed(d.screened - ov.previous.screened),
                                key_home=tables.signed(d.key_home_visited - ov.previous.key_home_visited)), *lines]))
if ov.light_changes.empty:
    st.caption(t("overview.changes_towns_none", since=ov.since))
else:
    st.markdown(f"**{t('overview.changes_towns')}**")
    st.dataframe(tables.light_changes_table(ov.light_changes, ov.since), hide_index=True, width="stretch",
                 key=keys.OVERVIEW_LIGHT_CHANGES)

left, right = st.columns([5, 4])
with left:
    st.subheader(t("overview.curve"))
    st.plotly_chart(cache.overview_curve(session.scope, session.as_of, session.since, session.version),
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
