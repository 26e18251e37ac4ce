"""Account and audit sub-commands for administrators on the server: `paicha user ...`, `paicha audit`."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    Handler,
    UsageError,
    emit,
    json_rows,
    open_store,
    parse_date,
)
from paicha.config import Settings
from paicha.text import t
from paicha.vocab import Role


def operator() -> str:
    """Who the audit log names for a command run on the server: the operating-system login."""
    return f"cli:{getpass.getuser()}"


def _password(args: argparse.Namespace) -> str:
    # Only from standard input: a password in the command line shows in the process list and
    # in the shell history.
    if not args.password_stdin:
        raise UsageError(t("cli.password_stdin"))
    return sys.stdin.readline().rstrip("\r\n")


def cmd_user(args: argparse.Namespace, settings: Settings) -> int:
    from data_loaders import accounts

    store = open_store(args, settings)
    by, district = operator(), settings.district_code
    try:
        if args.action == "add":
            user = accounts.add_user(store, settings.auth, district, args.name, Role(args.role), _password(args),
                                     town_code=args.town, display_name=args.display_name, by=by)
            emit({"username": user.id, "role": args.role, "town_code": user.town_code or None,
                  "display_name": user.name})
        elif args.action == "list":
            rows = json_rows(accounts.list_users(store))
            if args.json:
                emit(rows)
            else:
                for row in rows:
                    state = t("cli.user_disabled" if row["disabled"] else "cli.user_active")
                    town = row["town_code"] or t("cli.whole_district")
                    print(f"{row['username']}\t{Role(row['role']).label}\t{town}\t{state}")
        elif args.action in ("disable", "enable"):
            accounts.set_disabled(store, district, args.name, args.action == "disable", by=by)
            emit({"username": args.name, "disabled": args.action == "disable"})
        elif args.action == "unlock":
            accounts.unlock(store, district, args.name, by=by)
            emit({"username": args.name, "unlocked": True})
        else:
            accounts.reset_password(store, settings.auth, district, args.name, _password(args), by=by)
            emit({"username": args.name, "password_reset": True})
    except accounts.AccountError as exc:
        print(f"paicha: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    return EXIT_OK


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    import pandas as pd

    store = open_store(args, settings)
    entries = store.audit_entries(args.since, args.until, args.user, args.action)
    rows = json_rows(entries.assign(logged_at=entries["logged_at"].map(lambda v: pd.Timestamp(v).isoformat())))
    if args.json:
        emit(rows)
    else:
        for row in rows:
            print(f"{row['logged_at']}\t{row['user_name']}\t{row['action']}\t{row['scope']}\t{row['detail'] or ''}")
    return EXIT_OK


def register(command: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    """Add `user` and `audit` through cli.main's ``command`` helper."""
    p = command("user", cmd_user, t("cli.help.user"))
    actions = p.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help=t("cli.help.user_add"))
    add.add_argument("name", help=t("cli.help.user_name"))
    add.add_argument("--role", choices=[r.value for r in Role], required=True)
    add.add_argument("--town", help=t("cli.help.user_town"))
    add.add_argument("--display-name", help=t("cli.help.display_name"))
    add.add_argument("--password-stdin", action="store_true", help=t("cli.help.password_stdin"))
    listing = actions.add_parser("list", help=t("cli.help.user_list"))
    listing.add_argument("--json", action="store_true")
    for name, help_text in (("disable", t("cli.help.user_disable")), ("enable", t("cli.help.user_enable")),
                           ("unlock", t("cli.help.user_unlock"))):
        actions.add_parser(name, help=help_text).add_argument("name")
    reset = actions.add_parser("reset-password", help=t("cli.help.user_reset"))
    reset.add_argument("name")
    reset.add_argument("--password-stdin", action="store_true", help=t("cli.help.password_stdin"))
    for action in actions.choices.values():
        # `paicha user add NAME ... --db FILE` as well as `paicha user --db FILE add NAME ...`; SUPPRESS
        # keeps an absent option from overwriting the one given before the action.
        action.add_argument("--db", default=argparse.SUPPRESS, help=t("cli.help.db"))

    p = command("audit", cmd_audit, t("cli.help.audit"))
    p.add_argument("--since", type=parse_date, required=True, help=t("cli.help.since"))
    p.add_argument("--until", type=parse_date, help=t("cli.help.until"))
    p.add_argument("--user", help=t("cli.help.audit_user"))
    p.add_argument("--action", help=t("cli.help.audit_action"))
    p.add_argument("--json", action="store_true")
