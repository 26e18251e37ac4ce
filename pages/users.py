"""用户管理: administrators create accounts, disable and re-enable them, unlock them, reset passwords."""

import streamlit as st

from data_loaders import accounts
from paicha.vocab import Permission, Role
from ui import cache, keys
from ui.safe import escape as safe_text
from ui.session import page_start
from ui.tables import admin as tables
from ui.text import t

session = page_start("users.title", t("users.caption"), permission=Permission.manage_users)
cfg, store, by = cache.settings(), cache.store(), session.user.id
if notice := st.session_state.pop(keys.USERS_NOTICE, None):
    st.success(safe_text(notice))


def done(message: str) -> None:
    st.session_state[keys.USERS_NOTICE] = message
    st.rerun()


towns = cache.towns(session.scope, session.version)
town_names = dict(zip(towns["town_code"], towns["town_name"], strict=True))
users = accounts.list_users(store)
st.subheader(t("users.table"))
st.dataframe(tables.users_table(users, town_names), hide_index=True, width="stretch", key=keys.USERS_TABLE)

left, right = st.columns(2)
with left:
    st.subheader(t("users.add"))
    with st.form(keys.USERS_ADD_FORM, clear_on_submit=False):
        username = st.text_input(t("users.username"), key=keys.USERS_ADD_NAME)
        display = st.text_input(t("users.display_name"), key=keys.USERS_ADD_DISPLAY)
        role = st.selectbox(t("users.role"), list(Role), format_func=lambda r: r.label, key=keys.USERS_ADD_ROLE)
        town = st.selectbox(t("users.town"), [None, *town_names], key=keys.USERS_ADD_TOWN,
                            format_func=lambda c: t("users.town_none") if c is None else town_names[c])
        password = st.text_input(t("users.password"), type="password", key=keys.USERS_ADD_PASSWORD)
        password2 = st.text_input(t("users.password2"), type="password", key=keys.USERS_ADD_PASSWORD2)
        st.caption(t("users.rules", n=cfg.auth.min_password_length))
        if st.form_submit_button(t("users.add_submit"), type="primary", key=keys.USERS_ADD_SUBMIT):
            if password != password2:
                st.error(t("users.password_mismatch"))
            else:
                try:
                    accounts.add_user(store, cfg.auth, cfg.district_code, username.strip(), role, password,
                                      town_code=town, display_name=display.strip() or None, by=by)
                except accounts.AccountError as exc:
                    st.error(safe_text(exc))
                else:
                    done(t("users.added", username=username.strip()))

with right:
    st.subheader(t("users.manage"))
    if users.empty:
        st.stop()
    picked = st.selectbox(t("users.pick"), users["username"].tolist(), key=keys.USERS_PICK)
    row = users.loc[users["username"] == picked].iloc[0]
    actions = st.columns(3)
    try:
        if row["disabled"]:
            if actions[0].button(t("users.enable"), key=keys.USERS_ENABLE):
                accounts.set_disabled(store, cfg.district_code, picked, False, by=by)
                done(t("users.enabled", username=picked))
        elif actions[0].button(t("users.disable"), key=keys.USERS_DISABLE):
            accounts.set_disabled(store, cfg.district_code, picked, True, by=by)
            done(t("users.disabled", username=picked))
        if actions[1].button(t("users.unlock"), key=keys.USERS_UNLOCK):
            accounts.unlock(store, cfg.district_code, picked, by=by)
            done(t("users.unlocked", username=picked))
        with st.form(keys.USERS_RESET_FORM, clear_on_submit=True):
            st.markdown(f"**{t('users.reset')}**")
            new = st.text_input(t("users.password"), type="password", key=keys.USERS_RESET_PASSWORD)
            new2 = st.text_input(t("users.password2"), type="password", key=keys.USERS_RESET_PASSWORD2)
            if st.form_submit_button(t("users.reset_submit"), key=keys.USERS_RESET_SUBMIT):
                if new != new2:
                    st.error(t("users.password_mismatch"))
                else:
                    accounts.reset_password(store, cfg.auth, cfg.district_code, picked, new, by=by)
                    done(t("users.reset_done", username=picked))
    except accounts.AccountError as exc:
        st.error(safe_text(exc))
