"""The only home of Streamlit caching: every cached loader takes scope, as-of date and data version."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from data_loaders import reports
from data_loaders.demo import build_demo
from data_loaders.store import Store
from paicha.config import Settings, load_settings
from paicha.overview import Overview
from paicha.scope import Scope
from ui import maps


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return load_settings()


@st.cache_resource(show_spinner="首次启动，正在生成演示数据库……")
def store() -> Store:
    """One store per process; an absent database is created with the demo district in it."""
    cfg = settings()
    fresh = not cfg.db_path.exists()
    st_ = Store(cfg.db_path)
    if fresh or st_.count("divisions") == 0:
        build_demo(st_, cfg)
    return st_


def data_version() -> int:
    """Read on every rerun (one tiny query) so that an import invalidates every cached figure."""
    return store().data_version()


@st.cache_data(show_spinner=False, max_entries=64)
def overview(scope: Scope, as_of: dt.date, version: int) -> Overview:
    return reports.overview(store(), settings(), scope, as_of)


@st.cache_data(show_spinner=False, max_entries=64)
def progress(scope: Scope, as_of: dt.date, level: str, version: int):
    return reports.progress_table(store(), settings(), scope, as_of, level)


@st.cache_data(show_spinner=False, max_entries=16)
def meta(version: int) -> dict[str, str | None]:
    s = store()
    return {"is_demo": "true" if s.is_demo() else "false", "demo_today": s.get_meta("demo_today")}


@st.cache_data(show_spinner=False, max_entries=256)
def unreached(scope: Scope, as_of: dt.date, village_code: str | None, which: str, page: int,
              page_size: int, unmasked: bool, version: int):
    return reports.unreached_page(store(), scope, as_of, village_code, which, page, page_size, unmasked)


def audit(user_id: str, action: str, scope: Scope, detail: dict, rows: int) -> None:
    """Writes are never cached: every export and unmasking leaves a line in the audit log."""
    store().audit(user_id, action, scope, detail, rows)


@st.cache_data(show_spinner=False, max_entries=32)
def risk_map_html(scope: Scope, as_of: dt.date, kinds: tuple[str, ...], with_points: bool, version: int) -> tuple[str, pd.DataFrame, int]:
    """The rendered offline map (HTML), the village figures, and the number of points drawn."""
    cfg = settings()
    villages, zones, points = reports.risk_view(store(), cfg, scope, as_of, kinds, with_points)
    html = maps.offline_html(maps.risk_map(villages, zones, points, cfg.map_tiles, cfg.tianditu_key))
    return html, villages.drop(columns=["geometry"]), len(points)
