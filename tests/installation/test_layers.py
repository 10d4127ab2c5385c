"""The package's layers, checked by import-linter's contracts in setup.cfg.

Each folder of ``wagtail_heurecivique`` is a layer and imports only go down; no two
modules of a folder import each other, not even from inside a function; wagtail-modeladmin
stays in ``admin``. ``make lint`` runs the same contracts.
"""

import ast
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_hold(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "setup.cfg"), no_cache=True, no_logo=True) == 0


def test_the_app_shell_is_all_that_sits_at_the_root_of_the_package():
    """A new module goes into the folder of its layer, not beside ``apps.py``."""
    shell = {"__init__", "apps", "checks", "middleware", "models", "receivers", "urls", "wagtail_hooks"}
    modules = {path.stem for path in (ROOT / "wagtail_heurecivique").glob("*.py")}
    assert modules == shell


def test_models_are_imported_from_where_they_are_defined_inside_the_package():
    """``wagtail_heurecivique.models`` gathers the models for Django and host sites; the plugin's
    own modules import each model from its module, so that no layer depends on them all."""
    offenders = []
    for path in (ROOT / "wagtail_heurecivique").rglob("*.py"):
        if "migrations" in path.parts or path.name == "models.py" and path.parent.name == "wagtail_heurecivique":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "wagtail_heurecivique.models":
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
