"""进展通报: the meeting pack leaders circulate — Word report, PDF, Excel annex; issued ones kept."""

import streamlit as st

from data_loaders import bulletins
from paicha.vocab import Permission
from ui import bulletin as view
from ui import cache, keys
from ui.documents.pack import file_stem
from ui.session import page_start
from ui.tables import bulletin as tables
from ui.text import t

session = page_start("bulletin.title", t("bulletin.caption"), permission=Permission.export)
store = cache.store()
request = view.request_form(session)
number = bulletins.next_number(store, session.scope)
left, right = st.columns(2)
if left.button(t("bulletin.generate"), type="primary", key=keys.BULLETIN_GENERATE):
    view.generate(session, request, issue=False)
if right.button(t("bulletin.issue", number=number), key=keys.BULLETIN_ISSUE, help=t("bulletin.issue_help")):
    view.generate(session, request, issue=True)
    st.success(t("bulletin.issued", number=number))
pack = view.kept_pack(session, request)
if pack is not None:
    st.info(tables.ready_text(pack.figures, pack.comparison))
    view.downloads(session, pack.files(), pack.file_stem, pack.figures, pack.issue_number,
                   (keys.BULLETIN_DOCX, keys.BULLETIN_PDF, keys.BULLETIN_XLSX))

st.subheader(t("bulletin.issued_list"))
log = bulletins.issued_list(store, session.scope)
if log.empty:
    st.caption(t("bulletin.issued_none"))
    st.stop()
st.dataframe(tables.issued_table(log), hide_index=True, width="stretch")
picked = st.selectbox(t("bulletin.pick_issued"), log["issue_number"].tolist(), key=keys.BULLETIN_PICK,
                      format_func=lambda n: t("bulletin.doc_number", number=n))
record = bulletins.issued(store, session.scope, picked)
differences = cache.bulletin_replay(session.scope, picked, session.version)
st.caption(tables.replay_text(differences))
view.downloads(session, bulletins.issued_files(store, session.scope, picked), file_stem(record.figures, picked),
               record.figures, picked, (keys.BULLETIN_OLD_DOCX, keys.BULLETIN_OLD_PDF, keys.BULLETIN_OLD_XLSX))
