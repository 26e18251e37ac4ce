"""The role walk: every demo account on every page it can reach, and every file it can download.

What must never happen: an 18-character ID number or an 11-digit phone unmasked for an account
without the unmask permission, or a supervisor seeing another town's town or village names.
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from google.protobuf.json_format import MessageToJson
from python_calamine import CalamineWorkbook
from streamlit.testing.v1.element_tree import Dataframe

from data_loaders.accounts import DEMO_ACCOUNTS
from data_loaders.divisions import read_divisions
from paicha.access import ROLE_PERMISSIONS
from paicha.vocab import Permission
from tests.app.walk import download, download_buttons, go_to, open_app, sign_in
from ui.pages import PAGES

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z_.])[0-9]{17}[0-9X](?![0-9A-Za-z_])")
PHONE = re.compile(r"(?<![0-9A-Za-z_.])1[3-9][0-9]{9}(?![0-9A-Za-z_])")


def shown(at) -> str:
    """Everything the page sent to the browser: labels, texts, HTML bodies, table cells."""
    parts = []
    for node in at._tree:
        if isinstance(node, Dataframe):
            parts.append(node.value.to_csv())
        elif getattr(node, "proto", None) is not None:
            parts.append(MessageToJson(node.proto, ensure_ascii=False))
    return "\n".join(parts)


def file_text(content: bytes) -> str:
    if content[:2] == b"PK":  # xlsx, or a zip of field lists
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        except Exception:
            import zipfile

            with zipfile.ZipFile(io.BytesIO(content)) as z:
                return "\n".join(file_text(z.read(n)) for n in z.namelist())
        return "\n".join(str(cell) for name in book.sheet_names
                         for row in book.get_sheet_by_name(name).to_python() for cell in row)
    return content.decode("utf-8-sig", errors="replace")


def foreign_names(town_code: str, settings) -> set[str]:
    divisions = read_divisions(settings.divisions_file)
    own = divisions[divisions["town_code"] == town_code]
    other = divisions[divisions["town_code"] != town_code]
    own_names = set(own["village_name"]) | set(own["town_name"])
    # A name inside one of the town's own names (中心社区居委会 in 对桩石中心社区居委会) proves nothing.
    return {n for n in set(other["town_name"]) | set(other["village_name"]) if not any(n in o for o in own_names)}


@pytest.mark.parametrize(("username", "role", "town"), [(a[0], a[1], a[2]) for a in DEMO_ACCOUNTS],
                         ids=[a[0] for a in DEMO_ACCOUNTS])
def test_an_account_sees_and_downloads_only_what_its_role_and_scope_allow(username, role, town, demo_copy,
                                                                           app_env, settings):
    app_env(demo_copy)
    may_unmask = Permission.unmask in ROLE_PERMISSIONS[role]
    forbidden = foreign_names(town, settings) if town else set()
    at = sign_in(open_app(), username)
    for page in PAGES:
        at = go_to(at, page.script)
        assert not at.exception, (username, page.script, at.exception)
        texts = {page.script: shown(at)}
        for key in download_buttons(at):
            texts[f"{page.script}:{key}"] = file_text(download(at, key))
        for where, text in texts.items():
            assert not [n for n in forbidden if n in text], (username, where)
            if not may_unmask:
                assert not ID_NUMBER.search(text) and not PHONE.search(text), (username, where)


def test_the_walk_would_notice_an_unmasked_number(demo_copy, app_env):
    """The detector itself: the demo store holds valid 18-character numbers and 11-digit phones."""
    app_env(demo_copy)
    from data_loaders.store import Store

    row = Store(demo_copy).query("SELECT head_id_number, phone FROM households LIMIT 1").iloc[0]
    assert ID_NUMBER.search(pd.DataFrame([row]).to_csv()) and PHONE.search(str(row["phone"]))
