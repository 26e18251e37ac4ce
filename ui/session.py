"""The shared sidebar: who is signed in (and so the scope) and the as-of date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from paicha.access import scope_for
from paicha.config import User
from paicha.scope import Scope
from ui import cache, keys
from ui.pages import PAGES
from ui.text import t


@dataclass(frozen=True)
class Session:
    user: User | None
    scope: Scope
    as_of: dt.date
    version: int
    is_demo: bool


def sidebar() -> Session:
    """Draw the sidebar and return what every page needs to query."""
    # Repeated here although app.py sets it: deep links, see ui/pages.py.
    st.set_page_config(page_title=t("app.title"), layout="wide")
    cfg = cache.settings()
    version = cache.data_version()
    meta = cache.meta(version)
    is_demo = meta["is_demo"] == "true"
    users = {u.id: u for u in cfg.users}
    with st.sidebar:
        for page in PAGES:
            st.page_link(page.script, label=t(page.title_key), icon=page.icon)
        st.divider()
        user_id = st.selectbox(t("sidebar.user"), list(users), format_func=lambda k: users[k].name,
                               key=keys.SIDEBAR_USER, help=t("sidebar.user_help"))
        user = users.get(user_id)
        default = dt.date.fromisoformat(meta["demo_today"]) if is_demo and meta["demo_today"] else dt.date.today()
        campaign = cfg.campaign
        lo = campaign.start - dt.timedelta(days=14)
        hi = campaign.report_deadline + dt.timedelta(days=30)
        as_of = st.date_input(t("sidebar.as_of"), value=min(max(default, lo), hi), min_value=lo,
                              max_value=hi, key=keys.SIDEBAR_AS_OF, help=t("sidebar.as_of_help"),
                              format="YYYY-MM-DD")
        scope = scope_for(user, cfg)
        if scope.town_code:
            towns = cache.towns(scope, version)
            name = towns["town_name"].iloc[0] if not towns.empty else scope.town_code
            st.caption(t("sidebar.scope_town", town=name))
        elif not scope.is_empty:
            st.caption(t("sidebar.scope_district"))
    return Session(user, scope, as_of, version, is_demo)


def demo_banner(session: Session) -> None:
    if session.is_demo:
        st.warning(t("app.demo_banner"), icon=":material/science:")


def page_start(title_key: str, caption: str | None = None) -> Session:
    """The opening every page shares: sidebar, demo banner, title; stops when signed out."""
    session = sidebar()
    demo_banner(session)
    st.title(t(title_key))
    if caption:
        st.caption(caption)
    if session.scope.is_empty:
        st.info(t("sidebar.signed_out"))
        st.stop()
    return session


def scope_label(session: Session, town_names: dict[str, str]) -> str:
    """"范围：全区" or the town's name, for captions."""
    if session.scope.town_code:
        return town_names.get(session.scope.town_code, session.scope.town_code)
    return t("sidebar.scope_district")
