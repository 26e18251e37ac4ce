"""Benchmark: spot-check draws (抽查), the frame hash and the changed-frame check, against the bare frame query.

For each store (an 18,000-household demo built here unless ``--db`` names stores), on a COPY of
it, each step runs in a fresh process and reports its time, its CPU time (user + system, every
thread: less at the mercy of a shared machine than the time) and the process's peak RSS: (a) the
bare DuckDB statement of the full frame query (``frame_query``: every record up to the date
aggregated, fetched to Arrow; the reference), (b) the bare statement that reads the frame from
the derived table ``spot_check_frame`` (``fast_frame_query``, what ``build_frame`` runs), (c) a
stratified draw of 100 and (d) a back-check draw through ``create_draw`` (frame, draw, hash,
storing), (e) the frame hash alone (frame built first, not timed), (f) ``frame_unchanged`` of
the back-check draw (the last one) with nothing its frame is built from changed. Prints the
ratios of the time to the reference. Not a test: figures vary with the machine.

    uv run python benchmarks/spot_checks.py [--db FILE ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import child, print_row  # noqa: E402  (after the path above)

AS_OF = dt.date(2024, 9, 16)
STEPS = ("query", "fast_query", "stratified", "backcheck", "hash", "unchanged")


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def one_step(db: Path, step: str, draw_id: int | None) -> dict:
    from data_loaders import spot_checks
    from data_loaders.spot_checks.frame import fast_frame_query, frame_query
    from data_loaders.store import Store
    from paicha import sampling
    from paicha.access import User
    from paicha.config import load_settings
    from paicha.scope import Scope

    settings = load_settings()
    store = Store(db, read_only=step in ("query", "fast_query", "hash"))
    scope = Scope.district(settings.district_code)
    user = User("bench", "bench", "", frozenset({"sample"}))
    out: dict = {}
    if step == "hash":
        frame = spot_checks.build_frame(store, settings, scope, AS_OF)
        out["frame_rows"] = len(frame)
    t0, c0 = time.perf_counter(), cpu_s()
    if step in ("query", "fast_query"):
        statement = frame_query if step == "query" else fast_frame_query
        built = statement(store, settings, scope, AS_OF)
        if built is None:
            sys.exit("spot_check_frame cannot serve these thresholds: build_frame runs the full query")
        sql, params = built
        out["frame_rows"] = store.cursor().sql(sql, params=params).to_arrow_table().num_rows
    elif step in ("stratified", "backcheck"):
        draw = spot_checks.create_draw(store, settings, user, scope, AS_OF, step, seed=1)
        out["draw_id"], out["sample"] = draw.draw_id, len(draw.sample)
    elif step == "hash":
        sampling.frame_hash(frame)
    else:
        out["unchanged"] = spot_checks.frame_unchanged(store, settings, scope, draw_id)
    out["s"] = round(time.perf_counter() - t0, 3)
    out["cpu_s"] = round(cpu_s() - c0, 3)
    out["peak_mb"] = peak_rss_mb()
    return out


def one_store(db: Path) -> dict:
    row: dict = {"store": db.name}
    results = {}
    for step in STEPS:
        # The last draw: every committed draw moves the data version, so an earlier one is rebuilt.
        extra = ["--draw-id", str(results["backcheck"]["draw_id"])] if step == "unchanged" else []
        results[step] = child(__file__, "--child", str(db), "--step", step, *extra)
    row["frame_rows"] = results["query"]["frame_rows"]
    if results["fast_query"]["frame_rows"] != row["frame_rows"]:
        sys.exit(f"the two frame statements disagree: {results}")
    row["sample_stratified"] = results["stratified"]["sample"]
    row["sample_backcheck"] = results["backcheck"]["sample"]
    row["unchanged"] = results["unchanged"]["unchanged"]
    reference = results["query"]["s"]
    for step in STEPS:
        row[f"{step}_s"] = results[step]["s"]
        row[f"{step}_cpu_s"] = results[step]["cpu_s"]
        row[f"{step}_peak_mb"] = results[step]["peak_mb"]
    for step in STEPS[1:]:
        row[f"{step}_to_query"] = round(results[step]["s"] / reference, 2)
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, nargs="+", help="existing demo stores (copied, never written)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--draw-id", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(one_step(args.child, args.step, args.draw_id)))
        return
    folder = Path(tempfile.mkdtemp(prefix="paicha-bench-"))
    try:
        if args.db:
            stores = []
            for source in args.db:
                copy = folder / source.name
                shutil.copyfile(source, copy)
                # Written to disk before any step: otherwise the first draw's commit (an fsync of
                # the file) waits for the whole copy to reach the disk, which a store in use never does.
                with open(copy, "rb+") as handle:
                    os.fsync(handle.fileno())
                stores.append(copy)
        else:
            from data_loaders import store as store_module
            from data_loaders.demo import build_demo
            from data_loaders.store import Store
            from paicha.config import load_settings

            copy = folder / "demo_18000.duckdb"
            build_demo(Store.create(copy, demo=True), load_settings(), households=18_000)
            store_module.close_all()
            stores = [copy]
        for copy in stores:
            # Opened once writable first, so that a store of an older schema is upgraded before
            # any step is timed.
            child(__file__, "--child", str(copy), "--step", "unchanged", "--draw-id", "0")
            print_row(one_store(copy))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
