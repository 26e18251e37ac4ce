"""Layer rules: the domain imports no UI library and no I/O layer; pages hold no SQL."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_DOMAIN = {"streamlit", "plotly", "folium", "streamlit_folium", "ui", "data_loaders", "cli"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_domain_package_imports_no_ui_library_or_io_layer():
    offenders = {str(p.relative_to(ROOT)): imported_roots(p) & FORBIDDEN_IN_DOMAIN for p in (ROOT / "paicha").rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_data_loaders_import_no_ui_library():
    bad = {"streamlit", "plotly", "folium", "ui"}
    offenders = {str(p.relative_to(ROOT)): imported_roots(p) & bad for p in (ROOT / "data_loaders").rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_table_and_figure_builders_import_no_streamlit():
    # Pure builders (data in, frame or figure out) are testable without a running app.
    builders = [*(ROOT / "ui" / "tables").glob("*.py"), *(ROOT / "ui" / "figures").glob("*.py")]
    offenders = {str(p.relative_to(ROOT)): imported_roots(p) & {"streamlit"} for p in builders}
    assert builders and {k: v for k, v in offenders.items() if v} == {}


def test_colours_and_fonts_live_in_the_theme_module():
    colour = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b|rgba?\(|YaHei|Noto Sans")
    sources = [*(ROOT / "ui").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]
    offenders = [p.relative_to(ROOT).as_posix() for p in sources
                 if p.name != "theme.py" and colour.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_only_the_cache_module_uses_streamlit_caching():
    # Decorators only: tests may clear the caches between AppTest runs.
    users = [p for p in ROOT.glob("**/*.py") if ".venv" not in p.parts
             and ("@st.cache_data" in p.read_text(encoding="utf-8") or "@st.cache_resource" in p.read_text(encoding="utf-8"))]
    assert [p.relative_to(ROOT).as_posix() for p in users if p.name != "test_layers.py"] == ["ui/cache.py"]


def test_pages_hold_no_sql():
    for page in (ROOT / "pages").glob("*.py"):
        text = page.read_text(encoding="utf-8").upper()
        assert "SELECT " not in text and ".GROUPBY(" not in text, page.name


def test_every_module_opens_with_a_docstring():
    missing = []
    for p in ROOT.glob("**/*.py"):
        if ".venv" in p.parts or p.stat().st_size == 0:
            continue
        if ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None:
            missing.append(p.relative_to(ROOT).as_posix())
    assert missing == []
