"""Benchmark: the risk map at district and province size — bytes sent to the browser and page server time.

For each size: builds the demo (or reuses ``--db``), then, in AppTest as a leader, opens the
risk map at a new as-of date (cold: nothing cached), reruns it (warm), and switches on the heat
(a new map from the cached view). Prints the map component's payload (what st_folium sends over
the websocket: the map script with every layer), the Leaflet assets served once and cached
by the browser, the same map as one self-contained offline HTML file, and how the points were
drawn (one by one or summed). Not a test: figures vary with the machine.

    uv run python benchmarks/risk_map.py [--sizes 18000 5000000] [--db FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import child  # noqa: E402  (after the path above)


def build(households: int, db: Path) -> float:
    from data_loaders import store as store_module
    from data_loaders.demo import build_demo
    from data_loaders.store import Store
    from paicha.config import load_settings

    t0 = time.perf_counter()
    build_demo(Store.create(db, demo=True), load_settings(), households=households)
    store_module.close_all()
    return time.perf_counter() - t0


def component_bytes(at) -> int:
    """Bytes of the map component's arguments as Streamlit sends them."""
    return sum(len(node.proto.json_args.encode()) for node in at._tree
               if getattr(node, "proto", None) is not None and hasattr(node.proto, "json_args")
               and "paichaMap" in node.proto.json_args)


def run_page(db: Path) -> dict:
    os.environ["PAICHA_DB"] = str(db)
    from data_loaders import exposure
    from data_loaders.store import Store
    from paicha.config import load_settings
    from paicha.scope import Scope
    from tests.app.walk import go_to, open_app, set_as_of, sign_in
    from ui import keys
    from ui.maps import assets, builders

    at = set_as_of(sign_in(open_app(), "leader"), dt.date(2024, 9, 11))
    at = go_to(at, "pages/overview.py")
    t0 = time.perf_counter()
    at = set_as_of(at, dt.date(2024, 9, 12))
    at = go_to(at, "pages/risk_map.py")
    cold = time.perf_counter() - t0
    payload = component_bytes(at)
    t0 = time.perf_counter()
    at.run()
    warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    at = at.toggle(key=keys.RISK_HEAT).set_value(True).run()
    heat_on = time.perf_counter() - t0
    payload_heat = component_bytes(at)
    assert not at.exception, at.exception
    settings = load_settings()
    view = exposure.risk_view(Store(db), settings, Scope.district(settings.district_code), dt.date(2024, 9, 12),
                              exposure.ALL_KINDS, ("key_not_home", "unscreened"))
    offline = builders.offline_html(builders.risk_map(view, builders.MapChoice(heat=True)).map)
    leaflet = sum(len(assets.content(a.name)) for a in assets.assets())
    return {"page_cold_s": round(cold, 3), "page_warm_s": round(warm, 3), "heat_on_s": round(heat_on, 3),
            "map_payload_kb": round(payload / 1024, 1), "map_payload_heat_kb": round(payload_heat / 1024, 1),
            "assets_kb_cached": round(leaflet / 1024, 1), "offline_html_kb": round(len(offline.encode()) / 1024, 1),
            "heat_households": view.heat.households, "heat_positions": len(view.heat.x),
            "heat_aggregated": view.heat.aggregated, "heat_cell_m": round(view.heat.cell_metres, 1),
            "key_households": view.key.total, "key_by_village": view.key.aggregated}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[18_000])
    parser.add_argument("--db", type=Path, help="an existing demo store instead of building one")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_page(args.child)))
        return
    targets = [(None, args.db)] if args.db else [(n, None) for n in args.sizes]
    with tempfile.TemporaryDirectory() as tmp:
        for households, db in targets:
            built = None
            if db is None:
                db = Path(tmp) / f"demo_{households}.duckdb"
                built = round(build(households, db), 1)
            # Each size in its own process: a fresh Streamlit cache and the size's own memory.
            figures = child(__file__, "--child", str(db))
            print(json.dumps({"households": households, "db": str(args.db) if args.db else None,
                              "build_s": built, **figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
