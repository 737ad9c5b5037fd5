"""Which migrations the previous release could not run beside.

An upgrade without downtime migrates the database while the previous release
still serves (docs/deployment.md, "Upgrading"). So every migration after the
first release must leave the schema usable by the code of the release
before it: it may *expand* (new tables, new nullable columns or columns with
a database default, new indexes), but not *contract* (drop or rename what the
old code reads, make a column NOT NULL, change a column's type, add a
constraint the old code may violate). Contracting waits for a later release,
once no running code uses the old shape, and is then listed in ALLOWED with
the release that stopped using it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations import Migration, operations
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

# The last migration of each app in the first release. Everything up to and
# including these was never run beside an older release, so it is not checked.
FIRST_RELEASE = {
    "audit": "0002_payload_hash_and_tombstones",
    "complaints": "0003_alter_attachment_file_and_more",
    "organisations": "0005_default_role_descriptions",
    "outbox": "0002_alter_outboxmessage_body_alter_outboxmessage_to",
    "people": "0001_initial",
    "practice": "0004_alter_consent_confirmed_via",
    "privacy": "0001_initial",
    "quality": "0001_initial",
    "signals": "0001_initial",
}

# Deliberate contracting migrations: (app, migration) -> why it is safe now,
# naming the release since which no code uses what it removes.
ALLOWED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Finding:
    app: str
    migration: str
    problem: str

    def __str__(self) -> str:
        return f"{self.app}.{self.migration}: {self.problem}"


def _model(state: ProjectState, app: str, name: str) -> type[models.Model] | None:
    try:
        return state.apps.get_model(app, name)
    except LookupError:
        return None


def _old_field(state: ProjectState, app: str, model: str, name: str) -> models.Field | None:  # type: ignore[type-arg]
    found = _model(state, app, model)
    if found is None:
        return None
    try:
        field = found._meta.get_field(name)
    except Exception:
        return None
    return field if isinstance(field, models.Field) else None


def _bound(field: models.Field, name: str) -> models.Field:  # type: ignore[type-arg]
    """A copy of an operation's unbound field, with a name and column, for db_type."""
    clone = field.clone()
    clone.set_attributes_from_name(name)
    return clone


def operation_problems(
    app: str, operation: Operation, before: ProjectState, connection: BaseDatabaseWrapper
) -> Iterator[str]:
    """What in one operation the previous release cannot live with."""
    if isinstance(operation, operations.RemoveField):
        where = f"{operation.model_name}.{operation.name}"
        yield f"drops column {where}, which the previous release reads"
    elif isinstance(operation, operations.DeleteModel):
        yield f"drops table {operation.name}, which the previous release reads"
    elif isinstance(operation, operations.RenameField):
        yield (
            f"renames column {operation.model_name}.{operation.old_name} to "
            f"{operation.new_name}: add the new one, copy, and drop the old later"
        )
    elif isinstance(operation, operations.RenameModel | operations.AlterModelTable):
        yield f"renames a table ({operation.describe()}): the previous release uses the old name"
    elif isinstance(operation, operations.AddField):
        field = operation.field
        if not field.null and not field.many_to_many and field.db_default is models.NOT_PROVIDED:
            yield (
                f"adds NOT NULL column {operation.model_name}.{operation.name} without a "
                "database default (db_default): the previous release inserts rows without it"
            )
    elif isinstance(operation, operations.AlterField):
        yield from _altered(app, operation, before, connection)
    elif isinstance(operation, operations.AddConstraint | operations.AlterUniqueTogether):
        yield (
            f"adds a constraint ({operation.describe()}) that rows the previous release "
            "writes may violate"
        )
    elif isinstance(operation, operations.RunSQL):
        yield "runs raw SQL, which cannot be checked: review it and list it in ALLOWED"


def _altered(
    app: str,
    operation: operations.AlterField,
    before: ProjectState,
    connection: BaseDatabaseWrapper,
) -> Iterator[str]:
    old = _old_field(before, app, operation.model_name, operation.name)
    if old is None:
        return
    new = _bound(operation.field, operation.name)
    where = f"{operation.model_name}.{operation.name}"
    if old.db_type(connection) != new.db_type(connection):
        yield (
            f"changes the type of column {where} from {old.db_type(connection)} to "
            f"{new.db_type(connection)}"
        )
    if old.null and not new.null:
        yield f"makes column {where} NOT NULL: the previous release may still write NULL"
    if old.column != new.column:
        yield f"renames column {where} from {old.column} to {new.column}"


def released(loader: MigrationLoader) -> set[tuple[str, str]]:
    """Every migration of the first release, found from FIRST_RELEASE."""
    nodes: set[tuple[str, str]] = set()
    for app, last in FIRST_RELEASE.items():
        if (app, last) not in loader.graph.nodes:
            raise LookupError(f"FIRST_RELEASE names {app}.{last}, which does not exist")
        nodes.update(loader.graph.forwards_plan((app, last)))
    return nodes


def _ours(loader: MigrationLoader) -> Iterable[tuple[str, str]]:
    for app, name in loader.graph.nodes:
        migration = loader.get_migration(app, name)
        if type(migration).__module__.startswith("hoeksteen."):
            yield app, name


def check_migration(
    migration: Migration, before: ProjectState, connection: BaseDatabaseWrapper
) -> list[Finding]:
    """The incompatible operations of one migration, given the state before it."""
    if (migration.app_label, migration.name) in ALLOWED:
        return []
    findings = []
    state = before.clone()
    for operation in migration.operations:
        for problem in operation_problems(migration.app_label, operation, state, connection):
            findings.append(Finding(migration.app_label, migration.name, problem))
        operation.state_forwards(migration.app_label, state)
    return findings


def incompatible_migrations(
    loader: MigrationLoader, connection: BaseDatabaseWrapper
) -> list[Finding]:
    """Every finding in Hoeksteen's migrations after the first release."""
    first = released(loader)
    findings: list[Finding] = []
    for node in sorted(set(_ours(loader)) - first):
        before = loader.project_state(node, at_end=False)
        findings.extend(check_migration(loader.get_migration(*node), before, connection))
    return findings
