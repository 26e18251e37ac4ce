"""村级进度: town supervisors find lagging villages and the households nobody has reached."""

import math
from functools import partial

import streamlit as st

from data_loaders import reports
from paicha.vocab import Permission
from ui import cache, exports, keys, layout
from ui.session import page_start, scope_label
from ui.tables import households, progress
from ui.text import t
from ui.unmask import log_unmasked, unmask_reason

PAGE_SIZE = 50
EXPORT_LIMIT = 20_000

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
layout.table(progress.styled_villages(shown, town_names), height=420)

st.subheader(t("villages.drill"))
options = [None, *shown["code"]]
village = st.selectbox(t("villages.drill_village"), options, key=keys.VILLAGES_PICK,
                       format_func=lambda c: t("villages.all_villages") if c is None else village_names[c])
user = session.user
reason = unmask_reason(session, keys.VILLAGES_UNMASK, keys.VILLAGES_UNMASK_REASON)
unmasked = reason is not None

lists = {"unscreened": (keys.VILLAGES_PAGE_UNSCREENED, keys.VILLAGES_EXPORT_UNSCREENED, "villages.tab_unscreened"),
         "key_not_home": (keys.VILLAGES_PAGE_KEY, keys.VILLAGES_EXPORT_KEY, "villages.tab_key")}
totals = {which: cache.unreached(session.scope, session.as_of, village, which, 0, 1, False, session.version)[1]
          for which in lists}
for tab, (which, (page_key, export_key, _)) in zip(st.tabs([t(v[2], n=totals[k]) for k, v in lists.items()]),
                                                       lists.items(), strict=True):
    with tab:
        if which == "key_not_home":
            st.caption(t("villages.key_help"))
        if totals[which] == 0:
            st.success(t("villages.empty"))
            continue
        pages = math.ceil(totals[which] / PAGE_SIZE)
        page = st.number_input(t("villages.page"), 1, pages, 1, key=page_key) - 1
        frame, _ = cache.unreached(session.scope, session.as_of, village, which, page, PAGE_SIZE, unmasked, session.version)
        st.dataframe(households.household_list(frame, village_names), hide_index=True, width="stretch")
        st.caption(t("villages.page_of", page=page + 1, pages=pages, size=PAGE_SIZE))
        if unmasked:
            log_unmasked(session, f"villages.{which}", reason, frame["household_id"])
        if not user.can(Permission.export):
            continue
        if totals[which] > EXPORT_LIMIT:
            st.info(t("villages.too_many", limit=EXPORT_LIMIT))
            continue
        fetch = partial(reports.unreached_page, cache.store(), session.scope, session.as_of, village, which,
                        0, EXPORT_LIMIT, unmasked)
        exports.offer(session, t("villages.export"), export_key,
                      exports.csv_of(lambda fetch=fetch: households.household_list(fetch()[0], village_names)),
                      file_name=f"{which}_{village or session.scope.key()}_{session.as_of}.csv", mime="text/csv",
                      action=f"export_{which}", masked=not unmasked,
                      filters={"village": village, "as_of": session.as_of, "list": which, "reason": reason})
