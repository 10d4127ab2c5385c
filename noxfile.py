"""The version matrix, one nox session a cell (issue 15).

    nox --list                      # every cell, and lint
    nox -s lint
    nox -s "tests(3.12, django 6.0, wagtail 8.0, sqlite)"
    nox -t ci                       # the four cells .ci/run's suite legs run
    nox -s tests -- -k checks       # arguments after -- go to pytest

A cell is (Python, Django, Wagtail, database). The cells left out, and why, are in
EXCLUDED below and in the README (*Development*, *The version matrix*):

- Django 6.0 and 6.1 need Python 3.12 or later: no Django 6.x cell on Python 3.11.
- Wagtail 7.4 supports Django 5.2 and 6.0 (its classifiers): no Wagtail 7.4 × Django 6.1 cell.
  Wagtail 8.0 and 8.1 (8.1rc1 here) declare 5.2, 6.0 and 6.1, and Python 3.11 or later.

That leaves 19 version combinations, each on SQLite and on PostgreSQL: 38 cells.

Which cells CI runs: `.ci/run`'s legs that run the suite are the cells of CI_LEGS (tagged
``ci``); the rest are left to ``nox`` by hand. `.ci/run` does not call nox: it builds its
venvs itself, side by side, to hold its time budget, from the same pins (its PINS_OF).

A PostgreSQL cell starts a throwaway cluster of its own (``scripts/postgres.sh``, on a free
port, under the session's tmp directory) and removes it afterwards. Redis is not started: the
tests that need a real one skip, saying why (``scripts/redis.sh`` and REDIS_URL to run them).
"""

import glob
import os
import shutil
import socket
from itertools import product

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True

PYTHONS = ["3.11", "3.12", "3.13"]
DJANGOS = ["5.2", "6.0", "6.1"]
WAGTAILS = ["7.4", "8.0", "8.1"]
DATABASES = ["sqlite", "postgresql"]

#: What pip installs for each version. 8.1 is served as its release candidate, 8.1rc1: a
#: pre-release in the specifier lets pip take pre-releases of it (as .ci/run's PINS_OF).
DJANGO_PIN = {"5.2": "Django>=5.2,<5.3", "6.0": "Django>=6.0,<6.1", "6.1": "Django>=6.1,<6.2"}
WAGTAIL_PIN = {"7.4": "wagtail>=7.4,<7.5", "8.0": "wagtail>=8.0,<8.1", "8.1": "wagtail>=8.1rc1,<8.2"}

#: The Django releases each Wagtail declares (its wheel's "Framework :: Django ::" classifiers).
WAGTAIL_DJANGOS = {"7.4": {"5.2", "6.0"}, "8.0": {"5.2", "6.0", "6.1"}, "8.1": {"5.2", "6.0", "6.1"}}
#: The lowest Python of each Django release.
DJANGO_MIN_PYTHON = {"5.2": "3.10", "6.0": "3.12", "6.1": "3.12"}


def _find_pythons():
    """Put each Python of the matrix on PATH as ``pythonX.Y``: pyenv's shims answer only for its
    global versions, so the interpreters of ~/.pyenv/versions go first (as .ci/run's find_python)."""
    extra = []
    for python in PYTHONS:
        found = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{python}*/bin/python{python}")))
        if found and os.path.dirname(found[-1]) not in extra:
            extra.append(os.path.dirname(found[-1]))
    if extra:
        os.environ["PATH"] = os.pathsep.join([*extra, os.environ.get("PATH", "")])


_find_pythons()


def _version(text):
    return tuple(int(part) for part in text.split("."))


#: The cells left out: why, and which.
EXCLUDED = [
    (
        "Django 6.x needs Python 3.12 or later",
        lambda python, django, wagtail: _version(python) < _version(DJANGO_MIN_PYTHON[django]),
    ),
    (
        "Wagtail 7.4 does not support Django 6.1",
        lambda python, django, wagtail: django not in WAGTAIL_DJANGOS[wagtail],
    ),
]


