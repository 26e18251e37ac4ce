"""The progress sub-commands: `paicha progress` (units or screeners, changes since a date) and `paicha changes`."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable

from cli.common import EXIT_OK, Handler, checked_scope, emit, json_rows, open_store, parse_as_of
from paicha.config import Settings
from paicha.text import t
from paicha.vocab import Level

UNIT_LEVELS = [*(level.value for level in Level), "screener"]
# Internal helpers of the figures, not part of the printed record.
HIDDEN = ["parent_code", "screened_pct", "key_pct", "pause_ongoing"]


def _unit_rows(table) -> list[dict]:
    table = table.drop(columns=[c for c in HIDDEN if c in table.columns])
    if "reasons" in table.columns:
        table = table.assign(reasons=[[r.as_dict() for r in found] for found in table["reasons"]])
    return json_rows(table)


def _screener_rows(table) -> list[dict]:
    table = table.assign(over_limit_days=[[d.isoformat() for d in days] for days in table["over_limit_days"]])
    return json_rows(table)


def cmd_progress(args: argparse.Namespace, settings: Settings) -> int:
    from data_loaders import reports

    store = open_store(args, settings)
    scope = checked_scope(store, args, settings)
    if args.level == "screener":
        table = reports.screener_table(store, settings, scope, args.as_of, args.since, unmasked=args.unmask)
        rows = _screener_rows(table)
        if args.unmask:
            # Staff names leave the server unmasked: written down like an unmasked export.
            store.audit(f"cli:{getpass.getuser()}", "export_screeners", scope,
                        {"as_of": args.as_of, "since": args.since, "via": "cli"}, len(rows), masked=False)
    else:
        rows = _unit_rows(reports.progress_table(store, settings, scope, args.as_of, args.level, args.since))
    if args.json:
        emit(rows)
    else:
        line = "cli.screener_line" if args.level == "screener" else "cli.progress_line"
        for row in rows:
            print(t(line, **row))
    return EXIT_OK


def cmd_changes(args: argparse.Namespace, settings: Settings) -> int:
    from data_loaders import reports

    store = open_store(args, settings)
    scope = checked_scope(store, args, settings)
    changes = reports.changes(store, settings, scope, args.as_of, args.since)
    units = json_rows(changes[["code", "name", "level", "screened_delta", "key_home_delta", "leaflet_delta",
                               "confirmed_delta", "status_before", "status_after", "transition"]])
    if args.json:
        emit({"as_of": args.as_of, "since": args.since, "units": units})
    else:
        for unit in units:
            print(t("cli.change_line", **unit))
    return EXIT_OK


def register(command: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    """Add the progress sub-commands through cli.main's ``command`` helper."""
    p = command("progress", cmd_progress, t("cli.help.progress"))
    p.add_argument("--as-of", type=parse_as_of, required=True)
    p.add_argument("--since", type=parse_as_of, help=t("cli.help.progress_since"))
    p.add_argument("--level", choices=UNIT_LEVELS, default="town")
    p.add_argument("--town", help=t("cli.help.progress_town"))
    p.add_argument("--unmask", action="store_true", help=t("cli.help.progress_unmask"))
    p.add_argument("--json", action="store_true")

    p = command("changes", cmd_changes, t("cli.help.changes"))
    p.add_argument("--as-of", type=parse_as_of, required=True)
    p.add_argument("--since", type=parse_as_of, required=True, help=t("cli.help.progress_since"))
    p.add_argument("--town", help=t("cli.help.progress_town"))
    p.add_argument("--json", action="store_true")
