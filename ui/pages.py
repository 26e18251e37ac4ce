"""The page registry as data: one entry per page, turned into st.navigation in app.py."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    """One page. ``url_path`` must equal the script's file stem: with a pages/ folder present the
    browser checks deep links against the file names and shows "Page not found" otherwise."""

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
