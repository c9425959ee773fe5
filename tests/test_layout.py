"""The package reads as the pipeline: each stage imports only the stages before it."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "analysis"
# Stages in the order the data flows; a module may import its own stage and those before it.
ORDER = ["files", "examples", "language", "reading", "tables", "report", "corpus", "evaluate", "cli", "__main__"]
TOP_LEVEL = {"__init__", "__main__", "cli", "evaluate", "files", "examples"}


def stage_of(module: str) -> str:
    """The stage of a dotted module name under analysis ('analysis.tables.context' -> 'tables')."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports_of(path: Path) -> list[str]:
    """Every analysis.* module a file imports, at any depth of the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis"):
            found += [node.module if node.module != "analysis" else f"analysis.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("analysis")]
    return found


def upward_imports(package: Path) -> list[str]:
    """'module imports target' for each import of a later stage than the module's own."""
    wrong = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package.parent).with_suffix("")
        own = stage_of(".".join(rel.parts))
        for target in imports_of(path) if own in ORDER else []:
            other = stage_of(target)
            if other in ORDER and ORDER.index(other) > ORDER.index(own):
                wrong.append(f"{'.'.join(rel.parts)} imports {target}")
    return wrong


def test_no_stage_imports_a_later_one():
    assert upward_imports(PACKAGE) == []


def test_every_module_sits_in_a_stage_package():
    loose = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in TOP_LEVEL)
    assert not loose, f"modules outside a stage package: {loose}"


def test_an_upward_import_is_reported(tmp_path):
    (tmp_path / "analysis" / "language").mkdir(parents=True)
    (tmp_path / "analysis" / "language" / "numbers.py").write_text(
        "def f():\n    from analysis.corpus import store\n    from analysis.language import dates\n")
    assert upward_imports(tmp_path / "analysis") == ["analysis.language.numbers imports analysis.corpus"]
