"""数据导入: upload exports, see every problem at once, confirm, and see the import log."""

from functools import partial

import streamlit as st

from data_loaders.importing import ImportKind, export_to_template, template_bytes
from paicha.vocab import Permission
from ui import cache, exports, imports, keys, safe
from ui.session import page_start
from ui.text import t

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

session = page_start("imports.title", t("imports.caption"), permission=Permission.import_data)
user = session.user
if not session.scope.is_district:
    st.info(t("imports.district_only"))
    st.stop()

with st.expander(t("imports.templates")):
    cols = st.columns(4)
    for col, kind in zip(cols, [k for k in ImportKind if k.is_tabular], strict=True):
        col.download_button(t("imports.template_button", kind=kind.label), partial(template_bytes, kind),
                            file_name=t("import.term.template_file", kind=kind.label), key=f"imports.template.{kind.value}",
                            on_click="ignore")

kind = st.selectbox(t("imports.kind"), [None, *[k.value for k in ImportKind]], key=keys.IMPORT_KIND,
                    format_func=lambda k: t("imports.kind_auto") if k is None else ImportKind(k).label)
uploads = st.file_uploader(t("imports.upload"), type=["xlsx", "xls", "csv", "txt", "geojson", "json", "zip"],
                           accept_multiple_files=True, key=keys.IMPORT_FILES)
if uploads:
    files = [(f.name, f.getvalue()) for f in uploads]
    report = imports.checked(files, kind, user.id)
    if report.errors:
        st.error(t("imports.errors", n=len(report.errors)))
        st.dataframe(imports.error_table(report), hide_index=True, width="stretch")
    else:
        st.success(t("imports.passed", rows=report.rows, new=report.new, changed=report.changed,
                     unchanged=report.unchanged))
        st.info(t("text.labelled", label=t("imports.mode"), value=report.mode))
        confirmed = imports.confirmations(report)
        if st.button(t("imports.confirm"), type="primary", key=keys.IMPORT_CONFIRM, disabled=confirmed is None):
            try:
                done = imports.apply(files, kind, user.id, *confirmed)
            except Exception as exc:  # the transaction rolled back; say so in the user's words
                st.error(safe.t("imports.failed_apply", error=exc))
            else:
                if done.ok:
                    st.success(t("imports.done", rows=done.rows, new=done.new, changed=done.changed))
                elif done.errors:
                    st.error(t("imports.refused", n=len(done.errors)))
                    st.dataframe(imports.error_table(done), hide_index=True, width="stretch")
                else:  # the store changed since the check: other households would move now
                    st.error(t("imports.confirm_again"))

imports.backup_section(user.id, session.scope)

if user.can(Permission.export) and user.can(Permission.unmask):
    with st.expander(t("imports.export")):
        for col, kind_ in zip(st.columns(3), [ImportKind.households, ImportKind.screenings, ImportKind.milestones],
                              strict=True):
            with col:
                exports.offer(session, t("imports.export_button", kind=kind_.label), f"imports.export.{kind_.value}",
                              lambda k=kind_: (export_to_template(cache.store(), k, session.scope),
                                               cache.store().count(k.value)),
                              file_name=f"{kind_.label}_{session.as_of}.xlsx", mime=XLSX,
                              action=f"export_{kind_.value}", masked=False, filters={"kind": kind_.value},
                              note=False)

st.subheader(t("imports.log"))
st.dataframe(imports.log_table(cache.store().import_log()), hide_index=True, width="stretch")
