"""The synthetic county is test and demo data, not a pipeline step: nothing in
`transforms/` or `flows/` imports `synth`, except the lazy import inside the
`recon synth` command (flows/cli.py, function `synth`)."""
from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {("flows/cli.py", "synth")}  # (module, enclosing function)


def _is_synth(name: str | None) -> bool:
    return bool(name) and (name == "synth" or name.startswith("synth."))


def _imports_synth(node: ast.AST) -> bool:
    if isinstance(node, ast.Import):
        return any(_is_synth(a.name) for a in node.names)
    if isinstance(node, ast.ImportFrom):
        return node.level == 0 and _is_synth(node.module)
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        called = getattr(node.func, "attr", getattr(node.func, "id", None))
        value = node.args[0].value
        return called in ("import_module", "__import__") and isinstance(value, str) \
            and _is_synth(value)
    return False


def synth_imports(path: Path) -> list[tuple[int, str | None]]:
    """(line, enclosing function or None) of every import of `synth` in one module."""
    found = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                else function
            if _imports_synth(child):
                found.append((child.lineno, function))
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), None)
    return found


def test_the_finder_sees_each_kind_of_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import synth\nfrom synth.oracle import run_oracle\n"
                      "import synthesis\nfrom transforms import synth_notes\n"
                      "def f():\n    import importlib\n    importlib.import_module('synth.ids')\n")
    assert synth_imports(module) == [(1, None), (2, None), (7, "f")]


def test_no_pipeline_module_imports_the_synthetic_county():
    modules = sorted(p for d in ("transforms", "flows") for p in (ROOT / d).rglob("*.py"))
    assert len(modules) > 20
    found = {(p.relative_to(ROOT).as_posix(), line, function)
             for p in modules for line, function in synth_imports(p)}
    unexpected = sorted(f for f in found if (f[0], f[2]) not in ALLOWED)
    assert unexpected == [], f"imports of synth from the pipeline: {unexpected}"
    assert {(f[0], f[2]) for f in found} == ALLOWED  # the CLI command still reaches it


def test_the_synthetic_county_is_not_inside_the_pipeline_package():
    assert not (ROOT / "transforms" / "synth").exists()


def test_the_pipeline_needs_none_of_the_generators_extra():
    """faker and xlwt are the `synth` extra: no pipeline module imports them."""
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]["synth"]
    assert {"faker", "xlwt"} <= set(extra)
    for path in sorted(p for d in ("transforms", "flows") for p in (ROOT / d).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not [n for n in names if n.split(".")[0] in extra], (path, node.lineno)
