"""The README stays true: its two set-up commands exist (CI runs the test one), its layout tree
names every module."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_a_run_and_a_test_command_that_the_makefile_defines():
    commands = readme_commands()
    assert commands == ["make run", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("run", "test"):
        assert re.search(rf"^{target}:", makefile, re.M), target


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci.splitlines()[-1]


def test_the_test_target_installs_the_browser_first():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test: .*browser", makefile, re.M)
    assert "chromium" in makefile and "fonts-noto-cjk" in makefile


def layout_tree() -> set[str]:
    """Paths named in the README's layout tree (two spaces of indent per folder level)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Layout\n.*?```\n(.*?)```", text, re.S).group(1)
    paths, folders = set(), []
    for line in block.splitlines():
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        name = line.split()[0]
        folders = folders[:depth]
        path = "".join(folders) + name
        paths.add(path.rstrip("/"))
        if name.endswith("/"):
            folders.append(name)
    return paths


def test_the_layout_tree_names_every_module_and_only_existing_ones():
    listed = layout_tree()
    modules = {p.relative_to(ROOT).as_posix()
               for folder in ("pages", "ui", "paicha", "data_loaders", "cli")
               for p in (ROOT / folder).rglob("*.py") if p.name != "__init__.py"}
    data = {"paicha/defaults/paicha.toml", "paicha/locales/zh.toml"}
    assert (modules | data | {"app.py"}) - listed == set()
    assert [p for p in listed if not (ROOT / p).exists()] == []
