"""Checklist suggestions and planning dates: pure functions, every answer reachable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from hoeksteen.quality import checklists, planning
from hoeksteen.quality.models import Answer, ChecklistKind

YES, PARTLY, NO = Answer.YES, Answer.PARTLY, Answer.NO


def _org(
    *,
    in_use: frozenset[str] = frozenset({"hr", "management"}),
    handled: frozenset[str] = frozenset({"hr", "management"}),
    vps: int = 2,
    held: int = 2,
    backup: bool = True,
    external: bool = True,
) -> checklists.OrganisationFacts:
    return checklists.OrganisationFacts(
        routes_in_use=in_use,
        routes_with_handler=handled,
        active_vps=vps,
        conversations_held=held,
        backup_vp_named=backup,
        has_external_vp=external,
    )


@pytest.mark.parametrize(
    ("facts", "answer"),
    [
        (_org(), YES),
        (_org(handled=frozenset({"hr"})), PARTLY),
        (_org(handled=frozenset()), NO),
        (_org(in_use=frozenset()), None),
    ],
)
def test_it_suggests_whether_there_is_an_independent_procedure(
    facts: checklists.OrganisationFacts, answer: Answer | None
) -> None:
    suggestion = checklists.suggest_independent_procedure(facts)
    assert (suggestion.answer if suggestion else None) == answer


@pytest.mark.parametrize(
    ("facts", "answer"),
    [(_org(), YES), (_org(held=1), PARTLY), (_org(held=0), NO), (_org(vps=0, held=0), None)],
)
def test_it_suggests_whether_vps_are_evaluated(
    facts: checklists.OrganisationFacts, answer: Answer | None
) -> None:
    suggestion = checklists.suggest_periodic_evaluation(facts, year=2026)
    assert (suggestion.answer if suggestion else None) == answer


@pytest.mark.parametrize(
    ("facts", "answer"),
    [(_org(), YES), (_org(backup=False), PARTLY), (_org(backup=False, external=False), NO)],
)
def test_it_suggests_whether_there_is_an_external_backup(
    facts: checklists.OrganisationFacts, answer: Answer
) -> None:
    assert checklists.suggest_external_backup(facts).answer == answer


def _vp(
    *,
    meldingen: int = 10,
    explained: int = 10,
    consent: int = 10,
    intervision: str = "2",
    training: str = "8",
) -> checklists.VPFacts:
    return checklists.VPFacts(
        meldingen=meldingen,
        role_explained=explained,
        with_consent=consent,
        intervision_hours=Decimal(intervision),
        training_hours=Decimal(training),
    )


@pytest.mark.parametrize(
    ("facts", "answer"),
    [
        (_vp(), YES),
        (_vp(explained=9), YES),
        (_vp(explained=8), PARTLY),
        (_vp(explained=5), PARTLY),
        (_vp(explained=4), NO),
        (_vp(meldingen=0, explained=0), None),
    ],
)
def test_it_suggests_whether_the_vp_explains_their_role(
    facts: checklists.VPFacts, answer: Answer | None
) -> None:
    suggestion = checklists.suggest_explains_role(facts)
    assert (suggestion.answer if suggestion else None) == answer


@pytest.mark.parametrize(
    ("facts", "answer"),
    [
        (_vp(), YES),
        (_vp(consent=6), PARTLY),
        (_vp(consent=0), NO),
        (_vp(meldingen=0, consent=0), None),
    ],
)
def test_it_suggests_whether_the_vp_documents_consent(
    facts: checklists.VPFacts, answer: Answer | None
) -> None:
    suggestion = checklists.suggest_documents_consent(facts)
    assert (suggestion.answer if suggestion else None) == answer


@pytest.mark.parametrize(
    ("facts", "answer"),
    [
        (_vp(), YES),
        (_vp(training="0"), PARTLY),
        (_vp(intervision="0"), PARTLY),
        (_vp(intervision="0", training="0"), NO),
    ],
)
def test_it_suggests_whether_the_vp_takes_part_in_intervision(
    facts: checklists.VPFacts, answer: Answer
) -> None:
    assert checklists.suggest_intervision(facts).answer == answer


def test_it_has_the_seeds_five_questions_and_suggests_only_for_derivable_ones() -> None:
    for kind in ChecklistKind:
        items = checklists.ITEMS[kind]
        assert [item.number for item in items] == [1, 2, 3, 4, 5]
        assert len({item.key for item in items}) == 5
    derivable_org = {i.key for i in checklists.ORGANISATION_ITEMS if i.derivable}
    derivable_vp = {i.key for i in checklists.VP_ITEMS if i.derivable}
    assert set(checklists.suggest_organisation(_org(), year=2026)) == derivable_org
    assert set(checklists.suggest_vp(_vp())) == derivable_vp


@pytest.mark.parametrize(
    ("today", "last_held", "planned"),
    [
        (dt.date(2026, 1, 1), None, dt.date(2026, 1, 29)),
        (dt.date(2026, 1, 1), dt.date(2025, 3, 10), dt.date(2026, 3, 10)),
        (dt.date(2026, 4, 1), dt.date(2025, 3, 10), dt.date(2026, 4, 29)),
        (dt.date(2026, 12, 20), None, dt.date(2026, 12, 31)),
        (dt.date(2027, 1, 1), dt.date(2024, 2, 29), dt.date(2027, 2, 28)),
    ],
)
def test_it_proposes_a_date_within_the_year(
    today: dt.date, last_held: dt.date | None, planned: dt.date
) -> None:
    assert planning.proposed_conversation_date(today=today, last_held_on=last_held) == planned


@pytest.mark.parametrize(
    ("days_left", "stage"),
    [(15, None), (14, "before"), (1, "before"), (0, "due"), (-1, "overdue"), (-40, "overdue")],
)
def test_it_finds_the_conversation_reminder_stage(days_left: int, stage: str | None) -> None:
    today = dt.date(2026, 5, 1)
    planned = today + dt.timedelta(days=days_left)
    assert planning.conversation_reminder_stage(planned_on=planned, today=today) == stage


@pytest.mark.parametrize(
    ("days_left", "stage"),
    [(181, None), (180, 180), (91, 180), (90, 90), (31, 90), (30, 30), (0, 30), (-1, None)],
)
def test_it_finds_the_lvv_reminder_stage(days_left: int, stage: int | None) -> None:
    today = dt.date(2026, 5, 1)
    expires = today + dt.timedelta(days=days_left)
    assert planning.lvv_reminder_stage(expires_on=expires, today=today) == stage


@pytest.mark.parametrize(
    ("hours", "shown"), [(Decimal("2.0"), "2"), (Decimal(2), "2"), (Decimal("2.5"), "2.5")]
)
def test_it_shows_hours_the_same_on_every_database(hours: Decimal, shown: str) -> None:
    with translation.override("en"):
        assert checklists.format_hours(hours) == shown
