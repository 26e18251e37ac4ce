"""Fixtures for the import tests: an empty store with divisions, a roster, a populated store.

``settings`` comes from tests/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from data_loaders.store import Store, close_all
from tests.importing.synthetic_import_data import households, load, milestones, screenings

FILES = Path(__file__).parent / "files"


@pytest.fixture
def store(tmp_path, settings):
    """A store holding only the reference divisions."""
    db = Store.create(tmp_path / "t.duckdb", demo=False)
    load(db, settings)
    yield db
    close_all()


@pytest.fixture(scope="session")
def roster(settings):
    """The synthetic roster the fixture files refer to (see make_files.py)."""
    return households(settings)


@pytest.fixture
def roster_store(store, settings, roster):
    """Divisions plus the synthetic roster, no screenings."""
    load(store, settings, roster=roster)
    return store


@pytest.fixture
def full_store(store, settings, roster):
    """Divisions, roster, screenings and milestones."""
    load(store, settings, roster=roster, records=screenings(settings, roster),
         towns=milestones(settings))
    return store
