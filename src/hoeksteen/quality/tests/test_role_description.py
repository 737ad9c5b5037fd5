"""The coordinator edits the role description: each save is a new version."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from hoeksteen.audit.models import AuditEntry
from hoeksteen.organisations.models import Organisation, RoleDescription
from hoeksteen.people.models import User
from hoeksteen.practice.selectors import current_role_description
from hoeksteen.quality import actions
from hoeksteen.testing.factories import form_token_for

URL = "/o/acme/kwaliteit/rolomschrijving/"
NEW = {
    "tasks": "Luisteren en meedenken.",
    "responsibilities": "Vertrouwelijkheid bewaken.",
    "limits": "Geen bemiddeling, geen onderzoek.",
    "first_conversation": "Ik doe niets zonder uw toestemming.",
}


def test_it_saves_a_new_version_and_keeps_the_old_one(
    login_as: Callable[[User], Client], coordinator: User, acme: Organisation
) -> None:
    first = RoleDescription.objects.get(organisation=acme, version=1)
    original = (first.tasks, first.limits, first.created_at)
    client = login_as(coordinator)
    response = client.post(URL, {**NEW, "form_token": form_token_for(client)})
    assert response.status_code == 302
    versions = RoleDescription.objects.filter(organisation=acme).order_by("version")
    assert [v.version for v in versions] == [1, 2]
    first.refresh_from_db()
    assert (first.tasks, first.limits, first.created_at) == original
    second = versions.last()
    assert second is not None
    assert (second.tasks, second.created_by) == (NEW["tasks"], coordinator)
    assert AuditEntry.objects.filter(
        organisation_id=acme.pk, action="quality.role_description.revised"
    ).exists()
    # The leaflet and the public page use the newest version.
    assert current_role_description(organisation=acme) == second
    assert NEW["limits"] in client.get("/o/acme/regeling/").content.decode()
    # The history lists both versions.
    page = client.get(URL).content.decode()
    assert "Version 2, saved on" in page
    assert "Version 1, saved on" in page


def test_it_refuses_an_empty_part(
    login_as: Callable[[User], Client], coordinator: User, acme: Organisation
) -> None:
    response = login_as(coordinator).post(URL, {**NEW, "limits": "   "})
    assert response.status_code == 400
    with pytest.raises(actions.QualityError):
        actions.role_description_revise(
            organisation=acme,
            acting_user=coordinator,
            text=actions.RoleDescriptionInput(**{**NEW, "limits": "   "}),
        )
    assert RoleDescription.objects.filter(organisation=acme).count() == 1


@pytest.mark.parametrize("persona", ["subject_vp", "hr_handler", "complainant"])
def test_it_does_not_exist_for_anyone_but_the_coordinator(
    login_as: Callable[[User], Client], request: pytest.FixtureRequest, persona: str
) -> None:
    client = login_as(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 404
    assert client.post(URL, NEW).status_code == 404


def test_it_lets_only_a_coordinator_revise(acme: Organisation, subject_vp: User) -> None:
    with pytest.raises(actions.QualityError):
        actions.role_description_revise(
            organisation=acme, acting_user=subject_vp, text=actions.RoleDescriptionInput(**NEW)
        )
