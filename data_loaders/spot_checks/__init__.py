"""Spot checks (抽查) in the store: the frame, stored draws, field lists, results and verdicts.

One module per concern; this package re-exports what the cache, the command line and the tests
call, so callers say ``spot_checks.create_draw`` without knowing which module holds it.
"""

from data_loaders.spot_checks.draws import (
    Draw,
    SpotCheckError,
    create_draw,
    draw_items,
    draw_log,
    draw_record,
    frame_unchanged,
)
from data_loaders.spot_checks.field_lists import FieldList, field_lists, list_download, zip_lists
from data_loaders.spot_checks.frame import build_frame
from data_loaders.spot_checks.results import (
    ResultOutcome,
    import_results,
    read_results,
    save_answers,
    save_editor,
)
from data_loaders.spot_checks.verdicts import DrawVerdicts, draw_verdicts

__all__ = [
    "Draw",
    "DrawVerdicts",
    "FieldList",
    "ResultOutcome",
    "SpotCheckError",
    "build_frame",
    "create_draw",
    "draw_items",
    "draw_log",
    "draw_record",
    "draw_verdicts",
    "field_lists",
    "frame_unchanged",
    "import_results",
    "list_download",
    "read_results",
    "save_answers",
    "save_editor",
    "zip_lists",
]
