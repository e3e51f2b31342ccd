"""Tests that the catalogues stay closed: only the catalogue packages know a rule by name.

Outside ``staffing.rules``, ``staffing.pay.rules``, ``staffing.planning.rules`` and
``staffing.stages`` no module imports a concrete rule (its class, its parameters or anything
else of its module) or decides anything by a rule's name: a rule name may not be compared with,
collected in a set, or passed to a lookup by name (``policy.rule("...")``, ``with_rule``,
``params_of``, ...). Everything else loops over the catalogue and asks every rule the same
questions. The few places where a user-facing option *is* one rule's parameter are listed in
``ALLOWED``, each with why.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import pytest

from staffing.domain.objective import Stage
from staffing.pay.rules import PAY_CATALOGUE
from staffing.planning.rules import PLAN_CATALOGUE
from staffing.rules import CATALOGUE
from staffing.stages import STAGES
from tests.test_architecture import package_modules

CATALOGUE_PACKAGES = ("staffing.rules", "staffing.pay.rules", "staffing.planning.rules",
                      "staffing.stages")
LOOKUPS = {"rule", "has", "with_rule", "without_rule", "params_of"}
ALLOWED = {
    ("staffing.pay.policy", "tier_ratio"): "ratio_target (--ratio-target) is the tier_ratio "
    "rule's target",
    ("staffing.report.view", "tier_ratio"): "the report shows the tier_ratio target by the ratio",
    ("staffing.service.inputs", "budget"): "the job's budget field (the pay total), not the rule",
}
RULES = [*CATALOGUE.values(), *PAY_CATALOGUE.values(), *PLAN_CATALOGUE.values()]
RULE_NAMES = {rule.name for rule in RULES}
RULE_CLASSES = {rule.__name__ for rule in RULES}
RULE_MODULES = {rule.__module__ for rule in RULES}


@dataclass(frozen=True)
class Leak:
    """One place outside the catalogues that knows a rule by name."""

    module: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.what}"


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)):
            found.add(id(body[0].value))
    return found


def _names_in(node: ast.AST) -> list[ast.Constant]:
    """Rule-name literals in a value or a literal container of values."""
    if isinstance(node, ast.Constant) and node.value in RULE_NAMES:
        return [node]
    if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
        return [c for element in node.elts for c in _names_in(element)]
    return []


def _decided_by_name(tree: ast.AST) -> list[ast.Constant]:
    """Rule-name literals compared with, put in a set, or passed to a lookup by name."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for operand in [node.left, *node.comparators]:
                found.extend(_names_in(operand))
        elif isinstance(node, ast.Set):
            found.extend(_names_in(node))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in LOOKUPS or called in ("set", "frozenset"):
                found.extend(_names_in(node.args[0]))
    return list({id(literal): literal for literal in found}.values())


def _catalogue_aliases(tree: ast.AST) -> set[str]:
    """Names a module binds to a catalogue package (``from staffing import rules``, ...)."""
    aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            aliases.update(alias.asname or alias.name for alias in node.names
                           if f"{node.module}.{alias.name}" in CATALOGUE_PACKAGES)
        elif isinstance(node, ast.Import):
            aliases.update(alias.asname for alias in node.names
                           if alias.name in CATALOGUE_PACKAGES and alias.asname)
    return aliases


def leaks(module: str, source: str) -> list[Leak]:
    """Every place in one module's source that names a concrete rule: an import of it (or of
    anything of its module), an attribute of a catalogue package naming it, a decision by a
    rule's name. A class of the module's own that shares a rule's name is no leak."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    aliases = _catalogue_aliases(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                from_catalogue = node.module in CATALOGUE_PACKAGES and alias.name in RULE_CLASSES
                if node.module in RULE_MODULES or from_catalogue:
                    found.append(Leak(module, node.lineno,
                                      f"imports {alias.name} from {node.module}"))
        elif isinstance(node, ast.Import):
            found.extend(Leak(module, node.lineno, f"imports {alias.name}")
                         for alias in node.names if alias.name in RULE_MODULES)
        elif isinstance(node, ast.Attribute) and node.attr in RULE_CLASSES:
            owner = ast.unparse(node.value)
            if owner in aliases or owner in CATALOGUE_PACKAGES:
                found.append(Leak(module, node.lineno, f"names {owner}.{node.attr}"))
    for literal in _decided_by_name(tree):
        if id(literal) not in docstrings and (module, literal.value) not in ALLOWED:
            found.append(Leak(module, literal.lineno,
                              f"decides by the rule name {literal.value!r}"))
    return found


def _outside_catalogues(module: str) -> bool:
    return not any(module == p or module.startswith(p + ".") for p in CATALOGUE_PACKAGES)


def test_no_module_outside_the_catalogues_knows_a_rule_by_name() -> None:
    """Tests that no module outside the catalogue packages imports a concrete rule or decides
    anything by a rule's name."""
    found = [leak for module, path in package_modules().items() if _outside_catalogues(module)
             for leak in leaks(module, path.read_text(encoding="utf-8"))]
    assert not found, "\n".join(map(str, found))


