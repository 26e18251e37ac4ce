"""Accounts and sessions in a real store: password rules, lockout, idle timeout, cookies, audit."""

from __future__ import annotations

import datetime as dt

import pytest

from data_loaders import accounts
from data_loaders import store as store_module
from data_loaders.exports import audited_file
from data_loaders.store import Store
from paicha.access import User
from paicha.scope import Scope
from paicha.vocab import Role

NOW = dt.datetime(2024, 9, 16, 9, 0, 0)
GOOD = "一个足够长的密码-2024"


@pytest.fixture
def store(known_store):
    return known_store


def add(store, settings, username="zhang", role=Role.supervisor, town="210311104000", password=GOOD):
    return accounts.add_user(store, settings.auth, settings.district_code, username, role, password,
                             town_code=town, display_name="张三", by="test-admin")


def actions(store, username=None) -> list[str]:
    log = store.audit_entries(user=username)
    return log["action"].tolist()[::-1]


def test_a_password_is_stored_only_as_an_argon2id_hash(store, settings):
    add(store, settings)
    stored = store.cursor().execute("SELECT password_hash FROM users WHERE username = 'zhang'").fetchall()[0][0]
    assert stored.startswith("$argon2id$") and GOOD not in stored
    assert "password_hash" not in accounts.list_users(store).columns


@pytest.mark.parametrize(("username", "role", "town", "password", "message"), [
    ("zhang", Role.supervisor, "210311104000", "short-1", "密码至少 10 个字符"),
    ("zhang", Role.supervisor, "210311104000", "my-ZHANG-password", "密码不能包含用户名"),
    ("zhang", Role.supervisor, None, GOOD, "必须指定所属乡镇"),
    ("zhang", Role.leader, "210311104000", GOOD, "范围是全区"),
    ("zhang", Role.supervisor, "210311999000", GOOD, "未知的乡镇（街道）代码"),
    ("张三", Role.checker, None, GOOD, "用户名只能由英文字母"),
    ("admin", Role.admin, None, GOOD, "用户名已存在"),
])
def test_an_account_that_breaks_a_rule_is_refused_with_the_reason(store, settings, username, role, town,
                                                                  password, message):
    before = store.count("users")
    with pytest.raises(accounts.AccountError, match=message):
        add(store, settings, username, role, town, password)
    assert store.count("users") == before


def test_a_correct_password_signs_in_with_the_role_permissions_and_scope(store, settings):
    add(store, settings)
    user = accounts.sign_in(store, settings.auth, settings.district_code, "zhang", GOOD, now=NOW)
    assert (user.id, user.role, user.town_code) == ("zhang", Role.supervisor, "210311104000")
    assert user.can("export") and not user.can("unmask") and not user.can("manage_users")


def test_wrong_password_unknown_user_and_disabled_account_get_one_message(store, settings):
    add(store, settings)
    auth, district = settings.auth, settings.district_code
    messages = []
    for name, password in (("zhang", "wrong-password-1"), ("nobody", GOOD)):
        with pytest.raises(accounts.SignInFailed) as err:
            accounts.sign_in(store, auth, district, name, password, now=NOW)
        messages.append(str(err.value))
    accounts.set_disabled(store, district, "zhang", True, by="admin")
    with pytest.raises(accounts.SignInFailed) as err:
        accounts.sign_in(store, auth, district, "zhang", GOOD, now=NOW)
    messages.append(str(err.value))
    assert len(set(messages)) == 1
    failed = store.audit_entries(action="sign_in_failed")
    assert sorted(failed["user_name"]) == ["?", "zhang", "zhang"]
    assert "nobody" not in " ".join(failed["detail"])  # a mistyped password never lands in the log


