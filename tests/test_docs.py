"""The design in docs/ keeps up with the code: every setting config.py defines and every environment
variable it reads is on docs/settings.md, every module of tracker/ is on docs/architecture.md, and the
links between the README and docs/ lead somewhere."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import config

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
READERS = {"_int", "_bool", "_float", "_list"}  # config.py's helpers that read one variable


def _settings() -> set[str]:
    """Every setting the configuration classes define (upper-case class attributes)."""
    names: set[str] = set()
    for cls in {config.Config, *config.CONFIGS.values()}:
        names |= {name for name in vars(cls) if name.isupper()}
    return names


def _environment_variables() -> set[str]:
    """Every variable config.py reads: os.environ.get("X", ...) and the helpers _int("X", ...) and kin."""
    tree = ast.parse((ROOT / "config.py").read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        func = ast.unparse(node.func)
        if func in READERS or func == "os.environ.get":
            found.add(first.value)
    return found


def test_settings_page_lists_every_setting() -> None:
    page = (DOCS / "settings.md").read_text()
    settings = _settings()
    assert len(settings) > 50  # the classes were read
    rows = {m.group(1) for m in re.finditer(r"^\| `([A-Z_]+)` \|", page, re.MULTILINE)}  # first column
    missing = sorted(settings - rows)
    assert missing == [], "add a row to docs/settings.md for each of these settings of config.py"


def test_settings_page_names_every_environment_variable() -> None:
    page = (DOCS / "settings.md").read_text()
    variables = _environment_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "BASE_URL"} <= variables
    missing = sorted(name for name in variables if f"`{name}`" not in page)
    assert missing == [], "say on docs/settings.md which setting each of these environment variables sets"


def test_architecture_page_lists_every_module() -> None:
    page = (DOCS / "architecture.md").read_text()
    package = ROOT / "tracker"
    modules = sorted(str(p.relative_to(package)) for p in package.rglob("*.py"))
    assert len(modules) > 100
    missing = [m for m in modules if f"`{m}`" not in page]
    assert missing == [], "give each of these modules its line on docs/architecture.md"


def _links(path: Path) -> list[str]:
    """Relative links of a Markdown file (no web addresses, no in-page anchors)."""
    targets = re.findall(r"\]\(([^)\s]+)\)", path.read_text())
    return [t.split("#")[0] for t in targets if not t.startswith(("http://", "https://", "mailto:", "#"))]


def test_readme_and_docs_links_lead_somewhere() -> None:
    pages = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    broken = [f"{page.relative_to(ROOT)} -> {target}" for page in pages for target in _links(page)
              if not (page.parent / target).exists()]
    assert broken == []


def test_readme_sends_the_newcomer_to_docs_not_outside_the_repository() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "../shared" not in readme and "DESIGN.md" not in readme
    linked = set(_links(ROOT / "README.md"))
    assert "docs/README.md" in linked
    index = set(_links(DOCS / "README.md"))
    assert {p.name for p in DOCS.glob("*.md") if p.name != "README.md"} <= index, \
        "docs/README.md links every page of docs/"
