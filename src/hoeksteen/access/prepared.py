"""Queries built from the access policy, compiled to SQL once per process.

Building a queryset from the policy's rules and compiling it is work for
Django, not for the database: for the handler's case list about 3 ms of
Python for a query PostgreSQL answers in 1. A `PreparedQuery` builds and
compiles its query once per process with stand-in values for the user, the
organisation and the moment, and then runs that SQL for every request with
the request's own values as parameters.

Nothing about a user or their data is kept: only SQL text and the constants
written in the code. What the rules read of the database (memberships,
teams, support assignments, the rows themselves) the SQL reads when it
runs, so the next request sees a change as it would without this cache.
Preparing checks that this holds, and refuses (ImproperlyConfigured)
otherwise:

* building reads nothing from the database: a rule that first asked, say,
  which roles the user holds would bake one user's memberships into SQL
  that every user then shares;
* the SQL text is the same for two sets of stand-ins, and the parameters
  differ only where a value goes: every value reaches the database as a
  parameter, none is written into the text;
* the user's flags (active, superuser, staff) may change a rule's shape, so
  each combination gets its own SQL, built with stand-ins that carry those
  flags. A rule may look at nothing else of the user than its id.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Generic, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models
from django.db.models import QuerySet

from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User

M = TypeVar("M", bound=models.Model)
M_co = TypeVar("M_co", bound=models.Model, covariant=True)


class Builder(Protocol[M_co]):
    def __call__(
        self, *, user: User, organisation: Organisation, now: dt.datetime
    ) -> QuerySet[M_co]: ...


# Two sets of stand-ins, far from any real id or moment: where a parameter
# differs between them an input goes. They never reach a run.
_STAND_INS: tuple[dict[str, Any], ...] = (
    {
        "user": 1_900_000_001,
        "organisation": 1_900_000_002,
        "now": dt.datetime(1901, 2, 3, 4, 5, 6, 7, tzinfo=dt.UTC),
    },
    {
        "user": 1_900_000_011,
        "organisation": 1_900_000_012,
        "now": dt.datetime(1902, 3, 4, 5, 6, 7, 8, tzinfo=dt.UTC),
    },
)
_INPUTS = ("user", "organisation", "now")


class _NoQueries:
    """An execute wrapper that refuses every query: building must not read."""

    def __call__(self, execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        raise ImproperlyConfigured(
            "A prepared query read the database while it was built: its SQL would "
            f"depend on what it read. ({sql[:80]}…)"
        )


@dataclasses.dataclass(frozen=True)
class _Slot:
    """Where one input goes among the parameters, and in what form."""

    position: int
    name: str
    adapt: Callable[[Any], Any]


@dataclasses.dataclass(frozen=True)
class _Shape(Generic[M]):
    model: type[M]
    sql: str
    params: tuple[Any, ...]  # the constants; the stand-ins where a slot is
    slots: tuple[_Slot, ...]

    def params_for(self, values: Mapping[str, Any]) -> list[Any]:
        params = list(self.params)
        for slot in self.slots:
            params[slot.position] = slot.adapt(values[slot.name])
        return params


class PreparedQuery(Generic[M]):
    """A query of the access policy, compiled once per process and database
    (and combination of the user's flags), run with each call's values.

    `build(user=, organisation=, now=)` returns the queryset, unsliced; each
    run adds LIMIT and OFFSET as parameters and returns model instances with
    the columns and annotations the queryset selects."""

    def __init__(self, build: Builder[M]) -> None:
        self._build = build
        self._shapes: dict[tuple[str, bool, bool, bool], _Shape[M]] = {}

    def rows(
        self,
        *,
        user: User,
        organisation: Organisation,
        now: dt.datetime,
        limit: int,
        offset: int,
        using: str = "default",
    ) -> list[M]:
        flags = (user.is_active, user.is_superuser, user.is_staff)
        shape = self._shapes.get((using, *flags))
        if shape is None:
            shape = self._shapes[(using, *flags)] = self._prepare(using, *flags)
        values = {"user": user.pk, "organisation": organisation.pk, "now": now}
        params = [*shape.params_for(values), limit, offset]
        return list(
            shape.model._default_manager.db_manager(using).raw(
                f"{shape.sql} LIMIT %s OFFSET %s", params
            )
        )

    def _prepare(self, using: str, active: bool, superuser: bool, staff: bool) -> _Shape[M]:
        connection = connections[using]
        first, second = _STAND_INS

        def compiled(values: Mapping[str, Any]) -> tuple[type[M], str, tuple[Any, ...]]:
            user = User(pk=values["user"], is_active=active, is_superuser=superuser, is_staff=staff)
            organisation = Organisation(pk=values["organisation"])
            with connection.execute_wrapper(_NoQueries()):
                queryset = self._build(user=user, organisation=organisation, now=values["now"])
                sql, params = queryset.query.get_compiler(using=using).as_sql()
            return queryset.model, sql, tuple(params)

        model, sql, params = compiled(first)
        slots: list[_Slot] = []
        for name in _INPUTS:
            # Change one input: the parameters that change are its slots.
            _, other_sql, other_params = compiled({**first, name: second[name]})
            if other_sql != sql or len(other_params) != len(params):
                raise ImproperlyConfigured(f"The SQL of a prepared query depends on `{name}`.")
            changed = [
                i for i, (a, b) in enumerate(zip(params, other_params, strict=True)) if a != b
            ]
            adapt = _adapter(connection, first[name], second[name], params, other_params, changed)
            if adapt is None:
                raise ImproperlyConfigured(f"`{name}` reaches a prepared query in an unknown form.")
            slots.extend(_Slot(position=i, name=name, adapt=adapt) for i in changed)
        # All inputs changed at once: the same text, and only the slots differ.
        _, all_sql, all_params = compiled(second)
        positions = {slot.position for slot in slots}
        if (
            all_sql != sql
            or len(positions) != len(slots)
            or any(
                (i in positions) != (a != b)
                for i, (a, b) in enumerate(zip(params, all_params, strict=True))
            )
        ):
            raise ImproperlyConfigured("The inputs of a prepared query interfere.")
        return _Shape(model=model, sql=sql, params=params, slots=tuple(slots))


def _adapter(
    connection: Any,
    first: Any,
    second: Any,
    params: tuple[Any, ...],
    other_params: tuple[Any, ...],
    changed: list[int],
) -> Callable[[Any], Any] | None:
    """How a value becomes its parameter: as it is (an id; a moment on
    PostgreSQL), or as the database backend adapts a moment (SQLite's text)."""
    candidates: list[Callable[[Any], Any]] = [_as_it_is]
    if isinstance(first, dt.datetime):
        candidates.append(connection.ops.adapt_datetimefield_value)
    for adapt in candidates:
        if all(params[i] == adapt(first) and other_params[i] == adapt(second) for i in changed):
            return adapt
    return None


def _as_it_is(value: Any) -> Any:
    return value