def test_five_failures_lock_the_account_for_fifteen_minutes_across_restarts(tmp_path, store, settings):
    add(store, settings)
    auth, district = settings.auth, settings.district_code
    for _ in range(auth.max_failures):
        with pytest.raises(accounts.SignInFailed):
            accounts.sign_in(store, auth, district, "zhang", "wrong-password-1", now=NOW)
    path = store.path
    store_module.close_all()
    reopened = Store(path)  # the lock is in the store, not in the process
    with pytest.raises(accounts.SignInFailed):
        accounts.sign_in(reopened, auth, district, "zhang", GOOD, now=NOW + dt.timedelta(minutes=14))
    user = accounts.sign_in(reopened, auth, district, "zhang", GOOD, now=NOW + dt.timedelta(minutes=16))
    assert user.id == "zhang"
    reasons = reopened.audit_entries(user="zhang", action="sign_in_failed")["detail"].tolist()[::-1]
    assert [r.split('"reason": "')[1].split('"')[0] for r in reasons] == (
        ["wrong_password"] * 4 + ["locked_now", "locked"])


def test_a_successful_sign_in_resets_the_failure_count(store, settings):
    add(store, settings)
    auth, district = settings.auth, settings.district_code
    for _ in range(auth.max_failures - 1):
        with pytest.raises(accounts.SignInFailed):
            accounts.sign_in(store, auth, district, "zhang", "wrong-password-1", now=NOW)
    accounts.sign_in(store, auth, district, "zhang", GOOD, now=NOW)
    with pytest.raises(accounts.SignInFailed):
        accounts.sign_in(store, auth, district, "zhang", "wrong-password-1", now=NOW)
    assert accounts.sign_in(store, auth, district, "zhang", GOOD, now=NOW).id == "zhang"  # not locked


def test_one_account_signed_in_from_many_tabs_at_once_gets_in_every_time(store, settings):
    from concurrent.futures import ThreadPoolExecutor

    add(store, settings)
    auth, district = settings.auth, settings.district_code
    with ThreadPoolExecutor(8) as pool:
        users = list(pool.map(lambda _: accounts.sign_in(store, auth, district, "zhang", GOOD, now=NOW), range(16)))
    assert [u.id for u in users] == ["zhang"] * 16


def test_wrong_passwords_tried_at_once_each_count_towards_the_lockout(store, settings):
    from concurrent.futures import ThreadPoolExecutor

    add(store, settings)
    auth, district = settings.auth, settings.district_code

    def guess(_):
        with pytest.raises(accounts.SignInFailed):
            accounts.sign_in(store, auth, district, "zhang", "wrong-password-1", now=NOW)

    with ThreadPoolExecutor(auth.max_failures) as pool:
        list(pool.map(guess, range(auth.max_failures)))
    with pytest.raises(accounts.SignInFailed):  # locked: the right password no longer helps
        accounts.sign_in(store, auth, district, "zhang", GOOD, now=NOW + dt.timedelta(minutes=1))


def start(store, settings, username="ganquan"):
    user = accounts.sign_in(store, settings.auth, settings.district_code, username, accounts.DEMO_PASSWORD, now=NOW)
    return user, accounts.start_session(store, user, Scope.town(settings.district_code, user.town_code), now=NOW)


def test_a_session_ends_after_thirty_idle_minutes_and_says_why(store, settings):
    _, new = start(store, settings)
    auth = settings.auth
    assert accounts.session_user(store, auth, new.session_id, now=NOW + dt.timedelta(minutes=29)) is not None
    # 29 minutes after that last action the session is still alive: idleness counts from activity.
    assert accounts.session_user(store, auth, new.session_id, now=NOW + dt.timedelta(minutes=58)) is not None
    assert accounts.session_user(store, auth, new.session_id, now=NOW + dt.timedelta(minutes=89)) is None
    row = store.cursor().execute("SELECT end_reason FROM sessions WHERE session_id = ?", [new.session_id]).fetchall()
    assert row == [("idle",)]
    assert "session_end" in actions(store, "ganquan")


def test_a_session_ends_after_its_lifetime_even_when_active(store, settings):
    _, new = start(store, settings)
    auth = settings.auth
    for minutes in range(0, auth.session_hours * 60, 20):
        assert accounts.session_user(store, auth, new.session_id, now=NOW + dt.timedelta(minutes=minutes))
    assert accounts.session_user(store, auth, new.session_id,
                                 now=NOW + dt.timedelta(hours=auth.session_hours, minutes=1)) is None


