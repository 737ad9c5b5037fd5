"""python -m hoeksteen backup / restore, run as real commands in subprocesses.

Every instance (source and targets) is its own database: on SQLite a file in its
own HOEKSTEEN_VAR_DIR, on PostgreSQL (when the suite runs with DATABASE_URL) a
fresh database next to the test database. One source is migrated, filled and
backed up once per module, then tampered with and backed up again.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.conf import settings

import hoeksteen
from hoeksteen.core.backup import key_fingerprint

PYTHON = sys.executable
SRC = str(Path(hoeksteen.__file__).resolve().parent.parent)
KEY = Fernet.generate_key().decode()
OTHER_KEY = Fernet.generate_key().decode()
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

_SETUP = "import django\ndjango.setup()\n"

SEED = (
    _SETUP
    + f"PDF = {PDF!r}\n"
    + """
from django.core.files.uploadedfile import SimpleUploadedFile
from hoeksteen.complaints.actions.intake import ComplaintInput, complaint_submit
from hoeksteen.testing.factories import MembershipFactory, OrganisationFactory, UserFactory

acme = OrganisationFactory(name="Acme", slug="acme")
vp = UserFactory(username="vp")
MembershipFactory(organisation=acme, user=vp, internal_vp=True)
MembershipFactory(organisation=acme, user=UserFactory(username="hr"), hr=True)
for n in range(3):
    complaint_submit(
        organisation=acme,
        acting_user=None,
        anonymous=True,
        data=ComplaintInput(
            subject_vp_id=vp.pk, category="not_heard", description=f"Wat er gebeurde {n}",
            desired_outcome="", vp_may_read_description=False, vp_may_know_identity=False,
            language="nl",
        ),
        files=[SimpleUploadedFile("verslag.pdf", PDF, content_type="application/pdf")]
        if n == 0 else None,
    )
"""
)

READ = (
    _SETUP
    + """
import hashlib, json
from hoeksteen.complaints.models import Attachment, Complaint
attachment = Attachment.objects.get()
print(json.dumps({
    "complaints": Complaint.objects.count(),
    "descriptions": [c.description for c in Complaint.objects.order_by("number")],
    "attachment": hashlib.sha256(attachment.file.read()).hexdigest(),
}))
"""
)

TAMPER = (
    _SETUP
    + """
from hoeksteen.audit.models import AuditEntry
from hoeksteen.audit.tests import tampering
tampering.alter(AuditEntry.objects.order_by("id")[1], "action", "complaint.deleted")
"""
)

OCCUPIED = (
    _SETUP
    + """
from hoeksteen.core.backup import occupied_tables
print(len(occupied_tables()))
"""
)


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and command
        [PYTHON, *args], env=env, capture_output=True, text=True, check=False, timeout=120
    )


def hoeksteen_cmd(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run(env, "-m", "hoeksteen", *args)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class Instances:
    """Fresh, empty Hoeksteen instances of the engine the suite runs on."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = settings.DATABASES["default"]
        self.postgres = self.db["ENGINE"].endswith("postgresql")
        self.databases: list[str] = []

    def _admin(self) -> psycopg.Connection[Any]:
        return psycopg.connect(
            host=self.db["HOST"] or None,
            port=self.db["PORT"] or None,
            user=self.db["USER"] or None,
            password=self.db["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )

    def new(self, *, key: str = KEY) -> dict[str, str]:
        name = f"bk_{uuid.uuid4().hex[:10]}"
        var_dir = self.root / name
        var_dir.mkdir()
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")])),
            "HOEKSTEEN_VAR_DIR": str(var_dir),
            "HOEKSTEEN_ENCRYPTION_KEYS": key,
            "DJANGO_SETTINGS_MODULE": "hoeksteen.settings",
        }
        env.pop("DATABASE_URL", None)
        if self.postgres:
            # Named after the suite's own database (test_NAME -> NAME_bk_…), so
            # suites that share a server keep to their own names.
            database = f"{self.db['NAME'].removeprefix('test_')}_{name}"
            with self._admin() as admin:
                admin.execute(f'CREATE DATABASE "{database}"')
            self.databases.append(database)
            user, password = self.db["USER"], self.db["PASSWORD"]
            credentials = f"{user}:{password}@" if password else f"{user}@"
            env["DATABASE_URL"] = (
                f"postgres://{credentials}{self.db['HOST']}:{self.db['PORT']}/{database}"
            )
        return env

    def drop_all(self) -> None:
        if self.databases:
            with self._admin() as admin:
                for database in self.databases:
                    admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="module")
