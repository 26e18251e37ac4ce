"""Sign-in and the shared sidebar: who is signed in (so the scope), the as-of and comparison dates.

app.py calls :func:`establish` on every run, before ``navigation.run()``: the sign-in form when
nobody is signed in, otherwise the sidebar, whose widgets therefore exist on every page and keep
their values across page switches. A reload or a deep link opens a new Streamlit session; the
session cookie (set by server.py's ``/auth/bind`` from a one-time ticket) finds the server-side
session again, and the dates come back from the preferences stored with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

import streamlit as st

from data_loaders import accounts
from paicha.access import User, scope_for
from paicha.overview import previous_workday
from paicha.scope import Scope
from paicha.vocab import Permission, Role
from ui import cache, keys
from ui.pages import PAGES, PageSpec
from ui.print import print_styles
from ui.safe import escape as safe_text
from ui.text import joined, t


@dataclass(frozen=True)
class Session:
    """What every page needs to query: the user, their scope, the dates, the data version."""

    user: User
    scope: Scope
    as_of: dt.date
    since: dt.date
    version: int
    is_demo: bool
    session_id: str


def _base_path() -> str:
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def _browser_request(path: str) -> None:
    """Make the browser fetch one of server.py's /auth routes (an invisible image request).

    The response's Set-Cookie is what gives the browser an HttpOnly cookie: a Streamlit script
    cannot set one itself, and an image is a same-origin request that needs no script.
    """
    st.html(f'<img src="{_base_path()}{path}" alt="" width="1" height="1" style="opacity:0">')


def _cookie() -> str:
    value = st.context.cookies.get(accounts.COOKIE_NAME)
    # Outside a browser (AppTest) the cookie jar is a stand-in, not a mapping of strings.
    return value if isinstance(value, str) else ""


def _active() -> accounts.ActiveSession | None:
    """The tab's valid session, found by its id or (new tab, reload, deep link) by its cookie."""
    store, auth = cache.store(), cache.settings().auth
    session_id = st.session_state.get(keys.AUTH_SESSION)
    restored = False
    if session_id is None:
        session_id = accounts.session_of_cookie(store, _cookie())
        restored = session_id is not None
    active = accounts.session_user(store, auth, session_id) if session_id else None
    if active is None:
        st.session_state.pop(keys.AUTH_SESSION, None)
        return None
    st.session_state[keys.AUTH_SESSION] = active.session_id
    if restored:
        _restore_dates(active.prefs)
    return active


def _restore_dates(prefs: dict) -> None:
    for key, pref in ((keys.SIDEBAR_AS_OF, "as_of"), (keys.SIDEBAR_SINCE, "since")):
        if prefs.get(pref) and key not in st.session_state:
            st.session_state[key] = dt.date.fromisoformat(prefs[pref])
    st.session_state[keys.AUTH_SINCE_EXPLICIT] = bool(prefs.get("since_explicit"))


def _save_dates() -> None:
    session_id = st.session_state.get(keys.AUTH_SESSION)
    if session_id:
        accounts.save_prefs(cache.store(), session_id, {
            "as_of": st.session_state.get(keys.SIDEBAR_AS_OF),
            "since": st.session_state.get(keys.SIDEBAR_SINCE),
            "since_explicit": st.session_state.get(keys.AUTH_SINCE_EXPLICIT, False)})


def date_bounds() -> tuple[dt.date, dt.date]:
    """The dates the sidebar offers: two weeks before the campaign to a month after the report."""
    campaign = cache.settings().campaign
    return campaign.start - dt.timedelta(days=14), campaign.report_deadline + dt.timedelta(days=30)


def default_since(as_of: dt.date) -> dt.date:
    """The as-of date's previous working day, kept inside the offered dates."""
    return max(previous_workday(as_of), date_bounds()[0])


def _as_of_changed() -> None:
    # The comparison follows the as-of date (its previous working day) until someone picks one.
    if not st.session_state.get(keys.AUTH_SINCE_EXPLICIT):
        st.session_state[keys.SIDEBAR_SINCE] = default_since(st.session_state[keys.SIDEBAR_AS_OF])
    _save_dates()


def _since_changed() -> None:
    st.session_state[keys.AUTH_SINCE_EXPLICIT] = True
    _save_dates()


def _sign_out() -> None:
    session_id = st.session_state.get(keys.AUTH_SESSION)
    if session_id:
        accounts.end_session(cache.store(), session_id, "sign_out")
    for key in (keys.AUTH_SESSION, keys.AUTH_TICKET, keys.SIDEBAR_AS_OF, keys.SIDEBAR_SINCE,
                keys.AUTH_SINCE_EXPLICIT, keys.UNMASK_LOGGED):
        st.session_state.pop(key, None)
    st.session_state[keys.AUTH_CLEAR_COOKIE] = True


