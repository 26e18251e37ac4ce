"""Files read in the worker process import exactly as files read in the server process."""

from __future__ import annotations

import pytest

from data_loaders.importing import import_files
from data_loaders.importing.worker import read_in_worker, shutdown
from tests.importing.conftest import FILES

CASES = [
    ["messy_roster_export.xlsx"],                    # passes
    ["id_bad_check_digit.xlsx", "negative_income.xlsx"],  # refused: errors located
    ["messy_screenings_export.xlsx"],                # refers to stored households
    ["flood_zones.geojson"],                         # a hazard layer passes through unread
]


@pytest.fixture(scope="module", autouse=True)
def _stop_worker():
    yield
    shutdown()


def _report(store, settings, files, prepared=None):
    report = import_files(store, files, settings=settings, user="test", dry_run=True, prepared=prepared)
    return report.as_dict()


@pytest.mark.parametrize("names", CASES, ids=lambda names: "+".join(names))
def test_a_dry_run_read_in_the_worker_equals_one_read_in_process(full_store, settings, names):
    files = [(name, (FILES / name).read_bytes()) for name in names]
    inline = _report(full_store, settings, files)
    prepared = read_in_worker(files, settings, None)
    assert _report(full_store, settings, files, prepared) == inline


def test_the_apply_after_a_worker_read_writes_what_an_inline_import_writes(roster_store, settings):
    files = [("messy_screenings_export.xlsx", (FILES / "messy_screenings_export.xlsx").read_bytes())]
    prepared = read_in_worker(files, settings, None)
    report = import_files(roster_store, files, settings=settings, user="test", prepared=prepared)
    assert report.ok and report.applied and report.new == roster_store.count("screenings") > 0
