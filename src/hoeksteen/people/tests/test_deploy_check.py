"""Django's deployment checklist passes with the production settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

import hoeksteen

SRC = Path(hoeksteen.__file__).resolve().parent.parent


def _production_env(tmp_path: Path) -> dict[str, str]:
    # Only what a production host sets: no DJANGO_DEBUG, SECURE_* or other
    # overrides leak in from the environment the tests run in.
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(SRC),
        "HOEKSTEEN_PRODUCTION": "1",
        "HOEKSTEEN_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "hoeksteen.example",
        "HOEKSTEEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }


def _deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hoeksteen", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_passes_the_deployment_check_with_production_settings(tmp_path: Path) -> None:
    result = _deploy_check(_production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_fails_the_deployment_check_without_encryption_keys(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env["HOEKSTEEN_ENCRYPTION_KEYS"]
    result = _deploy_check(env)
    assert result.returncode != 0
    assert "HOEKSTEEN_ENCRYPTION_KEYS" in result.stdout + result.stderr
