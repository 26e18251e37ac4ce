"""Turns one spreadsheet cell, as calamine or the CSV reader gives it, into a typed value.

The one cell parser of paicha: imports and spot-check results (the editor and filled-in field
lists) both read their cells here. Each parser returns the value (None for blank) or raises
:class:`CellError` with the Chinese message. Parsers only decide what a cell *says*; rules about
what it may say (ranges, allowed values, the ID check digit) are pandera checks in ``validate``
for imports and :func:`paicha.verdicts.answers_from` for results, so every failure is reported.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable

from data_loaders.importing.spec import (
    BLANK_SPELLINGS,
    DATE_MARK_SPELLINGS,
    INDICATOR_UNIT_SPELLINGS,
    LIST_SEPARATOR_SPELLINGS,
    MEMBER_UNIT_SPELLINGS,
    MONEY_UNIT_SPELLINGS,
    NO_SPELLINGS,
    NOTHING_SPELLINGS,
    YES_SPELLINGS,
    Field,
    enum_lookup,
    normalise_value,
)
from paicha.text import joined, t
from paicha.vocab import LabelledEnum


class CellError(ValueError):
    """A cell that cannot be read as its column's type, with the message template to show."""

    def __init__(self, template: str, **values: object) -> None:
        super().__init__(template)
        self.template = template
        self.values = values

    def message(self, header: str) -> str:
        return self.template.format(header=header, **self.values)


