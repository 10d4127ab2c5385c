"""The nox matrix (noxfile.py) holds every supported combination, no impossible one, and CI's legs."""

import configparser
import importlib.util
import re
import sys
import types
from importlib import metadata
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[2]


def _stub_nox():
    """Enough of nox for noxfile.py to import where nox is not installed (only the dev extra has it)."""
    stub = types.ModuleType("nox")
    stub.options = types.SimpleNamespace()
    stub.session = lambda *args, **kwargs: args[0] if args and callable(args[0]) else (lambda function: function)
    stub.parametrize = lambda *args, **kwargs: (lambda function: function)
    stub.param = lambda *args, **kwargs: args
    return stub


@pytest.fixture(scope="module")
def noxfile():
    spec = importlib.util.spec_from_file_location("noxfile_under_test", ROOT / "noxfile.py")
    module = importlib.util.module_from_spec(spec)
    try:
        import nox  # noqa: F401
    except ImportError:
        saved = sys.modules.get("nox")
        sys.modules["nox"] = _stub_nox()
        try:
            spec.loader.exec_module(module)
        finally:
            if saved is None:
                del sys.modules["nox"]
            else:
                sys.modules["nox"] = saved
    else:
        spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def setup_cfg():
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "setup.cfg")
    return config


def _classified(setup_cfg, prefix):
    return {
        line.strip().removeprefix(prefix)
        for line in setup_cfg["metadata"]["classifiers"].splitlines()
        if line.strip().startswith(prefix) and "." in line.strip().removeprefix(prefix)
    }


def _requirement(setup_cfg, name):
    for line in setup_cfg["options"]["install_requires"].splitlines():
        match = re.fullmatch(rf"\s*{name}\s*([<>=!~].*)", line, flags=re.IGNORECASE)
        if match:
            return SpecifierSet(match.group(1).strip(), prereleases=True)
    raise AssertionError(f"{name} is not in install_requires")


def test_no_django_6_cell_on_python_3_11(noxfile):
    assert noxfile.CELLS
    assert not [cell for cell in noxfile.CELLS if cell[0] == "3.11" and cell[1].startswith("6.")]
    assert noxfile.excluded("3.11", "6.0", "8.0") and noxfile.excluded("3.12", "6.1", "7.4")


def test_the_matrix_covers_what_setup_cfg_declares(noxfile, setup_cfg):
    assert set(noxfile.PYTHONS) == _classified(setup_cfg, "Programming Language :: Python :: ")
    assert set(noxfile.DJANGOS) == _classified(setup_cfg, "Framework :: Django :: ")
    django_range, wagtail_range = _requirement(setup_cfg, "Django"), _requirement(setup_cfg, "wagtail")
    wagtail_majors = {line.strip().removeprefix("Framework :: Wagtail :: ") for line in
                      setup_cfg["metadata"]["classifiers"].splitlines() if "Framework :: Wagtail :: " in line}
    assert {wagtail.split(".")[0] for wagtail in noxfile.WAGTAILS} == wagtail_majors
    for django in noxfile.DJANGOS:
        assert f"{django}.0" in django_range, django
    for wagtail in noxfile.WAGTAILS:
        assert f"{wagtail}.0" in wagtail_range or f"{wagtail}rc1" in wagtail_range, wagtail
    # The lowest Wagtail of the matrix is install_requires' lower bound (the migrations' baseline).
    lowest = min(noxfile.WAGTAILS, key=noxfile._version)
    assert [spec.version for spec in wagtail_range if spec.operator == ">="] == [lowest]

    pairs = {(cell[1], cell[2]) for cell in noxfile.CELLS}
    for django in noxfile.DJANGOS:
        for wagtail in noxfile.WAGTAILS:
            if django in noxfile.WAGTAIL_DJANGOS[wagtail]:
                assert (django, wagtail) in pairs, (django, wagtail)
                for db in noxfile.DATABASES:
                    assert any(cell[1:] == (django, wagtail, db) for cell in noxfile.CELLS), (django, wagtail, db)
            else:
                assert (django, wagtail) not in pairs, (django, wagtail)


def test_the_matrix_knows_the_running_wagtail_s_django_releases(noxfile):
    """WAGTAIL_DJANGOS says what the installed Wagtail's own classifiers say."""
    installed = metadata.distribution("wagtail")
    minor = ".".join(installed.version.split(".")[:2]).split("rc")[0]
    if minor not in noxfile.WAGTAIL_DJANGOS:
        pytest.skip(f"Wagtail {installed.version} is not in the matrix")
    prefix = "Framework :: Django :: "
    declared = {c.removeprefix(prefix) for c in installed.metadata.get_all("Classifier") if c.startswith(prefix)}
    assert noxfile.WAGTAIL_DJANGOS[minor] == declared & set(noxfile.DJANGOS)


def _ci_combinations():
    """.ci/run's PYTHON_OF and PINS_OF: {combo: (python, pins)}, and its ORDER of jobs."""
    script = (ROOT / ".ci" / "run").read_text()
    python_of = dict(re.findall(r"\[(\w+)\]=([0-9.]+)", re.search(r"PYTHON_OF=\(([^)]*)\)", script).group(1)))
    pins_block = re.search(r"declare -A PINS_OF=\((.*?)\n\)", script, flags=re.DOTALL).group(1)
    pins_of = dict(re.findall(r'^\s*\[(\w+)\]="([^"]*)"', pins_block, flags=re.MULTILINE))
    order = re.search(r"^ORDER=\(([^)]*)\)", script, flags=re.MULTILINE).group(1).split()
    assert python_of and pins_of.keys() == python_of.keys()
    return {combo: (python_of[combo], pins_of[combo].split()) for combo in python_of}, order


def test_the_cells_ci_runs_exist(noxfile):
    combinations, order = _ci_combinations()
    django_of = {pin: version for version, pin in noxfile.DJANGO_PIN.items()}
    wagtail_of = {pin: version for version, pin in noxfile.WAGTAIL_PIN.items()}
    for combo, (python, pins) in combinations.items():
        django, wagtail = django_of[pins[0]], wagtail_of[pins[1]]  # the same pins as the noxfile's
        assert any(cell[:3] == (python, django, wagtail) for cell in noxfile.CELLS), combo
    for leg, cell in noxfile.CI_LEGS.items():
        assert leg in order, leg
        assert cell in noxfile.CELLS, leg
        if leg == "sqlite":
            continue  # .venv, the README's install: Python 3.11, the newest final Django 5.2 / Wagtail
        prefix, combo = leg.split("-", 1)
        python, pins = combinations[combo]
        assert cell == (python, django_of[pins[0]], wagtail_of[pins[1]], "postgresql" if prefix == "pg" else "sqlite")
