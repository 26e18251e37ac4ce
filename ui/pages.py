"""The page registry as data: one entry per page, turned into st.navigation in app.py.

Why the pages live in a pages/ folder next to app.py and still go through st.navigation (the one
explanation; other files point here): the layout was asked for, and with a pages/ folder present
Streamlit 1.67 starts each process in its old multipage mode, which routes by the folder's file
names, and leaves it only when a script first calls st.navigation. A deep link (/villages) as a
fresh server's first request would run pages/villages.py alone: no app.py, so no sign-in and no
shared sidebar. server.py therefore switches that mode off before any session starts (and the
AppTest fixtures do the same, tests/app/conftest.py). What remains of the quirk: ``url_path``
must equal the script's file stem, or a deep link shows "Page not found"; Streamlit's own menu
would list file names, so it is hidden (``position="hidden"`` in app.py,
``client.showSidebarNavigation = false`` in .streamlit/config.toml) and ui.session draws the menu
with st.page_link. Run as ``streamlit run app.py`` without server.py, a page still never draws
for a visitor without a session: ui.session.page_start signs in from the page itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from paicha.vocab import Permission


@dataclass(frozen=True)
class PageSpec:
    """One page. ``url_path`` must equal the script's file stem (see the module docstring).

    ``permission`` hides the page from the menu of users without it; the page checks it too, since
    a deep link does not go through the menu.
    """

    script: str
    title_key: str
    icon: str
    url_path: str
    default: bool = False
    permission: Permission | None = None


PAGES = (
    PageSpec("pages/overview.py", "nav.overview", ":material/dashboard:", "overview", default=True),
    PageSpec("pages/villages.py", "nav.villages", ":material/holiday_village:", "villages"),
    PageSpec("pages/households.py", "nav.households", ":material/groups:", "households"),
    PageSpec("pages/risk_map.py", "nav.risk_map", ":material/flood:", "risk_map"),
    PageSpec("pages/imports.py", "nav.imports", ":material/upload_file:", "imports",
             permission=Permission.import_data),
    PageSpec("pages/spot_checks.py", "nav.spot_checks", ":material/fact_check:", "spot_checks"),
    PageSpec("pages/bulletin.py", "nav.bulletin", ":material/description:", "bulletin", permission=Permission.export),
    PageSpec("pages/users.py", "nav.users", ":material/manage_accounts:", "users",
             permission=Permission.manage_users),
    PageSpec("pages/audit.py", "nav.audit", ":material/policy:", "audit", permission=Permission.read_audit),
)
