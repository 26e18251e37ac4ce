"""What an import attempt hands back: each problem found, and the outcome with its counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from data_loaders.importing.spec import ImportKind


@dataclass(frozen=True)
class ImportIssue:
    """One problem, located the way the user finds it in Excel.

    ``row`` is the row number Excel shows (1-based, title rows counted; for a layer, the feature
    number); it is None for a problem with the whole file. ``column`` is the header as written in
    the file, or the template's header for a missing column.
    """

    file: str
    sheet: str
    row: int | None
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column,
                "value": self.value, "message": self.message}


@dataclass(frozen=True)
class HouseholdChange:
    """A stored household that an incoming roster row would move or give another ID number.

    Upserts by 户编号 would apply these silently; they need their own confirmation
    (``confirm_moves`` / ``confirm_id_changes``). Places are shown as 乡镇 村 names, ID numbers
    masked (first 6 and last 4), as everywhere else data leaves the server.
    """

    household_id: str
    file: str
    sheet: str
    row: int
    old_town_code: str
    new_town_code: str
    old_village_code: str
    new_village_code: str
    old_place: str
    new_place: str
    old_id_number: str
    new_id_number: str
    moves: bool  # another town or village
    changes_id: bool  # another head's ID number (the masked forms may still look alike)

    def as_dict(self) -> dict:
        return {"household_id": self.household_id, "file": self.file, "sheet": self.sheet, "row": self.row,
                "old_town_code": self.old_town_code, "new_town_code": self.new_town_code,
                "old_village_code": self.old_village_code, "new_village_code": self.new_village_code,
                "old_place": self.old_place, "new_place": self.new_place}

    def id_dict(self) -> dict:
        return {"household_id": self.household_id, "file": self.file, "sheet": self.sheet, "row": self.row,
                "old_id_number": self.old_id_number, "new_id_number": self.new_id_number}


@dataclass
class ImportReport:
    """Outcome of one import call.

    ``new``/``changed``/``unchanged`` count incoming rows against the store as it was before the
    call (for a dry run: as it still is). ``applied`` is True only when the store was written.
    ``kind`` is None for a batch holding several kinds; ``parts`` then has one report per kind.
    ``mode`` is the Chinese description of how the kind is applied (:data:`MODES`).

    ``moves`` lists stored households the batch would put in another town or village,
    ``id_changes`` those it would give another head's ID number. Each list needs its own
    confirmation naming its length; ``ok`` is False while one is missing (nothing is written).
    """

    ok: bool
    kind: ImportKind | None
    rows: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    applied: bool = False
    mode: str = ""
    parts: list[ImportReport] = field(default_factory=list)
    moves: list[HouseholdChange] = field(default_factory=list)
    id_changes: list[HouseholdChange] = field(default_factory=list)
    moves_confirmed: bool = True
    id_changes_confirmed: bool = True

    @property
    def needs_confirmation(self) -> bool:
        """The batch is clean but waits for the moves or ID changes to be confirmed."""
        return not self.errors and not (self.moves_confirmed and self.id_changes_confirmed)

    def as_dict(self) -> dict:
        out = {
            "ok": self.ok,
            "kind": self.kind.value if self.kind else None,
            "rows": self.rows,
            "errors": [e.as_dict() for e in self.errors],
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "applied": self.applied,
            "mode": self.mode,
            "moves": [m.as_dict() for m in self.moves],
            "moves_confirmed": self.moves_confirmed,
            "id_changes": [m.id_dict() for m in self.id_changes],
            "id_changes_confirmed": self.id_changes_confirmed,
        }
        if self.parts:
            out["parts"] = [p.as_dict() for p in self.parts]
        return out
