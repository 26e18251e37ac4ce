"""`paicha households`: the household lists of 农户清单 as JSON (or lines), masked unless --unmask.

Whoever runs the command on the server can read the database file anyway, so it has the
district's scope; --town and --village are filters. ID numbers and phones stay masked unless
--unmask is given, and every list it prints writes an audit line under ``cli:<login name>``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from cli.common import (
    EXIT_OK,
    Handler,
    UsageError,
    emit,
    json_rows,
    open_store,
    parse_as_of,
    parse_date,
)
from cli.users import operator
from paicha.config import Settings
from paicha.scope import Scope
from paicha.text import t
from paicha.vocab import (
    ANY,
    HazardKind,
    HouseholdList,
    KeyGroup,
    MonitoringRule,
    ScreeningMethod,
    ScreeningResult,
)

if TYPE_CHECKING:  # the lists' modules load pandas and DuckDB: cmd_households imports them when it runs
    from data_loaders.store import Store
    from paicha.household_lists import ListFilters

HOUSEHOLD_FIELDS = ["priority", "household_id", "town_code", "village_code", "village_name", "address", "head_name",
                    "head_id_number", "phone", "members", "per_capita_income", "monitor_type", "first_on",
                    "last_method", "key_not_home", "days_left"]

# Far beyond any province's households, and inside DuckDB's BIGINT: a larger offset is a typo.
MAX_OFFSET = 100_000_000


def _filters(args: argparse.Namespace, store: Store, scope: Scope) -> ListFilters:
    from paicha.household_lists import ListFilters

    places = store.divisions(scope)
    if args.town and args.town not in set(places["town_code"]):
        raise UsageError(t("cli.unknown_town", town=args.town))
    if args.village:
        town_of = dict(zip(places["village_code"], places["town_code"], strict=True))
        if args.village not in town_of:
            raise UsageError(t("cli.unknown_village", village=args.village))
        if args.town and town_of[args.village] != args.town:
            raise UsageError(t("cli.village_not_in_town", village=args.village, town=args.town))
    return ListFilters(
        town_code=args.town, village_code=args.village, key_group=args.key_group, hazard=args.hazard,
        rule=MonitoringRule(args.rule) if args.rule else None,
        method=ScreeningMethod(args.method) if args.method else None,
        result=ScreeningResult(args.result) if args.result else None,
        screened_from=args.screened_from, screened_to=args.screened_to)


def _household(row: dict) -> dict:
    out = {k: row.get(k) for k in HOUSEHOLD_FIELDS}
    out["first_screened_on"] = out.pop("first_on")
    out["key_groups"] = [g.value for g in KeyGroup if bool(row.get(g.column))]
    out["rules"] = list(row["rules"])
    out["reasons"] = [{"rule": code, "text": text} for code, text in row["reasons"]]
    out["reason"] = row["reason"]
    out["methods"] = row["methods"].split(",") if isinstance(row.get("methods"), str) else []
    out["hazards"] = sorted({str(pair[0]) for pair in row["hazards"]}) if row.get("hazards") is not None else []
    return out


def cmd_households(args: argparse.Namespace, settings: Settings) -> int:
    from data_loaders import households, reports
    from data_loaders.household_exports import EXPORT_LIMIT
    from paicha.household_lists import ListRequest, days_left

    if not 1 <= args.limit <= EXPORT_LIMIT or not 0 <= args.offset <= MAX_OFFSET:
        raise UsageError(t("cli.households_limit", limit=EXPORT_LIMIT, offset=f"{MAX_OFFSET:,}"))
    store = open_store(args, settings)
    scope = Scope.district(settings.district_code)
    filters = _filters(args, store, scope)
    which = HouseholdList(args.list)
    counts = households.counts(store, settings, scope, args.as_of, filters)
    total = counts.of(which.value)
    payload = {"list": which.value, "as_of": args.as_of, "total": total, "offset": args.offset,
               "limit": args.limit, "masked": not args.unmask, "filters": filters.as_dict()}
    if which is HouseholdList.zero_monitoring_villages:
        frame = households.zero_monitoring_villages(store, settings, scope, args.as_of, filters, args.limit,
                                                    args.offset)
        rows = json_rows(frame)
        payload["villages"] = rows
        ids: list[str] = []
    else:
        left = days_left(reports.progress_table(store, settings, scope, args.as_of, "village"), args.as_of)
        frame = households.household_page(store, settings, scope, args.as_of, ListRequest(which, filters), left,
                                          args.limit, args.offset, unmasked=args.unmask)
        rows = [_household(r) for r in frame.to_dict("records")]
        rows = json_rows_of(rows)
        payload["households"] = rows
        ids = [r["household_id"] for r in rows]
    detail = {"list": which.value, "as_of": args.as_of, "filters": filters.as_dict(), "limit": args.limit,
              "offset": args.offset, "total": total}
    if args.unmask:
        detail["household_ids"] = ids  # what was shown in full, as the pages' unmask lines say
    store.audit(operator(), "cli_household_list", scope, detail, len(rows), masked=not args.unmask)
    if args.json:
        emit(payload)
    else:
        for row in rows:
            if "reason" in row:
                print(f"{row['priority']}\t{row['household_id']}\t{row['village_name']}\t{row['head_name']}\t"
                      f"{row['reason']}")
            else:
                print(f"{row['village_code']}\t{row['village_name']}\t{row['households']}\t{row['candidates']}")
        print(f"{which.label}: {total}")
    return EXIT_OK


def json_rows_of(rows: list[dict]) -> list[dict]:
    """Missing values (NaN, NaT) as null in rows already made of plain values and lists."""
    import pandas as pd

    def plain(value: object) -> object:
        if isinstance(value, list | dict | str):
            return value
        return None if value is None or pd.isna(value) else value

    return [{k: plain(v) for k, v in row.items()} for row in rows]


def register(command: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    """Add `households` through cli.main's ``command`` helper."""
    p = command("households", cmd_households, t("cli.help.households"))
    p.add_argument("--as-of", type=parse_as_of, required=True)
    p.add_argument("--list", choices=[w.value for w in HouseholdList], required=True)
    p.add_argument("--town", help=t("cli.help.households_town"))
    p.add_argument("--village", help=t("cli.help.households_village"))
    p.add_argument("--rule", choices=[r.value for r in MonitoringRule], help=t("cli.help.households_rule"))
    p.add_argument("--key-group", choices=[ANY, *KeyGroup.labels()], help=t("cli.help.households_key_group"))
    p.add_argument("--hazard", choices=[ANY, *HazardKind.labels()], help=t("cli.help.households_hazard"))
    p.add_argument("--method", choices=[m.value for m in ScreeningMethod], help=t("cli.help.households_method"))
    p.add_argument("--result", choices=[r.value for r in ScreeningResult], help=t("cli.help.households_result"))
    p.add_argument("--screened-from", type=parse_date, help=t("cli.help.households_screened_from"))
    p.add_argument("--screened-to", type=parse_date, help=t("cli.help.households_screened_to"))
    p.add_argument("--limit", type=int, default=50, help=t("cli.help.households_limit"))
    p.add_argument("--offset", type=int, default=0, help=t("cli.help.households_offset"))
    p.add_argument("--unmask", action="store_true", help=t("cli.help.households_unmask"))
    p.add_argument("--json", action="store_true")
