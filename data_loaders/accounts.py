"""Accounts and sign-in sessions in the store: Argon2id hashes, lockout, idle timeout, cookies."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import secrets
import threading
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from data_loaders.engines import Cursor
from data_loaders.store import Store, StoreError
from paicha.access import User, account_problems, password_problems
from paicha.config import Auth
from paicha.scope import Scope
from paicha.text import t
from paicha.vocab import Role

# argon2-cffi's defaults are Argon2id with RFC 9106's low-memory profile (t=3, 64 MiB, p=4):
# about 50 ms per check here, cheap for a person signing in, costly for a guessing script.
_HASHER = PasswordHasher()
# One-time tickets that turn a sign-in into a browser cookie are short-lived: the page requests
# the cookie within a second of signing in; a minute covers a slow intranet.
TICKET_SECONDS = 60
COOKIE_NAME = "paicha_session"
DEMO_PASSWORD = "paicha-demo"
# The demo accounts (issue: admin, leader, checker and one supervisor per town), created only in a
# store marked demo.
DEMO_ACCOUNTS = (
    ("admin", Role.admin, "", "区乡村振兴局管理员(演示)"),
    ("leader", Role.leader, "", "区领导(演示)"),
    ("checker", Role.checker, "", "区抽查组(演示)"),
    ("tanggangzi", Role.supervisor, "210311006000", "汤岗子街道督导员(演示)"),
    ("dongangshan", Role.supervisor, "210311007000", "东鞍山街道督导员(演示)"),
    ("tangjiafang", Role.supervisor, "210311102000", "唐家房镇督导员(演示)"),
    ("datun", Role.supervisor, "210311103000", "大屯镇督导员(演示)"),
    ("ganquan", Role.supervisor, "210311104000", "甘泉镇督导员(演示)"),
)
SIGN_IN_FAILED = t("errors.accounts.sign_in_failed")


# A read-only store (a disk gone read-only, a restored copy mounted for inspection) still lets
# people read: sessions and failure counts then live in this process only, since nothing can be
# written. Nothing audited (unmasking, exports) can happen there, as no audit line can be written.
_MEMORY_SESSIONS: dict[str, tuple[str, dt.datetime, dt.datetime, tuple]] = {}
_MEMORY_FAILURES: dict[str, tuple[int, dt.datetime | None]] = {}
_MEMORY_LOCK = threading.Lock()
# Updates of one account's row from this process, one at a time (see sign_in).
_USER_ROWS = threading.Lock()


class AccountError(ValueError):
    """An account request that cannot be carried out; the message says why, in Chinese."""


class SignInFailed(Exception):
    """Sign-in refused. One message for every cause, so it never reveals whether an account exists."""

    def __init__(self) -> None:
        super().__init__(SIGN_IN_FAILED)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Checked against when the user name is unknown, so a wrong name takes as long as a wrong password.
    return _HASHER.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def _write(store: Store, sql: str, params: list) -> None:
    # Through Store.writing: a read-only or moved store gives its own clear error, and the write
    # is checkpointed into the file like every other.
    with store.writing() as cur:
        cur.execute(sql, params)


def _row_user(row: tuple) -> User:
    username, display_name, role, town_code = row
    return User.of_role(username, display_name, Role(role), town_code or "")


# -- administration ---------------------------------------------------------------------------


def _known_town(store: Store, district_code: str, town_code: str) -> bool:
    return not store.towns(Scope.town(district_code, town_code)).empty


def add_user(store: Store, auth: Auth, district_code: str, username: str, role: Role, password: str | None,
             *, town_code: str | None = None, display_name: str | None = None, by: str,
             password_hash: str | None = None) -> User:
    """Create an account; ``password_hash`` (an Argon2 hash) stands in for ``password`` when restoring."""
    town_code = town_code or ""
    problems = account_problems(username, role, town_code)
    if password_hash is None:
        problems += password_problems(username, password or "", auth.min_password_length)
    if town_code and not _known_town(store, district_code, town_code):
        problems.append(t("errors.accounts.unknown_town", town=town_code))
    if exists(store, username):
        problems.append(t("errors.accounts.exists", username=username))
    if problems:
        raise AccountError(t("text.clause_separator").join(problems))
    now = _now()
    _write(
        store, "INSERT INTO users (username, display_name, role, town_code, password_hash, created_at, "
        "password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [username, display_name or username, role.value, town_code or None,
         password_hash or hash_password(password or ""), now, now])
    store.audit(by, "user_add", Scope.district(district_code),
                {"username": username, "role": role.value, "town_code": town_code or None}, 1)
    return User.of_role(username, display_name or username, role, town_code)


def exists(store: Store, username: str) -> bool:
    return bool(store.cursor().execute("SELECT count(*) FROM users WHERE username = ?", [username]).fetchall()[0][0])


def list_users(store: Store) -> pd.DataFrame:
    """Every account with its state (never its hash), ordered by role then name."""
    return store.query(
        "SELECT username, display_name, role, town_code, disabled, failed_count, locked_until, "
        "created_at, password_changed_at, last_sign_in_at FROM users ORDER BY role, username")


def _require(store: Store, username: str) -> None:
    if not exists(store, username):
        raise AccountError(t("errors.accounts.no_user", username=username))


def set_disabled(store: Store, district_code: str, username: str, disabled: bool, *, by: str) -> None:
    """Disable (and sign out everywhere) or re-enable an account."""
    _require(store, username)
    if disabled and username == by:
        raise AccountError(t("errors.accounts.self_disable"))
    _write(store, "UPDATE users SET disabled = ? WHERE username = ?", [disabled, username])
    if disabled:
        end_user_sessions(store, username, "disabled")
    store.audit(by, "user_disable" if disabled else "user_enable", Scope.district(district_code),
                {"username": username}, 1)


def reset_password(store: Store, auth: Auth, district_code: str, username: str, password: str, *, by: str) -> None:
    """Set a new password, lift any lockout, and end the account's sessions."""
    _require(store, username)
    problems = password_problems(username, password, auth.min_password_length)
    if problems:
        raise AccountError(t("text.clause_separator").join(problems))
    _write(
        store, "UPDATE users SET password_hash = ?, password_changed_at = ?, failed_count = 0, locked_until = NULL "
        "WHERE username = ?", [hash_password(password), _now(), username])
    end_user_sessions(store, username, "password_reset")
    store.audit(by, "user_reset_password", Scope.district(district_code), {"username": username}, 1)


