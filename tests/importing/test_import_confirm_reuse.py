"""A confirm takes its check's validation while the store is unchanged, and validates again when not."""

from __future__ import annotations

import json

import pytest

from data_loaders.importing import import_files, service
from data_loaders.importing.service import prepare
from paicha.text import t
from tests.importing.conftest import FILES

NAME = "messy_screenings_export.xlsx"


@pytest.fixture
def files():
    return [(NAME, (FILES / NAME).read_bytes())]


@pytest.fixture
def validations(monkeypatch):
    calls = []
    validate = service._validate

    def counted(*args, **kwargs):
        calls.append(1)
        return validate(*args, **kwargs)

    monkeypatch.setattr(service, "_validate", counted)
    return calls


def _check(store, settings, files):
    prepared = prepare(files, settings)
    report = import_files(store, files, settings=settings, user="test", dry_run=True, prepared=prepared)
    assert report.ok and report.new > 0, report.errors[:3]
    return prepared, report


def _first_household(prepared) -> str:
    return str(prepared.validation.batches[0].frame["household_id"].iloc[0])


def _forget(store, household_id: str) -> None:
    """Another writer (an administrator's correction) removes a household the file refers to."""
    with store.transaction() as cur:
        cur.execute("DELETE FROM households WHERE household_id = ?", [household_id])


def test_a_confirm_right_after_its_check_writes_what_the_check_counted_without_validating_again(
        roster_store, settings, files, validations):
    prepared, check = _check(roster_store, settings, files)
    report = import_files(roster_store, files, settings=settings, user="test", prepared=prepared)
    assert len(validations) == 1
    assert report.applied and report.new == check.new == roster_store.count("screenings")


def test_a_write_between_check_and_confirm_makes_the_confirm_validate_against_the_store_as_it_is(
        roster_store, settings, files, validations):
    prepared, _ = _check(roster_store, settings, files)
    gone = _first_household(prepared)
    _forget(roster_store, gone)
    report = import_files(roster_store, files, settings=settings, user="test", prepared=prepared)
    assert len(validations) == 2
    assert not report.applied and roster_store.count("screenings") == 0
    assert [e.value for e in report.errors] == [gone]
    assert report.errors[0].message == t("import.error.household_unknown", header=report.errors[0].column, value=gone)


def test_a_write_landing_while_the_confirm_counts_sends_it_back_to_validation(
        roster_store, settings, files, validations, monkeypatch):
    """The version is checked again inside the write's transaction: a reused validation that
    went stale there is thrown away and the batch validated again, once.
    """
    prepared, _ = _check(roster_store, settings, files)
    gone = _first_household(prepared)
    count = service.count_changes
    writes = []

    def count_then_another_write(cur, batch):
        if not writes:
            writes.append(1)
            _forget(roster_store, gone)
        return count(cur, batch)

    monkeypatch.setattr(service, "count_changes", count_then_another_write)
    report = import_files(roster_store, files, settings=settings, user="test", prepared=prepared)
    assert len(validations) == 2
    assert not report.applied and roster_store.count("screenings") == 0
    assert [e.value for e in report.errors] == [gone]


def test_a_write_landing_during_a_fresh_validation_sends_it_back_to_validation_too(
        roster_store, settings, files, validations, monkeypatch):
    """As two server processes importing at once: the second validates again after the first landed."""
    gone = []
    count = service.count_changes

    def count_then_another_write(cur, batch):
        if not gone:
            gone.append(str(batch.frame["household_id"].iloc[0]))
            _forget(roster_store, gone[0])
        return count(cur, batch)

    monkeypatch.setattr(service, "count_changes", count_then_another_write)
    report = import_files(roster_store, files, settings=settings, user="test")
    assert len(validations) == 2
    assert not report.applied and roster_store.count("screenings") == 0
    assert [e.value for e in report.errors] == gone


def test_writes_landing_at_every_attempt_stop_the_import_with_a_message(
        roster_store, settings, files, validations, monkeypatch):
    count = service.count_changes

    def count_then_another_write(cur, batch):
        with roster_store.transaction() as other:  # another process's import, each time
            other.execute("UPDATE households SET members = members WHERE household_id = ?",
                          [str(batch.frame["household_id"].iloc[0])])
        return count(cur, batch)

    monkeypatch.setattr(service, "count_changes", count_then_another_write)
    report = import_files(roster_store, files, settings=settings, user="test")
    assert len(validations) == service.WRITE_ATTEMPTS
    assert not report.ok and not report.applied and roster_store.count("screenings") == 0
    assert [e.message for e in report.errors] == [t("import.error.store_changed")]
    line = roster_store.query("SELECT ok, detail FROM import_log ORDER BY id DESC LIMIT 1").iloc[0]
    assert not line["ok"] and json.loads(line["detail"])["failed"] == "_StoreChanged"


def test_a_validation_is_not_taken_for_another_store_at_the_same_content_version(
        tmp_path, roster_store, settings, files, validations):
    """Two files can stand at the same version with other contents (a copy, a restored backup)."""
    import shutil

    from data_loaders.store import Store, close_all

    prepared, _ = _check(roster_store, settings, files)
    gone = _first_household(prepared)
    copy = tmp_path / "copy.duckdb"
    version = roster_store.content_version()
    close_all()
    shutil.copy(roster_store.path, copy)
    other = Store(copy)
    with other.writing() as cur:  # the same version, one household fewer
        cur.execute("DELETE FROM households WHERE household_id = ?", [gone])
    assert other.content_version() == version
    report = import_files(other, files, settings=settings, user="test", prepared=prepared)
    assert len(validations) == 2
    assert not report.applied and [e.value for e in report.errors] == [gone]
