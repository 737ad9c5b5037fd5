"""The coordinator's prevention dashboard: five measures judged from data,
complaint counts as numbers, and nothing for anyone else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from hoeksteen.organisations.models import ComplaintRegulation, Organisation
from hoeksteen.people.models import User
from hoeksteen.practice.models import Melding
from hoeksteen.quality import selectors
from hoeksteen.quality.models import QualityConversation
from hoeksteen.quality.status import Colour, Measure
from hoeksteen.quality.tests.conftest import NOW

pytestmark = pytest.mark.time_machine(NOW, tick=False)
URL = "/o/acme/kwaliteit/"


@pytest.mark.parametrize("persona", ["hr_handler", "complainant", "subject_vp", "committee"])
def test_it_does_not_exist_for_anyone_but_the_coordinator(
    login_as: Callable[[User], Client], request: pytest.FixtureRequest, persona: str
) -> None:
    assert login_as(request.getfixturevalue(persona)).get(URL).status_code == 404


def test_it_keeps_another_organisations_coordinator_out(
    login_as: Callable[[User], Client],
    acme: Organisation,
    other_org: Organisation,
    outsider: User,
    subject_vp: User,
    register_melding: Callable[..., Melding],
) -> None:
    for _ in range(6):
        register_melding(subject_vp)
    client = login_as(outsider)
    assert client.get(URL).status_code == 404
    # Their own dashboard judges their own organisation only: no VPs, no meldingen.
    board = selectors.prevention_dashboard(user=outsider, organisation=other_org, now=NOW)
    colours = {row.measure: row.judgement.colour for row in board.measures}
    assert colours[Measure.COMMUNICATION] == Colour.AMBER
    assert colours[Measure.EVALUATION] == Colour.AMBER
    page = client.get("/o/other/kwaliteit/").content.decode()
    assert "Fewer than 5 meldingen this year" in page


def test_it_shows_the_five_measures_each_with_a_word_an_icon_and_a_next_step(
    login_as: Callable[[User], Client], acme: Organisation, coordinator: User, subject_vp: User
) -> None:
    page = login_as(coordinator).get(URL).content.decode()
    for number, measure in enumerate(Measure, start=1):
        assert f"{number}. {measure.label}" in page
    assert page.count('class="status status-') == 5
    assert page.count('class="status-icon" aria-hidden="true"') == 5
    assert page.count("Next step:") == 5
    # The role description is still the default text, and nothing was planned yet.
    assert "The role description is still the default text" in page
    assert "1 VP has no quality conversation planned this year." in page
    assert "Open complaints" in page


def test_it_judges_each_measure_from_the_data(
    acme: Organisation,
    coordinator: User,
    subject_vp: User,
    other_vp: User,
    hr_handler: User,
    management: User,
    register_melding: Callable[..., Melding],
) -> None:
    def colours() -> dict[Measure, Colour]:
        board = selectors.prevention_dashboard(user=coordinator, organisation=acme, now=NOW)
        return {row.measure: row.judgement.colour for row in board.measures}

    before = colours()
    assert before[Measure.PROCEDURE] == Colour.AMBER  # no backup VP named
    assert before[Measure.EVALUATION] == Colour.AMBER  # nothing planned
    assert before[Measure.COMMUNICATION] == Colour.AMBER  # fewer than k meldingen
    assert before[Measure.EXPERTISE] == Colour.RED  # nothing recorded in a year

    ComplaintRegulation.objects.filter(organisation=acme).update(external_backup_vp="Bureau Extern")
    QualityConversation.objects.create(
        organisation=acme,
        vp=subject_vp,
        year=2026,
        scheduled_on=dt.date(2026, 5, 1),
        created_at=NOW,
        updated_at=NOW,
    )
    QualityConversation.objects.create(
        organisation=acme,
        vp=other_vp,
        year=2026,
        scheduled_on=dt.date(2026, 7, 1),
        created_at=NOW,
        updated_at=NOW,
    )
    for explained in (True, True, True, False, False):
        register_melding(subject_vp, role_explained=explained)
    after = colours()
    assert after[Measure.PROCEDURE] == Colour.GREEN
    assert after[Measure.EVALUATION] == Colour.RED  # 1 May has passed
    assert after[Measure.COMMUNICATION] == Colour.AMBER  # 60%


def test_it_counts_meldingen_without_loading_one(
    acme: Organisation,
    coordinator: User,
    subject_vp: User,
    register_melding: Callable[..., Melding],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for _ in range(5):
        register_melding(subject_vp)

    def refuse(*args: object, **kwargs: object) -> Melding:
        raise AssertionError("a melding row was loaded")

    monkeypatch.setattr(Melding, "from_db", classmethod(refuse))
    board = selectors.prevention_dashboard(user=coordinator, organisation=acme, now=NOW)
    communication = next(r for r in board.measures if r.measure == Measure.COMMUNICATION)
    assert communication.judgement.colour == Colour.GREEN
