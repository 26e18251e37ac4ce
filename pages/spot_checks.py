"""抽查: draw reproducible spot-check samples, hand out field lists, enter results, read the verdicts."""

import streamlit as st

from paicha.scope import Scope
from ui import cache, keys, safe
from ui import spot_checks as view
from ui.session import page_start
from ui.text import t

session = page_start("spot_checks.title", t("spot_checks.caption"))
user, scope, version = session.user, session.scope, session.version
if notice := st.session_state.pop(keys.SPOT_NOTICE, None):
    st.success(notice)
unmasked = user.can("unmask") and st.toggle(t("spot_checks.unmask"), key=keys.SPOT_UNMASK)
if unmasked:
    cache.audit(user.id, "unmask_view", scope, {"page": "spot_checks"}, 0)

st.subheader(t("spot_checks.section_draw"))
if user.can("sample"):
    request = view.draw_form(cache.towns(scope, version), town_fixed=bool(scope.town_code))
    if request is not None:
        target = Scope.town(scope.district_code, request.town_code) if request.town_code else scope
        try:
            draw = cache.spot_draw(user, target, session.as_of, request.method, request.params, request.seed,
                                   request.include_unscreened)
        except (ValueError, PermissionError) as exc:
            st.error(safe.t("spot_checks.failed", error=exc))
        else:
            st.session_state[keys.SPOT_PICK] = draw.draw_id
            st.session_state[keys.SPOT_NOTICE] = t("spot_checks.drawn", draw_id=draw.draw_id, n=len(draw.sample))
            st.rerun()
else:
    st.info(t("spot_checks.no_permission"))
with st.expander(t("spot_checks.section_size")):
    view.size_calculator()

log = cache.spot_log(scope, version)
if log.empty:
    st.info(t("spot_checks.log_none"))
    st.stop()
labels = view.draw_label(log)
draw_id = st.selectbox(t("spot_checks.current"), list(labels), format_func=labels.get, key=keys.SPOT_PICK)
record = log.loc[log["draw_id"] == draw_id].iloc[0]
items = cache.spot_items(scope, draw_id, unmasked, version)
flagged, random_part = view.split_counts(items)
cols = st.columns(4)
cols[0].metric(t("spot_checks.frame_size"), f"{record['frame_size']:,}")
cols[1].metric(t("spot_checks.sample_size"), f"{record['sample_size']:,}")
cols[2].metric(t("spot_checks.checked"), f"{record['checked']:,}")
cols[3].metric(t("spot_checks.seed_value"), str(record["seed"]))
st.caption(view.draw_caption(record))
if cache.spot_frame_unchanged(scope, draw_id, version) is False:
    st.warning(t("spot_checks.frame_changed"))
st.dataframe(view.sample_table(items), hide_index=True, width="stretch", height=320, key=keys.SPOT_SAMPLE)
left, right = st.columns([1, 2])
left.dataframe(view.reason_table(items), hide_index=True, width="stretch", key=keys.SPOT_SPLIT)
left.caption(t("spot_checks.split_caption", flagged=flagged, random=random_part))
if record["method"] == "backcheck":
    with right.expander(t("spot_checks.by_screener")):
        st.dataframe(view.backcheck_table(items), hide_index=True, width="stretch")

st.subheader(t("spot_checks.section_log"))
st.dataframe(view.log_table(log), hide_index=True, width="stretch", key=keys.SPOT_LOG)

st.subheader(t("spot_checks.section_export"))
if user.can("export"):
    teams = int(st.number_input(t("spot_checks.teams"), 1, 50, 2, key=keys.SPOT_TEAMS, help=t("spot_checks.teams_help")))
    lists = cache.spot_field_lists(scope, draw_id, teams, unmasked, version)
    choices = view.export_choices(lists)
    team = st.selectbox(t("spot_checks.team"), list(choices), format_func=choices.get, key=keys.SPOT_TEAM)
    name, content, rows, mime = view.export_file(lists, team, draw_id)
    st.download_button(t("spot_checks.export"), content, file_name=name, mime=mime, key=keys.SPOT_EXPORT,
                       on_click=cache.audit, args=(user.id, "export_field_list", scope,
                                                   {"draw_id": draw_id, "teams": teams, "team": team,
                                                    "masked": not unmasked}, rows))
    st.caption(t("spot_checks.export_note", masked=t("spot_checks.unmasked" if unmasked else "spot_checks.masked")))
else:
    st.info(t("spot_checks.no_export"))

st.subheader(t("spot_checks.section_results"))
if user.can("sample"):
    st.caption(t("spot_checks.editor_help"))
    edited = st.data_editor(view.editor_frame(items), column_config=view.editor_columns(), hide_index=True,
                            width="stretch", height=320, key=keys.SPOT_EDITOR)
    upload = st.file_uploader(t("spot_checks.upload"), type=["xlsx"], key=keys.SPOT_UPLOAD,
                              help=t("spot_checks.upload_help"))
    save, load = st.columns(2)
    outcome = None
    if save.button(t("spot_checks.save"), key=keys.SPOT_SAVE, type="primary"):
        outcome, done = cache.spot_save_editor(user, scope, draw_id, edited), "spot_checks.saved"
    if upload is not None and load.button(t("spot_checks.import"), key=keys.SPOT_IMPORT):
        outcome, done = cache.spot_import(user, scope, draw_id, upload.getvalue(), upload.name), "spot_checks.imported"
    if outcome is not None and not outcome.ok:
        st.error(view.rejection_text([safe.escape(e) for e in outcome.errors]))  # errors quote the file
    elif outcome is not None:
        st.session_state[keys.SPOT_NOTICE] = t(done, n=outcome.saved) if outcome.saved else t("spot_checks.unchanged")
        st.session_state.pop(keys.SPOT_EDITOR, None)  # the saved answers are now the editor's data
        st.rerun()
else:
    st.info(t("spot_checks.no_results_permission"))

st.subheader(t("spot_checks.section_verdicts"))
verdicts = cache.spot_verdicts(scope, draw_id, version)
view.show_verdicts(verdicts, record)
