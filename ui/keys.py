"""Widget keys, one constant each, prefixed by page; AppTests find widgets by these keys."""

SIDEBAR_USER = "sidebar.user"
SIDEBAR_AS_OF = "sidebar.as_of"

OVERVIEW_TOWNS = "overview.towns"
OVERVIEW_BEHIND = "overview.behind"
OVERVIEW_CURVE = "overview.curve"

VILLAGES_STATUS = "villages.status"
VILLAGES_PICK = "villages.pick"
VILLAGES_PAGE_UNSCREENED = "villages.page.unscreened"
VILLAGES_PAGE_KEY = "villages.page.key"
VILLAGES_UNMASK = "villages.unmask"
VILLAGES_EXPORT_UNSCREENED = "villages.export.unscreened"
VILLAGES_EXPORT_KEY = "villages.export.key"

RISK_KINDS = "risk.kinds"
RISK_POINTS = "risk.points"

IMPORT_KIND = "imports.kind"
IMPORT_FILES = "imports.files"
IMPORT_CONFIRM = "imports.confirm"
IMPORT_DRY_RUN = "imports.dry_run"  # session-state slot: (token, report) of the last check
