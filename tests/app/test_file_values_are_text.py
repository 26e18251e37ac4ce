"""Values from files reach pages as text: a markup household id, a hazard zone without a shape."""

from __future__ import annotations

import re

import pytest

from data_loaders import store as store_module
from data_loaders.store import Store
from tests.app.test_spot_checks import draw_through_the_form, open_spot_checks
from tests.app.walk import go_to, open_app, shown, sign_in
from tests.conftest import build_known_store
from tests.filled_lists import write_filled_list
from ui import keys
from ui.text import t

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize("cell", ["![x](http://host/track.png)", "<img src=x onerror=alert(1)>"])
def test_markup_in_an_uploaded_household_id_is_shown_as_text_not_fetched(tmp_path, settings, app_env, cell):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = draw_through_the_form(open_spot_checks("checker"))
    filled = write_filled_list(tmp_path / "hostile.xlsx", [{"户编号": cell, "是否一致": "是"}])
    at.file_uploader(key=keys.SPOT_UPLOAD).upload("hostile.xlsx", filled, XLSX)
    at = at.run().button(key=keys.SPOT_IMPORT).click().run()
    assert not at.exception and at.error
    source = at.error[0].value
    # The reader sees the cell as the one cell parser reads a 户编号 (spaces folded away).
    assert cell.replace(" ", "") in shown(source)
    assert cell not in source and not re.search(r"(?<!\\)(<|!\[|\]\()", source)  # every < ! [ ] ( escaped


def test_a_stored_zone_without_a_shape_does_not_take_the_map_down(tmp_path, settings, app_env):
    store = build_known_store(tmp_path / "k.duckdb", settings)
    with store.transaction(refresh=False) as cur:
        columns = "(zone_id, kind, level, name, village_code, source, crs, geometry)"
        cur.execute(f"INSERT INTO hazard_zones {columns} VALUES ('z-empty', 'flood', 'high', '无图形区', '210311006200', "
                    "'旧导入', 'WGS-84', NULL)")
        cur.execute(f"INSERT INTO hazard_zones {columns} VALUES ('z-ok', 'flood', 'high', '沿河区', NULL, '测试', 'WGS-84', "
                    "'{\"type\": \"Polygon\", \"coordinates\": [[[122.9, 41.0], [123.0, 41.0], [123.0, 41.1], "
                    "[122.9, 41.0]]]}')")
    store_module.close_all()
    app_env(tmp_path / "k.duckdb")
    at = go_to(sign_in(open_app(), "leader"), "pages/risk_map.py")
    assert not at.exception
    assert t("map.zones_without_shape", n=1) in [w.value for w in at.warning]
    assert Store(tmp_path / "k.duckdb").count("hazard_zones") == 2
