"""The configuration: shipped as package data, replaceable by a deployment's own file."""

from __future__ import annotations

from pathlib import Path

from data_loaders.divisions import read_divisions, read_outline
from paicha.config import DEFAULT_CONFIG, load_settings


def test_without_a_path_the_shipped_configuration_and_reference_divisions_are_used(monkeypatch, tmp_path):
    monkeypatch.delenv("PAICHA_CONFIG", raising=False)
    monkeypatch.delenv("PAICHA_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.district_code == "210311" and settings.divisions_file is None
    assert settings.db_path == tmp_path / "data" / "paicha.duckdb"  # the store stays where the app runs
    towns = read_divisions(settings.divisions_file)
    assert set(towns["town_code"].str[:6]) == {"210311"} and len(towns) > 50
    assert read_outline(settings.outline_file).area > 0


def test_a_deployment_names_its_own_file_and_its_reference_files_relative_to_it(monkeypatch, tmp_path):
    own = tmp_path / "etc"
    own.mkdir()
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace(
        '# divisions_file = "divisions.csv"', 'divisions_file = "divisions.csv"')
    (own / "paicha.toml").write_text(text, encoding="utf-8")
    (own / "divisions.csv").write_text("town_code,town_name,village_code,village_name\n"
                                       "210311006000,汤岗子街道,210311006200,汤岗子村民委员会\n", encoding="utf-8")
    monkeypatch.setenv("PAICHA_CONFIG", str(own / "paicha.toml"))
    monkeypatch.setenv("PAICHA_DB", str(tmp_path / "elsewhere.duckdb"))
    settings = load_settings()
    assert settings.divisions_file == own / "divisions.csv" and settings.outline_file is None
    assert read_divisions(settings.divisions_file)["village_name"].tolist() == ["汤岗子村民委员会"]
    assert settings.db_path == Path(tmp_path / "elsewhere.duckdb")


def test_the_engine_memory_cap_is_read_and_a_typo_is_named_before_any_database_opens(tmp_path):
    import pytest

    assert load_settings().store_memory_limit == "1.5GB"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    mine = tmp_path / "paicha.toml"
    mine.write_text(text.replace('memory_limit = "1.5GB"', 'memory_limit = "800 MB"'), encoding="utf-8")
    assert load_settings(mine).store_memory_limit == "800 MB"
    mine.write_text(text.replace('memory_limit = "1.5GB"', 'memory_limit = "lots"'), encoding="utf-8")
    with pytest.raises(ValueError, match=r"store\.memory_limit.*lots"):
        load_settings(mine)


def test_the_store_opens_with_the_configured_memory_cap(tmp_path):
    from data_loaders.store import Store

    store = Store.create(tmp_path / "capped.duckdb", demo=False, memory_limit="700MB")
    limit = store.query("SELECT current_setting('memory_limit') AS m")["m"].iloc[0]
    assert limit == "667.5 MiB", limit  # DuckDB states 700 MB in MiB
