"""The 进展通报 as a Word document: A4, the official-notice fonts, page numbers, tables, pictures.

Laid out after the usual form of a county office's notice (GB/T 9704 in spirit): title in
小标宋 二号, body in 仿宋 三号, first-level headings in 黑体, page numbers "— 1 —" at the foot.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from paicha.text import t
from paicha.vocab import Light, Status
from ui import theme

# Chinese type sizes in points: 二号 22, 三号 16, 四号 14, 小四 12, 五号 10.5.
TITLE_PT, BODY_PT, TABLE_PT, CAPTION_PT = 22, 16, 10.5, 12


@dataclass(frozen=True)
class ReportContent:
    """Everything the Word report prints, already worded (the page and the CLI build it the same way)."""

    scope_name: str
    issuer: str
    as_of: dt.date
    issue_number: int | None
    summary: str
    ranking: pd.DataFrame
    since_label: str | None
    lagging: list[tuple[str, str, str]]        # (town, village, reason)
    short_span: list[tuple[str, str, int]]    # (town, village, span)
    next_steps: str
    curve_png: bytes
    map_png: bytes | None = None


def _fonts(run, east_asian: str, size: float, bold: bool = False) -> None:
    """Set a run's Chinese and Latin font: Word keeps them apart (w:eastAsia vs w:ascii)."""
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = east_asian
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)


def _paragraph(doc, text: str, font: str = theme.BODY_FONT, size: float = BODY_PT, bold: bool = False,
               align=None, indent: bool = True):
    p = doc.add_paragraph()
    p.paragraph_format.line_spacing = Pt(28)  # the fixed 28-point line of an official notice
    p.paragraph_format.space_after = Pt(0)
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    _fonts(p.add_run(text), font, size, bold)
    return p


def _heading(doc, text: str) -> None:
    _paragraph(doc, text, theme.HEADING_FONT, BODY_PT).paragraph_format.keep_with_next = True


