"""The 进展通报 page's pieces: the request form, the pack kept per request, its downloads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from paicha.bulletin import BulletinFigures
from ui import cache, exports, keys
from ui.documents.pack import Pack, build_pack, issue_pack
from ui.session import Session
from ui.text import t

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


@dataclass(frozen=True)
class Request:
    """What the person asked for: the as-of date, the comparison (None = last issued), next steps."""

    as_of: dt.date
    since: dt.date | None
    next_steps: str


def request_form(session: Session) -> Request:
    """The comparison (the last issued 通报, or the sidebar's 对比日期) and the editable next steps."""
    mode = st.radio(t("bulletin.since"), ["last", "date"], horizontal=True, key=keys.BULLETIN_SINCE_MODE,
                    format_func=lambda m: t("bulletin.since_last") if m == "last" else
                    t("bulletin.since_date_on", day=session.since))
    steps = st.text_area(t("bulletin.next_label"), t("bulletin.next_default"), height=140, key=keys.BULLETIN_NEXT)
    return Request(session.as_of, None if mode == "last" else session.since, steps)


def kept_pack(session: Session, request: Request) -> Pack | None:
    """The pack generated for this request: an issued one always, a draft while the data is unchanged."""
    slot = st.session_state.get(keys.BULLETIN_PACK)
    if not slot or slot[0] != (session.scope, request):
        return None
    version, pack = slot[1], slot[2]
    return pack if pack.issue_number is not None or version == session.version else None


def generate(session: Session, request: Request, issue: bool) -> Pack:
    store, settings = cache.store(), cache.settings()
    with st.spinner(t("bulletin.generating")):
        if issue:
            pack = issue_pack(store, settings, session.scope, request.as_of, request.since, request.next_steps,
                              session.user.id)
        else:
            pack = build_pack(store, settings, session.scope, request.as_of, request.since, request.next_steps)
    st.session_state[keys.BULLETIN_PACK] = ((session.scope, request), session.version, pack)
    return pack


def downloads(session: Session, files: dict[str, bytes | None], name: str, figures: BulletinFigures,
              issue_number: int | None, keys_: tuple[str, str, str]) -> None:
    """The three files as audited downloads (a 通报 names villages and figures, never households)."""
    filters = {"as_of": figures.as_of, "issue_number": issue_number}
    cols = st.columns(3)
    for col, (kind, key, label, mime) in zip(cols, (("docx", keys_[0], "bulletin.download_docx", DOCX),
                                                   ("pdf", keys_[1], "bulletin.download_pdf", PDF),
                                                   ("xlsx", keys_[2], "bulletin.download_xlsx", XLSX)), strict=True):
        with col:
            content = files.get(kind)
            if content is None:
                st.caption(t("bulletin.no_pdf"))
                continue
            exports.offer(session, t(label), key, lambda c=content: (c, len(figures.villages)),
                          file_name=f"{name}.{kind}", mime=mime, action=f"export_bulletin_{kind}",
                          filters=filters, masked=True, note=False)
