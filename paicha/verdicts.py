"""Spot-check (抽查) domain after the draw: team split, the checker's answers, and the verdicts."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from paicha import sampling, stats
from paicha.text import joined, t
from paicha.vocab import LabelledEnum, ScreeningMethod, ScreeningResult, Verdict

# --------------------------------------------------------------------------- teams


def split_teams(villages: pd.Series, teams: int) -> pd.Series:
    """Team number (1..k) for each sampled household, whole villages to one team.

    Villages go in code order, so a team's villages are neighbours in the division list (the
    same town as far as possible) and one car can cover them; the cut points balance the
    households per team. With more teams than villages some teams get none.
    """
    if isinstance(teams, bool) or not isinstance(teams, numbers.Integral) or teams < 1:
        raise ValueError(t("errors.spot_checks.teams"))
    codes = villages.astype(str)
    counts = codes.value_counts().sort_index()
    if counts.empty:
        return pd.Series([], index=villages.index, dtype="int64")
    total = int(counts.sum())
    before = counts.cumsum() - counts
    # A village joins the team whose share of the households its midpoint falls in.
    midpoint = (before + counts / 2) / total
    team = np.minimum((midpoint * teams).astype(int) + 1, teams)
    return codes.map(dict(zip(counts.index, team.astype("int64"), strict=True))).astype("int64")


# --------------------------------------------------------------------------- checker's answers


class IncomeBand(LabelledEnum):
    """Per-capita income relative to the monitoring line (thresholds.monitoring_income)."""

    below_line = ("below_line", "低于监测线")
    near_line = ("near_line", "监测线至1.5倍")
    above = ("above", "高于监测线1.5倍")


# assumption (docs/assumptions.md): "near the line" ends at 1.5 times the monitoring line, the
# band in which a single illness or lost job pushes a household under it.
NEAR_LINE_FACTOR = 1.5


def income_band(per_capita_income: float | None, monitoring_line: float) -> IncomeBand | None:
    """The band a recorded income falls in; None when the roster has no income."""
    if per_capita_income is None or (isinstance(per_capita_income, float) and math.isnan(per_capita_income)):
        return None
    if per_capita_income < monitoring_line:
        return IncomeBand.below_line
    if per_capita_income < monitoring_line * NEAR_LINE_FACTOR:
        return IncomeBand.near_line
    return IncomeBand.above


class CheckedField(LabelledEnum):
    """What a re-check compares with the original screening; labels are the field list's headers."""

    visited = ("visited", "是否入户")
    method = ("method", "排查方式")
    result = ("result", "排查结果")
    leaflet_given = ("leaflet_given", "是否发放明白纸")
    income_band = ("income_band", "收入区间")


class AnswerColumn(LabelledEnum):
    """The answer columns after the compared fields: the checker's conclusion and note."""

    consistent = ("consistent", "是否一致")
    differing = ("differing", "不一致字段")
    note = ("note", "备注")


ANSWER_COLUMNS: tuple[str, ...] = (*(f.value for f in CheckedField), *(c.value for c in AnswerColumn))
"""Result columns of a spot-check item, in the order of the field list."""

ANSWER_LABELS: dict[str, str] = {**CheckedField.labels(), **AnswerColumn.labels()}
"""Chinese header of each answer column in the field list and the editor."""

YES, NO = t("text.yes"), t("text.no")


@dataclass(frozen=True)
class Answers:
    """One household's re-check as the checker recorded it; all None means not yet checked."""

    visited: bool | None = None
    method: str | None = None
    result: str | None = None
    leaflet_given: bool | None = None
    income_band: str | None = None
    consistent: bool | None = None
    differing: str | None = None  # CheckedField codes joined by ","; None when consistent
    note: str | None = None

    @property
    def is_blank(self) -> bool:
        return all(getattr(self, c) is None for c in ANSWER_COLUMNS)

    def as_dict(self) -> dict[str, object]:
        return {c: getattr(self, c) for c in ANSWER_COLUMNS}