_SPACES = re.compile(r"\s+")
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
# "2.10311E+17" is how Excel displays (and CSV-exports) a long number: its digits are gone.
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?e[+-]?\d+$", re.IGNORECASE)
_YEAR, _MONTH, _DAY = (re.escape(mark) for mark in DATE_MARK_SPELLINGS)
_DATE_TEXT = re.compile(rf"^(\d{{4}})\s*[-/.{_YEAR}]\s*(\d{{1,2}})\s*[-/.{_MONTH}]\s*(\d{{1,2}})\s*{_DAY}?(?:[ Tt].*)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Excel's 1900 date system, counted so that serial 61 is 1900-03-01 (its fictional 1900-02-29
# lies before any date this campaign can hold).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (20_000, 80_000)  # 1954..2119: anything else is not a date somebody meant
_MAX_EXACT = 10**15  # Excel keeps 15 significant digits; integers below this survive intact

# Placeholders people type into a cell that has nothing to say, and the other spellings cells
# come in, are the import's real-world spellings (spec.py).
_BLANK_MARKS = BLANK_SPELLINGS
_NONE_MEANS_BLANK = NOTHING_SPELLINGS
_YES = YES_SPELLINGS
_NO = NO_SPELLINGS
# Between the items of a list typed into one cell (NFKC has already made "，；" ASCII).
_LIST_SEPARATORS = re.compile("[" + "".join(re.escape(s) for s in LIST_SEPARATOR_SPELLINGS) + r"\s]+")


def fold(text: str) -> str:
    """NFKC (full-width digits, letters, brackets and spaces to ASCII) and trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def is_blank(cell: object) -> bool:
    if cell is None:
        return True
    if isinstance(cell, str):
        stripped = cell.strip()
        # Cheap exits first: this runs on every cell of every row.
        return not stripped or (len(stripped) <= 4 and normalise_value(stripped) in _BLANK_MARKS)
    return isinstance(cell, float) and math.isnan(cell)


def display(cell: object) -> str:
    """The cell as the user sees it in Excel, for error messages."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        if math.isfinite(cell) and cell == int(cell) and abs(cell) < 1e11:
            return str(int(cell))
        if math.isfinite(cell) and abs(cell) >= 1e11:
            mantissa, exponent = f"{cell:.5E}".split("E")
            return f"{mantissa.rstrip('0').rstrip('.')}E+{int(exponent):02d}"
        return repr(cell)
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def _is_number(cell: object) -> bool:
    return isinstance(cell, int | float) and not isinstance(cell, bool)


def parse_text(cell: object, field: Field | None = None) -> str | None:
    if is_blank(cell):
        return None
    text = fold(display(cell))
    # Chinese names typed with a space between characters ("张 三") are the same name.
    return _SPACES.sub(" ", _CJK_GAP.sub("", text)) or None


def parse_code(cell: object, field: Field | None = None) -> str | None:
    """An identifier such as 户编号: text; a number is accepted only while its digits are intact."""
    if is_blank(cell):
        return None
    if _is_number(cell):
        if float(cell).is_integer() and abs(cell) < _MAX_EXACT:
            return str(int(cell))
        raise CellError(t("import.error.code_stored_as_number"), value=display(cell))
    text = _SPACES.sub("", fold(str(cell))).lstrip("'")
    if _SCIENTIFIC.match(text):
        raise CellError(t("import.error.code_stored_as_number"), value=text)
    return text or None


def parse_id_number(cell: object, field: Field) -> str | None:
    """A citizen ID number. Any number cell is refused: 18 digits never survive as a number."""
    if is_blank(cell):
        return None
    if _is_number(cell):
        raise CellError(t("import.error.id_stored_as_number"), value=display(cell))
    text = _SPACES.sub("", fold(str(cell))).lstrip("'").upper()
    if _SCIENTIFIC.match(text) or re.fullmatch(r"\d+\.0+", text):
        raise CellError(t("import.error.id_stored_as_number"), value=text)
    return text


def parse_phone(cell: object, field: Field) -> str | None:
    if is_blank(cell) or (isinstance(cell, str) and fold(cell) in _NONE_MEANS_BLANK):
        return None
    if _is_number(cell) and float(cell).is_integer():
        return str(int(cell))
    return _SPACES.sub("", fold(str(cell))) or None


def parse_number(cell: object, field: Field) -> float | None:
    if is_blank(cell) or (isinstance(cell, str) and fold(cell) in _NONE_MEANS_BLANK):
        return None
    if _is_number(cell):
        value = float(cell)
    else:
        text = _SPACES.sub("", fold(str(cell))).replace(",", "")
        for unit in MONEY_UNIT_SPELLINGS:
            text = text.removesuffix(unit)
        try:
            value = float(text)
        except ValueError:
            raise CellError(t("import.error.not_a_number")) from None
    if not math.isfinite(value):
        raise CellError(t("import.error.not_a_number"))
    return value


def parse_indicator(cell: object, field: Field) -> float | None:
    """A hazard indicator as files write it: 12.5, "12.5%", "35天" (the unit is in its name)."""
    if isinstance(cell, str):
        cell = fold(cell).strip()
        for unit in INDICATOR_UNIT_SPELLINGS:
            cell = cell.removesuffix(unit)
    return parse_number(cell, field)


def parse_int(cell: object, field: Field) -> int | None:
    if isinstance(cell, str):
        cell = fold(cell)
        for unit in MEMBER_UNIT_SPELLINGS:
            cell = cell.removesuffix(unit)
    value = parse_number(cell, field)
    if value is None:
        return None
    if not value.is_integer():
        raise CellError(t("import.error.not_an_integer"))
    return int(value)


def parse_yes_no(cell: object) -> bool | None:
    """是/否 in any of its usual spellings (Y/N, √/×, 1/0, 有/无, 对/错); None when blank."""
    if is_blank(cell):
        return None
    if isinstance(cell, bool):
        return cell
    if _is_number(cell) and cell in (0, 1):
        return bool(cell)
    key = normalise_value(display(cell))
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError(t("import.error.not_yes_no"))


def parse_bool(cell: object, field: Field) -> bool | None:
    value = parse_yes_no(cell)
    return field.default if value is None else value


def parse_date(cell: object, field: Field) -> dt.date | None:
    if is_blank(cell) or (isinstance(cell, str) and fold(cell) in _NONE_MEANS_BLANK):
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if _is_number(cell):
        return _from_serial(float(cell))
    text = fold(str(cell))
    match = _DATE_TEXT.match(text) or _COMPACT_DATE.match(text)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            raise CellError(t("import.error.not_a_date")) from None
    try:
        return _from_serial(float(text))  # a serial number that arrived as text (CSV)
    except ValueError:
        raise CellError(t("import.error.not_a_date")) from None


def _from_serial(serial: float) -> dt.date:
    if not (math.isfinite(serial) and _SERIAL_RANGE[0] <= serial < _SERIAL_RANGE[1]):
        raise CellError(t("import.error.not_a_date"))
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_enum(cell: object, field: Field) -> str | None:
    """The member's English code for a known spelling; an unknown spelling is kept as typed so
    that the schema's allowed-values check reports it with the list of allowed values.
    """
    if is_blank(cell):
        return field.default.value if field.default is not None else None
    text = display(cell)
    return _ENUM_TABLES[field.enum].get(normalise_value(text), fold(text))


def parse_member(cell: object, enum: type[LabelledEnum]) -> str | None:
    """The member's English code for any accepted spelling; an unknown one is refused here, for
    readers without a schema behind them (spot-check results).
    """
    if is_blank(cell):
        return None
    code = _ENUM_TABLES[enum].get(normalise_value(display(cell)))
    if code is None:
        raise CellError(t("import.error.not_allowed"), allowed=joined(m.label for m in enum))
    return code


def parse_members(cell: object, enum: type[LabelledEnum]) -> list[str]:
    """Several members typed into one cell, separated by 、 , ; / or spaces; [] when blank."""
    if is_blank(cell):
        return []
    tokens = _LIST_SEPARATORS.split(fold(display(cell)))
    return [code for token in tokens if token and (code := parse_member(token, enum)) is not None]


def parse_note(cell: object) -> str | None:
    """Free text kept as typed (only NFKC and trimmed); None when blank."""
    if is_blank(cell):
        return None
    return fold(display(cell)) or None


def parse_division(cell: object, field: Field) -> str | None:
    """A town or village name or code, folded; resolved against the divisions in ``resolve``."""
    if is_blank(cell):
        return None
    if _is_number(cell) and float(cell).is_integer():
        return str(int(cell))
    return _SPACES.sub("", fold(str(cell))) or None


class _EnumTables(dict):
    def __missing__(self, enum):
        table = enum_lookup(enum)
        self[enum] = table
        return table


_ENUM_TABLES: dict = _EnumTables()

PARSERS: dict[str, Callable[[object, Field], object]] = {
    "text": parse_text,
    "code": parse_code,
    "id_number": parse_id_number,
    "phone": parse_phone,
    "int": parse_int,
    "money": parse_number,
    "number": parse_indicator,
    "lon": parse_number,
    "lat": parse_number,
    "bool": parse_bool,
    "bool_optional": parse_bool,
    "date": parse_date,
    "enum": parse_enum,
    "town": parse_division,
    "village": parse_division,
}

# Cells already in the form their parser returns, told by one regular expression instead of the
# parser's folding and checks: long digit strings (codes, phone numbers), canonical ID numbers and
# Chinese names without spaces. Each pattern admits only text the parser returns unchanged: no
# space, nothing NFKC changes, no 'e' (scientific), and too long for a blank mark when it could be
# one (a name is checked against the marks).
_CLEAN = {
    "code": re.compile(r"[0-9]{5,}"),
    "phone": re.compile(r"[0-9]{5,}"),
    "id_number": re.compile(r"[0-9]{17}[0-9X]"),
    "text": re.compile(r"[\u4e00-\u9fff]{2,}"),
    "division": re.compile(r"[\u4e00-\u9fff]{2,}"),
}
_CLEAN["town"] = _CLEAN["village"] = _CLEAN.pop("division")


def parse_column_per_cell(cells: list[object], field: Field) -> tuple[list[object], dict[int, CellError]]:
    """A column parsed cell by cell: the values, and the error of each position that failed.

    The straightforward reference for :func:`parse_column` (tests hold the two equal).
    """
    parser = PARSERS[field.parse]
    values: list[object] = []
    errors: dict[int, CellError] = {}
    for position, cell in enumerate(cells):
        try:
            values.append(parser(cell, field))
        except CellError as exc:
            values.append(None)
            errors[position] = exc
    return values, errors


def parse_column(cells: list[object], field: Field) -> tuple[list[object], dict[int, CellError]]:
    """A column parsed as :func:`parse_column_per_cell` parses it, in far less time.

    Columns repeat a few values (是/否, labels, town names), so each distinct cell is parsed once;
    cells already clean (see ``_CLEAN``) skip the parser; the column is then mapped in C loops.
    The key holds the type because True == 1 == 1.0 would otherwise share an entry.
    """
    parser = PARSERS[field.parse]
    clean = _CLEAN.get(field.parse)
    keys = list(zip(map(type, cells), cells, strict=True))
    parsed: dict[tuple[type, object], object] = {}
    failed: dict[tuple[type, object], CellError] = {}
    for key in dict.fromkeys(keys):
        cell = key[1]
        if clean is not None and key[0] is str and clean.fullmatch(cell) and cell not in _BLANK_MARKS:
            parsed[key] = cell
            continue
        try:
            parsed[key] = parser(cell, field)
        except CellError as exc:
            parsed[key] = None
            failed[key] = exc
    values = list(map(parsed.__getitem__, keys))
    errors = {position: failed[key] for position, key in enumerate(keys) if key in failed} if failed else {}
    return values, errors
