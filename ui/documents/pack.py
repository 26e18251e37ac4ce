"""The meeting pack end to end: figures, comparison, wording, and its three files, drafted or issued."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from data_loaders import bulletins, exposure, reports
from data_loaders.store import Store
from paicha.bulletin import BulletinFigures, Comparison, ranking, summary
from paicha.config import Settings
from paicha.scope import Scope
from paicha.text import t
from paicha.vocab import MapMeasure
from ui.documents.annex import build_annex
from ui.documents.charts import curve_png
from ui.documents.pdf import docx_to_pdf
from ui.documents.report import ReportContent, build_docx
from ui.maps.builders import MapChoice
from ui.maps.png import map_png

# The map's picture in the report: 18 × 12 cm drawn, printed 15.5 cm wide, so its legend stays legible on A4.
MAP_INCHES = (7.1, 4.7)


@dataclass(frozen=True)
class Pack:
    """A 通报 with its files; ``issue_number`` None for a draft (征求意见稿)."""

    figures: BulletinFigures
    comparison: Comparison | None
    ranking: pd.DataFrame
    issue_number: int | None
    next_steps: str
    docx: bytes
    xlsx: bytes
    pdf: bytes | None

    def files(self) -> dict[str, bytes | None]:
        return {"docx": self.docx, "xlsx": self.xlsx, "pdf": self.pdf}

    @property
    def file_stem(self) -> str:
        return file_stem(self.figures, self.issue_number)


def file_stem(figures: BulletinFigures, issue_number: int | None) -> str:
    """The files' name without extension: scope, number (or draft) and date."""
    number = t("bulletin.file_number", number=issue_number) if issue_number else t("bulletin.file_draft")
    return t("bulletin.file_name", scope=figures.scope_name, number=number, day=figures.as_of)


def lag_map(store: Store, settings: Settings, scope: Scope, as_of: dt.date, scope_name: str) -> bytes | None:
    """The scope's villages coloured by households behind plan on ``as_of``, as the risk map
    draws them; None when no village has an area or a located household to draw.

    Hazards, heat and key households are left off: the 通报 reports progress, and the risk map
    page has the rest.
    """
    view = exposure.risk_view(store, settings, scope, as_of, kinds=(), subjects=())
    villages = view.villages
    if not (villages["geometry"].notna() | villages["lon"].notna()).any():
        return None
    choice = MapChoice(MapMeasure.lag, heat=False, keys=False)
    return map_png(view, choice, title=t("bulletin.map_title", scope=scope_name), scope=scope_name,
                   size=MAP_INCHES, dpi=200)


def build_pack(store: Store, settings: Settings, scope: Scope, as_of: dt.date, since: dt.date | None,
               next_steps: str | None = None, issue_number: int | None = None, with_pdf: bool = True) -> Pack:
    """Draft (or, with ``issue_number``, the issued form of) the 通报 for a scope and date.

    ``since`` None compares with the last issued 通报 exactly as it was reported; a date compares
    with that date replayed.
    """
    overview = reports.overview(store, settings, scope, as_of)
    name = bulletins.scope_name(store, settings, scope)
    current = bulletins.figures_of(overview, scope, name, bulletins.reasons_of(store, settings, scope, as_of))
    compared = bulletins.comparison(store, settings, scope, since)
    ranked = ranking(current, compared)
    towns = {u["code"]: u["name"] for u in current.towns}
    # A town's own 通报 names its villages without repeating the town.
    town_of = (lambda code: "") if scope.town_code else (lambda code: towns.get(code, ""))
    lagging = [(town_of(v["parent_code"]), v["name"], current.reasons.get(v["code"], "")) for v in current.lagging()]
    spans = {v["code"]: v for v in current.villages}
    short = [(town_of(spans[c]["parent_code"]), spans[c]["name"], int(spans[c].get("span_workdays") or 0))
             for c in current.short_span if c in spans]
    steps = next_steps if next_steps is not None else t("bulletin.next_default")
    content = ReportContent(
        scope_name=name, issuer=settings.bulletin_issuer, as_of=as_of, issue_number=issue_number,
        summary=summary(current, compared, overview.deadlines), ranking=ranked,
        since_label=compared.label if compared else None, lagging=lagging, short_span=short, next_steps=steps,
        curve_png=curve_png(overview.curve, settings.campaign.start, settings.campaign.screening_deadline),
        map_png=lag_map(store, settings, scope, as_of, name))
    docx = build_docx(content)
    return Pack(current, compared, ranked, issue_number, steps, docx, build_annex(current, compared, ranked),
                docx_to_pdf(docx) if with_pdf else None)


def issue_pack(store: Store, settings: Settings, scope: Scope, as_of: dt.date, since: dt.date | None,
               next_steps: str | None, user: str) -> Pack:
    """Number, render and record a 通报; its files are kept byte for byte."""
    number = bulletins.next_number(store, scope)
    pack = build_pack(store, settings, scope, as_of, since, next_steps, number)
    bulletins.issue(store, scope, number, pack.comparison, pack.figures, pack.next_steps, pack.files(), user)
    return pack
