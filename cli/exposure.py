"""`paicha exposure`: every village's map figures (progress, key households, exposure, hazards with indicators) as JSON."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from cli.common import EXIT_OK, Handler, checked_scope, emit, json_rows, open_store, parse_as_of
from paicha.config import Settings
from paicha.text import t
from paicha.vocab import HazardKind


def cmd_exposure(args: argparse.Namespace, settings: Settings) -> int:
    from data_loaders import exposure

    store = open_store(args, settings, read_only=True)
    scope = checked_scope(store, args, settings)
    kinds = tuple(args.kind) if args.kind else exposure.ALL_KINDS
    villages = exposure.village_measures(store, settings, scope, args.as_of, kinds)
    hazards = exposure.village_hazards(exposure.hazard_layers(store, scope, kinds))
    rows = json_rows(villages)
    for row in rows:
        row["hazards"] = hazards.get(row["village_code"], [])
    if args.json:
        emit(rows)
    else:
        for row in rows:
            print(f"{row['village_code']} {row['village_name']}: {row['screened']}/{row['households']} "
                  f"lag {row['lag']} key_not_home {row['key_not_home']} exposed {row['exposed']} "
                  f"exposed_unscreened {row['exposed_unscreened']} should_monitor {row['should_monitor']}")
    return EXIT_OK


def register(command: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    """Add `paicha exposure` through cli.main's ``command`` helper."""
    p = command("exposure", cmd_exposure, t("cli.help.exposure"))
    p.add_argument("--as-of", required=True, type=parse_as_of)
    p.add_argument("--kind", action="append", choices=[k.value for k in HazardKind],
                   help=t("cli.help.exposure_kind"))
    p.add_argument("--town", help=t("cli.help.progress_town"))
    p.add_argument("--json", action="store_true")
