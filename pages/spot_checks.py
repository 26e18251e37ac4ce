"""抽查: draw reproducible spot-check samples, hand out field lists, enter results, read the verdicts."""

import streamlit as st

from data_loaders.spot_checks import list_download
from ui import cache, exports, keys, layout, safe
from ui.figures import spot_checks as figures
from ui.forms import spot_checks as forms
from ui.session import page_start
from ui.tables import spot_checks as tables
from ui.text import t
from ui.unmask import log_unmasked, unmask_reason

session = page_start("spot_checks.title", t("spot_checks.caption"))
user, scope, version = session.user, session.scope, session.version
if notice := st.session_state.pop(keys.SPOT_NOTICE, None):
    st.success(notice)
reason = unmask_reason(session, keys.SPOT_UNMASK, keys.SPOT_UNMASK_REASON)
unmasked = reason is not None

st.subheader(t("spot_checks.section_draw"))
if not user.can("sample"):
    st.info(t("spot_checks.no_permission"))
elif (request := forms.draw_form(cache.towns(scope, version), town_fixed=bool(scope.town_code))) is not None:
    try:
        draw = cache.spot_draw(user, request.scope(scope), session.as_of, request.method, request.params, request.seed,
                               request.include_unscreened)
    except (ValueError, PermissionError) as exc:
        st.error(safe.t("spot_checks.failed", error=exc))
    else:
        st.session_state[keys.SPOT_PICK] = draw.draw_id
        st.session_state[keys.SPOT_NOTICE] = t("spot_checks.drawn", draw_id=draw.draw_id, n=len(draw.sample))
        st.rerun()
with st.expander(t("spot_checks.section_size")):
    forms.size_calculator()

log = cache.spot_log(scope, version)
if log.empty:
    st.info(t("spot_checks.log_none"))
    st.stop()
labels = tables.draw_label(log)
draw_id = st.selectbox(t("spot_checks.current"), list(labels), format_func=labels.get, key=keys.SPOT_PICK)
record = log.loc[log["draw_id"] == draw_id].iloc[0]
items = cache.spot_items(scope, draw_id, unmasked, version)
if unmasked:
    log_unmasked(session, "spot_checks", reason, items["household_id"])
layout.metric_row(tables.draw_metrics(record))
st.caption(tables.draw_caption(record))
if cache.spot_frame_unchanged(scope, draw_id, version) is False:
    st.warning(t("spot_checks.frame_changed"))
st.dataframe(tables.sample_table(items), hide_index=True, width="stretch", height=320, key=keys.SPOT_SAMPLE)
left, right = st.columns([1, 2])
left.dataframe(tables.reason_table(items), hide_index=True, width="stretch", key=keys.SPOT_SPLIT)
left.caption(tables.split_caption(items))
if record["method"] == "backcheck":
    with right.expander(t("spot_checks.by_screener")):
        st.dataframe(tables.backcheck_table(items), hide_index=True, width="stretch")

st.subheader(t("spot_checks.section_log"))
st.dataframe(tables.log_table(log), hide_index=True, width="stretch", key=keys.SPOT_LOG)

st.subheader(t("spot_checks.section_export"))
if user.can("export"):
    teams = int(st.number_input(t("spot_checks.teams"), 1, 50, 2, key=keys.SPOT_TEAMS, help=t("spot_checks.teams_help")))
    lists = cache.spot_field_lists(scope, draw_id, teams, unmasked, version)
    choices = tables.team_choices(lists)
    team = st.selectbox(t("spot_checks.team"), list(choices), format_func=choices.get, key=keys.SPOT_TEAM)
    name, content, rows, mime = list_download(lists, team, draw_id)
    exports.offer(session, t("spot_checks.export"), keys.SPOT_EXPORT, lambda: (content, rows), file_name=name,
                  mime=mime, action="export_field_list", masked=not unmasked, note=False,
                  filters={"draw_id": draw_id, "teams": teams, "team": team, "reason": reason})
    st.caption(t("spot_checks.export_note", masked=t("spot_checks.unmasked" if unmasked else "spot_checks.masked")))
else:
    st.info(t("spot_checks.no_export"))

st.subheader(t("spot_checks.section_results"))
if user.can("sample"):
    entry = forms.result_entry(tables.editor_frame(items))
    if entry.action == "save":
        outcome = cache.spot_save_editor(user, scope, draw_id, entry.edited)
    elif entry.action == "import":
        outcome = cache.spot_import(user, scope, draw_id, entry.upload.getvalue(), entry.upload.name)
    if entry.action and not outcome.ok:
        st.error(tables.rejection_text([safe.escape(e) for e in outcome.errors]))  # errors quote the file
    elif entry.action:
        st.session_state[keys.SPOT_NOTICE] = tables.saved_notice(entry.action, outcome.saved)
        st.session_state.pop(keys.SPOT_EDITOR, None)  # the saved answers are now the editor's data
        st.rerun()
else:
    st.info(t("spot_checks.no_results_permission"))

st.subheader(t("spot_checks.section_verdicts"))
verdicts = cache.spot_verdicts(scope, draw_id, version)
if verdicts is None or verdicts.estimate.overall.checked == 0:
    st.info(t("spot_checks.no_checked"))
    st.stop()
layout.metric_row(tables.verdict_metrics(verdicts))
st.markdown(f"**{t('spot_checks.parts')}**")
st.dataframe(tables.parts_table(verdicts), hide_index=True)
layout.tabbed_tables(tables.verdict_tabs(verdicts, record))
(st.success if verdicts.follow_up.empty else st.warning)(tables.follow_up_note(verdicts))
if not verdicts.follow_up.empty:
    st.dataframe(tables.screener_rates(verdicts.follow_up), hide_index=True)
st.markdown(f"**{t('spot_checks.chart')}**")
chart = figures.error_rate_figure(verdicts.by_village, verdicts.estimate.overall.rate)
st.plotly_chart(chart, width="stretch", key=keys.SPOT_CHART)