def answers_from(values: Mapping[str, object]) -> tuple[Answers, list[tuple[str, str]]]:
    """A checker's row from values already read off their cells, and what is wrong with it.

    ``values`` holds, by answer column: flags as bool, method, result and income band as member
    codes, the differing fields as an iterable of CheckedField codes, the note as text; None (or
    an empty list) where nothing was written. Reading the cells is the I/O layer's job (one cell
    parser for every file); this applies the rules of a re-check, each problem as (column,
    Chinese message) so that a file import can point at the cell: a row with any answer must
    say whether it is consistent (是否一致); "否" needs the differing fields, "是" must leave
    them empty.
    """
    fields = dict.fromkeys(ANSWER_COLUMNS)
    fields.update({c: values.get(c) for c in ANSWER_COLUMNS})
    # Field order, not the order typed, so that the same answer is always stored the same way.
    differing = set(fields["differing"] or ())
    if unknown := differing - {f.value for f in CheckedField}:
        raise ValueError(t("errors.spot_checks.not_a_field", fields=joined(sorted(unknown))))
    fields["differing"] = ",".join(f.value for f in CheckedField if f.value in differing) or None
    # An empty note is no answer; False is one.
    fields["note"] = fields["note"] or None
    answers = Answers(**fields)
    filled = [c for c in ANSWER_COLUMNS if c != "consistent" and fields[c] is not None]
    problems: list[tuple[str, str]] = []
    if answers.consistent is None and filled:
        problems.append(("consistent", t("errors.spot_checks.consistent_missing")))
    elif answers.consistent is False and not answers.differing:
        problems.append(("differing", t("errors.spot_checks.differing_missing",
                                        fields=joined(f.label for f in CheckedField))))
    elif answers.consistent is True and answers.differing:
        problems.append(("differing", t("errors.spot_checks.differing_extra")))
    return answers, problems


def answer_labels(answers: Mapping[str, object]) -> dict[str, str | None]:
    """Stored answer codes back to the labels a checker writes (for the editor and field list)."""
    out: dict[str, str | None] = {}
    for column in ANSWER_COLUMNS:
        value = answers.get(column)
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            out[column] = None
        elif column in ("visited", "leaflet_given", "consistent"):
            out[column] = YES if bool(value) else NO
        elif column == "method":
            out[column] = ScreeningMethod(value).label
        elif column == "result":
            out[column] = ScreeningResult(value).label
        elif column == "income_band":
            out[column] = IncomeBand(value).label
        elif column == "differing":
            out[column] = joined(CheckedField(c).label for c in str(value).split(",") if c)
        else:
            out[column] = str(value)
    return out


# --------------------------------------------------------------------------- verdicts


def _checked(items: pd.DataFrame) -> pd.DataFrame:
    done = items.loc[items["consistent"].notna()].copy()
    done["error"] = ~done["consistent"].astype(bool)
    return done


def error_rates(items: pd.DataFrame, by: str, confidence: float = 0.95) -> pd.DataFrame:
    """Error rate per group (village, screener or town) with a Wilson interval.

    Parameters
    ----------
    items
        A draw's items: ``by``, ``consistent`` (True/False, missing when not yet checked).
    by
        Grouping column.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``sampled``, ``checked``, ``errors``, ``error_rate`` (NaN when nothing is
        checked), ``low``, ``high``; sorted by ``by``.
    """
    keys = items[by].fillna("")
    sampled = keys.value_counts().sort_index()
    done = _checked(items)
    errors = done.groupby(done[by].fillna(""))["error"].agg(["size", "sum"])
    table = pd.DataFrame({by: sampled.index, "sampled": sampled.to_numpy()})
    table["checked"] = table[by].map(errors["size"]).fillna(0).astype("int64")
    table["errors"] = table[by].map(errors["sum"]).fillna(0).astype("int64")
    bounds = [stats.wilson_interval(int(e), int(n), confidence)
              for e, n in zip(table["errors"], table["checked"], strict=True)]
    table["error_rate"] = np.where(table["checked"] > 0, table["errors"] / table["checked"].clip(lower=1), np.nan)
    table["low"] = [lo if n else np.nan for (lo, _), n in zip(bounds, table["checked"], strict=True)]
    table["high"] = [hi if n else np.nan for (_, hi), n in zip(bounds, table["checked"], strict=True)]
    return table.reset_index(drop=True)


