"""What the browser's print of a page looks like: no sidebar or menu, every table whole.

Streamlit's tables are canvas grids that print only the rows on screen (村级进度 printed 11 of 64
villages), so each table a page wants printed is also written as a plain HTML table that only
print shows, with its header repeated on every sheet.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from ui import theme

_CSS = f"""
<style>
.paicha-print {{ display: none; }}
@media print {{
  @page {{ size: A4 landscape; margin: 1cm; }}
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stDataFrame"], [data-testid="stElementToolbar"], [data-testid="stDownloadButton"],
  [data-testid="stBaseButton-secondary"], [data-testid="stBaseButton-primary"] {{ display: none !important; }}
  [data-testid="stMain"], [data-testid="stAppViewContainer"] {{ margin: 0 !important; }}
  [data-testid="stMainBlockContainer"] {{ max-width: 100% !important; padding: 0 !important; }}
  .paicha-print {{ display: block !important; }}
  .paicha-print table {{ border-collapse: collapse; width: 100%; font-size: 9pt; }}
  .paicha-print thead {{ display: table-header-group; }}
  .paicha-print tr {{ break-inside: avoid; }}
  .paicha-print th, .paicha-print td {{ border: 1px solid {theme.PRINT_RULE}; padding: 2px 4px; }}
  .paicha-print th {{ background: {theme.PRINT_HEADER}; }}
  .js-plotly-plot {{ break-inside: avoid; }}
}}
</style>
"""


def print_styles() -> None:
    """The print stylesheet; every page draws it (ui.session.page_start)."""
    st.html(_CSS)


def printout(table: pd.DataFrame | Styler) -> str:
    """``table`` as an HTML table that only the printout shows (every row, every column).

    Cells are escaped: names and values can come from imported files.
    """
    frame = table.data if isinstance(table, Styler) else table
    return '<div class="paicha-print">' + frame.to_html(index=False, escape=True, border=0, na_rep="") + "</div>"


def print_table(table: pd.DataFrame | Styler | str) -> None:
    """``table`` in the printout; a ``str`` is a :func:`printout` made before (and cached: writing
    the HTML of a district's villages was a fifth of 村级进度's rerun).
    """
    st.html(table if isinstance(table, str) else printout(table))
