"""The checklists as yearly self-assessments: pre-filled from data, saved
per year, the VP's private to that VP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from hoeksteen.access import policy
from hoeksteen.organisations.models import ComplaintRegulation, Organisation
from hoeksteen.people.models import User
from hoeksteen.practice import actions as practice_actions
from hoeksteen.practice.models import Melding
from hoeksteen.quality import actions
from hoeksteen.quality.models import ChecklistAnswer, ChecklistAssessment, ChecklistKind
from hoeksteen.quality.tests.conftest import NOW

pytestmark = pytest.mark.time_machine(NOW, tick=False)
ORG_URL = "/o/acme/kwaliteit/checklist/"
VP_URL = "/o/acme/kwaliteit/mijn-checklist/"


def _answers(prefixes: list[str], answer: str = "yes") -> dict[str, str]:
    data: dict[str, str] = {}
    for prefix in prefixes:
        data[f"{prefix}-answer"] = answer
        data[f"{prefix}-explanation"] = ""
        data[f"{prefix}-evidence"] = ""
        data[f"{prefix}-improvement"] = ""
    return data


ORG_PREFIXES = [
    "org-independent_procedure",
    "org-periodic_evaluation",
    "org-external_backup",
    "org-employees_know_where",
    "org-vp_supported",
]
VP_PREFIXES = [
    "vp-explains_role",
    "vp-documents_consent",
    "vp-reflects",
    "vp-knows_where_to_turn",
    "vp-intervision",
]


def test_it_prefills_the_vps_checklist_from_their_own_data(
    login_as: Callable[[User], Client],
    acme: Organisation,
    subject_vp: User,
    register_melding: Callable[..., Melding],
) -> None:
    melding = register_melding(subject_vp, role_explained=True)
    register_melding(subject_vp, role_explained=False)
    register_melding(subject_vp, on=dt.date(2025, 12, 1), role_explained=False)  # last year
    practice_actions.consent_record(
        melding=melding,
        actor=subject_vp,
        recipient="hr",
        form=1,
        scope="Alleen tellen",
        now=NOW,
    )
    actions.training_record_add(
        organisation=acme,
        acting_user=subject_vp,
        data=actions.TrainingInput(
            kind="intervision", hours=Decimal(2), attended_on=dt.date(2026, 2, 1), description="x"
        ),
    )
    page = login_as(subject_vp).get(VP_URL).content.decode()
    assert page.count("Pre-filled from data") == 3
    assert "You recorded explaining your role in 1 of your 2 meldingen this year." in page
    assert "You recorded a consent in 1 of your 2 meldingen this year." in page
    assert "2 hours of intervision and 0 hours of training" in page
    # The suggested answer is selected, and the person can change it.
    assert 'value="partly" id="id_vp-explains_role-answer_1" required checked' in page


def test_it_counts_the_vps_meldingen_without_loading_one(
    acme: Organisation,
    subject_vp: User,
    register_melding: Callable[..., Melding],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    register_melding(subject_vp)

    def refuse(*args: object, **kwargs: object) -> Melding:
        raise AssertionError("a melding row was loaded")

    monkeypatch.setattr(Melding, "from_db", classmethod(refuse))
    suggestions = actions.checklist_suggestions(
        user=subject_vp, organisation=acme, kind=ChecklistKind.VP, year=2026
    )
    assert suggestions["vp.explains_role"].answer == "yes"


def test_it_saves_the_organisations_checklist_per_year_with_the_datas_suggestion(
    login_as: Callable[[User], Client],
    acme: Organisation,
    coordinator: User,
    subject_vp: User,
    hr_handler: User,
) -> None:
    ComplaintRegulation.objects.filter(organisation=acme).update(external_backup_vp="Bureau Extern")
    client = login_as(coordinator)
    page = client.get(ORG_URL).content.decode()
    assert "The complaint regulation names an external backup VP." in page
    data = _answers(ORG_PREFIXES, "partly")
    data["org-vp_supported-improvement"] = "Supervisie aanbieden"
    assert client.post(ORG_URL + "?year=2026", data).status_code == 302
    assessment = ChecklistAssessment.objects.get(organisation=acme, kind="organisation", year=2026)
    answers = {a.item: a for a in ChecklistAnswer.objects.filter(assessment=assessment)}
    assert len(answers) == 5
    assert answers["org.external_backup"].answer == "partly"
    assert answers["org.external_backup"].derived_answer == "yes"
    assert answers["org.employees_know_where"].derived_answer == ""
    assert answers["org.vp_supported"].improvement == "Supervisie aanbieden"
    # Saving again changes the year's answers; it adds no second checklist.
    assert client.post(ORG_URL + "?year=2026", _answers(ORG_PREFIXES)).status_code == 302
    assert ChecklistAssessment.objects.filter(organisation=acme).count() == 1
    history = client.get(ORG_URL + "?year=2026").content.decode()
    assert "?year=2026" in history


def test_it_shows_an_earlier_year_read_only(
    login_as: Callable[[User], Client], acme: Organisation, coordinator: User
) -> None:
    actions.checklist_save(
        organisation=acme,
        acting_user=coordinator,
        kind=ChecklistKind.ORGANISATION,
        year=2025,
        answers=[
            actions.AnswerInput(item=p.replace("-", ".", 1), answer="no") for p in ORG_PREFIXES
        ],
        now=dt.datetime(2025, 11, 1, 9, tzinfo=dt.UTC),
    )
    client = login_as(coordinator)
    assert 'type="radio"' not in client.get(ORG_URL + "?year=2024").content.decode()
    assert client.post(ORG_URL + "?year=2024", _answers(ORG_PREFIXES)).status_code == 400
    with pytest.raises(actions.QualityError):
        actions.checklist_save(
            organisation=acme,
            acting_user=coordinator,
            kind=ChecklistKind.ORGANISATION,
            year=2024,
            answers=[],
        )


def test_it_keeps_a_vps_checklist_to_that_vp(
    login_as: Callable[[User], Client],
    acme: Organisation,
    subject_vp: User,
    other_vp: User,
    coordinator: User,
) -> None:
    data = _answers(VP_PREFIXES)
    data["vp-reflects-explanation"] = "Ik bespreek onvrede in intervisie"
    assert login_as(subject_vp).post(VP_URL, data).status_code == 302
    assessment = ChecklistAssessment.objects.get(organisation=acme, kind="vp")
    assert assessment.vp == subject_vp
    assert "Ik bespreek onvrede" not in login_as(other_vp).get(VP_URL).content.decode()
    assert login_as(coordinator).get(VP_URL).status_code == 404
    assert not policy.visible_to(coordinator, ChecklistAssessment).exists()
    assert not policy.visible_to(other_vp, ChecklistAnswer).exists()


def test_it_lets_only_the_coordinator_fill_in_the_organisations_checklist(
    login_as: Callable[[User], Client], subject_vp: User
) -> None:
    client = login_as(subject_vp)
    assert client.get(ORG_URL).status_code == 404
    assert client.post(ORG_URL, _answers(ORG_PREFIXES)).status_code == 404
