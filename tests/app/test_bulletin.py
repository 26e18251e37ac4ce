"""AppTest of 进展通报 in the order a person acts: sign in, set the date, open the page, generate,
download (audited), issue, find it in the list and download it again byte for byte."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document

from data_loaders import bulletins
from paicha.scope import Scope
from tests.app.walk import download, go_to, open_app, set_as_of, sign_in
from tests.conftest import build_known_store
from ui import cache, keys
from ui.text import t


def open_bulletin(user: str, day: dt.date = dt.date(2024, 9, 14)):
    return go_to(set_as_of(sign_in(open_app(), user), day), "pages/bulletin.py")


def test_generate_then_download_writes_an_audit_line(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_bulletin("leader")
    assert not at.exception and at.title[0].value == t("bulletin.title")
    at = at.button(key=keys.BULLETIN_GENERATE).click().run()
    assert not at.exception
    content = download(at, keys.BULLETIN_DOCX)
    assert content[:2] == b"PK"
    line = cache.store().audit_entries(action="export_bulletin_docx").iloc[0]
    assert line["user_name"] == "leader" and '"as_of": "2024-09-14"' in line["detail"]


def test_issuing_lists_the_bulletin_and_its_files_download_again_unchanged(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_bulletin("leader")
    at = at.button(key=keys.BULLETIN_ISSUE).click().run()
    assert not at.exception and t("bulletin.issued", number=1) in [s.value for s in at.success]
    issued = download(at, keys.BULLETIN_DOCX)
    assert at.selectbox(key=keys.BULLETIN_PICK).value == 1
    assert download(at, keys.BULLETIN_OLD_DOCX) == issued
    assert bulletins.issued_files(cache.store(), Scope.district(settings.district_code), 1)["docx"] == issued
    at = at.run()  # the next issue takes the next number
    assert at.button(key=keys.BULLETIN_ISSUE).label == t("bulletin.issue", number=2)


def test_a_supervisor_gets_the_same_for_their_town_only(tmp_path, settings, app_env):
    build_known_store(tmp_path / "k.duckdb", settings)
    app_env(tmp_path / "k.duckdb")
    at = open_bulletin("ganquan")
    at = at.button(key=keys.BULLETIN_GENERATE).click().run()
    text = "\n".join(p.text for p in Document(io.BytesIO(download(at, keys.BULLETIN_DOCX))).paragraphs)
    assert "甘泉镇防止返贫监测帮扶集中排查工作进展情况通报" in text and "汤岗子" not in text
