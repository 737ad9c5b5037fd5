"""Every migration after the first release can run beside the previous release."""

from __future__ import annotations

import pytest
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader
from django.test.utils import override_settings

from hoeksteen.core import migration_safety
from hoeksteen.core.migration_safety import check_migration, incompatible_migrations


@pytest.fixture
def loader() -> MigrationLoader:
    # The suite runs with --no-migrations, which hides the migration modules.
    with override_settings(MIGRATION_MODULES={}):
        return MigrationLoader(None, ignore_no_migrations=True)


def planted(loader: MigrationLoader, *operations: object) -> list[str]:
    """The findings for a new outbox migration made of these operations."""
    migration = type(
        "Migration",
        (migrations.Migration,),
        {"operations": list(operations), "dependencies": []},
    )("0099_planted", "outbox")
    return [
        str(finding) for finding in check_migration(migration, loader.project_state(), connection)
    ]


def test_it_finds_every_migration_after_the_first_release_compatible(
    loader: MigrationLoader,
) -> None:
    assert incompatible_migrations(loader, connection) == []


def test_it_knows_every_migration_of_the_first_release(loader: MigrationLoader) -> None:
    released = migration_safety.released(loader)

    assert ("complaints", "0001_initial") in released
    assert ("outbox", "0002_alter_outboxmessage_body_alter_outboxmessage_to") in released
    assert all(app in {label for label, _ in released} for app in migration_safety.FIRST_RELEASE)


def test_it_refuses_a_first_release_entry_that_does_not_exist(
    loader: MigrationLoader, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(migration_safety.FIRST_RELEASE, "outbox", "0002_renamed")
    with pytest.raises(LookupError, match=r"outbox\.0002_renamed"):
        migration_safety.released(loader)


@pytest.mark.parametrize(
    ("operation", "says"),
    [
        (migrations.RemoveField("outboxmessage", "subject"), "drops column outboxmessage.subject"),
        (migrations.DeleteModel("OutboxMessage"), "drops table OutboxMessage"),
        (migrations.RenameField("outboxmessage", "subject", "title"), "renames column"),
        (migrations.RenameModel("OutboxMessage", "Mail"), "renames a table"),
        (migrations.AlterModelTable("outboxmessage", "mail"), "renames a table"),
        (
            migrations.AddField("outboxmessage", "priority", models.IntegerField(default=0)),
            "adds NOT NULL column outboxmessage.priority without a database default",
        ),
        (
            migrations.AlterField("outboxmessage", "attempts", models.CharField(max_length=5)),
            "changes the type of column outboxmessage.attempts",
        ),
        (
            migrations.AlterField("outboxmessage", "sent_at", models.DateTimeField()),
            "makes column outboxmessage.sent_at NOT NULL",
        ),
        (
            migrations.AlterField(
                "outboxmessage", "subject", models.CharField(max_length=200, db_column="title")
            ),
            "renames column outboxmessage.subject",
        ),
        (
            migrations.AddConstraint(
                "outboxmessage", models.UniqueConstraint(fields=["subject"], name="one_subject")
            ),
            "adds a constraint",
        ),
        (migrations.RunSQL("DROP TABLE outbox_outboxmessage"), "runs raw SQL"),
    ],
    ids=lambda value: type(value).__name__ if not isinstance(value, str) else "",
)
def test_it_flags_what_the_previous_release_cannot_live_with(
    loader: MigrationLoader, operation: object, says: str
) -> None:
    findings = planted(loader, operation)

    assert len(findings) == 1, findings
    assert findings[0].startswith("outbox.0099_planted: ")
    assert says in findings[0]


@pytest.mark.parametrize(
    "operation",
    [
        migrations.AddField("outboxmessage", "note", models.TextField(null=True)),
        migrations.AddField("outboxmessage", "tries", models.IntegerField(db_default=0)),
        migrations.AddField("outboxmessage", "label", models.CharField(max_length=20, null=True)),
        migrations.AlterField(
            "outboxmessage",
            "subject",
            models.CharField("onderwerp", max_length=200, help_text="Anders gezegd."),
        ),
        migrations.AlterField("outboxmessage", "sent_at", models.DateTimeField(null=True)),
        migrations.AddIndex(
            "outboxmessage", models.Index(fields=["created_at"], name="outbox_new")
        ),
        migrations.CreateModel("Note", [("id", models.BigAutoField(primary_key=True))]),
        migrations.RunPython(migrations.RunPython.noop),
    ],
    ids=lambda value: type(value).__name__,
)
def test_it_lets_expanding_operations_pass(loader: MigrationLoader, operation: object) -> None:
    assert planted(loader, operation) == []


def test_it_lets_an_allowed_contracting_migration_pass(
    loader: MigrationLoader, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        migration_safety.ALLOWED, ("outbox", "0099_planted"), "unused since release 2"
    )
    assert planted(loader, migrations.RemoveField("outboxmessage", "subject")) == []
