"""Account and audit sub-commands for administrators on the server: `paicha user ...`, `paicha audit`."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

import pandas as pd

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
from data_loaders import accounts
from paicha.config import Settings
from paicha.vocab import Role


def operator() -> str:
    """Who the audit log names for a command run on the server: the operating-system login."""
    return f"cli:{getpass.getuser()}"


def _password(args: argparse.Namespace) -> str:
    # Only from standard input: a password in the command line shows in the process list and
    # in the shell history.
    if not args.password_stdin:
        raise UsageError("请用 --password-stdin 从标准输入提供密码（不要写在命令行上）")
    return sys.stdin.readline().rstrip("\r\n")


def cmd_user(args: argparse.Namespace, settings: Settings) -> int:
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
                    state = "停用" if row["disabled"] else "正常"
                    print(f"{row['username']}\t{Role(row['role']).label}\t{row['town_code'] or '全区'}\t{state}")
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
    p = command("user", cmd_user, "账号管理（管理员在服务器上使用）")
    actions = p.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="新建账号")
    add.add_argument("name", help="用户名（英文字母、数字、- 和 _）")
    add.add_argument("--role", choices=[r.value for r in Role], required=True)
    add.add_argument("--town", help="所属乡镇（12位代码）：镇街督导必填")
    add.add_argument("--display-name", help="显示名称")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    listing = actions.add_parser("list", help="列出账号")
    listing.add_argument("--json", action="store_true")
    for name, help_text in (("disable", "停用账号并结束其会话"), ("enable", "重新启用账号"), ("unlock", "解除登录锁定")):
        actions.add_parser(name, help=help_text).add_argument("name")
    reset = actions.add_parser("reset-password", help="重设密码并结束其会话")
    reset.add_argument("name")
    reset.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    for action in actions.choices.values():
        # `paicha user add NAME ... --db FILE` as well as `paicha user --db FILE add NAME ...`; SUPPRESS
        # keeps an absent option from overwriting the one given before the action.
        action.add_argument("--db", default=argparse.SUPPRESS, help="数据库文件（默认取配置）")

    p = command("audit", cmd_audit, "查询审计日志")
    p.add_argument("--since", type=parse_date, required=True, help="起始日期（含）")
    p.add_argument("--until", type=parse_date, help="截止日期（含）")
    p.add_argument("--user", help="只看一个用户")
    p.add_argument("--action", help="只看一种操作")
    p.add_argument("--json", action="store_true")