def excluded(python, django, wagtail):
    """Why the combination is left out, or None."""
    return next((why for why, test in EXCLUDED if test(python, django, wagtail)), None)


#: Every cell: (python, django, wagtail, db).
CELLS = [
    (python, django, wagtail, db)
    for python, django, wagtail, db in product(PYTHONS, DJANGOS, WAGTAILS, DATABASES)
    if excluded(python, django, wagtail) is None
]


def cell_id(python, django, wagtail, db):
    return f"{python}, django {django}, wagtail {wagtail}, {db}"


#: .ci/run's legs that run the suite, and their cell. The `sqlite` leg runs `make test` in
#: .venv (`pip install -e ".[dev]"`, which takes the newest final Wagtail: 8.0 until 8.1 is
#: out); the others take .ci/run's PINS_OF combination of the same name. The `wheel`,
#: `host-lts` and `host-newest` legs check the packaged wheel, not the suite: they are no
#: cell (host-lts has the versions of pg-lts, host-newest those of pg-newest, on SQLite).
CI_LEGS = {
    "sqlite": ("3.11", "5.2", "8.0", "sqlite"),
    "pg-lts": ("3.11", "5.2", "7.4", "postgresql"),
    "sqlite-dj60": ("3.12", "6.0", "8.0", "sqlite"),
    "pg-newest": ("3.13", "6.1", "8.1", "postgresql"),
}
CI_CELLS = set(CI_LEGS.values())


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_postgres(session):
    """A cluster of the session's own; its DATABASE_URL, and the environment to stop it with."""
    env = {"HC_PGPORT": str(_free_port()), "HC_PGROOT": os.path.join(session.create_tmp(), "pg")}
    output = session.run("scripts/postgres.sh", "start", env=env, external=True, silent=True)
    if output is None:
        return None
    line = next(line for line in output.splitlines() if line.startswith("export DATABASE_URL="))
    return line.split("=", 1)[1].strip(), env


def _run_suite(session, env):
    # What `make test` runs: the catalogues compiled, Debian's chromium if it can be had, pytest.
    # Then, as .ci/run's legs, makemigrations --check on the cell's versions.
    session.run("python", "manage.py", "compilemessages", "-l", "fr", "--ignore=.venv*", "--ignore=.nox",
                env=env, silent=True)
    session.run("scripts/install-chromium.sh", external=True)
    session.run("python", "manage.py", "makemigrations", "--check", "--dry-run", env=env)
    session.run("python", "-m", "pytest", "-p", "no:cacheprovider", *session.posargs, env=env)


@nox.session(tags=["tests"])
@nox.parametrize(
    "python,django,wagtail,db",
    [
        nox.param(*cell, id=cell_id(*cell), tags=["ci"] if cell in CI_CELLS else [])
        for cell in CELLS
    ],
)
def tests(session, django, wagtail, db):
    session.install("-e", ".[test]", DJANGO_PIN[django], WAGTAIL_PIN[wagtail])
    session.run("python", "-c", "import django, wagtail; print('Django', django.get_version(), '· Wagtail', "
                "wagtail.__version__)")
    if db == "sqlite":
        _run_suite(session, {"DATABASE_URL": None})  # None: not passed on, whatever the shell has
        return
    if not (shutil.which("pg_config") or glob.glob("/usr/lib/postgresql/*/bin/initdb")):
        session.skip("PostgreSQL server binaries not found: apt-get install postgresql")
    started = _start_postgres(session)
    if started is None:  # nox --install-only: nothing was run
        return
    database_url, pg_env = started
    try:
        _run_suite(session, {"DATABASE_URL": database_url})
    finally:
        session.run("scripts/postgres.sh", "stop", env=pg_env, external=True, silent=True)


@nox.session(python="3.11")
def lint(session):
    session.install("-e", ".[dev]")
    session.run("ruff", "check", ".")
    session.run("lint-imports", "--no-cache")
