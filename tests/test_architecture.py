"""Tests that the package's layers depend one way and no import cycle exists, every import counted.

The layer order, bottom to top. A module may import modules of its own layer and of the
layers below it, never above: not at module level, not inside a function, not under
``if TYPE_CHECKING`` (a lower layer that must call an upper object names what it needs as
a ``Protocol`` of its own). Each entry holds the module and everything under it; the most
specific entry decides. Packages not written yet have their slot already.

1. ``domain``: pydantic data and plain values: instance, roster, enums, stage names,
   violations, candidate pairs, panel ranks; errors.
2. ``formats``: bundle formats and located validation (CSV, xlsx, JSON, atomic writes), the
   pay tables, plan records and money.
3. ``catalogues``: the allocation rules, the objective stages, the pay lines and rules
   (one module each), and what they emit into or read from (pay facts, pay model).
4. ``policy``: a policy model composing the catalogues, read from YAML.
5. ``engines``: allocation (and, beside it, multi-year rotation ``planning``), pay, the
   independent checker, reasons and outputs, manifests, the instance generator.
6. ``runs``: one whole run, load -> validate -> solve -> check -> reasons -> write, under
   one time budget.
7. ``analysis``: what-if ``scenarios`` and ``report``s over whole runs.
8. ``interfaces``: the command line, the HTTP ``service`` and the package's front door.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT_PACKAGE = "staffing"

LAYERS: list[tuple[str, list[str]]] = [
    ("domain", ["staffing.errors", "staffing.domain"]),
    ("formats", ["staffing.io", "staffing.validation", "staffing.pay.codes", "staffing.pay.money",
                 "staffing.pay.tables", "staffing.pay.plan", "staffing.pay.explained",
                 "staffing.pay.hull", "staffing.pay.rounding", "staffing.planning.tables"]),
    ("catalogues", ["staffing.catalogue", "staffing.rules", "staffing.stages",
                    "staffing.pay.rules", "staffing.pay.data", "staffing.pay.view",
                    "staffing.pay.model", "staffing.planning.facts", "staffing.planning.rules",
                    "staffing.planning.stages"]),
    ("policy", ["staffing.policy", "staffing.pay.policy", "staffing.planning.policy"]),
    ("engines", ["staffing.allocation", "staffing.planning", "staffing.pay", "staffing.check",
                 "staffing.indicators", "staffing.manifest", "staffing.objectives",
                 "staffing.synth"]),
    ("runs", ["staffing.runs"]),
    ("analysis", ["staffing.scenarios", "staffing.report"]),
    ("interfaces", ["staffing.cli", "staffing.service", "staffing.__main__", ROOT_PACKAGE]),
]
RANK = {name: rank for rank, (name, _entries) in enumerate(LAYERS)}


@dataclass(frozen=True)
class Import:
    """One import of a package module, where it is written and how it runs."""

    importer: str
    imported: str
    line: int
    kind: str  # "module" | "function" | "type" (under ``if TYPE_CHECKING``: never runs)
    implicit: bool = False  # a package run first because a module inside it is imported

    def __str__(self) -> str:
        how = f"{self.kind}, implicit" if self.implicit else self.kind
        return f"{self.importer}:{self.line} imports {self.imported} ({how})"


def package_modules(src: Path = SRC) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    found = {}
    for path in sorted((src / ROOT_PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def layer_of(module: str) -> str:
    """The layer of a module: its most specific entry in LAYERS (KeyError if it has none)."""
    best, length = None, -1
    for name, entries in LAYERS:
        for entry in entries:
            inside = module.startswith(entry + ".") and entry != ROOT_PACKAGE
            if (module == entry or inside) and len(entry) > length:
                best, length = name, len(entry)
    if best is None:
        raise KeyError(module)
    return best


class _Collector(ast.NodeVisitor):
    """The package imports of one module, each with where it sits (module, function, type)."""

    def __init__(self, module: str, is_package: bool, known: set[str]):
        self.module, self.is_package, self.known = module, is_package, known
        self.context: list[str] = []
        self.found: list[Import] = []
        self.lines: list[int] = []  # lines of function-level imports of other packages

    def visit_If(self, node: ast.If) -> None:
        if "TYPE_CHECKING" in ast.unparse(node.test):
            self.context.append("type")
            for child in node.body:
                self.visit(child)
            self.context.pop()
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.context.append("function")
        self.generic_visit(node)
        self.context.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def _kind(self) -> str:
        return "type" if "type" in self.context else (
            "function" if "function" in self.context else "module")

    def _add(self, target: str, node: ast.stmt) -> None:
        while target and target not in self.known:
            target = target.rpartition(".")[0]
        if target and target != self.module:
            self.found.append(Import(self.module, target, node.lineno, self._kind()))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] == ROOT_PACKAGE:
                self._add(alias.name, node)
            elif self._kind() == "function":
                self.lines.append(node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            here = self.module.split(".")
            if not self.is_package:
                here.pop()
            here = here[: len(here) - node.level + 1]
            base = ".".join(here + ([node.module] if node.module else []))
        if base.split(".")[0] != ROOT_PACKAGE:
            if self._kind() == "function":
                self.lines.append(node.lineno)
            return
        for alias in node.names:
            full = f"{base}.{alias.name}"
            self._add(full if full in self.known else base, node)


def _parse(module: str, path: Path, known: set[str]) -> _Collector:
    collector = _Collector(module, path.name == "__init__.py", known)
    collector.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return collector


def all_imports(src: Path = SRC) -> list[Import]:
    """Every package import of every module, with the packages each import loads first.

    Importing ``a.b.c`` from outside package ``a.b`` runs ``a/b/__init__.py`` first: that is
    an implicit import of ``a.b`` (the root package is left out: every module is inside it).
    """
    modules = package_modules(src)
    known = set(modules)
    found = []
    for module, path in modules.items():
        for edge in _parse(module, path, known).found:
            found.append(edge)
            parts = edge.imported.split(".")
            for cut in range(2, len(parts)):
                parent = ".".join(parts[:cut])
                if parent in known and not (module == parent or module.startswith(parent + ".")):
                    found.append(Import(module, parent, edge.line, edge.kind, implicit=True))
    return found


def upward(edges: list[Import]) -> list[Import]:
    """The written imports that run against the layer order."""
    return [e for e in edges if not e.implicit
            and RANK[layer_of(e.imported)] > RANK[layer_of(e.importer)]]


def cycles(edges: list[Import]) -> list[list[str]]:
    """Groups of modules that import each other when run (type-only imports never run)."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        if e.kind != "type":
            graph.setdefault(e.importer, set()).add(e.imported)
            graph.setdefault(e.imported, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _comments(path: Path) -> dict[int, str]:
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return {t.start[0]: t.string for t in tokens if t.type == tokenize.COMMENT}


EDGES = all_imports()


def test_every_module_has_a_layer() -> None:
    """Tests that each module of the package falls under one entry of the layer order."""
    missing = []
    for module in package_modules():
        try:
            layer_of(module)
        except KeyError:
            missing.append(module)
    assert not missing, f"modules with no layer (add them to LAYERS): {missing}"


def test_no_import_runs_upward() -> None:
    """Tests that no import, module-level, function-level or type-only, goes to a higher layer."""
    found = upward(EDGES)
    assert not found, "imports against the layer order:\n" + "\n".join(
        f"{e} [{layer_of(e.importer)} -> {layer_of(e.imported)}]" for e in found)


def test_no_import_cycle() -> None:
    """Tests that no modules import each other, counting function-level and implicit imports."""
    assert cycles(EDGES) == []


def test_no_package_module_is_imported_inside_a_function() -> None:
    """Tests that package modules are imported at module level, or inside a function only with
    a '# lazy: why' comment (a module that loads a heavy optional dependency). Either way the
    import counts for the layer order and for cycles, so it cannot hide one."""
    silent = [e for e in EDGES if e.kind == "function" and not e.implicit
              and "lazy:" not in _comments(package_modules()[e.importer]).get(e.line, "")]
    assert not silent, "\n".join(map(str, silent))


def test_every_other_lazy_import_says_why() -> None:
    """Tests that an import of another package inside a function carries a '# lazy:' comment."""
    silent = []
    known = set(package_modules())
    for module, path in package_modules().items():
        comments = _comments(path)
        for line in _parse(module, path, known).lines:
            if "lazy:" not in comments.get(line, ""):
                silent.append(f"{module}:{line}")
    assert not silent, "function-level imports without a '# lazy: why' comment: " + str(silent)


def test_a_back_edge_is_caught(tmp_path: Path) -> None:
    """Tests that the checks fail on an upward import and on the cycle it closes."""
    package = tmp_path / ROOT_PACKAGE
    (package / "domain").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "domain" / "__init__.py").write_text("")
    (package / "rules").mkdir()
    (package / "rules" / "__init__.py").write_text("from staffing.domain import thing\n")
    (package / "domain" / "thing.py").write_text(
        "def f():\n    from staffing.rules import base\n")
    (package / "rules" / "base.py").write_text("from staffing.domain.thing import f\n")
    edges = all_imports(tmp_path)
    assert [(e.importer, e.imported, e.kind) for e in upward(edges)] == [
        ("staffing.domain.thing", "staffing.rules.base", "function")]
    assert cycles(edges) == [["staffing.domain.thing", "staffing.rules", "staffing.rules.base"]]


@pytest.mark.parametrize("module, layer", [
    ("staffing.pay.codes", "formats"), ("staffing.pay.rules.budget", "catalogues"),
    ("staffing.pay.engine", "engines"), ("staffing", "interfaces"),
    ("staffing.scenarios.sweep", "analysis"), ("staffing.planning", "engines"),
    ("staffing.planning.engine", "engines"), ("staffing.planning.rules.cool_off", "catalogues"),
    ("staffing.planning.policy", "policy"), ("staffing.planning.tables", "formats"),
])
def test_the_most_specific_entry_decides(module: str, layer: str) -> None:
    """Tests that a module takes the layer of its most specific entry (planned packages too)."""
    assert layer_of(module) == layer


def _readme_layers() -> list[tuple[str, list[str]]]:
    readme = (SRC.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] not in ("layer", "---"):
            rows.append((cells[0], [m.strip(" `") for m in cells[1].split(",")]))
    return rows


def test_the_readme_lists_the_same_layers() -> None:
    """Tests that the README's architecture table gives the layer order of LAYERS, entry for
    entry."""
    assert _readme_layers() == LAYERS