def sign_in_form() -> None:
    """The only thing a visitor without a session sees: the form, and in a demo the demo accounts."""
    cfg, store = cache.settings(), cache.store()
    if st.session_state.pop(keys.AUTH_CLEAR_COOKIE, False):
        _browser_request("/auth/clear")
    is_demo = cache.meta(cache.data_version())["is_demo"] == "true"
    if is_demo:
        st.warning(t("app.demo_banner"), icon=":material/science:")
    st.title(t("signin.title"))
    left, _ = st.columns([2, 3])
    with left, st.form(keys.SIGNIN_FORM):
        username = st.text_input(t("signin.username"), key=keys.SIGNIN_USERNAME, autocomplete="username")
        password = st.text_input(t("signin.password"), type="password", key=keys.SIGNIN_PASSWORD,
                                 autocomplete="current-password")
        submitted = st.form_submit_button(t("signin.submit"), type="primary", key=keys.SIGNIN_SUBMIT)
    if submitted:
        try:
            user = accounts.sign_in(store, cfg.auth, cfg.district_code, username.strip(), password)
        except accounts.SignInFailed as exc:
            left.error(str(exc), icon=":material/lock:")
        else:
            new = accounts.start_session(store, user, scope_for(user, cfg.district_code))
            st.session_state[keys.AUTH_SESSION] = new.session_id
            st.session_state[keys.AUTH_TICKET] = new.ticket
            st.rerun()
    if store.read_only:
        left.warning(t("signin.read_only"))
    if is_demo:
        left.info(t("signin.demo_accounts", password=accounts.DEMO_PASSWORD,
                    accounts=joined(t("text.with_note", text=name, note=role.label) for name, role, _, _ in accounts.DEMO_ACCOUNTS
                                      if role is not Role.supervisor),
                    towns=joined(name for name, role, _, _ in accounts.DEMO_ACCOUNTS if role is Role.supervisor)))
    elif store.count("users") == 0:
        left.warning(t("signin.no_accounts"))
    left.caption(t("signin.rules", failures=cfg.auth.max_failures, minutes=cfg.auth.lockout_minutes,
                   idle=cfg.auth.idle_minutes))


def allowed_pages(user: User) -> list[PageSpec]:
    return [p for p in PAGES if p.permission is None or user.can(p.permission)]


def _bind_cookie(session_id: str) -> None:
    """Until the browser holds the cookie, keep asking it to trade the ticket (one image request)."""
    ticket = st.session_state.get(keys.AUTH_TICKET)
    if ticket is None:
        return
    if accounts.cookie_bound(cache.store(), session_id):
        st.session_state.pop(keys.AUTH_TICKET, None)
        return
    _browser_request(f"/auth/bind?ticket={quote(ticket)}")


def _sidebar(active: accounts.ActiveSession) -> Session:
    cfg = cache.settings()
    version = cache.data_version()
    meta = cache.meta(version)
    is_demo = meta["is_demo"] == "true"
    user = active.user
    scope = scope_for(user, cfg.district_code)
    cache.store().act_as(scope)
    lo, hi = date_bounds()
    default = dt.date.fromisoformat(meta["demo_today"]) if is_demo and meta["demo_today"] else dt.date.today()
    st.session_state.setdefault(keys.SIDEBAR_AS_OF, min(max(default, lo), hi))
    st.session_state.setdefault(keys.SIDEBAR_SINCE, default_since(st.session_state[keys.SIDEBAR_AS_OF]))
    with st.sidebar:
        st.markdown(f"**{safe_text(user.name)}**")
        role = user.role.label if user.role else ""
        if scope.town_code:
            towns = cache.towns(scope, version)
            town = towns["town_name"].iloc[0] if not towns.empty else scope.town_code
            st.caption(t("sidebar.who_town", role=role, town=safe_text(town), username=safe_text(user.id)))
        else:
            st.caption(t("sidebar.who_district", role=role, username=safe_text(user.id)))
        st.button(t("sidebar.sign_out"), key=keys.SIDEBAR_SIGN_OUT, on_click=_sign_out, icon=":material/logout:")
        st.divider()
        for page in allowed_pages(user):
            st.page_link(page.script, label=t(page.title_key), icon=page.icon)
        st.divider()
        as_of = st.date_input(t("sidebar.as_of"), min_value=lo, max_value=hi, key=keys.SIDEBAR_AS_OF,
                              help=t("sidebar.as_of_help"), format="YYYY-MM-DD", on_change=_as_of_changed)
        since = st.date_input(t("sidebar.since"), min_value=lo, max_value=hi, key=keys.SIDEBAR_SINCE,
                              help=t("sidebar.since_help"), format="YYYY-MM-DD", on_change=_since_changed)
        _bind_cookie(active.session_id)
    return Session(user, scope, as_of, since, version, is_demo, active.session_id)


def establish() -> Session | None:
    """app.py's first step: the sign-in form (and None) or the sidebar and this run's Session."""
    # Until the session is known this run is nobody's: a store with row policies shows it no
    # town's rows (the thread may have served another session's run before).
    cache.store().act_as(Scope.empty())
    active = _active()
    if active is None:
        st.session_state.pop(keys.RUN_SESSION, None)
        return None
    session = _sidebar(active)
    st.session_state[keys.RUN_SESSION] = session
    return session


def current() -> Session:
    """The session of this run of a page; without one, the sign-in form and nothing else.

    app.py normally establishes it. A page run without app.py (``streamlit run app.py`` serving a
    deep link before navigation exists, see server.py) establishes it itself, so no page can ever
    draw for a visitor who has not signed in.
    """
    session = st.session_state.get(keys.RUN_SESSION) or establish()
    if session is None:
        sign_in_form()
        st.stop()
    return session


def demo_banner(session: Session) -> None:
    if session.is_demo:
        st.warning(t("app.demo_banner"), icon=":material/science:")


def page_start(title_key: str, caption: str | None = None, permission: Permission | None = None) -> Session:
    """The opening every page shares: the session, demo banner, title; stops without permission."""
    session = current()
    print_styles()
    demo_banner(session)
    st.title(t(title_key))
    if caption:
        st.caption(caption)
    if permission is not None and not session.user.can(permission):
        st.info(t("app.no_permission", permission=permission.label))
        st.stop()
    return session


def scope_label(session: Session, town_names: dict[str, str], scope: Scope | None = None) -> str:
    """"范围：全区" or the town's name, for captions; ``scope`` when a page narrows the session's."""
    scope = scope or session.scope
    if scope.town_code:
        return safe_text(town_names.get(scope.town_code, scope.town_code))
    return t("sidebar.scope_district")
