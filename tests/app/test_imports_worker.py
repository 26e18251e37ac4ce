"""AppTest of the import page with files read in the worker process: progress, result, confirm, log."""

from pathlib import Path

import pytest

from data_loaders import store as store_module
from data_loaders.importing.worker import shutdown
from data_loaders.store import Store
from tests.app.test_imports import assert_bad_check_digit_refused
from tests.app.walk import open_page
from tests.conftest import build_known_store
from ui import imports, keys
from ui.text import t

FILES = Path(__file__).resolve().parents[1] / "importing" / "files"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Starting the worker process (a fresh interpreter importing pandas) takes seconds here.
TIMEOUT = 120


@pytest.fixture(autouse=True)
def every_file_to_the_worker(monkeypatch):
    monkeypatch.setattr(imports, "WORKER_MIN_BYTES", 0)
    yield
    shutdown()


def _upload(tmp_path, settings, app_env, name):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_page("pages/imports.py", "admin")
    at.file_uploader(key=keys.IMPORT_FILES).set_value((name, (FILES / name).read_bytes(), XLSX))
    return at.run(timeout=TIMEOUT)


def _progress_texts(at) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def test_a_clean_file_read_in_the_worker_shows_progress_then_imports_on_confirm(tmp_path, settings, app_env):
    at = _upload(tmp_path, settings, app_env, "messy_roster_export.xlsx")
    assert not at.exception
    assert _progress_texts(at) == [t("imports.progress_done")]
    assert "校验通过" in at.success[0].value and "新增 10" in at.success[0].value
    at = at.button(key=keys.IMPORT_CONFIRM).click().run(timeout=TIMEOUT)
    assert not at.exception and any("已导入 10 行" in s.value for s in at.success)
    log = next(d.value for d in at.dataframe if t("imports.log_file") in d.value.columns)
    assert "messy_roster_export.xlsx" in log[t("imports.log_file")].tolist()
    store_module.close_all()
    assert Store(tmp_path / "k.duckdb").count("households") == 24


def test_a_bad_file_read_in_the_worker_shows_its_errors_located_and_writes_nothing(tmp_path, settings, app_env):
    at = _upload(tmp_path, settings, app_env, "id_bad_check_digit.xlsx")
    assert _progress_texts(at) == [t("imports.progress_done")]
    assert_bad_check_digit_refused(at, tmp_path / "k.duckdb")