def test_the_scan_finds_each_kind_of_leak() -> None:
    """Tests that the scan catches an import of a rule, its class, and a decision by its name,
    and leaves figures and classes of the module's own that merely share a rule's name alone."""
    source = '''
"""Docstring naming post_structure."""
from staffing.rules.post_structure import PostStructureParams
from staffing.rules import VillageCoverage
from staffing import rules
import staffing.rules.stability
NOT_BOUNDS = frozenset({"stability"})
def f(policy, rule, figures):
    """About tier_ratio."""
    if rule.name == "continuity" or rule.name in ("capacity", "eligibility"):
        return policy.rule("post_structure"), isinstance(rule, rules.Stability)
    return figures.get("tier_ratio"), {"budget": 1}, Budget()
class Budget:
    """A class of the module's own named like a pay rule."""
'''
    whats = sorted(leak.what for leak in leaks("staffing.allocation.x", source))
    assert whats == sorted([
        "imports PostStructureParams from staffing.rules.post_structure",
        "imports VillageCoverage from staffing.rules",
        "imports staffing.rules.stability",
        "names rules.Stability",
        "decides by the rule name 'stability'",
        "decides by the rule name 'continuity'",
        "decides by the rule name 'capacity'",
        "decides by the rule name 'eligibility'",
        "decides by the rule name 'post_structure'",
    ])


def test_every_allowed_name_is_still_used() -> None:
    """Tests that each entry of ALLOWED still matches a decision by name (no stale entry)."""
    modules = package_modules()
    for module, name in ALLOWED:
        tree = ast.parse(modules[module].read_text(encoding="utf-8"))
        assert name in {literal.value for literal in _decided_by_name(tree)}, (module, name)


# -- parity: every entry of each catalogue has its module, its test module and its rows -----------

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def table_names(text: str, header: str) -> list[str]:
    """The first cells of the markdown table whose header row starts with ``| header |``."""
    lines = [line.strip() for line in text.splitlines()]
    start = next(k for k, line in enumerate(lines) if line.startswith(f"| {header} |"))
    names = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        names.append(line.strip("|").split("|")[0].strip(" `"))
    return names


def _test_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.name for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]


CATALOGUES = [
    # (entries by name with their class, the package, its tests, the README table's header)
    ({name: rule for name, rule in CATALOGUE.items()}, "staffing.rules", "tests/rules", "rule"),
    ({name: rule for name, rule in PAY_CATALOGUE.items()}, "staffing.pay.rules",
     "tests/pay/rules", "pay rule"),
    ({name: rule for name, rule in PLAN_CATALOGUE.items()}, "staffing.planning.rules",
     "tests/planning/rules", "plan rule"),
    ({stage.value: type(entry) for stage, entry in STAGES.items()}, "staffing.stages",
     "tests/stages", "stage"),
]


@pytest.mark.parametrize("entries, package, tests, header", CATALOGUES,
                         ids=[c[1] for c in CATALOGUES])
def test_every_catalogue_entry_has_its_module_tests_and_rows(
        entries: dict[str, type], package: str, tests: str, header: str) -> None:
    """Tests that each entry of a catalogue lives in its own module named after it, has a test
    module of its name with tests in it, and a row in the README's table and in the table of
    its package's docstring; and that no test module or row is left for an entry that is gone.
    Adding an entry is its module, its line in the catalogue, its test module and its rows
    (``test_base.py`` tests the package's ``base`` module, which every entry shares)."""
    names = list(entries)
    assert {name: entries[name].__module__ for name in names} == {
        name: f"{package}.{name}" for name in names}
    for name in names:
        path = ROOT / tests / f"test_{name}.py"
        assert path.exists(), f"{name}: no {path.relative_to(ROOT)}"
        assert _test_functions(path), f"{path.relative_to(ROOT)} has no tests"
    modules = {p.stem.removeprefix("test_") for p in (ROOT / tests).glob("test_*.py")}
    if importlib.util.find_spec(f"{package}.base") is not None:
        modules.discard("base")  # the tests of what every entry shares
    assert modules == set(names)
    assert table_names(README, header) == names
    docstring = importlib.import_module(package).__doc__ or ""
    assert table_names(docstring, header.split()[-1]) == names


def test_every_stage_name_is_in_the_stage_catalogue() -> None:
    """Tests that each stage name a policy may order has its entry in the stage catalogue."""
    assert list(STAGES) == list(Stage)
