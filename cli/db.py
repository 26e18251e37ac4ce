"""`paicha db init`, `paicha backup` and `paicha restore`: creating, copying and restoring stores."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from cli.common import EXIT_OK, Handler, UsageError, db_path, emit, open_store
from paicha.config import Settings, is_server_url
from paicha.text import t


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    return {"init": cmd_db_init, "migrate": cmd_db_migrate}[args.db_command](args, settings)


def cmd_db_init(args: argparse.Namespace, settings: Settings) -> int:
    """An empty real store: the schema, the reference divisions and the marker is_demo=false."""
    from data_loaders.divisions import ensure_divisions
    from data_loaders.store import Store, store_exists

    path = db_path(args, settings)
    if store_exists(path):
        raise UsageError(t("errors.store.exists", path=path))
    store = Store.create(path, demo=False)
    ensure_divisions(store, settings.divisions_file)
    emit({"db": str(path), "is_demo": False, "divisions": store.count("divisions")})
    return EXIT_OK


def cmd_db_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Bring the store to this program's schema: each numbered migration after its version, once."""
    from data_loaders.store import SCHEMA_VERSION, Store, read_schema_version, store_exists

    path = db_path(args, settings)
    if not store_exists(path):
        raise UsageError(t("cli.no_db", path=path))
    before = read_schema_version(path)
    store = Store(path, read_only=False, memory_limit=settings.store_memory_limit)  # opening upgrades
    emit({"db": str(store.path), "schema_version_before": before, "schema_version": store.schema_version(),
          "supported": SCHEMA_VERSION})
    return EXIT_OK


def _shown(target: Path | str) -> str:
    """A store's file, or its server's address without the password."""
    if is_server_url(target):
        from data_loaders.engines import postgres

        return postgres.display(str(target))
    return str(target)


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    """A file store: copied by DuckDB. A server's: pg_dump of its database, while the
    dashboards keep using it.
    """
    from data_loaders import backup as backups

    store = open_store(args, settings)
    out = Path(args.out)
    if out.exists():
        raise UsageError(t("errors.backup.exists", path=out))
    info = backups.backup(store, out)
    emit({"db": _shown(store.path), "backup": str(info.path), "bytes": info.bytes,
          "households": info.households, "is_demo": info.is_demo})
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    """A file store: replaced by the checked backup. A server's database: restored into, only
    when it holds no store yet.
    """
    from data_loaders import backup as backups
    from data_loaders.store import close_all

    target = db_path(args, settings)
    close_all()  # this process holds no file while it is replaced
    info = backups.restore(Path(args.file), target)
    emit({"db": _shown(info.path), "previous": str(info.previous) if info.previous else None,
          "households": info.households, "is_demo": info.is_demo})
    return EXIT_OK


def register(command: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    p = command("db", cmd_db, t("cli.help.db_admin"))
    sub = p.add_subparsers(dest="db_command", required=True)
    init = sub.add_parser("init", help=t("cli.help.db_init"))
    # SUPPRESS: `paicha db --db X init` and `paicha db init --db X` both keep the path.
    init.add_argument("--db", default=argparse.SUPPRESS, help=t("cli.help.db"))
    migrate = sub.add_parser("migrate", help=t("cli.help.db_migrate"))
    migrate.add_argument("--db", default=argparse.SUPPRESS, help=t("cli.help.db"))

    p = command("backup", cmd_backup, t("cli.help.backup"))
    p.add_argument("--out", required=True, help=t("cli.help.backup_out"))

    p = command("restore", cmd_restore, t("cli.help.restore"))
    p.add_argument("file", metavar="FILE", help=t("cli.help.restore_file"))
