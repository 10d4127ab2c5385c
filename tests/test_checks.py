"""The installation checks fire on a misconfigured settings module."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from wagtail_heurecivique import checks

ROOT = Path(__file__).resolve().parent.parent


def test_misconfigured_settings_module_is_reported_with_hints():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--settings=tests.misconfigured_settings"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "wagtail_heurecivique.E001" in output and "'viewflow.workflow' is missing" in output
    assert "wagtail_heurecivique.E002" in output and "'wagtail_heurecivique' must come before 'wagtail.admin'" in output
    assert "wagtail_heurecivique.E003" in output
    assert "wagtail_heurecivique.W001" in output
    assert "wagtail_heurecivique.E006" in output and "'SLA_DAYS'" in output
    assert "HINT:" in output


def test_the_example_site_passes_its_checks():
    assert checks.check_installed_apps(None) == []
    assert checks.check_middleware(None) == []
    assert checks.check_settings(None) == []


def test_history_middleware_before_authentication_is_reported(settings):
    settings.MIDDLEWARE = [checks.HISTORY_MIDDLEWARE, checks.AUTH_MIDDLEWARE]
    assert [e.id for e in checks.check_middleware(None)] == ["wagtail_heurecivique.E004"]


@pytest.mark.parametrize(
    "value,ids",
    [
        ({"DEFAULT_SLA_DAYS": 0}, ["wagtail_heurecivique.E007"]),
        ({"DEFAULT_SLA_DAYS": "7"}, ["wagtail_heurecivique.E007"]),
        ({"DEFAULT_SLA_DAYS": 10}, []),
        ([("DEFAULT_SLA_DAYS", 7)], ["wagtail_heurecivique.E005"]),
        ({"MATCHING_WEIGHTS": {"speed": 1}}, ["wagtail_heurecivique.E008"]),
        ({"MATCHING_WEIGHTS": {"skills": 20}}, ["wagtail_heurecivique.E008"]),
        ({"MATCHING_WEIGHTS": {"skills": 5}}, []),
    ],
)
def test_plugin_settings_are_validated(value, ids):
    with override_settings(WAGTAIL_HEURECIVIQUE=value):
        assert [e.id for e in checks.check_settings(None)] == ids
