"""`paicha db init`, `paicha backup` and `paicha restore`: creating, copying and restoring stores."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from cli.common import EXIT_OK, Handler, UsageError, db_path, emit, open_store
from data_loaders import backup as backups
from data_loaders.divisions import ensure_divisions
from data_loaders.store import Store, close_all
from paicha.config import Settings


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    return {"init": cmd_db_init}[args.db_command](args, settings)


def cmd_db_init(args: argparse.Namespace, settings: Settings) -> int:
    """An empty real store: the schema, the reference divisions and the marker is_demo=false."""
    path = db_path(args, settings)
    if path.exists():
        raise UsageError(f"数据库文件 {path} 已存在，不会覆盖。")
    store = Store.create(path, demo=False)
    ensure_divisions(store, settings.divisions_file)
    emit({"db": str(path), "is_demo": False, "divisions": store.count("divisions")})
    return EXIT_OK


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(args, settings)
    out = Path(args.out)
    if out.exists():
        raise UsageError(f"备份文件 {out} 已存在，不会覆盖。")
    info = backups.backup(store, out)
    emit({"db": str(store.path), "backup": str(info.path), "bytes": info.bytes,
          "households": info.households, "is_demo": info.is_demo})
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    target = db_path(args, settings)
    close_all()  # this process holds no file while it is replaced
    info = backups.restore(Path(args.file), target)
    emit({"db": str(info.path), "previous": str(info.previous) if info.previous else None,
          "households": info.households, "is_demo": info.is_demo})
    return EXIT_OK


def register(command: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    p = command("db", cmd_db, "数据库管理（db init：新建空的正式库）")
    sub = p.add_subparsers(dest="db_command", required=True)
    init = sub.add_parser("init", help="新建空的正式库（结构、参考区划、正式库标记）")
    # SUPPRESS: `paicha db --db X init` and `paicha db init --db X` both keep the path.
    init.add_argument("--db", default=argparse.SUPPRESS, help="数据库文件（默认取配置）")

    p = command("backup", cmd_backup, "备份数据库：由数据库引擎写出一致的副本")
    p.add_argument("--out", required=True, help="备份文件路径（不能已存在）")

    p = command("restore", cmd_restore, "从备份恢复：校验后整体替换，原库保留为带时间戳的 .bak")
    p.add_argument("file", metavar="FILE", help="paicha backup 或看板「备份数据库」写出的备份文件")