def test_a_ticket_buys_one_cookie_once_and_the_cookie_finds_the_session(store, settings):
    _, new = start(store, settings)
    cookie = accounts.bind_cookie(store, new.ticket, now=NOW)
    assert cookie and accounts.bind_cookie(store, new.ticket, now=NOW) is None
    assert accounts.cookie_bound(store, new.session_id)
    assert accounts.session_of_cookie(store, cookie) == new.session_id
    assert accounts.session_of_cookie(store, cookie[:-1] + "x") is None
    stored = store.cursor().execute("SELECT cookie_hash FROM sessions").fetchall()[0][0]
    assert cookie not in stored  # only its SHA-256 is kept


def test_an_expired_ticket_buys_nothing(store, settings):
    _, new = start(store, settings)
    assert accounts.bind_cookie(store, new.ticket, now=NOW + dt.timedelta(seconds=accounts.TICKET_SECONDS + 1)) is None


def test_signing_out_ends_the_session_and_its_cookie(store, settings):
    _, new = start(store, settings)
    cookie = accounts.bind_cookie(store, new.ticket, now=NOW)
    accounts.end_session(store, new.session_id, "sign_out", now=NOW)
    assert accounts.session_of_cookie(store, cookie) is None
    assert accounts.session_user(store, settings.auth, new.session_id, now=NOW) is None
    line = store.audit_entries(user="ganquan", action="sign_out")
    assert line["scope"].tolist() == ["town:210311104000"]


def test_disabling_or_resetting_an_account_ends_its_sessions(store, settings):
    _, first = start(store, settings)
    accounts.reset_password(store, settings.auth, settings.district_code, "ganquan", GOOD, by="admin")
    assert accounts.session_user(store, settings.auth, first.session_id) is None
    user = accounts.sign_in(store, settings.auth, settings.district_code, "ganquan", GOOD)
    second = accounts.start_session(store, user, Scope.town(settings.district_code, user.town_code))
    accounts.set_disabled(store, settings.district_code, "ganquan", True, by="admin")
    assert accounts.session_user(store, settings.auth, second.session_id) is None


def test_an_administrator_cannot_disable_their_own_account(store, settings):
    with pytest.raises(accounts.AccountError, match="不能停用自己"):
        accounts.set_disabled(store, settings.district_code, "admin", True, by="admin")


def test_demo_accounts_exist_only_in_a_demo_store(store, demo_db_path):
    with pytest.raises(accounts.AccountError), store.transaction(refresh=False) as cur:
        accounts.create_demo_accounts(store, cur)
    demo = Store(demo_db_path)
    assert sorted(accounts.list_users(demo)["username"]) == sorted(a[0] for a in accounts.DEMO_ACCOUNTS)


def test_every_administrative_action_leaves_an_audit_line(store, settings):
    add(store, settings)
    district = settings.district_code
    accounts.set_disabled(store, district, "zhang", True, by="root")
    accounts.set_disabled(store, district, "zhang", False, by="root")
    accounts.unlock(store, district, "zhang", by="root")
    accounts.reset_password(store, settings.auth, district, "zhang", "另一个足够长的密码-1", by="root")
    assert actions(store, "root") == ["user_disable", "user_enable", "user_unlock", "user_reset_password"]
    assert actions(store, "test-admin") == ["user_add"]


def test_an_export_is_audited_with_its_rows_masking_and_file_hash(store, settings):
    import hashlib

    user = User.of_role("leader", "区领导", Role.leader)
    content = audited_file(store, user, Scope.district(settings.district_code), "export_unscreened", "x.csv",
                           {"village": None, "as_of": dt.date(2024, 9, 12)}, True, lambda: (b"a,b\n1,2\n", 1))
    line = store.audit_entries(action="export_unscreened").iloc[0]
    assert (line["user_name"], line["row_count"], bool(line["masked"])) == ("leader", 1, True)
    assert line["file_sha256"] == hashlib.sha256(content).hexdigest()
    assert '"as_of": "2024-09-12"' in line["detail"] and '"file": "x.csv"' in line["detail"]

