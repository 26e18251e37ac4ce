"""The only home of Streamlit caching: every cached loader takes scope, as-of date and data version."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from data_loaders import reports
from data_loaders import spot_checks as spot_data
from data_loaders.demo import build_demo
from data_loaders.store import Store
from paicha.access import User
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


@st.cache_data(show_spinner=False, max_entries=16)
def towns(scope: Scope, version: int) -> pd.DataFrame:
    """Towns in the scope: the sidebar and the spot-check form ask on every rerun."""
    return store().towns(scope)


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


@st.cache_data(show_spinner=False, max_entries=32)
def risk_map_html(scope: Scope, as_of: dt.date, kinds: tuple[str, ...], with_points: bool, version: int) -> tuple[str, pd.DataFrame, int]:
    """The rendered offline map (HTML), the village figures, and the number of points drawn."""
    cfg = settings()
    villages, zones, points = reports.risk_view(store(), cfg, scope, as_of, kinds, with_points)
    html = maps.offline_html(maps.risk_map(villages, zones, points, cfg.map_tiles, cfg.tianditu_key))
    return html, villages.drop(columns=["geometry"]), len(points)


# -- spot checks (抽查): reads cached by scope, draw and data version; draws and results never cached


@st.cache_data(show_spinner=False, max_entries=32)
def spot_log(scope: Scope, version: int) -> pd.DataFrame:
    return spot_data.draw_log(store(), scope)


@st.cache_data(show_spinner=False, max_entries=64)
def spot_items(scope: Scope, draw_id: int, unmasked: bool, version: int) -> pd.DataFrame:
    return spot_data.draw_items(store(), settings(), scope, draw_id, unmasked)


@st.cache_data(show_spinner=False, max_entries=64)
def spot_verdicts(scope: Scope, draw_id: int, version: int) -> spot_data.DrawVerdicts | None:
    return spot_data.draw_verdicts(store(), settings(), scope, draw_id)


@st.cache_data(show_spinner=False, max_entries=16)
def spot_field_lists(scope: Scope, draw_id: int, teams: int, unmasked: bool, version: int) -> list[spot_data.FieldList]:
    return spot_data.field_lists(store(), settings(), scope, draw_id, teams, unmasked)


@st.cache_data(show_spinner=False, max_entries=32)
def spot_frame_unchanged(scope: Scope, draw_id: int, version: int) -> bool | None:
    return spot_data.frame_unchanged(store(), settings(), scope, draw_id)


def spot_draw(user: User, scope: Scope, as_of: dt.date, method: str, params: dict, seed: int,
              include_unscreened: bool) -> spot_data.Draw:
    """A draw is a write (a new draw_id every time): never cached."""
    return spot_data.create_draw(store(), settings(), user, scope, as_of, method, params, seed, include_unscreened)


def spot_save_editor(user: User, scope: Scope, draw_id: int, edited: pd.DataFrame) -> spot_data.ResultOutcome:
    return spot_data.save_editor(store(), scope, draw_id, user, edited)


def spot_import(user: User, scope: Scope, draw_id: int, content: bytes, file_name: str) -> spot_data.ResultOutcome:
    return spot_data.import_results(store(), scope, draw_id, user, content, file_name)
