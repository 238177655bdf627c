"""The package keeps the shape ARCHITECTURE.md draws: layers, no cycles, small modules.

Each top-level unit of `squarecheck` (a module or a subpackage) sits on a layer; a unit imports
itself or units on lower layers only, never its neighbours on the same layer (so the emulator
and the client stay apart). Runtime imports (everything outside `if TYPE_CHECKING:`) form no
cycle. No module is over 400 lines; no function over 60 unless its docstring says why ("Long
because ...").
"""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "squarecheck"

#: Lowest first; the same list, drawn, is in ARCHITECTURE.md.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"squarecheck", "errors", "exitcodes", "paths"}),
    frozenset({"spec"}),
    frozenset({"results", "target", "emulator"}),
    frozenset({"options"}),
    frozenset({"checks", "fuzz"}),
    frozenset({"reports"}),
    frozenset({"pytest_plugin", "selftest"}),
    frozenset({"cli"}),
    frozenset({"__main__"}),
)
#: The emulator's interior, lowest first (ARCHITECTURE.md draws it). A domain's handler modules
#: (named `*_handlers`) sit above the `call` frame; the rest of the domain, its model, below it.
#: The two domains share floors and so never import each other.
EMULATOR_LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"emulator", "config"}),
    frozenset({"core"}),
    frozenset({"db"}),
    frozenset({"faults"}),
    frozenset({"locations.model"}),  # derived from the seller: Orders name it
    frozenset({"customers.model", "commerce.model"}),
    frozenset({"call"}),
    frozenset({"customers.handlers", "commerce.handlers", "locations.handlers"}),
    frozenset({"routes"}),
    frozenset({"app"}),
    frozenset({"server"}),
    frozenset({"embedded"}),
)
DOMAINS = ("customers", "commerce", "locations")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


