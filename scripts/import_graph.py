"""Print the imports between the project's apps, by module.

    .venv/bin/python scripts/import_graph.py

For each app, every module of another app that it imports, with the number
of its own modules that import it. ``tests/core/test_layers.py`` checks the
same graph against the layers of docs/architecture.md.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ["core", "people", "nominations", "certificates", "rewards", "web", "demo", "config"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # ``from app import module``: the module is what is imported.
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def graph() -> dict[str, dict[str, int]]:
    """{app: {imported module of another app: how many of the app's modules import it}}."""
    edges: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for name in imported_modules(path):
                other = name.split(".")[0]
                if other in APPS and other != app and "." in name and _is_module(name):
                    edges[app][name] += 1
    return {app: dict(mods) for app, mods in edges.items()}


def _is_module(name: str) -> bool:
    """``people.models`` but not ``people.models.Employee``."""
    parts = name.split(".")
    path = ROOT.joinpath(*parts)
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def main() -> int:
    for app, modules in sorted(graph().items()):
        apps = sorted({m.split(".")[0] for m in modules})
        print(f"{app} → {', '.join(apps)}")
        for module, count in sorted(modules.items()):
            print(f"    {module:42} ({count})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
