"""The Excel import templates, empty or filled from the store, laid out for data_loaders.excel."""

from __future__ import annotations

import pandas as pd

from data_loaders.excel import Column, HelpSheet, Sheet, write_workbook
from data_loaders.importing.spec import FIELDS, Field, ImportKind
from data_loaders.store import Store
from paicha.scope import Scope
from paicha.text import joined, options, t
from paicha.vocab import LabelledEnum

# Rows of an empty template that get the dropdowns; an export gets them over its own rows.
TEMPLATE_ROWS = 5000
_TEXT_PARSES = {"code", "id_number", "text", "phone", "town", "village"}
_BOOL_PARSES = {"bool", "bool_optional"}
_YES, _NO = t("text.yes"), t("text.no")

# Store column each exported field is read from, where the names differ.
_EXPORT_SOURCE = {"town": "town_name", "village": "village_name"}

_EXPORT_SQL = {
    ImportKind.households: (
        "SELECT h.*, d.town_name, d.village_name FROM households h "
        "JOIN divisions d USING (village_code) WHERE {where} ORDER BY h.household_id"),
    ImportKind.screenings: (
        "SELECT h.* FROM screenings h WHERE {where} "
        "ORDER BY h.household_id, h.screened_on, h.method, h.screener"),
    ImportKind.milestones: (
        "SELECT h.*, d.town_name FROM milestones h "
        "JOIN (SELECT DISTINCT town_code, town_name FROM divisions) d USING (town_code) "
        "WHERE {where} ORDER BY h.town_code"),
}


def _tabular(kind: ImportKind) -> None:
    if not kind.is_tabular:
        raise ValueError(t("import.error.not_a_table_kind", kind=kind.label))


def template_bytes(kind: ImportKind) -> bytes:
    """An empty .xlsx template for ``kind``: canonical headers, formats, dropdowns, 填表说明."""
    _tabular(kind)
    return _workbook(kind, None)


def export_to_template(store: Store, kind: ImportKind, scope: Scope) -> bytes:
    """The store's rows of ``kind`` within ``scope``, written in the import template's layout.

    Internal and unmasked: ID numbers and phone numbers are written in full so that the file can
    be imported again. A page or command that offers it must check the export and unmasking
    permissions and write the audit log (``Store.audit``); this function does neither.
    Key-group lists are not exported (their flags travel in the roster's columns).
    """
    if kind not in _EXPORT_SQL:
        raise ValueError(t("import.error.not_a_table_kind", kind=kind.label))
    where, params = Store.scope_sql(scope, "h")
    frame = store.query(_EXPORT_SQL[kind].format(where=where), params)
    return _workbook(kind, frame)


def _label(enum: type[LabelledEnum], code: object) -> str | None:
    return enum(code).label if isinstance(code, str) else None


def _cell(f: Field, value: object) -> object:
    """A stored value as the template shows it: labels for codes, 是/否 for flags."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if f.parse in _BOOL_PARSES:
        return _YES if value else _NO
    if f.enum is not None:
        return _label(f.enum, value)
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _column(f: Field) -> Column:
    width = max(10, min(24, len(f.header) * 2 + 2))
    choices = (_YES, _NO) if f.parse in _BOOL_PARSES else (
        tuple(m.label for m in f.enum) if f.enum is not None else ())
    style = "required" if f.required else "plain"
    if f.parse in _TEXT_PARSES:
        # Text format keeps an 18-digit ID typed into the template from turning into 2.1E+17.
        return Column(f.header, max(width, 20) if f.parse == "id_number" else width, "text", choices, style)
    if f.parse == "date":
        return Column(f.header, max(width, 12), "date", choices, style)
    return Column(f.header, width, "any", choices, style)


def _workbook(kind: ImportKind, frame: pd.DataFrame | None) -> bytes:
    fields = FIELDS[kind]
    rows: list[list[object]] = []
    if frame is not None:
        columns = [frame[_EXPORT_SOURCE.get(f.name, f.name)].tolist() for f in fields]
        rows = [[_cell(f, v) for f, v in zip(fields, values, strict=True)] for values in zip(*columns, strict=True)]
    sheet = Sheet(kind.label, [_column(f) for f in fields], rows,
                  header_height=30, dropdown_rows=TEMPLATE_ROWS)
    return write_workbook([sheet], _help_sheet(fields))


def _help_sheet(fields: tuple[Field, ...]) -> HelpSheet:
    rows = []
    for f in fields:
        fmt_key = "enum" if f.enum is not None else f.parse
        allowed = joined(m.label for m in f.enum) if f.enum is not None else (
            joined((_YES, _NO)) if f.parse in _BOOL_PARSES else "")
        rows.append((f.header, t(f"import.meaning.{f.help_key}"), t(f"import.format.{fmt_key}"),
                     t("import.help.required_yes" if f.required else "import.help.required_no"), allowed,
                     joined(f.aliases)))
    return HelpSheet([t("import.help.intro")], tuple(options("import.help.columns")), rows,
                     widths=(22, 36, 36, 10, 36, 40))
