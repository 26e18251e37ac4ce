"""村级进度: a town's villages — why behind, what is needed per day, who screens, what changed since."""

import streamlit as st

from paicha.vocab import Permission
from ui import cache, exports, keys, layout
from ui.figures import progress as figures
from ui.forms import progress as forms
from ui.session import page_start, scope_label
from ui.tables import progress as tables
from ui.text import t
from ui.unmask import unmask_reason

session = page_start("villages.title")
cfg, user = cache.settings(), session.user
towns = cache.progress(session.scope, session.as_of, "town", session.version)
town_names = dict(zip(towns["code"], towns["name"], strict=True))
scope = forms.town_scope(session, towns)
report = cache.village_report(scope, session.as_of, session.since, session.version)
villages, since, days = report.villages, report.since, cfg.campaign.min_village_workdays
st.caption(t("villages.caption", as_of=tables.day_caption(report.as_of), since=tables.day_caption(since),
             scope=scope_label(session, town_names, scope), n=len(villages),
             latest=report.latest_start, deadline=report.deadline))
if villages.empty or report.total.empty:
    st.info(t("app.no_data"))
    st.stop()
layout.metric_row(tables.total_metrics(report.total, report.total_since, since, report.deadline))

if not report.due_to_start.empty:
    st.warning("\n".join([t("villages.start_due", n=len(report.due_to_start), latest=report.latest_start, days=days),
                          *tables.start_due_lines(report.due_to_start, report.latest_start)]))
if not report.short_span.empty:
    st.warning(t("villages.short_span", n=len(report.short_span), days=days, latest=report.latest_start)
             + tables.short_span_names(report.short_span))
else:
    st.caption(t("villages.short_span_none", days=days))

st.subheader(t("villages.table"))
statuses = forms.status_filter()
several = None if scope.town_code else tuple(town_names.items())  # the district: say which town each village is in
table, printed = cache.village_table(scope, session.as_of, session.since, session.version, tuple(statuses), several)
layout.table(table.shown, key=keys.VILLAGES_TABLE, height=tables.table_height(len(table.shown)),
             column_config={**{c: st.column_config.LinkColumn(display_text=t("villages.households_link_text"))
                               for c in (t("villages.col_households"), t("villages.col_key_households"))},
                            t("columns.status"): layout.status_column(),
                            t("columns.screened_pct"): st.column_config.NumberColumn(format="%.1f")},
             printed=printed)
st.caption(t("villages.table_caption", deadline=report.deadline))
if user.can(Permission.export):
    exports.offer(session, t("villages.export"), keys.VILLAGES_EXPORT_PROGRESS,
                  exports.csv_of(lambda: table.plain),
                  file_name=f"villages_{scope.key().replace(':', '_')}_{session.as_of}.csv", mime="text/csv",
                  action="export_village_progress", masked=True,
                  filters={"as_of": session.as_of, "since": since, "scope": scope.key(), "statuses": statuses})

st.subheader(t("villages.why"))
if report.behind.empty:
    st.success(t("villages.why_none"))
else:
    st.markdown("\n".join(tables.why_lines(report.behind)))
    st.caption(t("villages.why_caption"))

st.subheader(t("villages.changes", since=tables.day_caption(since)))
st.markdown(t("villages.changes_summary", screened=tables.signed(report.total["screened"] - report.total_since["screened"]),
              key_home=tables.signed(report.total["key_home_visited"] - report.total_since["key_home_visited"])))
changed = tables.status_changes_table(villages, since)
if changed.empty:
    st.caption(t("villages.changes_none", since=since))
else:
    st.markdown("\n\n".join(tables.transition_lines(villages)))
    st.dataframe(changed, hide_index=True, width="stretch", key=keys.VILLAGES_CHANGES)

# Only the open tab is built (a tab switch reruns): the screeners' figures and the heatmap were a
# third of a new date's run, for tabs most visits never open.
timeline, heatmap, screeners = st.tabs([t("villages.tab_timeline"), t("villages.tab_heatmap"), t("villages.tab_screeners")],
                                       key=keys.VILLAGES_TABS, on_change="rerun")
if timeline.open:
    with timeline:
        st.caption(t("villages.timeline_caption", latest=report.latest_start, days=days, deadline=report.deadline))
        st.plotly_chart(cache.village_timeline(scope, session.as_of, session.since, session.version), width="stretch",
                        key=keys.VILLAGES_TIMELINE)
if heatmap.open:
    with heatmap:
        st.caption(t("villages.heatmap_caption"))
        st.plotly_chart(cache.village_heatmap(scope, session.as_of, session.since, session.version), width="stretch",
                        key=keys.VILLAGES_HEATMAP)
if screeners.open:
    with screeners:
        staff = cache.screener_report(scope, session.as_of, session.version)
        names = dict(zip(villages["code"], villages["name"], strict=True))
        if staff.summary.empty:
            st.info(t("villages.screeners_none"))
        else:
            st.caption(t("villages.screeners_caption", limit=staff.limit))
            st.dataframe(tables.screeners_table(staff.summary, names, staff.limit), hide_index=True, width="stretch",
                         key=keys.VILLAGES_SCREENERS, height=tables.table_height(len(staff.summary), 15))
            share = f"{100 * cfg.reasons.single_screener_share:.0f}"
            lines = tables.dependent_villages(staff.dependence, names)
            st.markdown("\n".join([t("villages.depends", share=share), *lines]) if lines
                        else t("villages.depends_none", share=share))
            st.markdown(f"**{t('villages.matrix')}**")
            if scope.town_code:
                st.plotly_chart(figures.screener_matrix_figure(staff.matrix, names, tables.screener_name),
                                width="stretch", key=keys.VILLAGES_MATRIX)
            else:  # every screener of the district against every village is no longer readable
                st.caption(t("villages.matrix_pick_town"))
            if user.can(Permission.export):
                reason = unmask_reason(session, keys.VILLAGES_UNMASK, keys.VILLAGES_UNMASK_REASON,
                                       label=t("villages.unmask_screeners"))
                exports.offer(session, t("villages.export_screeners"), keys.VILLAGES_EXPORT_SCREENERS,
                              exports.csv_of(lambda: tables.screeners_table(staff.summary, names, staff.limit,
                                                                            masked=reason is None)),
                              file_name=f"screeners_{scope.key().replace(':', '_')}_{session.as_of}.csv", mime="text/csv",
                              action="export_screeners", masked=reason is None,
                              filters={"as_of": session.as_of, "scope": scope.key(), "reason": reason})
