"""审计日志: administrators read who signed in, unmasked, exported, imported and drew what, and when."""

import datetime as dt

import streamlit as st

from paicha.vocab import Permission
from ui import cache, exports, keys
from ui.session import page_start
from ui.tables import admin as tables
from ui.text import t

LIMIT = 2000

session = page_start("audit.title", t("audit.caption"), permission=Permission.read_audit)
store = cache.store()
users, actions = store.audit_vocabulary()
cols = st.columns([2, 2, 3])
user = cols[0].selectbox(t("audit.user"), [None, *users], key=keys.AUDIT_USER,
                         format_func=lambda u: t("audit.all") if u is None else u)
action = cols[1].selectbox(t("audit.action"), [None, *actions], key=keys.AUDIT_ACTION,
                           format_func=lambda a: t("audit.all") if a is None else tables.audit_action_label(a))
today = dt.date.today()
picked = cols[2].date_input(t("audit.range"), value=(today - dt.timedelta(days=30), today), key=keys.AUDIT_RANGE,
                            format="YYYY-MM-DD")
since, until = ((*picked, picked[0]))[:2] if isinstance(picked, tuple) and picked else (None, None)
entries = store.audit_entries(since, until, user, action, LIMIT)
st.caption(t("audit.count", n=len(entries), limit=LIMIT))
towns = cache.towns(session.scope, session.version)
town_names = dict(zip(towns["town_code"], towns["town_name"], strict=True))
st.dataframe(tables.audit_table(entries, town_names), hide_index=True, width="stretch", key=keys.AUDIT_TABLE)
filters = {"user": user, "action": action, "since": since, "until": until}
exports.offer(session, t("audit.export"), keys.AUDIT_EXPORT,
              exports.csv_of(lambda: tables.audit_table(store.audit_entries(since, until, user, action), town_names)),
              file_name=f"audit_{since}_{until}.csv", mime="text/csv", action="export_audit", masked=True,
              filters=filters)