def _page_numbers(section) -> None:
    """"— 1 —" centred at the foot of every page (a PAGE field, so Word counts)."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(p.add_run("— "), theme.BODY_FONT, 14)
    run = p.add_run()
    _fonts(run, theme.BODY_FONT, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
    _fonts(p.add_run(" —"), theme.BODY_FONT, 14)


def _shade(cell, fill: str) -> None:
    props = cell._element.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), fill)
    props.append(shading)


def _row_flag(row, name: str) -> None:
    props = row._tr.get_or_add_trPr()
    flag = OxmlElement(name)
    flag.set(qn("w:val"), "true")
    props.append(flag)


def _table(doc, headers: list[str], rows: list[list[str]], widths_cm: list[float]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _row_flag(table.rows[0], "w:tblHeader")  # the header repeats on every page
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        _fonts(cell.paragraphs[0].add_run(header), theme.HEADING_FONT, TABLE_PT)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _shade(cell, theme.TABLE_HEADER_FILL)
    for values in rows:
        row = table.add_row()
        _row_flag(row, "w:cantSplit")  # a town's row is never cut across two pages
        cells = row.cells
        for cell, value in zip(cells, values, strict=True):
            _fonts(cell.paragraphs[0].add_run(value), theme.BODY_FONT, TABLE_PT)
    for column, width in zip(table.columns, widths_cm, strict=True):
        for cell in column.cells:
            cell.width = Cm(width)
    # LibreOffice (the PDF) reads the grid's widths, Word the cells': set both.
    for grid, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_cm, strict=True):
        grid.set(qn("w:w"), str(round(width * 567)))


def _light(kind: str, code: object) -> str:
    return Light(code).word(kind) if isinstance(code, str) and code else ""


def ranking_rows(ranking: pd.DataFrame, with_change: bool) -> tuple[list[str], list[list[str]]]:
    """The town ranking as the report prints it: headers and worded rows."""
    headers = [t("bulletin.rank"), t("columns.town"), t("columns.households"), t("columns.screened"),
               t("columns.screened_pct"), t("columns.expected_pct")]
    headers += [t("bulletin.change")] if with_change else []
    headers += [t("columns.status"), t("bulletin.light_plan"), t("bulletin.light_finish"), t("bulletin.light_report")]
    rows = []
    for r in ranking.to_dict(orient="records"):
        row = [str(r["rank"]), r["name"], f"{r['households']:,}", f"{r['screened']:,}", f"{r['screened_pct']:.1f}",
               f"{r['expected_pct']:.1f}"]
        if with_change:
            delta = r.get("screened_delta")
            row.append("" if delta is None or pd.isna(delta) else f"{int(delta):+,}")
        row += [Status(r["status"]).label, _light("deadline", r.get("plan_training")),
                _light("finish", r.get("finish")), _light("deadline", r.get("report"))]
        rows.append(row)
    return headers, rows


def build_docx(content: ReportContent) -> bytes:
    """The Word file. Deterministic for the same content, so an issued one can be compared."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _page_numbers(section)
    core = doc.core_properties
    core.title = t("bulletin.doc_title", scope=content.scope_name)
    core.author = content.issuer
    # Fixed times, so the same content always makes the same bytes.
    core.created = core.modified = dt.datetime.combine(content.as_of, dt.time(18, 0))
    core.revision = 1

    _paragraph(doc, t("bulletin.doc_title", scope=content.scope_name), theme.TITLE_FONT, TITLE_PT,
               align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    number = (t("bulletin.doc_number", number=content.issue_number) if content.issue_number
              else t("bulletin.doc_draft"))
    _paragraph(doc, number, theme.TITLE_FONT, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    day = content.as_of
    _paragraph(doc, t("bulletin.as_of_line", year=day.year, month=day.month, day=day.day), theme.SUBHEADING_FONT,
               BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(doc, t("bulletin.issuer_line", issuer=content.issuer, year=day.year, month=day.month, day=day.day),
               theme.BODY_FONT, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(doc, content.summary)

    _heading(doc, t("bulletin.section_towns"))
    headers, rows = ranking_rows(content.ranking, content.since_label is not None)
    # 15.6 cm between the margins. At 10.5 pt a Chinese character takes 0.37 cm, a digit 0.21 cm
    # and a cell pads 0.38 cm: 东鞍山街道, 5,853, +1,582 and 可按期 each stay on one line.
    _table(doc, headers, rows, [0.7, 2.3, 1.5, 1.5, 1.2, 1.2, *([1.6] if content.since_label else []), 1.3,
                                1.3, 1.5, 1.5])
    if content.since_label:
        _paragraph(doc, t("bulletin.change_since", since=content.since_label), theme.BODY_FONT, CAPTION_PT,
                   indent=False)

    _heading(doc, t("bulletin.section_lagging"))
    if not content.lagging:
        _paragraph(doc, t("bulletin.lagging_none"))
    for i, (town, village, reason) in enumerate(content.lagging, start=1):
        _paragraph(doc, f"{i}. " + t("bulletin.lagging_item", town=town, village=village, reason=reason))

    _heading(doc, t("bulletin.section_short_span"))
    if not content.short_span:
        _paragraph(doc, t("bulletin.short_span_none"))
    else:
        items = t("bulletin.join").join(t("bulletin.short_span_item", town=town, village=village, span=span)
                                        for town, village, span in content.short_span)
        _paragraph(doc, t("bulletin.short_span_list", items=items))

    _heading(doc, t("bulletin.section_charts"))
    for picture, caption in ((content.curve_png, "bulletin.chart_curve"), (content.map_png, "bulletin.chart_map")):
        if picture:
            doc.add_picture(io.BytesIO(picture), width=Cm(15.5))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            doc.paragraphs[-1].paragraph_format.keep_with_next = True  # a picture never parts from its caption
            _paragraph(doc, t(caption), theme.BODY_FONT, CAPTION_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)

    _heading(doc, t("bulletin.section_next"))
    for line in [s for s in content.next_steps.splitlines() if s.strip()]:
        _paragraph(doc, line.strip())

    out = io.BytesIO()
    doc.save(out)
    return _fixed_zip_times(out.getvalue())


def _fixed_zip_times(content: bytes) -> bytes:
    """The same file bytes for the same content: zip entries get one fixed timestamp."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
