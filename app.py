"""Entry point: page config, the shared sidebar, and the page registry turned into navigation."""

from __future__ import annotations

import streamlit as st

from ui.pages import PAGES
from ui.text import t

st.set_page_config(page_title=t("app.title"), page_icon="📋", layout="wide")
# Streamlit's own menu is hidden and ui.session draws it: why, see ui/pages.py.
navigation = st.navigation([st.Page(p.script, title=t(p.title_key), icon=p.icon, url_path=p.url_path,
                                    default=p.default) for p in PAGES], position="hidden")
navigation.run()
