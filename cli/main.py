"""Parses `paicha` sub-commands and prints JSON; exit 0 on success, 1 on rejected data, 2 on usage."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cli import db, exposure, households, progress, report, spot_checks, users
from cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_USAGE,
    Handler,
    UsageError,
    db_path,
    emit,
    open_store,
)
from data_loaders.store_errors import StoreError
from paicha.calendar import CalendarRangeError
from paicha.config import Settings, is_server_url, load_settings
from paicha.text import t

DEMO_NAME = "demo.duckdb"


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Create the demo store marked demo, or rebuild an existing demo store; a real one is refused."""
    from data_loaders.demo import build_demo
    from data_loaders.store import Store, store_exists

    # Without --db the demo lives beside the configured store, never at its path: that name is
    # kept for real data (`paicha db init`).
    if args.db:
        path = db_path(args, settings)
    elif is_server_url(settings.db_path):
        path = settings.db_path  # a server database is named for what it holds by its owner
    else:
        path = settings.db_path.with_name(DEMO_NAME)
    limit = settings.store_memory_limit
    store = (Store(path, read_only=False, memory_limit=limit) if store_exists(path)
             else Store.create(path, demo=True, memory_limit=limit))
    summary = build_demo(store, settings, households=args.households, seed=args.seed)
    emit({"db": str(store.path), "households": summary.households, "screenings": summary.screenings,
          "villages": summary.villages, "key_households": summary.key_households,
          "seconds": round(summary.seconds, 2)})
    return EXIT_OK


def _progress(message: str) -> None:
    # stderr, flushed: stdout carries the JSON report, and an operator (or a supervising
    # script) sees when writing starts.
    print(f"paicha: {message}", file=sys.stderr, flush=True)


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from data_loaders.workbook import read_in_background

    files = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            raise UsageError(t("cli.file_missing", path=path))
        files.append((path.name, path.read_bytes()))
    # The workbooks are parsed while the import's libraries (pandas, pandera: a second or more)
    # load, instead of after them.
    # Not a file the import refuses for its size: that one is never parsed.
    limit = settings.max_upload_mb * 1024 * 1024
    pending = [read_in_background(content) if len(content) <= limit else None for _, content in files]
    from data_loaders.importing import ImportKind, import_files
    from data_loaders.importing.service import prepare

    store = open_store(args, settings)
    kind = ImportKind(args.kind) if args.kind else None
    report = import_files(store, files, settings=settings, user=args.user, kind=kind, dry_run=args.dry_run,
                          confirm_moves=args.confirm_moves, confirm_id_changes=args.confirm_id_changes,
                          progress=_progress, prepared=prepare(files, settings, kind, pending))
    if args.json:
        emit(report.as_dict())
    else:
        for issue in report.errors:
            print(t("cli.import_issue", file=issue.file, sheet=issue.sheet, row=issue.row, column=issue.column,
                    message=issue.message, value=issue.value))
        for line in change_lines(report):
            print(line)
        print(t("cli.import_summary", outcome=t("cli.import_passed" if report.ok else "cli.import_failed"),
                rows=report.rows, new=report.new, changed=report.changed, unchanged=report.unchanged,
                applied=t("cli.import_applied" if report.applied else "cli.import_not_applied")))
    return EXIT_OK if report.ok else EXIT_REJECTED


def change_lines(report) -> list[str]:
    """Moves and ID-number changes, one line each, then what confirms them."""
    lines = [t("cli.move_line", household=m.household_id, file=m.file, row=m.row, old=m.old_place, new=m.new_place)
             for m in report.moves]
    lines += [t("cli.id_change_line", household=m.household_id, file=m.file, row=m.row, old=m.old_id_number,
                new=m.new_id_number) for m in report.id_changes]
    if report.moves and not report.moves_confirmed:
        lines.append(t("cli.confirm_moves", n=len(report.moves)))
    if report.id_changes and not report.id_changes_confirmed:
        lines.append(t("cli.confirm_id_changes", n=len(report.id_changes)))
    return lines


def cmd_template(args: argparse.Namespace, settings: Settings) -> int:
    from data_loaders.importing import ImportKind, template_bytes

    kind = ImportKind(args.kind)
    if not kind.is_tabular:
        raise UsageError(t("cli.no_template", kind=kind.label))
    out = Path(args.out or t("import.term.template_file", kind=kind.label))
    out.write_bytes(template_bytes(kind))
    emit({"kind": kind.value, "file": str(out)})
    return EXIT_OK


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    parser = argparse.ArgumentParser(prog="paicha", description=t("cli.help.prog"))
    parser.add_argument("--config", help=t("cli.help.config"))
    sub = parser.add_subparsers(dest="command", required=True)
    handlers: dict[str, Handler] = {}

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--db", help=t("cli.help.db"))
        handlers[name] = handler
        return p

    p = command("demo", cmd_demo, t("cli.help.demo"))
    p.add_argument("--households", type=int, default=None)
    p.add_argument("--seed", type=int, default=None)

    kinds = ["households", "screenings", "key_groups", "milestones", "hazards"]
    p = command("import", cmd_import, t("cli.help.import"))
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--kind", choices=kinds, help=t("cli.help.import_kind"))
    p.add_argument("--dry-run", action="store_true", help=t("cli.help.dry_run"))
    p.add_argument("--confirm-moves", type=int, default=0, metavar="N",
                   help=t("cli.help.confirm_moves"))
    p.add_argument("--confirm-id-changes", type=int, default=0, metavar="N",
                   help=t("cli.help.confirm_id_changes"))
    p.add_argument("--user", default="cli", help=t("cli.help.import_user"))
    p.add_argument("--json", action="store_true")

    p = command("template", cmd_template, t("cli.help.template"))
    p.add_argument("kind", choices=kinds[:4])
    p.add_argument("--out", help=t("cli.help.template_out"))

    progress.register(command)
    spot_checks.register(command)
    exposure.register(command)
    users.register(command)
    db.register(command)
    report.register(command)
    households.register(command)
    return parser, handlers


def main(argv: Sequence[str] | None = None) -> int:
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    settings = load_settings(Path(args.config) if args.config else None)
    try:
        return handlers[args.command](args, settings)
    except (UsageError, CalendarRangeError, StoreError, PermissionError) as exc:
        print(f"paicha: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
