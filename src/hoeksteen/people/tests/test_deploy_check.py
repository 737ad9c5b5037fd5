"""Django's deployment checklist passes with the production settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import hoeksteen

SRC = Path(hoeksteen.__file__).resolve().parent.parent


def test_it_passes_the_deployment_check_with_production_settings(tmp_path: Path) -> None:
    # Only what a production host sets: no DJANGO_DEBUG, SECURE_* or other
    # overrides leak in from the environment the tests run in.
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(SRC),
        "HOEKSTEEN_PRODUCTION": "1",
        "HOEKSTEEN_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "hoeksteen.example",
    }
    result = subprocess.run(
        [sys.executable, "-m", "hoeksteen", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
