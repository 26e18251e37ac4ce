"""Checkers' results: saved from the page's editor or read from a filled-in field list, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
from xlsxwriter.utility import xl_col_to_name

from data_loaders.importing import cells
from data_loaders.spot_checks.draws import check_scope, draw_record, nullable, plain_items
from data_loaders.spot_checks.field_lists import (
    DRAW_IN_TITLE,
    HEADER_SCAN_ROWS,
    HOUSEHOLD_HEADER,
)
from data_loaders.store import Store
from data_loaders.workbook import UnreadableWorkbook, read_workbook
from paicha import verdicts
from paicha.access import User
from paicha.scope import Scope
from paicha.text import t
from paicha.vocab import ScreeningMethod, ScreeningResult


@dataclass(frozen=True)
class ResultOutcome:
    """What a result entry did: households saved, or the problems that stopped it (nothing saved)."""

    saved: int
    errors: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors


def _check_can_enter(user: User, scope: Scope) -> None:
    # Entering results is part of the spot check itself, so it needs the same permission as drawing.
    if user is None or not user.can("sample"):
        raise PermissionError(t("errors.spot_checks.no_results_permission"))
    check_scope(user, scope)


def _stored_answers(store: Store, scope: Scope, draw_id: int) -> dict[str, dict]:
    items = plain_items(store, scope, draw_id)
    answers = nullable(items[["household_id", *verdicts.ANSWER_COLUMNS]])
    return {row["household_id"]: {c: row[c] for c in verdicts.ANSWER_COLUMNS}
            for row in answers.to_dict("records")}


def _same(a: dict, b: dict) -> bool:
    return all((a.get(c) is None and b.get(c) is None) or a.get(c) == b.get(c) for c in verdicts.ANSWER_COLUMNS)


def save_answers(store: Store, scope: Scope, draw_id: int, user: User,
                 answers: dict[str, verdicts.Answers], source: str, clear_blank: bool) -> int:
    """Write the answers that changed, all in one transaction, with who and when.

    ``clear_blank`` makes an all-blank row erase stored results (the editor, where the user
    sees them); a file import leaves stored results alone for rows left blank.
    """
    _check_can_enter(user, scope)
    current = _stored_answers(store, scope, draw_id)
    changed = {hid: a for hid, a in answers.items()
               if hid in current and not (a.is_blank and not clear_blank) and not _same(a.as_dict(), current[hid])}
    if not changed:
        return 0
    rows = pd.DataFrame([{"household_id": hid, **a.as_dict()} for hid, a in changed.items()])
    typed = pd.DataFrame({"household_id": rows["household_id"].astype("string")})
    for column in verdicts.ANSWER_COLUMNS:
        kind = "boolean" if column in ("visited", "leaflet_given", "consistent") else "string"
        typed[column] = rows[column].astype(kind)
    sets = ", ".join(f"{c} = a.{c}" for c in verdicts.ANSWER_COLUMNS)
    with store.transaction(refresh=False) as cur:
        cur.register("_answers", typed)
        try:
            cur.execute(f"""
                UPDATE spot_check_items SET {sets}, checked_by = ?, checked_at = ?
                FROM _answers a
                WHERE spot_check_items.draw_id = ? AND spot_check_items.household_id = a.household_id
            """, [user.id, dt.datetime.now(), int(draw_id)])
        finally:
            cur.unregister("_answers")
        store.audit(user.id, "spot_check_results", scope, {"draw_id": int(draw_id), "source": source},
                    len(changed))
    return len(changed)


_YES_NO = ("visited", "leaflet_given", "consistent")
_MEMBERS = {"method": ScreeningMethod, "result": ScreeningResult, "income_band": verdicts.IncomeBand}


def parse_answers(row: Mapping[str, object]) -> tuple[verdicts.Answers, list[tuple[str, str]]]:
    """One row of a checker's answers, keyed by answer column, read with the import's cell parser.

    Returns the answers and every problem as (column, Chinese message): first what a cell cannot
    say, then, when every cell could be read, the re-check's rules (:func:`verdicts.answers_from`).
    """
    values: dict[str, object] = {}
    problems: list[tuple[str, str]] = []
    for column in verdicts.ANSWER_COLUMNS:
        cell = row.get(column)
        try:
            if column in _YES_NO:
                values[column] = cells.parse_yes_no(cell)
            elif column in _MEMBERS:
                values[column] = cells.parse_member(cell, _MEMBERS[column])
            elif column == "differing":
                values[column] = cells.parse_members(cell, verdicts.CheckedField)
            else:
                values[column] = cells.parse_note(cell)
        except cells.CellError as exc:
            problems.append((column, exc.message(verdicts.ANSWER_LABELS[column])))
    answers, rule_problems = verdicts.answers_from(values)
    return answers, problems or rule_problems


def save_editor(store: Store, scope: Scope, draw_id: int, user: User, edited: pd.DataFrame) -> ResultOutcome:
    """Results typed on the page: one row per household, answer columns holding checker labels."""
    _check_can_enter(user, scope)
    errors: list[str] = []
    parsed: dict[str, verdicts.Answers] = {}
    for i, row in enumerate(edited.to_dict("records"), start=1):
        answers, problems = parse_answers(row)
        for column, message in problems:
            errors.append(t("errors.spot_results.editor_row", row=i, household=row["household_id"],
                            header=verdicts.ANSWER_LABELS[column], message=message))
        parsed[str(row["household_id"])] = answers
    if errors:
        return ResultOutcome(0, errors)
    return ResultOutcome(save_answers(store, scope, draw_id, user, parsed, "editor", clear_blank=True), [])


def _text(cell: object) -> str:
    return cells.parse_text(cell) or ""


def read_results(content: bytes, file_name: str, draw_id: int, draw_households: set[str],
                 known: Callable[[set[str]], set[str]] | None = None,
                 ) -> tuple[dict[str, verdicts.Answers], list[str]]:
    """Answers from a filled-in field list, or every problem found (sheet, Excel row, column).

    Sheets are found by their header row (a cell 户编号 within the first rows); the help sheet
    and sheets without one are skipped. A title naming another 抽样编号 is refused: results
    typed for one draw must not land on another. Rows without any answer are not checked yet.

    Parameters
    ----------
    draw_households
        Household ids of the draw.
    known
        Given the ids found that are not in the draw, returns those that exist in the roster
        within scope, to tell an unknown household from one that is merely not in this draw;
        without it every foreign id is "not in this draw".
    """
    def where(sheet: str, row: int, header: str, col: int) -> str:
        return t("errors.spot_results.where", file=file_name, sheet=sheet, row=row, header=header,
                 column=xl_col_to_name(col))

    try:
        sheets = read_workbook(content)
    except UnreadableWorkbook as exc:
        return {}, [t("errors.spot_results.unreadable", file=file_name, reason=exc)]
    errors: list[str] = []
    answers: dict[str, verdicts.Answers] = {}
    first_row: dict[str, str] = {}
    foreign: list[tuple[int, str, str]] = []  # (error slot, household id, where)
    found_header = False
    header_to_column = {v: k for k, v in verdicts.ANSWER_LABELS.items()}
    for name, grid, _ in sheets:
        header_at = next((r for r, row in enumerate(grid[:HEADER_SCAN_ROWS])
                          if HOUSEHOLD_HEADER in [_text(c) for c in row]), None)
        if header_at is None:
            continue
        found_header = True
        for r in range(header_at):
            for c, cell in enumerate(grid[r]):
                match = DRAW_IN_TITLE.search(_text(cell))
                if match and int(match.group(1)) != int(draw_id):
                    errors.append(t("errors.spot_results.other_draw", found=match.group(1), draw_id=draw_id,
                                    where=where(name, r + 1, t("errors.spot_results.title"), c)))
        headers = {_text(h): j for j, h in enumerate(grid[header_at])}
        missing = [h for h in verdicts.ANSWER_LABELS.values() if h not in headers]
        if missing:
            errors.append(t("errors.spot_results.missing_columns", file=file_name, sheet=name, row=header_at + 1,
                            columns=t("errors.spot_results.column_joiner").join(missing)))
            continue
        id_col = headers[HOUSEHOLD_HEADER]
        for r in range(header_at + 1, len(grid)):
            row = grid[r]
            excel_row = r + 1
            raw = {header_to_column[h]: (row[j] if j < len(row) else None)
                   for h, j in headers.items() if h in header_to_column}
            parsed, problems = parse_answers(raw)
            if parsed.is_blank and not problems:
                continue
            try:
                hid = cells.parse_code(row[id_col] if id_col < len(row) else None)
            except cells.CellError as exc:
                errors.append(t("errors.spot_results.cell", where=where(name, excel_row, HOUSEHOLD_HEADER, id_col),
                                message=exc.message(HOUSEHOLD_HEADER)))
                continue
            if not hid:
                errors.append(t("errors.spot_results.no_household", where=where(name, excel_row, HOUSEHOLD_HEADER, id_col)))
                continue
            if hid not in draw_households:
                foreign.append((len(errors), hid, where(name, excel_row, HOUSEHOLD_HEADER, id_col)))
                errors.append("")  # filled in below, once the roster has been asked about all of them
                continue
            if hid in first_row:
                errors.append(t("errors.spot_results.duplicate", where=where(name, excel_row, HOUSEHOLD_HEADER, id_col),
                                household=hid, first=first_row[hid]))
                continue
            first_row[hid] = t("errors.spot_results.first_seen", sheet=name, row=excel_row)
            for column, message in problems:
                header = verdicts.ANSWER_LABELS[column]
                errors.append(t("errors.spot_results.cell", where=where(name, excel_row, header, headers[header]),
                                message=message))
            answers[hid] = parsed
    roster = known({hid for _, hid, _ in foreign}) if known and foreign else None
    for index, hid, place in foreign:
        if roster is not None and hid not in roster:
            errors[index] = t("errors.spot_results.not_in_roster", where=place, household=hid)
        else:
            errors[index] = t("errors.spot_results.not_in_draw", where=place, household=hid, draw_id=draw_id)
    if not found_header:
        errors.append(t("errors.spot_results.no_header", file=file_name, header=HOUSEHOLD_HEADER))
    return answers, errors


def import_results(store: Store, scope: Scope, draw_id: int, user: User, content: bytes,
                   file_name: str) -> ResultOutcome:
    """Read a filled-in field list and save it: every row or, if any problem is found, none."""
    _check_can_enter(user, scope)
    if draw_record(store, scope, draw_id) is None:
        return ResultOutcome(0, [t("errors.spot_results.no_draw", draw_id=draw_id)])
    in_draw = set(plain_items(store, scope, draw_id)["household_id"])
    where_h, p_h = store.scope_sql(scope, "h")

    def known(ids: set[str]) -> set[str]:
        found = store.query(f"SELECT h.household_id FROM households h WHERE {where_h} "
                            "AND h.household_id IN (SELECT unnest(CAST(? AS VARCHAR[])))", [*p_h, sorted(ids)])
        return set(found["household_id"])

    answers, errors = read_results(content, file_name, draw_id, in_draw, known)
    if errors:
        return ResultOutcome(0, errors)
    return ResultOutcome(save_answers(store, scope, draw_id, user, answers, f"file:{file_name}",
                                      clear_blank=False), [])
