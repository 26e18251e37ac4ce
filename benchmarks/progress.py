"""Benchmark: the 村级进度 and 总览 pages' server time at district and province size.

For each size, in a child process of its own (so that peak memory is that size's): build the demo
(or reuse a kept database), then time the figures the pages draw straight from the store, cold
(first call) and warm (second call, DuckDB's own caches warm, nothing of paicha's cached):

- ``village_report``: the villages of the town most behind, with reasons and changes since 9-09;
- ``screener_report``: that town's screeners, matrix and dependence;
- ``overview``: the district with its changes since 9-09;
- ``village_report_district``: the same report over every village of the district;
- ``changes``: ``paicha changes`` for every town and village.

Then the page itself as the server runs it (Streamlit's AppTest, script execution only, no
browser): a leader signed in with as-of 9-12 and since 9-09 opens 村级进度 (``page_cold_s``:
every loader a cache miss) and reruns it (``page_warm_s``: from ui/cache.py), and opens 总览.
Not a test: figures vary with the machine.

    uv run python benchmarks/progress.py [--sizes 18000 5000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import child, print_row  # noqa: E402  (after the path above)

AS_OF, SINCE = dt.date(2024, 9, 12), dt.date(2024, 9, 9)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, out: dict, call) -> object:
    result = None
    for run in ("cold", "warm"):
        t0 = time.perf_counter()
        result = call()
        out[f"{label}_{run}_s"] = round(time.perf_counter() - t0, 3)
    return result


def page_times(db: Path, out: dict) -> None:
    """Server time of the pages, through AppTest in the order a person acts."""
    os.environ["PAICHA_DB"] = str(db)
    from tests.app.walk import go_to, open_app, set_as_of, set_since, sign_in

    at = set_since(set_as_of(sign_in(open_app(timeout=600), "leader"), AS_OF), SINCE)
    t0 = time.perf_counter()
    at = go_to(at, "pages/villages.py")
    out["page_cold_s"] = round(time.perf_counter() - t0, 3)
    assert not at.exception, at.exception
    t0 = time.perf_counter()
    at.run()
    out["page_warm_s"] = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    at = go_to(at, "pages/overview.py")
    out["overview_page_s"] = round(time.perf_counter() - t0, 3)
    assert not at.exception, at.exception


def one_size(households: int, db: Path, build: bool) -> dict:
    from data_loaders import reports
    from data_loaders import store as store_module
    from data_loaders.demo import build_demo
    from data_loaders.store import Store
    from paicha.config import load_settings
    from paicha.scope import Scope

    settings = load_settings()
    out: dict = {"households": households}
    if build:
        t0 = time.perf_counter()
        build_demo(Store.create(db, demo=True), settings, households=households)
        out["build_s"] = round(time.perf_counter() - t0, 1)
        store_module.close_all()
    out["db_mb"] = round(db.stat().st_size / 2**20, 1)
    store = Store(db)
    district = Scope.district(settings.district_code)
    towns = reports.progress_table(store, settings, district, AS_OF, "town")
    worst = towns.sort_values(["lag", "code"], ascending=[False, True])["code"].iloc[0]
    town = Scope.town(settings.district_code, worst)
    out["screenings"] = store.count("screenings")
    report = timed("village_report", out, lambda: reports.village_report(store, settings, town, AS_OF, SINCE))
    out["town_villages"] = len(report.villages)
    timed("screener_report", out, lambda: reports.screener_report(store, settings, town, AS_OF))
    timed("overview", out, lambda: reports.overview(store, settings, district, AS_OF, SINCE))
    timed("village_report_district", out, lambda: reports.village_report(store, settings, district, AS_OF, SINCE))
    timed("changes", out, lambda: reports.changes(store, settings, district, AS_OF, SINCE))
    store_module.close_all()
    page_times(db, out)
    out["peak_rss_mb"] = round(peak_mb())
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[18_000, 5_000_000])
    parser.add_argument("--keep", type=Path, help="keep databases in this folder (and reuse them)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(one_size(args.child, args.db, args.build)))
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="paicha-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        db = folder / f"demo_{n}.duckdb"
        build = not (args.keep and db.exists())
        if build:
            db.unlink(missing_ok=True)
        print_row(child(__file__, "--child", str(n), "--db", str(db), *(["--build"] if build else [])))
        if not args.keep:
            db.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
