"""The import graph of the package, read from the source: one direction between the layers
(core, then baselines, then the app) and no import cycles, counting imports inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

ROOTS = {"khabar": REPO / "benchmark", "khabar.baselines": REPO / "baselines"}
APP = {"khabar.cli", "khabar.__main__", "khabar.commands", "khabar.leaderboard", "khabar.runner",
       "khabar.robustness", "khabar.report", "khabar.plots", "khabar.tables"}
APP_PACKAGES = ("khabar.harness",)  # every module below these is app too (the LLM evaluation harnesses)
ORDER = {"core": 0, "baselines": 1, "app": 2}


def modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for pkg, root in ROOTS.items():
        for p in root.rglob("*.py"):
            parts = [x for x in p.relative_to(root).with_suffix("").parts if x != "__init__"]
            out[".".join([pkg, *parts])] = (p, p.name == "__init__.py")
    return out


def imports(name: str, path: Path, is_package: bool, known) -> set[str]:
    """The package modules `name` imports (a name imported from a package counts as its submodule
    when one exists, otherwise as the package)."""
    base = name if is_package else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = base.split(".")[: len(base.split(".")) - node.level + 1]
                mod = ".".join(parts + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod for a in node.names]
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                out.add(t)
    return out


def layer(name: str) -> str:
    if name in APP or any(name == p or name.startswith(p + ".") for p in APP_PACKAGES):
        return "app"
    return "baselines" if name.startswith("khabar.baselines") else "core"


def graph() -> dict[str, set[str]]:
    known = modules()
    return {n: imports(n, p, pkg, known) for n, (p, pkg) in known.items()}


def test_every_app_module_exists():
    known = modules()
    assert APP <= set(known), APP - set(known)
    assert set(APP_PACKAGES) <= set(known), set(APP_PACKAGES) - set(known)


def test_layers_point_one_way():
    wrong = [f"{a} ({layer(a)}) imports {b} ({layer(b)})" for a, deps in graph().items() for b in deps
             if ORDER[layer(b)] > ORDER[layer(a)]]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    g = graph()
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(u: str, path: list[str]) -> None:
        state[u] = 1
        path.append(u)
        for w in sorted(g[u]):
            if state.get(w) == 1:
                cycles.append(" -> ".join(path[path.index(w):] + [w]))
            elif w not in state:
                visit(w, path)
        path.pop()
        state[u] = 2

    for u in sorted(g):
        if u not in state:
            visit(u, [])
    assert not cycles, "\n".join(cycles)


def test_the_checker_sees_a_violation(tmp_path):
    """The scan is not vacuous: a core module importing the baselines is caught."""
    known = {"khabar.gold": (tmp_path / "gold.py", False), "khabar.baselines": (tmp_path / "b.py", True)}
    (tmp_path / "gold.py").write_text("def f():\n    from khabar.baselines import registry\n")
    assert imports("khabar.gold", tmp_path / "gold.py", False, known) == {"khabar.baselines"}
    assert ORDER[layer("khabar.baselines")] > ORDER[layer("khabar.gold")]
