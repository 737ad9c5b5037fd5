from __future__ import annotations

import datetime as dt

import pytest

from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.practice import actions
from hoeksteen.practice.models import Melding, MeldingCategory


@pytest.fixture
def melding(acme: Organisation, subject_vp: User) -> Melding:
    """A melding in the log of `subject_vp` (here simply "the VP")."""
    category = MeldingCategory.objects.filter(organisation=acme).first()
    assert category is not None
    return actions.melding_register(
        organisation=acme,
        actor=subject_vp,
        data=actions.MeldingInput(
            first_contact_on=dt.date(2026, 3, 2),
            category_id=category.pk,
            contact_kind="in_person",
            melder_reference="J.",
            notes="Zorgen over grensoverschrijdend gedrag van een leidinggevende.",
            role_explained=True,
        ),
    )
