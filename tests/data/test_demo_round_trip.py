"""The demo district exported to the import templates and imported again gives the same figures."""

import datetime as dt

import pandas as pd

from data_loaders.divisions import ensure_divisions
from data_loaders.importing import ImportKind, export_to_template, import_files
from data_loaders.reports import progress_table
from data_loaders.store import Store
from paicha.scope import Scope


def test_demo_round_trip_through_templates(demo_db_path, tmp_path, settings):
    demo = Store(demo_db_path)
    scope = Scope.district(settings.district_code)
    kinds = [ImportKind.households, ImportKind.screenings, ImportKind.milestones]
    files = [(f"{k.value}.xlsx", export_to_template(demo, k, scope)) for k in kinds]
    fresh = Store.create(tmp_path / "fresh.duckdb", demo=False)
    ensure_divisions(fresh, settings.divisions_file)
    report = import_files(fresh, files, settings=settings, user="test")
    assert report.ok, [e.as_dict() for e in report.errors[:5]]
    for table in ("households", "screenings", "milestones"):
        assert fresh.count(table) == demo.count(table), table
    for as_of in (dt.date(2024, 8, 30), dt.date(2024, 9, 12), dt.date(2024, 9, 20)):
        for level in ("district", "town", "village"):
            pd.testing.assert_frame_equal(progress_table(fresh, settings, scope, as_of, level),
                                          progress_table(demo, settings, scope, as_of, level))
