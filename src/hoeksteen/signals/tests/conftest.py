from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence

import pytest
from django.utils import timezone, translation

from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.practice.models import Department, Melding, MeldingCategory

# A year that has ended whenever the tests run, so every quarter is counted.
YEAR = timezone.localdate().year - 1


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages and labels in English, whatever the catalogue holds: tests read them.

    Pages choose their own language per request (LocaleMiddleware); tests of
    pages ask for English with the Accept-Language header.
    """
    with translation.override("en"):
        yield


@pytest.fixture
def departments(acme: Organisation) -> list[Department]:
    return [
        Department.objects.create(organisation=acme, name=name)
        for name in ("Financiën", "Logistiek", "Productie", "Zorg")
    ]


@pytest.fixture
def add_meldingen(acme: Organisation, subject_vp: User) -> Callable[..., list[Melding]]:
    """Put meldingen straight into the log: (category index, department or None, date) each.

    The report only counts them, so how they were registered does not
    matter here; registering tens of them through the action would only be
    slow.
    """

    def add(
        rows: Sequence[tuple[int, Department | None, dt.date]],
        *,
        organisation: Organisation = acme,
        holder: User = subject_vp,
    ) -> list[Melding]:
        categories = list(MeldingCategory.objects.filter(organisation=organisation))
        return Melding.objects.bulk_create(
            Melding(
                organisation=organisation,
                holder=holder,
                registered_by=holder,
                first_contact_on=day,
                category=categories[category],
                department=department,
                contact_kind="in_person",
                created_at=timezone.now(),
            )
            for category, department, day in rows
        )

    return add
