"""Widget keys, one constant each, prefixed by page; AppTests find widgets by these keys."""

SIGNIN_FORM = "signin.form"
SIGNIN_USERNAME = "signin.username"
SIGNIN_PASSWORD = "signin.password"
SIGNIN_SUBMIT = "signin.submit"

SIDEBAR_AS_OF = "sidebar.as_of"
SIDEBAR_SINCE = "sidebar.since"
SIDEBAR_SIGN_OUT = "sidebar.sign_out"

# Session-state slots (not widgets).
AUTH_SESSION = "auth.session_id"      # the signed-in server-side session of this browser tab
AUTH_TICKET = "auth.ticket"           # one-time ticket the page trades for the session cookie
AUTH_CLEAR_COOKIE = "auth.clear_cookie"  # set on sign-out: the next run asks the browser to drop it
AUTH_SINCE_EXPLICIT = "auth.since_explicit"  # the comparison date was chosen, not defaulted
RUN_SESSION = "run.session"           # this run's Session, from app.py to the page it runs
UNMASK_LOGGED = "unmask.logged"       # digests of unmasked views already written to the audit log

USERS_ADD_FORM = "users.add"
USERS_ADD_NAME = "users.add.username"
USERS_ADD_DISPLAY = "users.add.display"
USERS_ADD_ROLE = "users.add.role"
USERS_ADD_TOWN = "users.add.town"
USERS_ADD_PASSWORD = "users.add.password"
USERS_ADD_PASSWORD2 = "users.add.password2"
USERS_ADD_SUBMIT = "users.add.submit"
USERS_PICK = "users.pick"
USERS_DISABLE = "users.disable"
USERS_ENABLE = "users.enable"
USERS_UNLOCK = "users.unlock"
USERS_RESET_FORM = "users.reset"
USERS_RESET_PASSWORD = "users.reset.password"
USERS_RESET_PASSWORD2 = "users.reset.password2"
USERS_RESET_SUBMIT = "users.reset.submit"
USERS_NOTICE = "users.notice"  # session-state slot: the message shown once after an action
USERS_TABLE = "users.table"

AUDIT_USER = "audit.user"
AUDIT_ACTION = "audit.action"
AUDIT_RANGE = "audit.range"
AUDIT_TABLE = "audit.table"
AUDIT_EXPORT = "audit.export"

OVERVIEW_TOWNS = "overview.towns"
OVERVIEW_BEHIND = "overview.behind"
OVERVIEW_CURVE = "overview.curve"
OVERVIEW_LIGHT_CHANGES = "overview.light_changes"

VILLAGES_STATUS = "villages.status"
VILLAGES_TOWN = "villages.town"
VILLAGES_TABLE = "villages.table"
VILLAGES_CHANGES = "villages.changes"
VILLAGES_TIMELINE = "villages.timeline"
VILLAGES_HEATMAP = "villages.heatmap"
VILLAGES_SCREENERS = "villages.screeners"
VILLAGES_MATRIX = "villages.matrix"
VILLAGES_UNMASK = "villages.unmask"  # unmasks screener names in the screeners' export
VILLAGES_UNMASK_REASON = "villages.unmask.reason"
VILLAGES_EXPORT_PROGRESS = "villages.export.progress"
VILLAGES_EXPORT_SCREENERS = "villages.export.screeners"


IMPORT_KIND = "imports.kind"
IMPORT_FILES = "imports.files"
IMPORT_CONFIRM = "imports.confirm"
IMPORT_CONFIRM_MOVES = "imports.confirm_moves"
IMPORT_CONFIRM_ID_CHANGES = "imports.confirm_id_changes"
IMPORT_BACKUP = "imports.backup"
IMPORT_DRY_RUN = "imports.dry_run"  # session-state slot: (token, report) of the last check

SPOT_UNMASK = "spot.unmask"
SPOT_UNMASK_REASON = "spot.unmask.reason"
SPOT_METHOD = "spot.method"
SPOT_FORM = "spot.form"
SPOT_TOWN = "spot.town"
SPOT_N = "spot.n"
SPOT_BY = "spot.by"
SPOT_ALLOCATION = "spot.allocation"
SPOT_MIN_PER_STRATUM = "spot.min_per_stratum"
SPOT_N_VILLAGES = "spot.n_villages"
SPOT_PER_VILLAGE = "spot.per_village"
SPOT_SIZE = "spot.size"
SPOT_SHARE = "spot.share"
SPOT_MIN_PER_SCREENER = "spot.min_per_screener"
SPOT_FLAG_WEIGHT = "spot.flag_weight"
SPOT_UPPER = "spot.upper"
SPOT_LOWER = "spot.lower"
SPOT_ALPHA = "spot.alpha"
SPOT_BETA = "spot.beta"
SPOT_SEED = "spot.seed"
SPOT_INCLUDE_UNSCREENED = "spot.include_unscreened"
SPOT_DRAW = "spot.draw"
SPOT_PICK = "spot.pick"
SPOT_SAMPLE = "spot.sample"
SPOT_SPLIT = "spot.split"
SPOT_LOG = "spot.log"
SPOT_TEAMS = "spot.teams"
SPOT_TEAM = "spot.team"
SPOT_EXPORT = "spot.export"
SPOT_EDITOR = "spot.editor"
SPOT_SAVE = "spot.save"
SPOT_UPLOAD = "spot.upload"
SPOT_IMPORT = "spot.import"
SPOT_NOTICE = "spot.notice"  # session-state slot: (kind, text) shown once after a write and rerun
SPOT_CHART = "spot.chart"
SPOT_SIZE_MARGIN = "spot.size.margin"
SPOT_SIZE_P = "spot.size.p"
SPOT_SIZE_CONFIDENCE = "spot.size.confidence"
SPOT_SIZE_POPULATION = "spot.size.population"
SPOT_SIZE_PREVALENCE = "spot.size.prevalence"
SPOT_SIZE_UPPER = "spot.size.upper"
SPOT_SIZE_LOWER = "spot.size.lower"
SPOT_SIZE_ALPHA = "spot.size.alpha"
SPOT_SIZE_BETA = "spot.size.beta"

# Risk map (风险地图).
RISK_MEASURE = "risk.measure"
RISK_KINDS = "risk.kinds"
RISK_SUBJECTS = "risk.subjects"
RISK_HEAT = "risk.heat"
RISK_KEYS = "risk.keys"
RISK_TILES = "risk.tiles"
RISK_TOWN = "risk.town"
RISK_MAP = "risk.map"          # the map component: what was last clicked
RISK_VILLAGE = "risk.village"  # the selected village (set by a click on the map, or chosen)
RISK_TABLE = "risk.table"
RISK_EXPORT_PNG = "risk.export.png"
RISK_EXPORT_TABLE = "risk.export.table"
