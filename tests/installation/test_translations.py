"""The French catalogues are complete: no string left in English, none marked fuzzy."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = [
    ROOT / "wagtail_heurecivique/locale/fr/LC_MESSAGES/django.po",
    ROOT / "workflows/locale/fr/LC_MESSAGES/django.po",
]


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="GNU gettext (msgattrib) is not installed")
@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parts[-5])
@pytest.mark.parametrize("which", ["--untranslated", "--only-fuzzy"])
def test_every_string_has_its_french(catalogue, which):
    left = subprocess.run(["msgattrib", which, "--no-obsolete", str(catalogue)], capture_output=True, text=True,
                          check=True).stdout
    assert left == ""
