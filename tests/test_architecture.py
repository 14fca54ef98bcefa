"""The layers hold: the core runs without a screen library, and the domain imports only itself."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import pos_tui

PACKAGE = Path(pos_tui.__file__).parent
CORE = ("domain", "ledger", "services", "devices", "backup")


def _modules(layer: str) -> list[str]:
    return sorted(
        "pos_tui." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
        for path in (PACKAGE / layer).rglob("*.py")
    )


def test_the_core_imports_without_textual_or_rich() -> None:
    modules = [m for layer in CORE for m in _modules(layer)]
    assert len(modules) > 40
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            module = node.module if node.level == 0 else f"pos_tui.domain.{node.module}"
            found.append((node.lineno, module))
    return found


@pytest.mark.parametrize("path", sorted((PACKAGE / "domain").rglob("*.py")), ids=lambda p: p.name)
def test_the_domain_imports_nothing_of_ours_outside_the_domain(path: Path) -> None:
    outside = [
        f"{path.name}:{line} imports {module}"
        for line, module in _imports(path)
        if module.split(".")[0] == "pos_tui" and not module.startswith("pos_tui.domain")
    ]
    assert outside == []


@pytest.mark.parametrize("path", sorted((PACKAGE / "domain").rglob("*.py")), ids=lambda p: p.name)
def test_the_domain_does_no_io(path: Path) -> None:
    forbidden = {"sqlite3", "peewee", "os", "subprocess", "socket", "pathlib", "textual", "rich", "pydantic"}
    used = [f"{path.name}:{line} imports {module}" for line, module in _imports(path)
            if module.split(".")[0] in forbidden]
    assert used == []


def _module_name(path: Path, package: Path) -> str:
    return ".".join((package.name, *path.relative_to(package).with_suffix("").parts)).removesuffix(".__init__")


def _import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Every arrow between two files of the package: module-level and lazy (in-function) imports alike,
    except those under ``if TYPE_CHECKING:``, which never run. A package's ``__init__`` importing its
    own children is the package's public face, not an arrow back."""
    files = {_module_name(path, package): path for path in package.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        never_run = {id(inner) for node in ast.walk(tree)
                     if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                     for statement in node.body for inner in ast.walk(statement)}
        is_package = path.name == "__init__.py"
        here = name.split(".") if is_package else name.split(".")[:-1]
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in never_run:
                continue
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = ".".join([*here[: len(here) - node.level + 1], node.module or ""]).strip(".") \
                    if node.level else (node.module or "")
                targets.add(base)
                targets.update(f"{base}.{alias.name}" for alias in node.names)
        graph[name] = {t for t in targets if t in files and t != name
                       and not (is_package and t.startswith(name + "."))}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, arrows = work[-1]
            target = next(arrows, None)
            if target is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
            elif target not in index:
                index[target] = low[target] = len(index)
                stack.append(target)
                on_stack.add(target)
                work.append((target, iter(sorted(graph[target]))))
            elif target in on_stack:
                low[node] = min(low[node], index[target])
    return found


def test_no_two_files_of_the_package_import_each_other_even_lazily() -> None:
    assert _circles(_import_graph()) == []


def test_the_circle_check_sees_a_lazy_import_back_but_not_one_for_type_checking(tmp_path: Path) -> None:
    package = tmp_path / "shop"
    (package / "cli").mkdir(parents=True)
    for folder in (package, package / "cli"):
        (folder / "__init__.py").write_text("")
    (package / "cli" / "main.py").write_text("from shop.cli.launch import go\n")
    (package / "cli" / "launch.py").write_text("def go():\n    from shop.cli import main\n")
    (package / "cli" / "help.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import main\n")
    (package / "cli" / "table.py").write_text("from .help import x\n")
    assert _circles(_import_graph(package)) == [["shop.cli.launch", "shop.cli.main"]]


@pytest.mark.parametrize("area", sorted(p for p in (PACKAGE / "services").iterdir() if (p / "__init__.py").exists()),
                         ids=lambda p: p.name)
def test_a_file_inside_an_area_does_not_repeat_the_area_name(area: Path) -> None:
    stem = area.name.rstrip("s")
    repeating = [p.name for p in area.glob("*.py") if p.stem != "__init__" and p.stem.startswith(stem)]
    assert repeating == []
