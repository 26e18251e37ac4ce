"""Parses `paicha` sub-commands and prints JSON; exit 0 on success, 1 on rejected data, 2 on usage."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from cli import db, households, spot_checks, users
from cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_USAGE,
    Handler,
    UsageError,
    checked_scope,
    emit,
    open_store,
    parse_as_of,
)
from data_loaders.store import Store, StoreError
from paicha.calendar import CalendarRangeError
from paicha.config import Settings, load_settings

DEMO_NAME = "demo.duckdb"


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Create the demo store marked demo, or rebuild an existing demo store; a real one is refused."""
    from data_loaders.demo import build_demo

    # Without --db the demo lives beside the configured store, never at its path: that name is
    # kept for real data (`paicha db init`).
    path = Path(args.db) if args.db else settings.db_path.with_name(DEMO_NAME)
    store = Store(path, read_only=False) if path.exists() else Store.create(path, demo=True)
    summary = build_demo(store, settings, households=args.households, seed=args.seed)
    emit({"db": str(store.path), "households": summary.households, "screenings": summary.screenings,
          "villages": summary.villages, "key_households": summary.key_households,
          "seconds": round(summary.seconds, 2)})
    return EXIT_OK


def cmd_progress(args: argparse.Namespace, settings: Settings) -> int:
    from data_loaders.reports import progress_table

    store = open_store(args, settings)
    scope = checked_scope(store, args, settings)
    table = progress_table(store, settings, scope, args.as_of, args.level)
    rows = table.drop(columns=["parent_code", "screened_pct", "key_pct"]).to_dict(orient="records")
    # Missing dates arrive as NaT/NaN; JSON says null.
    rows = [{k: None if not isinstance(v, str) and pd.isna(v) else v for k, v in row.items()} for row in rows]
    if args.json:
        emit(rows)
    else:
        for row in rows:
            print(f"{row['code']} {row['name']}: {row['screened']}/{row['households']} "
                  f"应完成 {row['expected']} 状态 {row['status']}")
    return EXIT_OK


def _progress(message: str) -> None:
    # stderr, flushed: stdout carries the JSON report, and an operator (or a supervising
    # script) sees when writing starts.
    print(f"paicha: {message}", file=sys.stderr, flush=True)


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from data_loaders.importing import ImportKind, import_files

    files = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            raise UsageError(f"文件不存在: {path}")
        files.append((path.name, path.read_bytes()))
    store = open_store(args, settings)
    kind = ImportKind(args.kind) if args.kind else None
    report = import_files(store, files, settings=settings, user=args.user, kind=kind, dry_run=args.dry_run,
                          confirm_moves=args.confirm_moves, confirm_id_changes=args.confirm_id_changes,
                          progress=_progress)
    if args.json:
        emit(report.as_dict())
    else:
        for issue in report.errors:
            print(f"{issue.file} {issue.sheet} 第{issue.row}行 {issue.column}: {issue.message}（值: {issue.value}）")
        for line in change_lines(report):
            print(line)
        print(f"{'通过' if report.ok else '未通过'}: {report.rows} 行, 新增 {report.new}, 变更 {report.changed}, "
              f"未变 {report.unchanged}, {'已写入' if report.applied else '未写入'}")
    return EXIT_OK if report.ok else EXIT_REJECTED


def change_lines(report) -> list[str]:
    """Moves and ID-number changes, one line each, then what confirms them."""
    lines = [f"迁移 {m.household_id}（{m.file} 第{m.row}行）: {m.old_place} → {m.new_place}" for m in report.moves]
    lines += [f"更换证件号码 {m.household_id}（{m.file} 第{m.row}行）: {m.old_id_number} → {m.new_id_number}"
              for m in report.id_changes]
    if report.moves and not report.moves_confirmed:
        lines.append(f"共 {len(report.moves)} 户将迁到其他乡镇或村：确属迁移请加 --confirm-moves {len(report.moves)} 重新导入。")
    if report.id_changes and not report.id_changes_confirmed:
        lines.append(f"共 {len(report.id_changes)} 户的户主证件号码将被更换：确属更正请加 "
                     f"--confirm-id-changes {len(report.id_changes)} 重新导入。")
    return lines


def cmd_template(args: argparse.Namespace, settings: Settings) -> int:
    from data_loaders.importing import ImportKind, template_bytes

    kind = ImportKind(args.kind)
    if not kind.is_tabular:
        raise UsageError(f"{kind.label} 没有 Excel 模板（请导入 GeoJSON 或 Shapefile）")
    out = Path(args.out or f"{kind.label}导入模板.xlsx")
    out.write_bytes(template_bytes(kind))
    emit({"kind": kind.value, "file": str(out)})
    return EXIT_OK


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    parser = argparse.ArgumentParser(prog="paicha", description="排查看板命令行")
    parser.add_argument("--config", help="配置文件路径（默认使用随程序安装的配置；也可设环境变量 PAICHA_CONFIG）")
    sub = parser.add_subparsers(dest="command", required=True)
    handlers: dict[str, Handler] = {}

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--db", help="数据库文件（默认取配置）")
        handlers[name] = handler
        return p

    p = command("demo", cmd_demo, "生成演示数据库（标记为演示库；默认写在配置的数据库旁，名为 demo.duckdb）")
    p.add_argument("--households", type=int, default=None)
    p.add_argument("--seed", type=int, default=None)

    p = command("progress", cmd_progress, "输出进度")
    p.add_argument("--as-of", type=parse_as_of, required=True)
    p.add_argument("--level", choices=["district", "town", "village"], default="town")
    p.add_argument("--town", help="只看一个乡镇（12位代码）")
    p.add_argument("--json", action="store_true")

    kinds = ["households", "screenings", "key_groups", "milestones", "hazards"]
    p = command("import", cmd_import, "导入数据文件（全部通过才写入）")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--kind", choices=kinds, help="不填则按表头识别")
    p.add_argument("--dry-run", action="store_true", help="只校验并统计新增/变更/未变，不写入")
    p.add_argument("--confirm-moves", type=int, default=0, metavar="N",
                   help="确认本次有 N 户迁到其他乡镇或村（须等于校验报告列出的户数）")
    p.add_argument("--confirm-id-changes", type=int, default=0, metavar="N",
                   help="确认本次有 N 户更换户主证件号码（须等于校验报告列出的户数）")
    p.add_argument("--user", default="cli", help="记入导入日志的用户名")
    p.add_argument("--json", action="store_true")

    p = command("template", cmd_template, "生成导入模板（Excel）")
    p.add_argument("kind", choices=kinds[:4])
    p.add_argument("--out", help="输出文件路径")

    spot_checks.register(command)
    users.register(command)
    db.register(command)
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
