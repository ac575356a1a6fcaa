"""The house's floors: imports run one way, downwards.

A part of tracker/ is a subpackage or a top-level module. Each has a floor; a part imports only
parts on lower floors (the foundation's modules may also import each other), so there is no
import cycle between parts and no import from a lower floor back up. Imports under
``if TYPE_CHECKING:`` are for the type checker only and do not count; imports inside functions do.
Run it alone with ``.venv/bin/python -m pytest tests/test_layers.py``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "tracker"

# From the ground up. A new part must be given its floor here.
FLOORS: dict[int, set[str]] = {
    0: {"timeutil", "errors", "urls", "drawings", "sql", "mail", "exports", "extensions", "routing", "forms",
        "widgets", "views", "pagination", "security", "health", "celery", "db_setup", "outbound", "sealing", "govuk_notify",
        "aftercommit"},  # the foundation
    1: {"models"},
    2: {"locking", "templating", "changes"},
    3: {"activity"},
    4: {"messaging"},  # how the tracker tells people things: imports no feature
    5: {"auth"},
    6: {"consultations"},
    7: {"drafts", "documents"},  # documents: reading a consultation's documents, finding its questions
    8: {"intake", "policy", "invitations", "evidence"},  # invitations: joining by an emailed link; evidence: cities' local evidence for a draft
    9: {"reminders"},  # the sweep: what falls due, handed to messaging
    10: {"reports", "account", "admin"},
    11: {"api"},
    12: {"pages"},  # pages that gather several features' panels
    # The app and its commands.
    13: {"seed"},
    14: {"scale"},
    15: {"unavailable"},  # the answer when the database cannot be reached: pages and the API's problems
    16: {"errorhandlers", "cli", "devserver"},
    17: {"__init__"},
}
FLOOR = {part: floor for floor, parts in FLOORS.items() for part in parts}
# The low rooms: no feature may be imported from them.
LOW = {"models", "messaging", "activity"}


def _parts() -> set[str]:
    found = {p.stem for p in ROOT.glob("*.py")}
    found |= {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    return found


def _part_of(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0].removesuffix(".py")


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(sub) for sub in ast.walk(node))
    return skip


def _imported_parts(path: Path, parts: set[str]) -> Iterator[tuple[str, int]]:
    """(part, line) of each tracker part the file imports."""
    tree = ast.parse(path.read_text(), str(path))
    skip = _type_checking_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            bits = name.split(".")
            if bits[0] == "tracker" and len(bits) > 1 and bits[1] in parts:
                yield bits[1], node.lineno


def _imports() -> list[tuple[str, str, str]]:
    """(importing part, imported part, "file:line") for every import between two parts."""
    parts = _parts()
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        src = _part_of(path)
        for dst, line in _imported_parts(path, parts):
            if dst != src:
                found.append((src, dst, f"{path.relative_to(ROOT.parent)}:{line}"))
    return found


def test_every_part_has_a_floor() -> None:
    assert sorted(_parts() - set(FLOOR)) == [], "give each new part of tracker/ a floor in FLOORS"


def test_imports_run_downwards() -> None:
    upward = [f"{where}: {src} (floor {FLOOR[src]}) imports {dst} (floor {FLOOR[dst]})"
              for src, dst, where in _imports()
              if FLOOR[dst] > FLOOR[src] or (FLOOR[dst] == FLOOR[src] and FLOOR[src] != 0)]
    assert upward == []


def test_low_rooms_import_no_feature() -> None:
    features = {part for part, floor in FLOOR.items() if floor > FLOOR["messaging"]}
    found = [f"{where}: {src} imports {dst}" for src, dst, where in _imports() if src in LOW and dst in features]
    assert found == []


def test_no_import_cycle_between_parts() -> None:
    graph: dict[str, set[str]] = {}
    for src, dst, _ in _imports():
        graph.setdefault(src, set()).add(dst)
    cycles: list[list[str]] = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert cycles == []


def test_models_form_a_tree() -> None:
    """Model modules refer to each other for the type checker only (relationships are resolved by
    name), so any one of them imports without the others."""
    models = ROOT / "models"
    found = []
    for path in sorted(models.glob("*.py")):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(), str(path))
        skip = _type_checking_nodes(tree)
        for node in ast.walk(tree):
            if id(node) in skip or not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            if node.module.startswith("tracker.models") and node.module not in ("tracker.models.types",):
                found.append(f"{path.name}:{node.lineno} imports {node.module}")
    assert found == []
