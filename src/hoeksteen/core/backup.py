"""Back up and restore one Hoeksteen instance (python -m hoeksteen backup|restore).

A backup is one tar.gz holding:

  manifest.json      when, which engine, the latest applied migration per app,
                     the audit entries per chain, and SHA-256 fingerprints of the
                     encryption keys configured (current first) - never the keys;
  database.sqlite3   SQLite: a copy made with SQLite's online backup API, or
  database.pgdump    PostgreSQL: `pg_dump --format=custom`;
  private/           the private documents (MEDIA_ROOT), still encrypted.

The manifest's facts are read from the same snapshot as the dump. The keys are
not in the archive: keep them apart, as the database is useless without them.

A restore refuses a non-empty target (unless forced), a backup whose current
key is not configured, and a backup whose audit trail does not verify once
restored; in the last case it puts back what was there before.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from hoeksteen.audit.models import AuditEntry
from hoeksteen.core import clock
from hoeksteen.privacy import crypto

FORMAT = 1
MANIFEST = "manifest.json"
DOCUMENTS = "private"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
# Where a PostgreSQL restore keeps the previous tables until the restore is known good.
PG_ASIDE_SCHEMA = "hoeksteen_before_restore"
ASIDE_SUFFIX = ".before-restore"

Say = Callable[[str], object]


class BackupError(Exception):
    """The backup could not be written."""


class RestoreRefused(Exception):
    """The restore was refused or undone; the message says why."""


def key_fingerprint(key: str) -> str:
    """SHA-256 of the key's 32 raw bytes, in hex (of the text if it is not base64)."""
    try:
        raw = base64.urlsafe_b64decode(key.encode())
    except (binascii.Error, ValueError):
        raw = key.encode()
    return hashlib.sha256(raw).hexdigest()


def configured_keys() -> list[str]:
    """The keys `crypto` would use, without creating a key file when there is none."""
    configured = os.environ.get("HOEKSTEEN_ENCRYPTION_KEYS", "")
    keys = [key.strip() for key in configured.split(",") if key.strip()]
    if keys or settings.PRODUCTION:
        return keys
    path = crypto.key_file()
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


# --- facts for the manifest ---------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _facts(cursor: Any) -> dict[str, Any]:
    """Migration state and audit counts, read through any DB-API cursor."""
    migrations_table = _quote(MigrationRecorder.Migration._meta.db_table)
    cursor.execute(f"SELECT app, name FROM {migrations_table}")  # noqa: S608 - model's table
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = max(latest.get(app, ""), name)
    audit_table = _quote(AuditEntry._meta.db_table)
    cursor.execute(
        f"SELECT organisation_id, COUNT(*) FROM {audit_table} GROUP BY organisation_id"  # noqa: S608
    )
    chains = {str(org): int(count) for org, count in cursor.fetchall()}
    return {
        "migrations": dict(sorted(latest.items())),
        "audit": {"entries": sum(chains.values()), "chains": dict(sorted(chains.items()))},
    }


def _manifest(engine: str, facts: dict[str, Any], documents: int) -> dict[str, Any]:
    fingerprints = [key_fingerprint(key) for key in configured_keys()]
    return {
        "format": FORMAT,
        "created_at": clock.now().isoformat(),
        "engine": engine,
        **facts,
        "keys": {"current": fingerprints[0] if fingerprints else None, "all": fingerprints},
        "documents": documents,
    }


# --- PostgreSQL client programs ----------------------------------------------


def _pg_env() -> dict[str, str]:
    """libpq's environment for the configured database; the password never goes on
    a command line."""
    db = connection.settings_dict
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
    ):
        if value:
            env[variable] = str(value)
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        value = (db.get("OPTIONS") or {}).get(option)
        if value:
            env[f"PG{option.upper()}"] = str(value)
    return env


def _run_pg(program: str, *args: str) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} was not found on PATH; install the PostgreSQL client.")
    result = subprocess.run(  # noqa: S603 - a fixed program with our own arguments
        [executable, *args], env=_pg_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")


# --- backup -------------------------------------------------------------------


def _dump_sqlite(target: Path) -> dict[str, Any]:
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(target)) as copy:
        # One step: the copy is a consistent snapshot even while the server writes.
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        return _facts(copy.cursor())


def _dump_postgresql(target: Path) -> dict[str, Any]:
    connection.ensure_connection()
    with transaction.atomic(), connection.cursor() as cursor:
        # pg_dump joins this transaction's snapshot, so the manifest's counts
        # describe exactly what was dumped.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run_pg("pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}")
        return _facts(cursor)


def _documents() -> Iterator[Path]:
    root = Path(settings.MEDIA_ROOT)
    if root.is_dir():
        yield from (path for path in sorted(root.rglob("*")) if path.is_file())


def default_output() -> Path:
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    return Path.cwd() / f"hoeksteen-backup-{stamp}.tar.gz"


