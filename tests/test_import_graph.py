"""No import cycle between talentcli's modules (issue #13 item 3): an AST scan of every
`import` and `from ... import` in the package, module-level and inside functions alike
(TYPE_CHECKING blocks included). `from package import submodule` is an edge to the
submodule, as Python imports it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "talentcli"


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()

    def owner(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = {m: set() for m in mods}
    for m, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                subs = [f"{node.module}.{a.name}" for a in node.names]
                subs = [s for s in subs if s in mods]
                targets = subs if len(subs) == len(node.names) else [node.module, *subs]
            else:
                continue
            for t in targets:
                o = owner(t) if t.startswith("talentcli") else None
                if o and o != m:
                    edges[m].add(o)
    return edges


def cycle_from(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph (depth-first search), or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(v: str) -> list[str] | None:
        state[v] = 1
        path.append(v)
        for w in sorted(edges[v]):
            if state.get(w) == 1:
                return [*path[path.index(w) :], w]
            if w not in state and (found := visit(w)):
                return found
        state[v] = 2
        path.pop()
        return None

    for v in sorted(edges):
        if v not in state and (found := visit(v)):
            return found
    return None


def test_the_scan_sees_the_package_and_finds_a_planted_cycle():
    edges = graph()
    assert "talentcli.store" in edges["talentcli.pipeline"]  # from talentcli import store
    assert "talentcli.store.schema" in edges["talentcli.store.io"]
    assert cycle_from({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_module_imports_itself_back():
    assert cycle_from(graph()) is None
