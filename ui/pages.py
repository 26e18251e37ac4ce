"""The page registry as data: one entry per page, turned into st.navigation in app.py."""

from __future__ import annotations

from dataclasses import dataclass

from paicha.vocab import Permission


@dataclass(frozen=True)
class PageSpec:
    """One page. ``url_path`` must equal the script's file stem (see server.py for why).

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
    PageSpec("pages/risk_map.py", "nav.risk_map", ":material/flood:", "risk_map"),
    PageSpec("pages/imports.py", "nav.imports", ":material/upload_file:", "imports",
             permission=Permission.import_data),
    PageSpec("pages/spot_checks.py", "nav.spot_checks", ":material/fact_check:", "spot_checks"),
    PageSpec("pages/users.py", "nav.users", ":material/manage_accounts:", "users",
             permission=Permission.manage_users),
    PageSpec("pages/audit.py", "nav.audit", ":material/policy:", "audit", permission=Permission.read_audit),
)
