"""Benchmark: 农户清单's lists at district and province size, against one SQL statement per page.

For each list (and a few filters) it times what the page runs on a first visit — the counts of
every list (one statement), the page of 50 rows in priority order, the look-ups of the shown
rows (names, identifiers, methods, zones) and the reasons assembled in Python — and, as the
yardstick, the same 50 rows fetched by one statement (rules, order, look-ups and all, no count,
no Python). ``ratio`` = (counts + page) / single; ``paging_ratio`` is a page flip (counts
cached); ``topn_s`` is the ordering step alone. Best of ``--repeat`` warm runs (on a shared
machine the fastest run is the least disturbed one); each size in its own process. Not a test:
figures vary with the machine.

    uv run python benchmarks/households.py [--sizes 18000 5000000] [--keep DIR] [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import child, print_row  # noqa: E402  (after the path above)

AS_OF = dt.date(2024, 9, 12)
PAGE = 50


def timed(run, repeat: int) -> tuple[float, object]:
    result = run()  # warm: the first run reads the file into DuckDB's buffers
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    return min(times), result


def single_statement(store, settings, scope, request, left, offset: int):
    """The page's 50 rows, ordered, with names and identifiers, in one statement: the yardstick."""
    from data_loaders import households as H

    p = H._Params()
    base = H._base(p, scope, request.filters, H.cutoffs_of(settings, AS_OF))
    order = H.QUALIFIED.sub(r"m.\1", H.ORDER)
    return store.query(f"""
        WITH {base}, {H._days_left_cte(p, left)},
        top AS (SELECT m.*, dl.days_left FROM m LEFT JOIN dl USING (village_code)
                WHERE matches AND {H.LIST_CONDITIONS[request.which.value]}
                ORDER BY {H.ORDER} LIMIT {p(PAGE)} OFFSET {p(offset)})
        SELECT m.household_id, m.history, m.zones, m.rules_fired, h.head_name, h.head_id_number, h.phone,
               h.address, d.village_name
        FROM top m JOIN households h USING (household_id) JOIN divisions d ON d.village_code = m.village_code
        ORDER BY {order}
    """, p.values)


def top_n(store, settings, scope, request, left, offset: int):
    """The page's 50 rows in order from the facts alone (no names): what any page must at least do."""
    from data_loaders import households as H

    return H.ordered_households(store, settings, scope, AS_OF, request, left, PAGE, offset)


def cases(settings):
    from paicha.household_lists import ListFilters
    from paicha.scope import Scope
    from paicha.vocab import HouseholdList, MonitoringRule

    district = Scope.district(settings.district_code)
    town = Scope.town(settings.district_code, "210311104000")
    lists = list(HouseholdList)
    out = [(f"district/{w.value}", district, w, ListFilters(), 0) for w in lists]
    out += [(f"town/{w.value}", town, w, ListFilters(), 0) for w in lists]
    out += [("district/unscreened page 21", district, HouseholdList.unscreened, ListFilters(), 1000),
            ("district/should_monitor rule=spending_shock", district, HouseholdList.should_monitor,
             ListFilters(rule=MonitoringRule.spending_shock), 0),
            ("district/key_not_home hazard=any", district, HouseholdList.key_not_home, ListFilters(hazard="any"), 0)]
    return out


def one_size(households: int, db: Path, repeat: int) -> list[dict]:
    from data_loaders import store as store_module
    from data_loaders.demo import build_demo
    from data_loaders.store import Store
    from paicha.config import load_settings

    settings = load_settings()
    if not db.exists():
        build_demo(Store.create(db, demo=True), settings, households=households)
        store_module.close_all()
    store = Store(db, read_only=True)
    return [one_case(store, settings, households, repeat, *case) for case in cases(settings)]


def one_case(store, settings, households: int, repeat: int, name, scope, which, filters, offset) -> dict:
    from data_loaders import households as H
    from data_loaders import reports
    from paicha.household_lists import ListRequest, days_left
    from paicha.vocab import HouseholdList

    left_s, left = timed(lambda: days_left(reports.progress_table(store, settings, scope, AS_OF, "village"), AS_OF),
                         repeat)
    counts_s, counts = timed(lambda: H.counts(store, settings, scope, AS_OF, filters), repeat)
    request = ListRequest(which, filters)
    if which is HouseholdList.zero_monitoring_villages:
        # The village list is one statement already; with the count it is two.
        page_s, page = timed(lambda: H.zero_monitoring_villages(store, settings, scope, AS_OF, filters, PAGE, offset),
                             repeat)
        single_s = topn_s = page_s
        same = True
    else:
        page_s, page = timed(lambda: H.household_page(store, settings, scope, AS_OF, request, left, PAGE, offset,
                                                      False), repeat)
        single_s, single = timed(lambda: single_statement(store, settings, scope, request, left, offset), repeat)
        topn_s, _ = timed(lambda: top_n(store, settings, scope, request, left, offset), repeat)
        same = page["household_id"].tolist() == single["household_id"].tolist()
    return {"households": households, "case": name, "total": counts.of(which.value),
            "counts_s": round(counts_s, 4), "page_s": round(page_s, 4), "first_visit_s": round(counts_s + page_s, 4),
            "single_s": round(single_s, 4), "topn_s": round(topn_s, 4),
            "ratio": round((counts_s + page_s) / single_s, 2), "paging_ratio": round(page_s / single_s, 2),
            "days_left_s": round(left_s, 4), "same_rows": same}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[18_000])
    parser.add_argument("--keep", type=Path, help="keep (and reuse) databases in this folder")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(one_size(args.child, args.db, args.repeat)))
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="paicha-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        db = folder / f"demo_{n}.duckdb"
        if not args.keep:
            db.unlink(missing_ok=True)
        for row in child(__file__, "--child", str(n), "--db", str(db), "--repeat", str(args.repeat)):
            print_row(row)
        if not args.keep:
            db.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
