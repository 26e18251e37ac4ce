"""The page registry as data: one entry per page, turned into st.navigation in app.py.

Why the pages live in a pages/ folder next to app.py and still go through st.navigation (the one
explanation; other files point here): the layout was asked for, and with a pages/ folder present
Streamlit 1.67 routes a deep link (/villages) by the folder's file names, not by st.navigation.
Three things follow. ``url_path`` must equal the script's file stem, or a deep link shows "Page
not found". Streamlit's own sidebar menu would show the file names instead of the titles given
here, so it is hidden (``position="hidden"`` in app.py, ``client.showSidebarNavigation = false``
in .streamlit/config.toml) and ui.session draws the menu with st.page_link. And a deep link
draws the page in the centred layout unless the page itself repeats st.set_page_config, which
ui.session.sidebar does on every page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    """One page. ``url_path`` must equal the script's file stem (see the module docstring)."""

    script: str
    title_key: str
    icon: str
    url_path: str
    default: bool = False


PAGES = (
    PageSpec("pages/overview.py", "nav.overview", ":material/dashboard:", "overview", default=True),
    PageSpec("pages/villages.py", "nav.villages", ":material/holiday_village:", "villages"),
    PageSpec("pages/risk_map.py", "nav.risk_map", ":material/flood:", "risk_map"),
    PageSpec("pages/imports.py", "nav.imports", ":material/upload_file:", "imports"),
    PageSpec("pages/spot_checks.py", "nav.spot_checks", ":material/fact_check:", "spot_checks"),
)
