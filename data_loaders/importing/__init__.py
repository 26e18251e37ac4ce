"""Imports rosters, screenings, key-group lists, milestones and hazard layers into the store.

The public face for the import page and the CLI::

    report = import_file(store, "花名册.xlsx", content, settings=settings, user="admin",
                         dry_run=True)          # validate and count, write nothing but the log
    if report.ok:
        show(MODES[report.kind])                # how the kind is applied, before confirming
        import_file(store, "花名册.xlsx", content, settings=settings, user="admin")

A file with any problem changes nothing; ``report.errors`` then lists every problem with the
file, sheet, Excel row and column where the user finds it. A roster that would move stored
households to another town or village, or change their head's ID number, lists them in
``report.moves`` / ``report.id_changes`` and writes nothing until called again with
``confirm_moves=len(report.moves)`` (``confirm_id_changes=…``).
"""

from data_loaders.importing.report import HouseholdChange, ImportIssue, ImportReport
from data_loaders.importing.service import import_file, import_files
from data_loaders.importing.spec import MODES, ImportKind
from data_loaders.importing.templates import export_to_template, template_bytes

__all__ = [
    "MODES",
    "HouseholdChange",
    "ImportIssue",
    "ImportKind",
    "ImportReport",
    "export_to_template",
    "import_file",
    "import_files",
    "template_bytes",
]
