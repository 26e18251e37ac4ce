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


@dataclass
class ImportReport:
    """Outcome of one import call.

    ``new``/``changed``/``unchanged`` count incoming rows against the store as it was before the
    call (for a dry run: as it still is). ``applied`` is True only when the store was written.
    ``kind`` is None for a batch holding several kinds; ``parts`` then has one report per kind.
    ``mode`` is the Chinese description of how the kind is applied (:data:`MODES`).
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
        }
        if self.parts:
            out["parts"] = [p.as_dict() for p in self.parts]
        return out
