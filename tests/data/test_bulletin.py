"""The 进展通报 files opened as a reader would (python-docx, the Excel reader, a PDF reader), and the
snapshots: numbering, comparison with what was issued, byte-for-byte downloads, late records."""

from __future__ import annotations

import datetime as dt
import io

import duckdb
import openpyxl
import pandas as pd
import pytest
from docx import Document
from pypdf import PdfReader

from data_loaders import bulletins, reports
from data_loaders import store as store_module
from data_loaders.store import SCREENING_COLUMNS, Store
from data_loaders.workbook import read_workbook
from paicha.scope import Scope
from paicha.text import t
from paicha.vocab import Status
from tests.conftest import TOWN_B, VILLAGE_B, build_known_store, screening
from ui.documents.pack import MAP_INCHES, build_pack, issue_pack, lag_map
from ui.documents.pdf import converter

D = dt.date


@pytest.fixture
def demo(demo_copy) -> Store:
    return Store(demo_copy)


def district(settings) -> Scope:
    return Scope.district(settings.district_code)


def text_of(docx: bytes) -> str:
    doc = Document(io.BytesIO(docx))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def pictures(docx: bytes) -> list[bytes]:
    """The report's pictures in document order, as the files Word embedded."""
    doc = Document(io.BytesIO(docx))
    return [doc.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
            for shape in doc.inline_shapes]


def png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def ranking_rows(docx: bytes) -> list[list[str]]:
    table = Document(io.BytesIO(docx)).tables[0]
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_report_names_every_town_with_the_same_figures_as_paicha_progress(demo, settings):
    pack = build_pack(demo, settings, district(settings), D(2024, 9, 16), None, with_pdf=False)
    towns = reports.progress_table(demo, settings, district(settings), D(2024, 9, 16), "town")
    rows = ranking_rows(pack.docx)
    assert rows[0][:4] == [t("bulletin.rank"), t("columns.town"), t("columns.households"), t("columns.screened")]
    printed = {r[1]: (r[2], r[3], r[4]) for r in rows[1:]}
    assert set(printed) == set(towns["name"])
    for town in towns.itertuples():
        assert printed[town.name] == (f"{town.households:,}", f"{town.screened:,}", f"{town.screened_pct:.1f}")
    ranks = [float(r[4]) for r in rows[1:]]
    assert ranks == sorted(ranks, reverse=True)  # ranked by screened share


def test_the_summary_states_the_pages_numbers(demo, settings):
    pack = build_pack(demo, settings, district(settings), D(2024, 9, 16), None, with_pdf=False)
    overview = reports.overview(demo, settings, district(settings), D(2024, 9, 16))
    text = text_of(pack.docx)
    d = overview.district
    assert t("bulletin.doc_title", scope="千山区") in text and t("bulletin.doc_draft") in text
    assert "（截至2024年9月16日）" in text
    assert f"共有农户{d.households:,}户，已完成排查{d.screened:,}户，占{d.screened_pct}%" in text
    assert f"重点群体户已入户排查{d.key_home_visited:,}户（共{d.key_households:,}户）" in text
    assert f"建议纳入监测{d.proposed:,}户" in text
    assert "距排查和线上确认截止（9月20日）还有3个工作日" in text  # 9-18, 9-19, 9-20


def test_lagging_villages_carry_their_reason_and_the_pictures_are_there(demo, settings):
    pack = build_pack(demo, settings, district(settings), D(2024, 9, 12), None, with_pdf=False)
    text = text_of(pack.docx)
    lagging = pack.figures.lagging()
    assert lagging, "the demo has villages behind on 9-12"
    # The reasons are the 村级进度 page's sentences for the same scope and date, not a second wording.
    page = reports.village_report(demo, settings, district(settings), D(2024, 9, 12), D(2024, 9, 11)).villages
    why = dict(zip(page["code"], page["why"], strict=True))
    for village in lagging:
        assert village["name"] in text and pack.figures.reasons[village["code"]] in text
        assert pack.figures.reasons[village["code"]] == why[village["code"]] != ""
    assert len(Document(io.BytesIO(pack.docx)).inline_shapes) >= 1  # the cumulative curve
    assert t("bulletin.chart_curve") in text


