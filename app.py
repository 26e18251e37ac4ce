"""Entry point: page config, sign-in, the shared sidebar, then the page registry as navigation."""

from __future__ import annotations

import streamlit as st

from ui import keys
from ui.errors import shown_as_page
from ui.pages import PAGES
from ui.session import establish, sign_in_form
from ui.text import t

st.set_page_config(page_title=t("app.title"), page_icon="📋", layout="wide")
# Every page is registered whoever is signed in, so a deep link resolves to its page; the page
# runs only after sign-in, and checks its own permission (ui.session.page_start). Streamlit's own
# menu is hidden and ui.session draws it: why, see ui/pages.py.
navigation = st.navigation([st.Page(p.script, title=t(p.title_key), icon=p.icon, url_path=p.url_path,
                                    default=p.default) for p in PAGES], position="hidden")
# Drawn here, before the page runs, so the sidebar's widgets exist on every page and keep their
# values when the page changes.
with shown_as_page():  # a store or calendar problem is a message, never a traceback
    if establish() is None:
        sign_in_form()
        st.stop()
    try:
        navigation.run()
    finally:
        st.session_state.pop(keys.RUN_SESSION, None)
