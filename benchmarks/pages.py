"""Benchmark: every page's server time (cold, warm rerun, a new as-of date) and the process's memory.

One child process per database (so each size's caches and memory are its own). In it, the app runs
as the server runs it (Streamlit's AppTest: script execution, no browser), in the order a person
acts: the administrator signs in, sets the as-of date to 9-12 and opens each page of the menu:

- ``cold``: the first visit (every loader of the page a cache miss; for 总览, which the sign-in
  opens, the sign-in's run: the app's first script run included);
- ``warm``: a rerun with nothing changed (what every click that changes nothing costs), the median
  of five;
- ``new_date``: the as-of date moved on that page (new loaders, same process): the median of
  three moves, to 9-13, 9-18 and 9-19 (one move is too noisy to compare with a target);
  ``new_date_max`` the slowest of them.

The reference row is the cheapest honest statement behind every page: the village facts of the
district as of 9-12 (one scan of the per-household table), timed in the same process; each page's
figures are also printed as a ratio to it. After every page has been visited, the process's resident
memory (``rss_mb``, what the server holds) and its peak (``peak_mb``) are printed. Not a test:
figures vary with the machine.

    uv run python benchmarks/pages.py --db data/demo.duckdb [--db BIG.duckdb] [--page villages ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import child, print_row  # noqa: E402  (after the path above)

AS_OF, NEW_DATES = dt.date(2024, 9, 12), (dt.date(2024, 9, 13), dt.date(2024, 9, 18), dt.date(2024, 9, 19))
WARM_RUNS = 5


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def seconds(call) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = call()
    return time.perf_counter() - t0, result


def one_store(db: Path, only: list[str]) -> list[dict]:
    os.environ["PAICHA_DB"] = str(db)
    from data_loaders.store import Store
    from paicha.config import load_settings
    from paicha.scope import Scope
    from tests.app.walk import go_to, open_app, set_as_of, sign_in
    from ui.pages import PAGES

    settings = load_settings()
    store = Store(db)
    district = Scope.district(settings.district_code)
    households = store.count("households")
    reference = min(seconds(lambda: store.village_facts(district, AS_OF))[0] for _ in range(3))
    rows = [{"households": households, "page": "reference", "cold_s": round(reference, 3)}]
    signed_in, at = seconds(lambda: sign_in(open_app(timeout=900), "admin"))
    at = set_as_of(at, AS_OF)
    for spec in PAGES:
        if only and spec.url_path not in only:
            continue
        cold, at = seconds(lambda a=at, s=spec.script: go_to(a, s))
        if spec.default:  # the sign-in opened it: its cold view is the sign-in's run
            cold = signed_in
        if at.exception:
            sys.exit(f"{spec.script}: {at.exception}")
        warm = statistics.median(seconds(at.run)[0] for _ in range(WARM_RUNS))
        moves = []
        for day in NEW_DATES:
            took, at = seconds(lambda a=at, d=day: set_as_of(a, d))
            if at.exception:
                sys.exit(f"{spec.script} at {day}: {at.exception}")
            moves.append(took)
        new_date = statistics.median(moves)
        at = set_as_of(at, AS_OF)  # the next page starts from the same date
        rows.append({"households": households, "page": spec.url_path, "cold_s": round(cold, 3),
                     "warm_s": round(warm, 3), "new_date_s": round(new_date, 3), "new_date_max_s": round(max(moves), 3),
                     "new_date_ratio": round(new_date / reference, 1)})
    rows.append({"households": households, "page": "process", "rss_mb": round(rss_mb()),
                 "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, action="append", default=[], help="a demo store (repeatable)")
    parser.add_argument("--page", action="append", default=[], help="only this page (its url path; repeatable)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(one_store(args.child, args.page)))
        return
    if not args.db:
        parser.error("--db is required")
    for db in args.db:
        for row in child(__file__, "--child", str(db.resolve()), *(f"--page={p}" for p in args.page)):
            print_row(row)


if __name__ == "__main__":
    main()