def test_the_same_content_makes_the_same_word_file(demo, settings):
    first = build_pack(demo, settings, district(settings), D(2024, 9, 12), D(2024, 9, 9), with_pdf=False)
    second = build_pack(demo, settings, district(settings), D(2024, 9, 12), D(2024, 9, 9), with_pdf=False)
    assert first.docx == second.docx


def test_the_annex_lists_every_village_and_prints_on_a4_landscape(demo, settings):
    pack = build_pack(demo, settings, district(settings), D(2024, 9, 16), D(2024, 9, 9), with_pdf=False)
    sheets = {s.name: s for s in read_workbook(pack.xlsx)}
    assert set(sheets) == {t("bulletin.annex_villages"), t("bulletin.annex_towns"), t("bulletin.annex_changes")}
    villages = sheets[t("bulletin.annex_villages")].rows
    assert len(villages) == 2 + 64  # title, header, one row per village
    statuses = {row[12] for row in villages[2:]}
    assert statuses <= {s.label for s in Status}
    book = openpyxl.load_workbook(io.BytesIO(pack.xlsx))
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        assert sheet.print_title_rows == "$1:$2" and sheet.sheet_properties.pageSetUpPr.fitToPage


@pytest.mark.skipif(converter() is None, reason="needs LibreOffice (make test installs it)")
def test_the_pdf_holds_the_report_with_its_fonts_embedded(demo, settings):
    pack = build_pack(demo, settings, district(settings), D(2024, 9, 16), None)
    reader = PdfReader(io.BytesIO(pack.pdf))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "").replace(" ", "")
    assert "工作进展情况通报" in text and "汤岗子街道" in text and "截至2024年9月16日" in text
    fonts = {f for page in reader.pages for f in page.get("/Resources", {}).get("/Font", {}).values()}
    embedded = [f.get_object() for f in fonts if "/FontDescriptor" in f.get_object()
                or "/DescendantFonts" in f.get_object()]
    assert embedded and b"/FontFile" in pack.pdf


def test_issuing_numbers_keeps_the_files_and_the_next_one_compares_with_what_was_reported(demo, settings):
    scope = district(settings)
    first = issue_pack(demo, settings, scope, D(2024, 9, 9), None, None, "leader")
    assert first.issue_number == 1 and first.comparison is None
    assert t("bulletin.doc_number", number=1) in text_of(first.docx)
    # Late records for days before 9-09 arrive after the first 通报 was issued.
    unscreened = demo.query("""SELECT h.household_id, h.village_code, h.town_code FROM households h
                               LEFT JOIN household_status s USING (household_id)
                               WHERE s.first_on IS NULL OR s.first_on > DATE '2024-09-09' LIMIT 40""")
    late = pd.DataFrame([screening(r.household_id, r.village_code, r.town_code, D(2024, 9, 5))
                         for r in unscreened.itertuples()])
    with demo.transaction() as cur:
        demo.insert_frame(cur, "screenings", late, SCREENING_COLUMNS)
    second = issue_pack(demo, settings, scope, D(2024, 9, 16), None, None, "leader")
    assert second.issue_number == 2 and second.comparison.issue_number == 1
    # The change is against the issued figures, not against today's replay of 9-09.
    reported = first.figures.district["screened"]
    assert t("bulletin.summary_change", since=second.comparison.label,
             screened=f"{second.figures.district['screened'] - reported:,}",
             key_delta=f"{second.figures.district['key_home_visited'] - first.figures.district['key_home_visited']:,}",
             ) in text_of(second.docx)
    assert bulletins.issued_files(demo, scope, 1) == first.files()  # byte for byte
    differences = bulletins.replay_check(demo, settings, scope, 1)
    district_row = differences[differences["code"] == settings.district_code]
    assert int(district_row["screened_delta"].iloc[0]) == 40
    assert demo.audit_entries(action="bulletin_issue")["user_name"].tolist() == ["leader", "leader"]