def instances(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instances]:
    made = Instances(tmp_path_factory.mktemp("instances"))
    yield made
    made.drop_all()


@pytest.fixture(scope="module")
def source(instances: Instances) -> dict[str, Any]:
    """A migrated instance with three complaints (one with a document), its
    backup, and a second backup taken after an audit entry was altered."""
    env = instances.new()
    ok(hoeksteen_cmd(env, "migrate", "-v0"))
    ok(run(env, "-c", SEED))
    data = json.loads(ok(run(env, "-c", READ)))
    archive = instances.root / "good.tar.gz"
    ok(hoeksteen_cmd(env, "backup", "--output", str(archive), "--quiet"))
    ok(run(env, "-c", TAMPER))
    tampered = instances.root / "tampered.tar.gz"
    ok(hoeksteen_cmd(env, "backup", "--output", str(tampered), "--quiet"))
    return {"env": env, "data": data, "archive": archive, "tampered": tampered}


def occupied(env: dict[str, str]) -> int:
    return int(ok(run(env, "-c", OCCUPIED)))


def test_it_restores_a_backup_into_an_empty_database_that_serves_the_same_data(
    source: dict[str, Any], instances: Instances
) -> None:
    target = instances.new()

    restored = hoeksteen_cmd(target, "restore", str(source["archive"]))

    assert "audit entries verified" in ok(restored)
    assert json.loads(ok(run(target, "-c", READ))) == source["data"]
    assert source["data"]["complaints"] == 3
    assert source["data"]["descriptions"][0] == "Wat er gebeurde 0"
    assert source["data"]["attachment"] == hashlib.sha256(PDF).hexdigest()
    assert "OK:" in ok(hoeksteen_cmd(target, "verify-audit", "--quiet"))


def test_it_writes_a_manifest_with_migrations_audit_counts_and_key_fingerprints_only(
    source: dict[str, Any], tmp_path: Path
) -> None:
    import tarfile

    with tarfile.open(source["archive"]) as archive:
        names = archive.getnames()
        manifest = json.loads(archive.extractfile("manifest.json").read())  # type: ignore[union-attr]

    assert manifest["keys"] == {"current": key_fingerprint(KEY), "all": [key_fingerprint(KEY)]}
    assert KEY not in json.dumps(manifest)
    assert manifest["migrations"]["complaints"].startswith("00")
    assert manifest["audit"]["entries"] > 0
    assert any(name.startswith("private/") for name in names)
    assert oct(source["archive"].stat().st_mode & 0o777) == "0o600"


def test_it_refuses_a_backup_whose_audit_chain_was_altered_and_leaves_the_target_empty(
    source: dict[str, Any], instances: Instances
) -> None:
    target = instances.new()
    ok(hoeksteen_cmd(target, "migrate", "-v0"))

    refused = hoeksteen_cmd(target, "restore", str(source["tampered"]))

    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "REFUSED: The restored audit trail is broken: chain" in refused.stderr
    assert "altered" in refused.stderr
    assert "undone" in refused.stderr
    assert occupied(target) == 0
    assert ok(hoeksteen_cmd(target, "verify-audit", "--quiet")).startswith("OK: 0 entries")


def test_it_refuses_when_the_backups_current_key_is_not_configured(
    source: dict[str, Any], instances: Instances
) -> None:
    target = instances.new(key=OTHER_KEY)

    refused = hoeksteen_cmd(target, "restore", str(source["archive"]))

    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert f"fingerprint {key_fingerprint(KEY)}" in refused.stderr
    assert "is not configured" in refused.stderr
    assert occupied(target) == 0


def test_it_refuses_a_target_that_holds_data_unless_forced(source: dict[str, Any]) -> None:
    env = source["env"]

    refused = hoeksteen_cmd(env, "restore", str(source["archive"]))
    forced = hoeksteen_cmd(env, "restore", str(source["archive"]), "--force")

    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "REFUSED: The target is not empty" in refused.stderr
    assert "--force" in refused.stderr
    assert "audit entries verified" in ok(forced)
    # The forced restore replaced the tampered source with the intact backup.
    assert "OK:" in ok(hoeksteen_cmd(env, "verify-audit", "--quiet"))
    assert json.loads(ok(run(env, "-c", READ))) == source["data"]