def backup(output: Path, *, say: Say = lambda message: None) -> dict[str, Any]:
    """Write the archive to `output` (readable by its owner only); return its manifest."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    engine = connection.vendor
    tables = set(connection.introspection.table_names())
    if not {MigrationRecorder.Migration._meta.db_table, AuditEntry._meta.db_table} <= tables:
        raise BackupError("The database is not migrated: there is nothing to back up.")
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".hoeksteen-backup-") as tmp:
        staging = Path(tmp)
        say(f"Copying the {engine} database...")
        if engine == "sqlite":
            db_file, facts = SQLITE_FILE, _dump_sqlite(staging / SQLITE_FILE)
        elif engine == "postgresql":
            db_file, facts = PG_FILE, _dump_postgresql(staging / PG_FILE)
        else:
            raise BackupError(f"Backing up a {engine} database is not supported.")
        documents = list(_documents())
        manifest = _manifest(engine, facts, len(documents))
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        say(f"Writing the archive with {len(documents)} documents...")
        partial = staging / "archive.tar.gz"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            archive.add(staging / MANIFEST, arcname=MANIFEST)
            archive.add(staging / db_file, arcname=db_file)
            root = Path(settings.MEDIA_ROOT)
            for path in documents:
                archive.add(path, arcname=f"{DOCUMENTS}/{path.relative_to(root).as_posix()}")
        os.replace(partial, output)
    return manifest


# --- restore ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    checked: int
    warnings: list[str]


def _read_archive(archive: Path, into: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, filter="data")
    except (OSError, tarfile.TarError) as error:
        raise RestoreRefused(f"{archive} is not a readable backup: {error}") from None
    try:
        manifest: dict[str, Any] = json.loads((into / MANIFEST).read_text())
    except (OSError, ValueError):
        raise RestoreRefused(f"{archive} has no readable {MANIFEST}.") from None
    if manifest.get("format") != FORMAT:
        raise RestoreRefused(f"{archive} has an unknown format: {manifest.get('format')!r}.")
    return manifest


def _check_engine(manifest: dict[str, Any]) -> None:
    if manifest["engine"] != connection.vendor:
        raise RestoreRefused(
            f"This backup is of a {manifest['engine']} database; the configured "
            f"database is {connection.vendor}."
        )


def _check_keys(manifest: dict[str, Any]) -> list[str]:
    """Refuse when the backup's current key is missing; warn about older ones."""
    configured = {key_fingerprint(key) for key in configured_keys()}
    current = manifest["keys"]["current"]
    if current is not None and current not in configured:
        raise RestoreRefused(
            f"The encryption key with fingerprint {current} (the current key when the "
            "backup was made) is not configured, so the restored data would be unreadable. "
            "Configure it (HOEKSTEEN_ENCRYPTION_KEYS, or var/encryption-keys in the "
            "embedded mode) and try again."
        )
    return [
        f"The older key with fingerprint {fingerprint} is not configured: values and "
        "documents not yet rotated to the current key will be unreadable."
        for fingerprint in manifest["keys"]["all"]
        if fingerprint not in configured
    ]


def _check_migrations(manifest: dict[str, Any]) -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = [
        f"{app}.{name}"
        for app, name in manifest["migrations"].items()
        if app in loader.migrated_apps and (app, name) not in loader.disk_migrations
    ]
    if unknown:
        raise RestoreRefused(
            "The backup was made by a newer version of Hoeksteen (unknown migrations: "
            f"{', '.join(unknown)}). Install that version first."
        )


def _hoeksteen_tables() -> list[str]:
    return [
        model._meta.db_table
        for config in apps.get_app_configs()
        if config.name.startswith("hoeksteen.")
        for model in config.get_models()
        if model._meta.managed and not model._meta.proxy
    ]


def occupied_tables() -> list[str]:
    """The Hoeksteen tables in the configured database that hold rows."""
    existing = set(connection.introspection.table_names())
    occupied = []
    with connection.cursor() as cursor:
        for table in _hoeksteen_tables():
            if table in existing:
                cursor.execute(f"SELECT 1 FROM {_quote(table)} LIMIT 1")  # noqa: S608
                if cursor.fetchone() is not None:
                    occupied.append(table)
    return occupied


def _check_empty(force: bool) -> None:
    occupied = occupied_tables()
    documents = next(_documents(), None)
    if force or (not occupied and documents is None):
        return
    what = (
        f"its tables {', '.join(sorted(occupied)[:5])}{'...' if len(occupied) > 5 else ''} "
        "hold rows"
        if occupied
        else f"the documents folder {settings.MEDIA_ROOT} holds files"
    )
    raise RestoreRefused(
        f"The target is not empty: {what}. Restore into an empty database, or pass "
        "--force to replace what is there."
    )


def _sqlite_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


