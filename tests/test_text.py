"""One home for each Chinese text: labels on the enums, everything else in the catalogue."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import sys
import tomllib
from pathlib import Path

import pytest

import cli
import data_loaders
import paicha
import ui
from paicha.text import _catalogue
from paicha.vocab import LabelledEnum, Light

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (paicha, data_loaders, ui, cli)  # pages/ and app.py run when imported: not walked
SOURCES = ("app.py", "server.py", "paicha", "data_loaders", "ui", "pages", "cli", "benchmarks")


def labelled_enums() -> list[type[LabelledEnum]]:
    """Every vocabulary of the project, wherever a module of its packages defines one."""
    for package in PACKAGES:
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    found, todo = [], list(LabelledEnum.__subclasses__())
    while todo:
        enum = todo.pop()
        found.append(enum)
        todo += enum.__subclasses__()
    return sorted(found, key=lambda e: e.__qualname__)


def python_sources() -> list[Path]:
    paths = []
    for name in SOURCES:
        path = ROOT / name
        paths += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return paths


def test_the_project_has_its_vocabularies():
    names = {e.__name__ for e in labelled_enums()}
    assert names >= {"Status", "Light", "HazardKind", "HazardLevel", "ScreeningMethod", "SpotCheckReason",
                     "Verdict", "Permission", "Role", "Level", "HouseholdList", "Method", "ImportKind"}


@pytest.mark.parametrize("enum", labelled_enums(), ids=lambda e: e.__name__)
def test_every_member_has_one_label_of_its_own(enum):
    labels = [m.label for m in enum]
    assert all(labels) and len(set(labels)) == len(labels)
    assert all(enum.from_label(m.label) is m for m in enum)


@pytest.mark.parametrize("enum", labelled_enums(), ids=lambda e: e.__name__)
def test_no_catalogue_section_spells_a_vocabulary_again(enum):
    # A section holding two or more members' labels under their codes is the enum written twice.
    catalogue = _catalogue()
    sections = {key.rsplit(".", 1)[0] for key in catalogue if "." in key}
    restated = {section: [m.value for m in enum if catalogue.get(f"{section}.{m.value}") == m.label]
                for section in sections}
    assert {s: codes for s, codes in restated.items() if len(codes) >= 2} == {}


def test_each_light_has_a_word_for_every_column_it_colours():
    assert [light.word("deadline") for light in Light] == [light.label for light in Light]
    assert all(Light.green.word(check) for check in ("deadline", "pace", "finish"))
    assert Light.red.word("finish") and Light.amber.word("pace") and not Light.grey.word("pace")
    with pytest.raises(KeyError):
        Light.green.word("colour")


def literal_keys(path: Path) -> list[tuple[int, str]]:
    """Keys given as plain strings to t(), options() or has()."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"t", "options", "has"}
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value))
    return found


def test_every_key_looked_up_by_name_is_in_the_catalogue():
    catalogue = _catalogue()
    missing = [f"{p.relative_to(ROOT)}:{line}: {key}" for p in python_sources()
               for line, key in literal_keys(p) if key not in catalogue]
    assert missing == []


# -- no Chinese string literal outside its three homes --------------------------------------------

CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0002ebef]")
ALLOWED = tomllib.loads((ROOT / "tests" / "cjk_allowed.toml").read_text(encoding="utf-8"))["allowed"]
SPEC = "data_loaders/importing/spec.py"
SPELLING_NAMES = ("_ALIASES", "_SPELLINGS")  # module-level names of the import's real-world spellings


def _docstrings(tree: ast.AST) -> set[int]:
    """Ids of the string statements: docstrings of modules, classes and functions, and the
    attribute docstrings under an assignment. They document; they are not text the program uses."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}


def _names(statement: ast.stmt) -> set[str]:
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {statement.name}
    targets = statement.targets if isinstance(statement, ast.Assign) else (
        [statement.target] if isinstance(statement, ast.AnnAssign) else [])
    return {target.id for target in targets if isinstance(target, ast.Name)}


def _constants(node: ast.AST) -> set[int]:
    return {id(n) for n in ast.walk(node) if isinstance(n, ast.Constant)}


def _exempt(path: str, tree: ast.Module, enums: set[str], allowed: set[str]) -> set[int]:
    """Ids of the constants that may be Chinese: enum member definitions, the import's spellings
    (Field headers and aliases, *_ALIASES and *_SPELLINGS), and the allow-listed names."""
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name in enums:
            for statement in node.body:
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple):
                    exempt |= _constants(statement.value)
        if path == SPEC and isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Field":
            exempt |= _constants(node)
    for statement in tree.body:
        names = _names(statement)
        if names & allowed or (path == SPEC and any(n.endswith(SPELLING_NAMES) for n in names)):
            exempt |= _constants(statement)
    return exempt


def chinese_literals(path: Path, allowed: set[str]) -> list[str]:
    relative = path.relative_to(ROOT).as_posix()
    module = relative.removesuffix(".py").replace("/", ".")
    enums = {e.__name__ for e in labelled_enums() if e.__module__ == module}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree) | _exempt(relative, tree, enums, allowed)
    return [f"{relative}:{node.lineno}: {node.value!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
            and CJK.search(node.value)]


def allowed_names(relative: str) -> set[str]:
    return {name for entry in ALLOWED if entry["path"] == relative for name in entry["names"]}


def test_no_chinese_string_literal_outside_the_catalogue_the_enum_labels_and_the_import_spellings():
    found = [line for p in python_sources() if p.suffix == ".py"
             for line in chinese_literals(p, allowed_names(p.relative_to(ROOT).as_posix()))]
    assert found == []


def test_every_allow_list_entry_gives_its_reason_and_still_allows_something():
    for entry in ALLOWED:
        path = ROOT / entry["path"]
        assert entry["reason"].strip() and path.is_file(), entry
        everything = set(chinese_literals(path, set()))
        for name in entry["names"]:
            assert everything - set(chinese_literals(path, {name})), (entry["path"], name)


def test_the_literal_check_sees_f_strings_and_skips_docstrings_and_comments(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    source = tmp_path / "sample.py"
    source.write_text('"""模块说明。"""\n'
                      '# 注释\n'
                      'X = 1\n'
                      '"""属性说明。"""\n'
                      'def f(n):\n'
                      '    """函数说明。"""\n'
                      '    return f"共{n}户"\n'
                      'NAMES = ["张三"]\n', encoding="utf-8")
    assert sorted(chinese_literals(source, set())) == ["sample.py:7: '共'", "sample.py:7: '户'", "sample.py:8: '张三'"]
    assert chinese_literals(source, {"NAMES", "f"}) == []
