"""One home for each Chinese text: labels on the enums, everything else in the catalogue."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import data_loaders.importing.spec
import paicha.sampling
import paicha.verdicts
import paicha.vocab
from paicha.text import _catalogue
from paicha.vocab import LabelledEnum, Light

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("app.py", "server.py", "paicha", "data_loaders", "ui", "pages", "cli")


def labelled_enums() -> list[type[LabelledEnum]]:
    """Every vocabulary of the project (the modules above define them all)."""
    assert paicha.sampling and paicha.verdicts and data_loaders.importing.spec  # imported for their enums
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
