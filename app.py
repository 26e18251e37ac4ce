"""Entry point: page config, the shared sidebar, and the page registry turned into navigation."""

from __future__ import annotations

import streamlit as st

from ui.errors import shown_as_page
from ui.pages import PAGES
from ui.text import t

st.set_page_config(page_title=t("app.title"), page_icon="📋", layout="wide")
# The menu is drawn by ui.session.sidebar with st.page_link: with a pages/ folder present,
# Streamlit's own sidebar menu shows the folder's file names on deep links (/villages) instead of
# the titles given here, so it is hidden (position="hidden", client.showSidebarNavigation=false).
navigation = st.navigation([st.Page(p.script, title=t(p.title_key), icon=p.icon, url_path=p.url_path,
                                    default=p.default) for p in PAGES], position="hidden")
with shown_as_page():  # a store or calendar problem is a message, never a traceback
    navigation.run()
