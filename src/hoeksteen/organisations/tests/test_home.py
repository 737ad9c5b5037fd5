from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from hoeksteen.people.models import User


def test_it_shows_the_coordinator_the_people_and_teams(
    login_as: Callable[[User], Client], coordinator: User, colleague_vp: User
) -> None:
    response = login_as(coordinator).get("/o/acme/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "North" in body
    assert str(colleague_vp) in body


def test_it_hides_an_organisation_from_a_stranger(
    login_as: Callable[[User], Client], outsider: User, coordinator: User
) -> None:
    assert login_as(outsider).get("/o/acme/").status_code == 404
