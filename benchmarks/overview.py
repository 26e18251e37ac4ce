"""Benchmark: build the demo at district and province size, then time the overview computations.

Prints one line per size and engine: build seconds, database size, peak memory of the build and
of the queries, and cold/warm timings of the overview and the village progress table (warm: the
median of five). Each runs in a child process so that peak memory is its own. With
``--engines duckdb postgresql`` each size is built in a DuckDB file and in a database of a
throw-away PostgreSQL server on loopback (tests/pgcluster.py), and a line per size gives the
PostgreSQL/DuckDB ratios. Not a test: figures vary with the machine.

    uv run python benchmarks/overview.py [--sizes 18000 5000000] [--engines duckdb postgresql] [--keep DIR]
    uv run python benchmarks/overview.py --compare FILE.duckdb postgresql://… [--runs 7]

``--compare`` times two existing stores of the same district (e.g. both built by ``paicha demo
--households 5000000``) turn about, in one process, so that both see the same machine: the
medians of the overview and of a town's village table, and their ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import child, print_row  # noqa: E402  (after the path above)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_size(households: int, db: Path | str) -> dict:
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
    store = Store(db)
    size_mb = (store.query("SELECT pg_database_size(current_database()) AS b")["b"].iloc[0] if store.server
               else Path(db).stat().st_size) / 2**20
    scope = Scope.district(settings.district_code)
    as_of = dt.date(2024, 9, 12)
    timings = {}
    town = Scope.town(settings.district_code, "210311103000")
    for name, run in (("overview", lambda: overview(store, settings, scope, as_of)),
                      ("town_villages", lambda: progress_table(store, settings, town, as_of, "village"))):
        runs = []
        for _ in range(6):
            t0 = time.perf_counter()
            run()
            runs.append(time.perf_counter() - t0)
        timings[f"{name}_cold_s"] = round(runs[0], 3)
        timings[f"{name}_warm_s"] = round(statistics.median(runs[1:]), 3)
    return {"engine": store.engine.NAME, "households": households, "screenings": summary.screenings,
            "build_s": round(build_s, 1), "db_mb": round(size_mb, 1),
            "build_peak_rss_mb": round(build_peak), "total_peak_rss_mb": round(peak_mb()), **timings}


def compare(targets: list[str], runs: int) -> None:
    from data_loaders.reports import overview, progress_table
    from data_loaders.store import Store
    from paicha.config import load_settings
    from paicha.scope import Scope

    settings = load_settings()
    stores = [Store(t if "://" in t else Path(t)) for t in targets]
    district = Scope.district(settings.district_code)
    town = Scope.town(settings.district_code, "210311103000")
    as_of = dt.date(2024, 9, 12)
    cases = {"overview": lambda s: overview(s, settings, district, as_of),
             "town_villages": lambda s: progress_table(s, settings, town, as_of, "village")}
    times = {(i, name): [] for i in range(len(stores)) for name in cases}
    for _ in range(runs + 1):  # the first turn warms both and is left out
        for i, store in enumerate(stores):
            for name, case in cases.items():
                t0 = time.perf_counter()
                case(store)
                times[i, name].append(time.perf_counter() - t0)
    medians = {key: statistics.median(values[1:]) for key, values in times.items()}
    for i, store in enumerate(stores):
        print_row({"engine": store.engine.NAME, "households": store.count("households"),
                   **{f"{name}_s": round(medians[i, name], 3) for name in cases}})
    if len(stores) == 2:
        print_row({"ratio": f"{stores[1].engine.NAME}/{stores[0].engine.NAME}",
                   **{f"{name}_s": round(medians[1, name] / medians[0, name], 2) for name in cases}})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[18_000, 5_000_000])
    parser.add_argument("--engines", nargs="+", choices=["duckdb", "postgresql"], default=["duckdb"])
    parser.add_argument("--keep", type=Path, help="keep DuckDB databases in this folder")
    parser.add_argument("--compare", nargs=2, metavar=("STORE", "STORE"), help="time two existing stores turn about")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compare:
        compare(args.compare, args.runs)
        return
    if args.child is not None:
        print(json.dumps(one_size(args.child, args.db if "://" in args.db else Path(args.db))))
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="paicha-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        cluster = _cluster(stack) if "postgresql" in args.engines else None
        for n in args.sizes:
            rows = {}
            for engine in args.engines:
                if engine == "duckdb":
                    db = folder / f"demo_{n}.duckdb"
                    db.unlink(missing_ok=True)
                else:
                    db = cluster.create_database(f"demo_{n}")
                rows[engine] = child(__file__, "--child", str(n), "--db", str(db))
                print_row(rows[engine])
                if engine == "duckdb" and not args.keep:
                    db.unlink(missing_ok=True)
                elif engine == "postgresql":
                    cluster.drop_database(f"demo_{n}")
            if len(rows) == 2:
                pg, duck = rows["postgresql"], rows["duckdb"]
                print_row({"households": n, "ratio": "postgresql/duckdb",
                           **{k: round(pg[k] / duck[k], 2) for k in duck if k.endswith("_s") and duck[k]}})


def _cluster(stack: contextlib.ExitStack):
    """A throw-away server for the run, with memory for sorts and both cores for one query, as a
    deployment would give it (DuckDB uses every core by default).
    """
    import shutil

    from tests import pgcluster

    base = Path(tempfile.mkdtemp(prefix="paicha-bench-pg-"))  # directly in /tmp: see pgcluster.start
    stack.callback(shutil.rmtree, base, ignore_errors=True)
    cluster = pgcluster.start(base, {"work_mem": "256MB", "maintenance_work_mem": "512MB",
                                     "max_parallel_workers_per_gather": "2", "shared_buffers": "2GB"})
    stack.callback(cluster.stop)
    return cluster


if __name__ == "__main__":
    main()