@dataclass(frozen=True)
class PartRate:
    """Errors among the checked households of one part of a sample, with a Wilson interval."""

    sampled: int
    checked: int
    errors: int
    rate: float | None
    low: float | None
    high: float | None


def _part(items: pd.DataFrame, confidence: float) -> PartRate:
    done = _checked(items)
    n, e = len(done), int(done["error"].sum())
    if n == 0:
        return PartRate(len(items), 0, 0, None, None, None)
    low, high = stats.wilson_interval(e, n, confidence)
    return PartRate(len(items), n, e, e / n, low, high)


@dataclass(frozen=True)
class Estimate:
    """A draw's overall result: the whole sample, its flagged and random parts, and the
    inclusion-weighted estimate of the error rate in the frame.
    """

    overall: PartRate
    flagged: PartRate
    random: PartRate
    weighted_rate: float | None


def estimate(items: pd.DataFrame, confidence: float = 0.95) -> Estimate:
    """Error rates of a draw, plain and weighted by inclusion probability.

    A back-check oversamples flagged households, which are more often wrong: the plain share
    of errors overstates the frame's rate, so the district-wide figure is the Hájek estimate
    (:func:`paicha.stats.weighted_error_rate`). Flagged and random parts are reported apart:
    the flagged part says how good the warning flags are, the random part keeps the check
    honest for unflagged work. For an equal-probability draw the weighted and plain rates agree.
    """
    flagged = items["reason"].isin(sampling.FLAG_COLUMNS)
    done = _checked(items)
    weighted = (stats.weighted_error_rate(done["error"].astype(int), done["inclusion_probability"])
                if len(done) else None)
    return Estimate(_part(items, confidence), _part(items.loc[flagged], confidence),
                    _part(items.loc[~flagged], confidence), weighted)


def lqas_verdicts(items: pd.DataFrame, designs: Mapping[str, Mapping[str, int]]) -> pd.DataFrame:
    """Pass or fail per village: at least ``d`` of its ``n`` re-checks confirmed the screening.

    A village is decided as soon as the outcome cannot change: passed once ``d`` re-checks are
    confirmed, failed once more than ``n - d`` are wrong; otherwise it is pending.

    Returns
    -------
    pandas.DataFrame
        ``village_code``, ``population``, ``n``, ``d``, ``sampled``, ``checked``, ``correct``,
        ``errors``, ``verdict`` (a :class:`Verdict` value), by village code.
    """
    done = _checked(items)
    rows = []
    for code in sorted(designs):
        design = designs[code]
        mine = done.loc[done["village_code"] == code]
        correct = int((~mine["error"]).sum())
        errors = int(mine["error"].sum())
        n, d = int(design["n"]), int(design["d"])
        if correct >= d:
            verdict = Verdict.passed
        elif errors > n - d:
            verdict = Verdict.failed
        else:
            verdict = Verdict.pending
        rows.append({"village_code": code, "population": int(design["population"]), "n": n, "d": d,
                     "sampled": int((items["village_code"] == code).sum()), "checked": len(mine),
                     "correct": correct, "errors": errors, "verdict": verdict.value})
    return pd.DataFrame(rows, columns=["village_code", "population", "n", "d", "sampled", "checked",
                                       "correct", "errors", "verdict"])


def follow_up_screeners(by_screener: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Screeners whose observed error rate exceeds the configured rate, worst first.

    The point estimate decides (thresholds.screener_error_rate): a follow-up is a conversation
    with the screener's supervisor, not a sanction, and the interval shown next to it says how
    much the few re-checks of one screener can tell.
    """
    table = by_screener.loc[by_screener["error_rate"] > threshold]
    return table.sort_values(["error_rate", "errors", "screener"], ascending=[False, False, True]).reset_index(drop=True)
