"""AppTest of the import page: upload, error table with Excel rows, confirm, import log."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from data_loaders import store as store_module
from data_loaders.store import Store
from paicha.vocab import Permission
from tests.app.walk import open_page, shown
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
    assert_bad_check_digit_refused(at, tmp_path / "k.duckdb")


def assert_refused_at(at: AppTest, row: int, column: str) -> None:
    """The check failed with one error, located at ``row`` and ``column``; no confirm button."""
    assert not at.exception
    assert at.error and "校验未通过" in at.error[0].value
    errors = next(d.value for d in at.dataframe if t("imports.error_row") in d.value.columns)
    assert errors[t("imports.error_row")].tolist() == [row]
    assert errors[t("imports.error_column")].tolist() == [column]
    assert not [b for b in at.button if b.key == keys.IMPORT_CONFIRM]


def assert_bad_check_digit_refused(at: AppTest, db: Path, households: int = 14) -> None:
    """id_bad_check_digit.xlsx on the page: its one error located, no confirm button, nothing written."""
    assert_refused_at(at, 6, "户主证件号码")
    store_module.close_all()
    assert Store(db).count("households") == households


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


def _counted(monkeypatch) -> dict[str, int]:
    """How often the import reads a file and validates a batch, from here on."""
    from data_loaders.importing import service

    calls = {"read": 0, "validate": 0}
    read, validate = service.read_tables, service._validate

    def counted_read(*args, **kwargs):
        calls["read"] += 1
        return read(*args, **kwargs)

    def counted_validate(*args, **kwargs):
        calls["validate"] += 1
        return validate(*args, **kwargs)

    monkeypatch.setattr(service, "read_tables", counted_read)
    monkeypatch.setattr(service, "_validate", counted_validate)
    return calls


def test_the_confirm_takes_what_the_check_read_and_validated(tmp_path, settings, app_env, monkeypatch):
    """Reading depends on the file alone, validation on the store, unchanged since the check."""
    calls = _counted(monkeypatch)
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = upload(open_imports(), "messy_roster_export.xlsx")
    assert "新增 10" in at.success[0].value
    assert calls == {"read": 1, "validate": 1}
    at.button(key=keys.IMPORT_CONFIRM).click().run()
    assert not at.exception and any("已导入 10 行" in s.value for s in at.success)
    assert calls == {"read": 1, "validate": 1}
    # Another file after the import is read afresh: nothing of the first one is taken for it.
    at = upload(at, "id_bad_check_digit.xlsx")
    assert calls["read"] == 2
    assert_bad_check_digit_refused(at, tmp_path / "k.duckdb", households=24)


def test_an_import_by_another_admin_between_check_and_confirm_makes_the_confirm_validate_again(
        tmp_path, settings, app_env, monkeypatch):
    from data_loaders.importing import import_file

    calls = _counted(monkeypatch)
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = upload(open_imports(), "messy_roster_export.xlsx")
    assert "新增 10" in at.success[0].value
    # Meanwhile a colleague imports the same roster from the command line.
    name = "messy_roster_export.xlsx"
    other = import_file(Store(tmp_path / "k.duckdb"), name, (FILES / name).read_bytes(), settings=settings,
                        user="colleague")
    assert other.applied and other.new == 10
    at.button(key=keys.IMPORT_CONFIRM).click().run()
    assert not at.exception and any("已导入 10 行" in s.value for s in at.success)
    assert calls == {"read": 2, "validate": 3}  # the page's check and confirm, the colleague's import
    log = Store(tmp_path / "k.duckdb").query(
        "SELECT user_name, detail FROM import_log WHERE NOT json_extract(detail, '$.dry_run')::BOOLEAN "
        "ORDER BY id")
    assert log["user_name"].tolist() == ["colleague", "admin"]
    assert '"unchanged": 10' in log["detail"].iloc[1]
    store_module.close_all()
    assert Store(tmp_path / "k.duckdb").count("households") == 24


MOVE_CSV = ("户编号,户主姓名,户主证件号码,乡镇,村,家庭人口数,是否脱贫户\n"
            "A00,测试户主,11010519491231002X,甘泉镇,210311104210,3,否\n"
            "A01,测试户主,11010519491231002X,甘泉镇,210311104210,3,否\n").encode()


def test_moves_are_listed_and_the_import_waits_for_the_checkbox_naming_their_count(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_imports()
    at.file_uploader(key=keys.IMPORT_FILES).set_value(("move.csv", MOVE_CSV, "text/csv"))
    at = at.run()
    assert not at.exception and not at.error
    assert t("imports.moves", n=2) in [w.value for w in at.warning]
    moves = next(d.value for d in at.dataframe if t("imports.change_new") in d.value.columns)
    assert moves[t("imports.change_household")].tolist() == ["A00", "A01"]
    assert set(moves[t("imports.change_old")]) == {"汤岗子街道 汤岗子村民委员会"}
    assert at.checkbox(key=keys.IMPORT_CONFIRM_MOVES).label == t("imports.confirm_moves", n=2)
    assert at.button(key=keys.IMPORT_CONFIRM).disabled
    at = at.checkbox(key=keys.IMPORT_CONFIRM_MOVES).check().run()
    assert not at.button(key=keys.IMPORT_CONFIRM).disabled
    at = at.button(key=keys.IMPORT_CONFIRM).click().run()
    assert not at.exception and any("已导入 2 行" in s.value for s in at.success)
    store_module.close_all()
    moved = Store(tmp_path / "k.duckdb").query("SELECT village_code FROM households WHERE household_id IN ('A00', 'A01')")
    assert set(moved["village_code"]) == {"210311104210"}


def test_the_backup_button_writes_a_backup_on_the_server_and_an_audit_line(tmp_path, settings, app_env, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the backup folder (data/backups) is relative to the working directory
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_imports().button(key=keys.IMPORT_BACKUP).click().run()
    assert not at.exception and at.success and "14 户" in shown(at.success[0].value)
    (backup,) = (tmp_path / "data" / "backups").iterdir()
    assert backup.name.startswith("k-") and str(backup) in shown(at.success[0].value)
    store_module.close_all()
    assert Store(backup).count("households") == 14
    log = Store(tmp_path / "k.duckdb").query("SELECT user_name, action, row_count FROM audit_log "
                                             "WHERE action NOT IN ('user_add', 'sign_in')")
    assert log.values.tolist() == [["admin", "backup", 14]]


def test_an_upload_into_a_store_moved_away_is_an_error_page(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_imports()
    (tmp_path / "k.duckdb").rename(tmp_path / "gone.duckdb")
    at = upload(at, "messy_roster_export.xlsx")
    assert not at.exception and "数据库文件不存在" in shown(at.error[0].value)
    assert not (tmp_path / "k.duckdb").exists()


HOSTILE_HEAD = "<img src=x onerror=alert(1)>"
FORMULA_HEAD = '=HYPERLINK("http://x","点我")'
HOSTILE_CSV = ("户编号,户主姓名,户主证件号码,乡镇,村,家庭人口数,是否脱贫户\n"
               f"H90,{HOSTILE_HEAD},11010519491231002X,甘泉镇,210311104210,3,否\n"
               f'H91,"{FORMULA_HEAD.replace(chr(34), chr(34) * 2)}",11010519491231002X,甘泉镇,210311104210,3,否\n')


def test_a_hostile_file_is_refused_at_its_huge_number_then_imported_as_text_on_confirm(tmp_path, settings, app_env):
    """HTML and a formula are names like any other; a member count of 10^20 is refused where it is."""
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    huge = HOSTILE_CSV + "H92,测试户主,11010519491231002X,甘泉镇,210311104210,100000000000000000000,否\n"
    at = open_imports()
    at.file_uploader(key=keys.IMPORT_FILES).set_value(("hostile.csv", huge.encode(), "text/csv"))
    at.run()
    assert_refused_at(at, 4, "家庭人口数")
    at.file_uploader(key=keys.IMPORT_FILES).set_value(("hostile.csv", HOSTILE_CSV.encode(), "text/csv"))
    at.run()
    assert "新增 2" in at.success[0].value
    at.button(key=keys.IMPORT_CONFIRM).click().run()
    assert not at.exception and any("已导入 2 行" in s.value for s in at.success)
    store_module.close_all()
    names = Store(tmp_path / "k.duckdb").query(
        "SELECT head_name FROM households WHERE household_id IN ('H90', 'H91') ORDER BY household_id")
    assert names["head_name"].tolist() == [HOSTILE_HEAD, FORMULA_HEAD]