def unlock(store: Store, district_code: str, username: str, *, by: str) -> None:
    _require(store, username)
    _write(store, "UPDATE users SET failed_count = 0, locked_until = NULL WHERE username = ?", [username])
    store.audit(by, "user_unlock", Scope.district(district_code), {"username": username}, 1)


def create_demo_accounts(store: Store, cur: Cursor) -> None:
    """The demo's accounts, all with the published demo password; refused in a real store."""
    if store.get_meta("is_demo") == "false":
        raise AccountError(t("errors.accounts.demo_in_real"))
    cur.execute("DELETE FROM sessions")
    cur.execute("DELETE FROM users")
    now = _now()
    for username, role, town, name in DEMO_ACCOUNTS:
        cur.execute(
            "INSERT INTO users (username, display_name, role, town_code, password_hash, created_at, "
            "password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [username, name, role.value, town or None, hash_password(DEMO_PASSWORD), now, now])


# -- signing in -------------------------------------------------------------------------------


def sign_in(store: Store, auth: Auth, district_code: str, username: str, password: str,
            now: dt.datetime | None = None) -> User:
    """Check a user name and password; count failures and lock after ``auth.max_failures``.

    Raises :class:`SignInFailed` with one message for an unknown name, a wrong password, a
    disabled account and a locked one, so the form never tells which accounts exist.
    """
    now = now or _now()
    scope = Scope.district(district_code)
    rows = store.cursor().execute(
        "SELECT username, display_name, role, town_code, password_hash, disabled, failed_count, locked_until "
        "FROM users WHERE username = ?", [username]).fetchall()
    if not rows:
        _verify(_dummy_hash(), password)
        # Not the typed name itself: a password typed into the name field must not land in the log.
        _audit_if_possible(store, "?", "sign_in_failed", scope,
                           {"reason": "unknown_user", "name_sha256": _sha256(username)[:12]})
        raise SignInFailed()
    name, display, role, town, stored, disabled, failures, locked_until = rows[0]
    if store.read_only:
        with _MEMORY_LOCK:
            failures, memory_lock = _MEMORY_FAILURES.get(name, (0, None))
        locked_until = max(filter(None, (locked_until, memory_lock)), default=None)
    locked = locked_until is not None and locked_until > now
    good = _verify(stored, password)
    if disabled or locked or not good:
        reason = "disabled" if disabled else "locked" if locked else "wrong_password"
        if not good and not locked:
            until = now + dt.timedelta(minutes=auth.lockout_minutes)
            if store.read_only:
                failures += 1
                lock = until if failures >= auth.max_failures else None
                with _MEMORY_LOCK:
                    _MEMORY_FAILURES[name] = (0 if lock else failures, lock)
            else:
                # Counted in the statement, not from the row read above: two wrong passwords at
                # once must count twice, or parallel guessing would slip under the lockout.
                with _USER_ROWS, store.writing() as cur:
                    lock = cur.execute(
                        "UPDATE users SET locked_until = CASE WHEN failed_count + 1 >= ? THEN CAST(? AS TIMESTAMP) END, "
                        "failed_count = CASE WHEN failed_count + 1 >= ? THEN 0 ELSE failed_count + 1 END "
                        "WHERE username = ? RETURNING locked_until",
                        [auth.max_failures, until, auth.max_failures, name]).fetchall()[0][0]
            if lock:
                reason = "locked_now"
        _audit_if_possible(store, name, "sign_in_failed", scope, {"reason": reason})
        raise SignInFailed()
    if store.read_only:
        with _MEMORY_LOCK:
            _MEMORY_FAILURES.pop(name, None)
        return _row_user((name, display, role, town))
    # One process's sessions write these rows one at a time: the same account signed in from
    # several tabs at once made DuckDB refuse all but one update ("Conflict on update").
    with _USER_ROWS:
        if _HASHER.check_needs_rehash(stored):
            _write(store, "UPDATE users SET password_hash = ? WHERE username = ?", [hash_password(password), name])
        _write(store, "UPDATE users SET failed_count = 0, locked_until = NULL, last_sign_in_at = ? "
                               "WHERE username = ?", [now, name])
    return _row_user((name, display, role, town))


def _audit_if_possible(store: Store, user: str, action: str, scope: Scope, detail: dict) -> None:
    # A sign-in on a read-only store cannot be logged; the store's read-only state is already
    # shown on the form, and nothing audited can follow such a sign-in.
    if not store.read_only:
        store.audit(user, action, scope, detail)


def _verify(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class NewSession:
    """A started session: its server-side id, and the one-time ticket the browser trades for a cookie."""

    session_id: str
    ticket: str


def start_session(store: Store, user: User, scope: Scope, now: dt.datetime | None = None) -> NewSession:
    now = now or _now()
    session_id, ticket = secrets.token_hex(16), secrets.token_urlsafe(32)
    if store.read_only:
        with _MEMORY_LOCK:
            _MEMORY_SESSIONS[session_id] = (user.id, now, now, (user.id, user.name, user.role.value, user.town_code))
        return NewSession(session_id, ticket)
    _write(
        store, "INSERT INTO sessions (session_id, username, created_at, last_seen_at, scope, ticket_hash, "
        "ticket_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [session_id, user.id, now, now, scope.key(), _sha256(ticket), now + dt.timedelta(seconds=TICKET_SECONDS)])
    store.audit(user.id, "sign_in", scope, {"session": session_id[:8]})
    return NewSession(session_id, ticket)


def bind_cookie(store: Store, ticket: str, now: dt.datetime | None = None) -> str | None:
    """Trade a one-time ticket for the session's cookie value; None for an unknown or used ticket."""
    now = now or _now()
    if store.read_only:
        return None  # a session held in memory has no row a cookie could find again
    rows = store.cursor().execute(
        "SELECT session_id FROM sessions WHERE ticket_hash = ? AND ticket_expires_at >= ? AND ended_at IS NULL",
        [_sha256(ticket), now]).fetchall()
    if not rows:
        return None
    cookie = secrets.token_urlsafe(32)
    _write(
        store, "UPDATE sessions SET cookie_hash = ?, ticket_hash = NULL, ticket_expires_at = NULL WHERE session_id = ?",
        [_sha256(cookie), rows[0][0]])
    return cookie


def cookie_bound(store: Store, session_id: str) -> bool:
    if store.read_only:
        return True  # nothing to bind: stop asking the browser
    rows = store.cursor().execute("SELECT cookie_hash IS NOT NULL FROM sessions WHERE session_id = ?",
                                  [session_id]).fetchall()
    return bool(rows and rows[0][0])


def session_of_cookie(store: Store, cookie: str) -> str | None:
    """The open session a browser cookie belongs to (validity is checked by :func:`session_user`)."""
    if not cookie:
        return None
    rows = store.cursor().execute("SELECT session_id FROM sessions WHERE cookie_hash = ? AND ended_at IS NULL",
                                  [_sha256(cookie)]).fetchall()
    return rows[0][0] if rows else None


@dataclass(frozen=True)
class ActiveSession:
    """A session that is still valid: whose it is and the preferences it carries across reloads."""

    session_id: str
    user: User
    prefs: dict


def session_user(store: Store, auth: Auth, session_id: str, now: dt.datetime | None = None) -> ActiveSession | None:
    """The session's user if it is still open, not idle too long, not too old, and the account usable.

    Ends the session (with its reason) when one of those no longer holds. Refreshes the idle clock
    at most once a minute, so an ordinary rerun reads one row and writes none.
    """
    now = now or _now()
    with _MEMORY_LOCK:
        memory = _MEMORY_SESSIONS.get(session_id)
        if memory is not None:
            _, created, last_seen, row = memory
            if (now - last_seen > dt.timedelta(minutes=auth.idle_minutes)
                    or now - created > dt.timedelta(hours=auth.session_hours)):
                del _MEMORY_SESSIONS[session_id]
                return None
            _MEMORY_SESSIONS[session_id] = (memory[0], created, now, row)
            return ActiveSession(session_id, _row_user(row), {})
    rows = store.cursor().execute(
        """SELECT s.created_at, s.last_seen_at, s.ended_at, s.prefs, u.username, u.display_name, u.role,
                  u.town_code, u.disabled
           FROM sessions s JOIN users u USING (username) WHERE s.session_id = ?""", [session_id]).fetchall()
    if not rows:
        return None
    created, last_seen, ended, prefs, username, display, role, town, disabled = rows[0]
    if ended is not None:
        return None
    reason = ("disabled" if disabled else
              "idle" if now - last_seen > dt.timedelta(minutes=auth.idle_minutes) else
              "expired" if now - created > dt.timedelta(hours=auth.session_hours) else None)
    if reason:
        end_session(store, session_id, reason, now)
        return None
    if now - last_seen >= dt.timedelta(seconds=60):
        _quiet_update(store, "UPDATE sessions SET last_seen_at = ? WHERE session_id = ?", [now, session_id])
    return ActiveSession(session_id, _row_user((username, display, role, town)), json.loads(prefs or "{}"))


def _quiet_update(store: Store, sql: str, params: list) -> None:
    # Two tabs of one session may refresh the same row at once, and a store that turned read-only
    # still serves the sessions already open: losing one refresh is harmless either way.
    with contextlib.suppress(*store.engine.ConflictError, StoreError):
        _write(store, sql, params)


def save_prefs(store: Store, session_id: str, prefs: dict) -> None:
    """Remember the session's as-of and comparison dates, so a reload shows the same view."""
    _quiet_update(store, "UPDATE sessions SET prefs = ? WHERE session_id = ?",
                  [json.dumps(prefs, default=str, sort_keys=True), session_id])


def end_session(store: Store, session_id: str, reason: str, now: dt.datetime | None = None) -> None:
    with _MEMORY_LOCK:
        if _MEMORY_SESSIONS.pop(session_id, None) is not None:
            return
    rows = store.cursor().execute("SELECT username, scope FROM sessions WHERE session_id = ? AND ended_at IS NULL",
                                  [session_id]).fetchall()
    if not rows:
        return
    _write(
        store, "UPDATE sessions SET ended_at = ?, end_reason = ?, cookie_hash = NULL, ticket_hash = NULL "
        "WHERE session_id = ?", [now or _now(), reason, session_id])
    store.audit(rows[0][0], "sign_out" if reason == "sign_out" else "session_end", Scope.from_key(rows[0][1]),
                {"session": session_id[:8], "reason": reason})


def end_user_sessions(store: Store, username: str, reason: str) -> None:
    ids = [r[0] for r in store.cursor().execute(
        "SELECT session_id FROM sessions WHERE username = ? AND ended_at IS NULL", [username]).fetchall()]
    for session_id in ids:
        end_session(store, session_id, reason)
