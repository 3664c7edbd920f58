"""The layers of docs/ARCHITECTURE.md, checked on the imports of every module.

A plain walk over the syntax trees (``import`` statements anywhere in a module, under
``if TYPE_CHECKING:`` and inside functions included):

- ``parsers/``, ``record/``, ``dedup/`` and ``state/`` import no Scrapy (nor Twisted or
  scrapy-redis) and nothing from ``spiders/``, ``pipelines/``, ``middlewares/``,
  ``extensions/`` or ``commands/``;
- ``pipelines/`` never import ``parsers/`` (they only transform finished items);
- nothing imports ``commands/`` but ``cli.py``, which dispatches to them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "newscrawl"

#: Layers that must stay free of Scrapy and of the crawl's components.
PURE = ("parsers", "record", "dedup", "state")
SCRAPY = ("scrapy", "twisted", "scrapy_redis")
CRAWL_SIDE = ("spiders", "pipelines", "middlewares", "extensions", "commands")


def _within(module: str, roots: tuple[str, ...]) -> str | None:
    return next((r for r in roots if module == r or module.startswith(f"{r}.")), None)


def imported_modules(path: Path, package: str) -> list[list[str]]:
    """What each import of ``path`` may name, absolute (relative imports resolved):
    ``from a import b`` may import module ``a`` or module ``a.b``."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    here = package.split(".")
    found: list[list[str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend([alias.name] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = here[: len(here) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.append([base, *(f"{base}.{alias.name}" for alias in node.names)])
    return found


def violations(root: Path, name: str = "newscrawl") -> list[str]:
    """``"<module> imports <module>: <rule>"`` for each import a layer must not make."""
    out: list[str] = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        module = ".".join([name, *parts]).removesuffix(".__init__")
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        layer = parts[0] if len(parts) > 1 else ""
        for names in imported_modules(path, package):
            broken = ((n, _rule(layer, parts, n, name)) for n in names)
            imported, rule = next(((n, r) for n, r in broken if r), (None, None))
            if rule:
                out.append(f"{module} imports {imported}: {rule}")
    return out


def _rule(layer: str, parts: tuple[str, ...], imported: str, name: str) -> str | None:
    ours = imported.removeprefix(f"{name}.") if imported.startswith(f"{name}.") else None
    if layer in PURE:
        if _within(imported, SCRAPY):
            return f"{layer}/ imports no Scrapy"
        side = _within(ours, CRAWL_SIDE) if ours else None
        if side:
            return f"{layer}/ imports nothing from {side}/"
    if layer == "pipelines" and ours and _within(ours, ("parsers",)):
        return "pipelines never import parsers/"
    if ours and _within(ours, ("commands",)) and layer != "commands" and parts != ("cli",):
        return "only cli.py imports commands/"
    return None


def test_the_layers_hold():
    assert violations(PACKAGE) == []


def test_every_layer_is_walked():
    layers = {p.relative_to(PACKAGE).parts[0] for p in PACKAGE.rglob("*.py")}
    assert set(PURE) | set(CRAWL_SIDE) <= layers


@pytest.mark.parametrize(
    ("module", "source", "rule"),
    [
        ("record/x.py", "from scrapy import Request\n", "record/ imports no Scrapy"),
        ("state/x.py", "if TYPE_CHECKING:\n    import twisted.internet\n", "state/ imports no"),
        ("dedup/x.py", "def f():\n    from newscrawl.spiders import y\n", "nothing from spiders/"),
        ("parsers/x.py", "from ..pipelines.drops import RejectItem\n", "nothing from pipelines/"),
        ("pipelines/x.py", "from newscrawl.parsers import parse_page\n", "never import parsers/"),
        ("output/x.py", "from newscrawl import commands\n", "only cli.py imports commands/"),
        ("crawler.py", "import newscrawl.commands.scrape\n", "only cli.py imports commands/"),
    ],
)
def test_a_planted_violation_is_found(tmp_path, module, source, rule):
    path = tmp_path / "newscrawl" / module
    path.parent.mkdir(parents=True)
    path.write_text(source)
    (found,) = violations(tmp_path / "newscrawl")
    assert rule in found


def test_allowed_imports_are_not_violations(tmp_path):
    root = tmp_path / "newscrawl"
    for module, source in {
        "cli.py": "from newscrawl.commands import crawl\n",
        "commands/scrape.py": "from newscrawl.parsers import parse_page\n",
        "spiders/news.py": "from scrapy import Spider\nfrom newscrawl.parsers import x\n",
        "record/x.py": "from newscrawl.dedup.fingerprints import content_hash\n",
    }.items():
        (root / module).parent.mkdir(parents=True, exist_ok=True)
        (root / module).write_text(source)
    assert violations(root) == []
