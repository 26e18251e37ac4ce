"""Widget keys, one constant each, prefixed by page; AppTests find widgets by these keys."""

SIDEBAR_USER = "sidebar.user"
SIDEBAR_AS_OF = "sidebar.as_of"

OVERVIEW_TOWNS = "overview.towns"
OVERVIEW_BEHIND = "overview.behind"
OVERVIEW_CURVE = "overview.curve"
