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