@dataclass(frozen=True)
class Import:
    """One import statement: who imports what, where, and whether only for type checking."""

    importer: str
    imported: str
    line: int
    typing_only: bool


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(root: Path) -> dict[str, Path]:
    return {_module_name(root, p): p for p in sorted(root.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    found: list[Import] = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for item in child.body:
                    visit_one(item, True)
                for item in child.orelse:
                    visit_one(item, typing_only)
            else:
                visit_one(child, typing_only)

    def visit_one(node: ast.AST, typing_only: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(name, alias.name, node.lineno, typing_only))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                target = sub if sub in modules else node.module
                found.append(Import(name, target, node.lineno, typing_only))
        visit(node, typing_only)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return [i for i in found if i.imported.split(".")[0] == "squarecheck"]


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _floor(unit: str, floors: tuple[frozenset[str], ...], where: str) -> int:
    """The index of the floor holding `unit`; a unit on no floor fails, naming where to add it."""
    for index, members in enumerate(floors):
        if unit in members:
            return index
    raise AssertionError(f"{unit!r} is on no floor: add it to {where}")


def _layer(unit: str) -> int:
    return _floor(unit, LAYERS, "LAYERS and ARCHITECTURE.md")


def layer_violations(root: Path) -> list[str]:
    """Every import against the layer direction, as `importer:line -> imported`."""
    modules = _modules(root)
    bad = []
    for name, path in modules.items():
        for imp in _imports(name, path, modules):
            mine, theirs = _unit(name), _unit(imp.imported)
            if mine != theirs and _layer(theirs) >= _layer(mine):
                bad.append(f"{name}:{imp.line} -> {imp.imported}")
    return bad


def _emulator_unit(module: str) -> str | None:
    """The floor-naming unit of an emulator module, or None outside the emulator."""
    parts = module.split(".")
    if parts[:2] != ["squarecheck", "emulator"]:
        return None
    if len(parts) == 2:
        return "emulator"
    if parts[2] in DOMAINS:
        role = "handlers" if len(parts) > 3 and parts[3].endswith("handlers") else "model"
        return f"{parts[2]}.{role}"
    return parts[2]


def _emulator_layer(unit: str) -> int:
    return _floor(unit, EMULATOR_LAYERS, "EMULATOR_LAYERS and ARCHITECTURE.md")


def emulator_violations(root: Path) -> list[str]:
    """Every import inside the emulator against its floors, as `importer:line -> imported`."""
    modules = _modules(root)
    bad = []
    for name, path in modules.items():
        mine = _emulator_unit(name)
        if mine is None:
            continue
        for imp in _imports(name, path, modules):
            theirs = _emulator_unit(imp.imported)
            if theirs is None or theirs == mine or theirs == "emulator":
                continue
            if _emulator_layer(theirs) >= _emulator_layer(mine):
                bad.append(f"{name}:{imp.line} -> {imp.imported}")
    return bad


def runtime_cycles(root: Path) -> list[list[str]]:
    """Cycles among runtime imports between modules (a package's own __init__ not counted)."""
    modules = _modules(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for imp in _imports(name, path, modules):
            parent_package = name.startswith(imp.imported + ".")
            if not imp.typing_only and imp.imported in graph and not parent_package:
                graph[name].add(imp.imported)
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def walk(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            walk(start, [start])
    return cycles


def oversized(root: Path) -> list[str]:
    """Modules over 400 lines and functions over 60 lines without a reason in the docstring."""
    found = []
    for name, path in _modules(root).items():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_MODULE_LINES:
            found.append(f"{name}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                doc = ast.get_docstring(node) or ""
                if length > MAX_FUNCTION_LINES and "Long because" not in doc:
                    found.append(f"{name}.{node.name}: {length} lines")
    return found


def test_imports_follow_the_layers() -> None:
    """No module imports a unit on its own layer or above."""
    assert layer_violations(PACKAGE) == []


def test_the_emulator_interior_follows_its_floors() -> None:
    """Inside the emulator, no module imports a floor of its own or above, and the two domains
    never import each other."""
    assert emulator_violations(PACKAGE) == []


def test_no_emulator_folder_holds_more_than_15_modules() -> None:
    """Every folder of the emulator stays small enough to read (a domain per folder)."""
    emulator = PACKAGE / "emulator"
    for folder in [emulator, *[p for p in emulator.rglob("*") if p.is_dir()]]:
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        assert len(modules) <= 15, f"{folder.relative_to(PACKAGE)} holds {len(modules)} modules"


def test_no_runtime_import_cycle() -> None:
    """Runtime imports between modules form no cycle."""
    assert runtime_cycles(PACKAGE) == []


def test_modules_and_functions_stay_small() -> None:
    """No module over 400 lines, no function over 60 lines unless its docstring says why."""
    assert oversized(PACKAGE) == []


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """A copy of the package to plant violations in."""
    copy = tmp_path / "squarecheck"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_a_planted_upward_import_is_reported(planted: Path) -> None:
    """The emulator importing the client is reported, and so is errors importing anything."""
    (planted / "emulator" / "leak.py").write_text(
        "from squarecheck.target.client import Client\n", encoding="utf-8"
    )
    with open(planted / "errors.py", "a", encoding="utf-8") as fh:
        fh.write("\nif True:\n    from squarecheck.spec import table\n")
    bad = layer_violations(planted)
    assert any(
        v.startswith("squarecheck.emulator.leak:1 -> squarecheck.target.client") for v in bad
    )
    assert any(v.startswith("squarecheck.errors:") for v in bad)


def test_a_planted_cycle_is_reported(planted: Path) -> None:
    """Two modules importing each other at run time are a cycle; typing-only imports are not."""
    (planted / "spec" / "one.py").write_text("import squarecheck.spec.two\n", encoding="utf-8")
    (planted / "spec" / "two.py").write_text("import squarecheck.spec.one\n", encoding="utf-8")
    assert ["squarecheck.spec.one", "squarecheck.spec.two", "squarecheck.spec.one"] in (
        runtime_cycles(planted)
    )
    (planted / "spec" / "two.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import squarecheck.spec.one\n",
        encoding="utf-8",
    )
    assert runtime_cycles(planted) == []


def test_a_planted_long_function_is_reported(planted: Path) -> None:
    """A 61-line function without a reason is reported; with "Long because" it is not."""
    body = "".join(f"    x{i} = {i}\n" for i in range(60))
    (planted / "spec" / "long.py").write_text(f"def f() -> None:\n{body}", encoding="utf-8")
    assert "squarecheck.spec.long.f: 61 lines" in oversized(planted)
    reason = '    """Long because it is a test."""\n'
    (planted / "spec" / "long.py").write_text(f"def f() -> None:\n{reason}{body}", encoding="utf-8")
    assert not any(v.startswith("squarecheck.spec.long") for v in oversized(planted))


def test_a_planted_upward_import_inside_the_emulator_is_reported(planted: Path) -> None:
    """The customer store importing a handler, and a commerce model importing the customer
    domain, are both reported."""
    with open(planted / "emulator" / "customers" / "store.py", "a", encoding="utf-8") as fh:
        fh.write("\nfrom squarecheck.emulator.customers import group_handlers\n")
    engine = planted / "emulator" / "commerce" / "pricing" / "engine.py"
    with open(engine, "a", encoding="utf-8") as fh:
        fh.write("\nfrom squarecheck.emulator.customers.store import CustomerStore\n")
    bad = emulator_violations(planted)
    assert any(
        v.startswith("squarecheck.emulator.customers.store:")
        and v.endswith("-> squarecheck.emulator.customers.group_handlers")
        for v in bad
    )
    assert any(
        v.startswith("squarecheck.emulator.commerce.pricing.engine:")
        and v.endswith("-> squarecheck.emulator.customers.store")
        for v in bad
    )
