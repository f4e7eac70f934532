"""The import structure DESIGN.md §2 draws: one-way layers, pure rules, no cycles.

The contracts live in pyproject.toml (`[tool.importlinter]`, also run by `lint-imports`);
import-linter's graph counts imports inside functions and under TYPE_CHECKING too.
"""
from __future__ import annotations

import ast
import importlib.util
import textwrap
from pathlib import Path

import grimp
import pytest
from importlinter import configuration
from importlinter.application import use_cases
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract
from importlinter.domain.contract import registry

configuration.configure()  # import-linter's adapters (file reading, graph building)
for _type in (LayersContract, ForbiddenContract, AcyclicSiblingsContract):
    registry.register(_type, _type.type_name)
ROOT = Path(__file__).resolve().parents[2]
OUR_PACKAGES = ("casework", "recorder", "web", "workflows", "migrations", "bench")

# Contracts broken by code other engineers are rewriting (issue 10); flip each on at merge.
PENDING: dict[str, str] = {}
PENDING_FACES: dict[str, str] = {}


def _present(names):
    return [name for name in names if importlib.util.find_spec(name) is not None]


@pytest.fixture(scope="module")
def report():
    options = use_cases.read_user_options(str(ROOT / "pyproject.toml"))
    present = _present(OUR_PACKAGES)  # web and workflows join once they exist
    options.session_options["root_packages"] = present
    for contract in options.contracts_options:
        if contract["type"] == "acyclic_siblings":
            contract["ancestors"] = present
    checks = {}
    for contract, check in use_cases.create_report(options, cache_dir=None).get_contracts_and_checks():
        checks[contract.contract_options["id"]] = (contract, check)
    return checks


def _contract_ids():
    options = use_cases.read_user_options(str(ROOT / "pyproject.toml"))
    return [
        pytest.param(c["id"], marks=pytest.mark.xfail(reason=PENDING[c["id"]], strict=True))
        if c["id"] in PENDING else c["id"]
        for c in options.contracts_options
    ]


@pytest.mark.parametrize("contract_id", _contract_ids())
def test_contract_is_kept(report, contract_id):
    contract, check = report[contract_id]
    assert check.kept, f"{contract.name}: {check.metadata}"


def test_graph_counts_imports_inside_functions_and_type_checking(tmp_path, monkeypatch):
    package = tmp_path / "probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text(textwrap.dedent("""
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from probe import b
        def f():
            from probe import c
    """))
    (package / "b.py").write_text("")
    (package / "c.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("probe", cache_dir=None)
    assert graph.find_modules_directly_imported_by("probe.a") == {"probe.b", "probe.c"}


def _faces(top: Path) -> set[str]:
    """Packages whose __init__ imports something (a face): their modules must not import it."""
    faces = set()
    for init in top.rglob("__init__.py"):
        tree = ast.parse(init.read_text())
        if any(isinstance(node, (ast.Import, ast.ImportFrom)) and getattr(node, "module", "") != "__future__"
               for node in tree.body):
            faces.add(".".join(init.parent.relative_to(ROOT).parts))
    return faces


def _face_imports() -> dict[str, list[str]]:
    """{face: ["module:line", ...]} for modules that import a face of their own package."""
    found: dict[str, list[str]] = {}
    for name in _present(OUR_PACKAGES):
        top = ROOT / name
        faces = _faces(top)
        for path in top.rglob("*.py"):
            if path.name == "__init__.py":
                continue
            module = ".".join(path.with_suffix("").relative_to(ROOT).parts)
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom):
                    targets = [node.module or ""] if node.level == 0 else []
                elif isinstance(node, ast.Import):
                    targets = [alias.name for alias in node.names]
                else:
                    continue
                for target in targets:
                    if target in faces and module.startswith(target + "."):
                        found.setdefault(target, []).append(f"{module}:{node.lineno}")
    return found


def test_modules_import_siblings_not_their_package_face():
    found = {k: v for k, v in _face_imports().items() if k not in PENDING_FACES}
    assert found == {}


# Imports inside functions of our own modules still there, with whoever removes them.
PENDING_LOCAL_IMPORTS = {
    "casework.services.processes.shipped": "engine: actions register by importing their module",
    "casework.cli.context": "evidence: the CLI context imports the schema on `init` only",
    "recorder": "recorder: the recorder's regroup into rooms",
    "bench.recorder": "recorder: bench/recorder.py",
}


# Deliberate, each with its reason: a heavy import only the command that needs it pays for.
ALLOWED_LOCAL_IMPORTS = {
    "workflows.cli": "Prefect (seconds to import) loads only for `scheduler` and `run --via-prefect`, "
                     "not for every `casework` command the entry point registers",
}


def _pending(module: str) -> bool:
    keys = (*PENDING_LOCAL_IMPORTS, *ALLOWED_LOCAL_IMPORTS)
    return any(module == key or module.startswith(key + ".") for key in keys)


def _local_imports() -> dict[str, list[str]]:
    """{module: ["target:line", ...]}: imports of our own packages inside functions."""
    ours = tuple(_present(OUR_PACKAGES))
    found: dict[str, list[str]] = {}
    for name in ours:
        for path in (ROOT / name).rglob("*.py"):
            module = ".".join(path.with_suffix("").relative_to(ROOT).parts).removesuffix(".__init__")
            for function in ast.walk(ast.parse(path.read_text())):
                if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for node in ast.walk(function):
                    if isinstance(node, ast.ImportFrom) and node.level == 0:
                        targets = [node.module or ""]
                    elif isinstance(node, ast.Import):
                        targets = [alias.name for alias in node.names]
                    else:
                        continue
                    for target in targets:
                        if target.split(".")[0] in ours:
                            found.setdefault(module, []).append(f"{target}:{node.lineno}")
    return found


@pytest.mark.parametrize("module", [
    *(pytest.param(m, marks=pytest.mark.xfail(reason=why, strict=True))
      for m, why in PENDING_LOCAL_IMPORTS.items()),
    "others",
])
def test_no_imports_of_our_modules_inside_functions(module):
    """A function-level import hides a dependency (and, often, a cycle) from the reader."""
    found = _local_imports()
    if module == "others":
        assert {k: v for k, v in found.items() if not _pending(k)} == {}
    else:
        assert not [k for k in found if k == module or k.startswith(module + ".")], found