class _Swap:
    """Puts the backup in place with what was there set aside, so it can be undone."""

    def __init__(self, extracted: Path) -> None:
        self.extracted = extracted
        self.database = Path(str(connection.settings_dict["NAME"]))
        self.documents = Path(settings.MEDIA_ROOT)
        self.documents_aside = self.documents.with_name(self.documents.name + ASIDE_SUFFIX)
        self.database_moved = self.documents_moved = False

    def check(self) -> None:
        """Refuse, before changing anything, when an earlier restore left its copies."""
        leftovers = [self.documents_aside]
        if connection.vendor == "sqlite":
            leftovers += [p.with_name(p.name + ASIDE_SUFFIX) for p in _sqlite_files(self.database)]
        for path in leftovers:
            if path.exists():
                raise RestoreRefused(f"{path} exists, left by an earlier restore: remove it.")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [PG_ASIDE_SCHEMA])
                if cursor.fetchone() is not None:
                    raise RestoreRefused(
                        f"The schema {PG_ASIDE_SCHEMA} exists, left by an earlier restore: "
                        "drop it first."
                    )

    def put_in_place(self) -> None:
        if connection.vendor == "sqlite":
            self._sqlite_in()
        else:
            self._postgresql_in()
        self.documents_moved = True
        if self.documents.exists():
            self.documents.rename(self.documents_aside)
        self.documents.parent.mkdir(parents=True, exist_ok=True)
        if (self.extracted / DOCUMENTS).is_dir():
            shutil.move(self.extracted / DOCUMENTS, self.documents)
        else:
            self.documents.mkdir(mode=0o700)

    def undo(self) -> None:
        connection.close()
        if not self.database_moved:
            return
        if connection.vendor == "sqlite":
            for path in _sqlite_files(self.database):
                path.unlink(missing_ok=True)
            for path in _sqlite_files(self.database):
                aside = path.with_name(path.name + ASIDE_SUFFIX)
                if aside.exists():
                    aside.rename(path)
        else:
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
                cursor.execute(f"ALTER SCHEMA {PG_ASIDE_SCHEMA} RENAME TO public")
            connection.close()
        if not self.documents_moved:
            return
        shutil.rmtree(self.documents, ignore_errors=True)
        if self.documents_aside.exists():
            self.documents_aside.rename(self.documents)

    def discard_previous(self) -> None:
        if connection.vendor == "sqlite":
            for path in _sqlite_files(self.database):
                path.with_name(path.name + ASIDE_SUFFIX).unlink(missing_ok=True)
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA {PG_ASIDE_SCHEMA} CASCADE")
        shutil.rmtree(self.documents_aside, ignore_errors=True)

    def _sqlite_in(self) -> None:
        connection.close()
        for path in _sqlite_files(self.database):
            if path.exists():
                path.rename(path.with_name(path.name + ASIDE_SUFFIX))
        self.database_moved = True
        self.database.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.extracted / SQLITE_FILE, self.database)
        self.database.chmod(0o600)

    def _postgresql_in(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"ALTER SCHEMA public RENAME TO {PG_ASIDE_SCHEMA}")
            cursor.execute("CREATE SCHEMA public")
        self.database_moved = True
        connection.close()
        _run_pg(
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(self.extracted / PG_FILE),
        )


def _check_restored(manifest: dict[str, Any], say: Say) -> int:
    from hoeksteen.audit.verify import verify_audit

    connection.close()
    crypto.reset()
    with connection.cursor() as cursor:
        restored = _facts(cursor)
    if restored["audit"] != manifest["audit"]:
        raise RestoreRefused(
            f"The restored audit trail has {restored['audit']['entries']} entries, "
            f"the manifest names {manifest['audit']['entries']}."
        )
    say(f"Verifying {restored['audit']['entries']} audit entries...")
    result = verify_audit()
    if result.broken is not None:
        raise RestoreRefused(f"The restored audit trail is broken: {result.broken}.")
    return result.checked


def restore(
    archive: Path, *, force: bool = False, say: Say = lambda message: None
) -> RestoreResult:
    """Restore `archive` into the configured database and documents folder.

    Stop the web processes and the tick first. Raises RestoreRefused, having
    changed nothing or undone its changes, when the restore must not stand.
    """
    if not archive.is_file():
        raise RestoreRefused(f"{archive} does not exist.")
    with tempfile.TemporaryDirectory(prefix=".hoeksteen-restore-") as tmp:
        extracted = Path(tmp)
        say(f"Reading {archive}...")
        manifest = _read_archive(archive, extracted)
        _check_engine(manifest)
        warnings = _check_keys(manifest)
        _check_migrations(manifest)
        _check_empty(force)
        swap = _Swap(extracted)
        swap.check()
        say("Restoring the database and the documents...")
        try:
            swap.put_in_place()
            checked = _check_restored(manifest, say)
        except BaseException as error:
            swap.undo()
            if isinstance(error, BackupError):
                raise RestoreRefused(f"{error} The restore was undone.") from None
            if isinstance(error, RestoreRefused):
                raise RestoreRefused(f"{error} The restore was undone.") from None
            raise
        swap.discard_previous()
    return RestoreResult(manifest=manifest, checked=checked, warnings=warnings)
