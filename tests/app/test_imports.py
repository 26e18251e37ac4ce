"""AppTest of the import page: upload, error table with Excel rows, confirm, import log."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from data_loaders import store as store_module
from data_loaders.store import Store
from paicha.vocab import Permission
from tests.app.walk import open_page
from tests.conftest import build_known_store
from ui import keys
from ui.text import t

FILES = Path(__file__).resolve().parents[1] / "importing" / "files"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def open_imports(user: str = "admin") -> AppTest:
    return open_page("pages/imports.py", user)


def upload(at: AppTest, name: str) -> AppTest:
    at.file_uploader(key=keys.IMPORT_FILES).set_value((name, (FILES / name).read_bytes(), XLSX))
    return at.run()


def test_users_without_the_import_permission_cannot_upload(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_imports("leader")
    assert not at.exception
    assert t("app.no_permission", permission=Permission.import_data.label) in [i.value for i in at.info]
    assert not at.file_uploader


def test_a_broken_file_shows_every_error_with_its_row_and_changes_nothing(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = upload(open_imports(), "id_bad_check_digit.xlsx")
    assert not at.exception
    assert at.error and "校验未通过" in at.error[0].value
    errors = next(d.value for d in at.dataframe if t("imports.error_row") in d.value.columns)
    assert errors[t("imports.error_row")].tolist() == [6]
    assert errors[t("imports.error_column")].tolist() == ["户主证件号码"]
    assert not [b for b in at.button if b.key == keys.IMPORT_CONFIRM]
    store_module.close_all()
    assert Store(tmp_path / "k.duckdb").count("households") == 14


def test_a_clean_file_is_checked_then_imported_on_confirm_and_logged(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = upload(open_imports(), "messy_roster_export.xlsx")
    assert not at.exception
    assert "校验通过" in at.success[0].value and "新增 10" in at.success[0].value
    at.button(key=keys.IMPORT_CONFIRM).click().run()
    assert not at.exception
    assert any("已导入 10 行" in s.value for s in at.success)
    log = next(d.value for d in at.dataframe if t("imports.log_file") in d.value.columns)
    assert "messy_roster_export.xlsx" in log[t("imports.log_file")].tolist()
    store_module.close_all()
    assert Store(tmp_path / "k.duckdb").count("households") == 24
