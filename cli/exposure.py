"""`paicha exposure`: every village's map figures (progress, key households, exposure, hazards with indicators) as JSON."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from cli.common import EXIT_OK, Handler, checked_scope, emit, json_rows, open_store, parse_as_of
from data_loaders import exposure
from paicha.config import Settings
from paicha.vocab import HazardKind


def cmd_exposure(args: argparse.Namespace, settings: Settings) -> int:
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
                  f"exposed_unscreened {row['exposed_unscreened']}")
    return EXIT_OK


def register(command: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    """Add `paicha exposure` through cli.main's ``command`` helper."""
    p = command("exposure", cmd_exposure, "输出风险地图各村数字：进度、重点户未入户、风险区内农户、各村风险及指标")
    p.add_argument("--as-of", required=True, type=parse_as_of)
    p.add_argument("--kind", action="append", choices=[k.value for k in HazardKind],
                   help="计入风险区的风险类型（可重复；默认全部五类）")
    p.add_argument("--town", help="只看一个乡镇（12位代码）")
    p.add_argument("--json", action="store_true")
