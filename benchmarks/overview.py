"""Benchmark: build the demo at district and province size, then time the overview computations.

Prints one line per size: build seconds, database size, peak memory of the build and of the
queries, and cold/warm timings of the overview and the village progress table. Each size runs in a
child process so that peak memory is that size's own. Not a test: figures vary with the machine.

    uv run python benchmarks/overview.py [--sizes 18000 5000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import child, print_row  # noqa: E402  (after the path above)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_size(households: int, db: Path) -> dict:
    from data_loaders import store as store_module
    from data_loaders.demo import build_demo
    from data_loaders.reports import overview, progress_table
    from data_loaders.store import Store
    from paicha.config import load_settings
    from paicha.scope import Scope

    settings = load_settings()
    t0 = time.perf_counter()
    summary = build_demo(Store.create(db, demo=True), settings, households=households)
    build_s = time.perf_counter() - t0
    build_peak = peak_mb()
    store_module.close_all()
    size_mb = db.stat().st_size / 2**20

    store = Store(db)
    scope = Scope.district(settings.district_code)
    as_of = dt.date(2024, 9, 12)
    timings = {}
    for label in ("cold", "warm"):
        t0 = time.perf_counter()
        overview(store, settings, scope, as_of)
        timings[f"overview_{label}_s"] = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    progress_table(store, settings, Scope.town(settings.district_code, "210311103000"), as_of, "village")
    timings["town_villages_s"] = round(time.perf_counter() - t0, 3)
    return {"households": households, "screenings": summary.screenings,
            "build_s": round(build_s, 1), "db_mb": round(size_mb, 1),
            "build_peak_rss_mb": round(build_peak), "total_peak_rss_mb": round(peak_mb()), **timings}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[18_000, 5_000_000])
    parser.add_argument("--keep", type=Path, help="keep databases in this folder")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(one_size(args.child, args.db)))
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="paicha-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        db = folder / f"demo_{n}.duckdb"
        db.unlink(missing_ok=True)
        print_row(child(__file__, "--child", str(n), "--db", str(db)))
        if not args.keep:
            db.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
