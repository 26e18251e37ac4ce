"""村级进度: town supervisors find lagging villages, and open the households nobody has reached."""

import streamlit as st

from ui import cache, keys
from ui.session import page_start, scope_label
from ui.tables import progress
from ui.text import t

session = page_start("villages.title")

villages = cache.progress(session.scope, session.as_of, "village", session.version)
towns = cache.progress(session.scope, session.as_of, "town", session.version)
town_names = dict(zip(towns["code"], towns["name"], strict=True))
village_names = dict(zip(villages["code"], villages["name"], strict=True))
st.caption(t("villages.caption", as_of=session.as_of, scope=scope_label(session, town_names), n=len(villages)))

statuses = st.multiselect(t("villages.status_filter"), ["severely_lagging", "lagging", "not_started", "on_track", "done"],
                          format_func=progress.status_label, key=keys.VILLAGES_STATUS,
                          placeholder=t("villages.all_statuses"))
shown = villages[villages["status"].isin(statuses)] if statuses else villages
shown = shown.sort_values(["lag", "code"], ascending=[False, True])
st.dataframe(progress.styled_villages(shown, town_names), hide_index=True, width="stretch", height=420)

# The households nobody has reached are listed, filtered and exported on 农户清单; a village
# chosen here opens there with its filter set (query parameters).
st.subheader(t("villages.drill"))
options = [None, *shown["code"]]
village = st.selectbox(t("villages.drill_village"), options, key=keys.VILLAGES_PICK,
                       format_func=lambda c: t("villages.all_villages") if c is None else village_names[c])
for which in ("unscreened", "key_not_home"):
    st.page_link("pages/households.py", label=t(f"households.link.{which}"), icon=":material/list_alt:",
                 query_params={"list": which, **({"village": village} if village else {})})