def test_each_scope_numbers_its_own_bulletins_and_sees_only_its_own(known_store, settings):
    town = Scope.town(settings.district_code, TOWN_B)
    issue_pack(known_store, settings, district(settings), D(2024, 9, 14), None, None, "leader", )
    pack = issue_pack(known_store, settings, town, D(2024, 9, 14), None, None, "ganquan")
    assert pack.issue_number == 1
    assert t("bulletin.doc_title", scope="甘泉镇") in text_of(pack.docx)
    assert [u["code"] for u in pack.figures.towns] == [TOWN_B]
    assert {v["code"] for v in pack.figures.villages} <= {VILLAGE_B} | {
        v["code"] for v in pack.figures.villages if v["parent_code"] == TOWN_B}
    assert "汤岗子" not in text_of(pack.docx)
    assert bulletins.issued_list(known_store, town)["issue_number"].tolist() == [1]
    assert bulletins.issued(known_store, town, 2) is None


def test_a_number_taken_meanwhile_is_refused_with_a_message(known_store, settings):
    scope = district(settings)
    pack = build_pack(known_store, settings, scope, D(2024, 9, 14), None, issue_number=1, with_pdf=False)
    bulletins.issue(known_store, scope, 1, None, pack.figures, pack.next_steps, pack.files(), "a")
    with pytest.raises(bulletins.BulletinError, match="第1期刚被另一位用户发布"):
        bulletins.issue(known_store, scope, 1, None, pack.figures, pack.next_steps, pack.files(), "b")


def test_the_map_of_villages_by_lag_follows_the_curve_with_its_caption(demo, settings):
    scope = district(settings)
    pack = build_pack(demo, settings, scope, D(2024, 9, 12), None, with_pdf=False)
    curve, village_map = pictures(pack.docx)
    assert village_map[:8] == b"\x89PNG\r\n\x1a\n" and village_map != curve
    assert png_size(village_map) == (round(MAP_INCHES[0] * 200), round(MAP_INCHES[1] * 200))
    # The picture is the scope's lag on the report's date, not some other day's.
    assert village_map == lag_map(demo, settings, scope, D(2024, 9, 12), "千山区")
    assert village_map != lag_map(demo, settings, scope, D(2024, 9, 5), "千山区")
    paragraphs = [p.text for p in Document(io.BytesIO(pack.docx)).paragraphs]
    assert paragraphs.index(t("bulletin.chart_curve")) < paragraphs.index(t("bulletin.chart_map"))


def test_a_supervisors_report_maps_only_their_town(known_store, settings):
    town = Scope.town(settings.district_code, TOWN_B)
    pack = build_pack(known_store, settings, town, D(2024, 9, 14), None, with_pdf=False)
    assert len(pictures(pack.docx)) == 2
    assert pictures(pack.docx)[1] == lag_map(known_store, settings, town, D(2024, 9, 14), "甘泉镇")
    assert pictures(pack.docx)[1] != lag_map(known_store, settings, district(settings), D(2024, 9, 14), "甘泉镇")


def test_a_store_with_nothing_to_place_on_a_map_gets_the_report_without_one(known_store, settings):
    with known_store.transaction() as cur:
        cur.execute("UPDATE households SET lon = NULL, lat = NULL")
        cur.execute("UPDATE divisions SET geometry = NULL")
    pack = build_pack(known_store, settings, district(settings), D(2024, 9, 14), None, with_pdf=False)
    assert len(pictures(pack.docx)) == 1
    assert t("bulletin.chart_map") not in text_of(pack.docx)


@pytest.mark.parametrize("version", ["1", "2"])
def test_a_store_from_before_bulletins_gains_their_table_when_opened(tmp_path, settings, version):
    path = tmp_path / "older.duckdb"
    build_known_store(path, settings)
    store_module.close_all()
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE bulletins")
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [version])
    con.close()
    store = Store(path)
    assert bulletins.issued_list(store, district(settings)).empty
    pack = issue_pack(store, settings, district(settings), D(2024, 9, 14), None, None, "leader")
    assert pack.issue_number == 1
    assert bulletins.issued_files(store, district(settings), 1) == pack.files()


def test_a_report_before_the_campaign_starts_has_its_map_with_nobody_behind_yet(demo, settings):
    pack = build_pack(demo, settings, district(settings), D(2024, 8, 20), None, with_pdf=False)
    assert len(pictures(pack.docx)) == 2  # the chart and the map, all villages in the zero class
