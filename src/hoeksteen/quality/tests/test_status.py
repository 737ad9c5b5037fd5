"""The dashboard's derivations: every colour of every measure, from facts alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from hoeksteen.organisations.models import Route
from hoeksteen.quality import status
from hoeksteen.quality.status import Colour, Step

TODAY = dt.date(2026, 6, 1)
GREEN, AMBER, RED = Colour.GREEN, Colour.AMBER, Colour.RED


def _role(
    *, complete: bool = True, adopted: bool = True, age: int = 10
) -> status.RoleDescriptionFacts:
    return status.RoleDescriptionFacts(
        version=2, complete=complete, adopted=adopted, revised_on=TODAY - dt.timedelta(days=age)
    )


@pytest.mark.parametrize(
    ("facts", "colour"),
    [
        (_role(), GREEN),
        (_role(age=365), GREEN),
        (_role(age=366), AMBER),
        (_role(adopted=False), AMBER),
        (_role(age=730), AMBER),
        (_role(age=731), RED),
        (_role(adopted=False, age=731), RED),
        (_role(complete=False), RED),
    ],
)
def test_it_judges_the_role_description(facts: status.RoleDescriptionFacts, colour: Colour) -> None:
    judgement = status.judge_role_description(facts, today=TODAY)
    assert judgement.colour == colour
    assert judgement.step == Step.ROLE_DESCRIPTION
    assert judgement.finding
    assert judgement.next_step


def _procedure(
    *,
    in_use: set[str] | None = None,
    handled: set[str] | None = None,
    waiting: int = 0,
    backup: bool = True,
) -> status.ProcedureFacts:
    return status.ProcedureFacts(
        routes_in_use=frozenset({"hr", "management"} if in_use is None else in_use),
        routes_with_handler=frozenset({"hr", "management"} if handled is None else handled),
        waiting_for_external_handler=waiting,
        backup_vp_named=backup,
    )


@pytest.mark.parametrize(
    ("facts", "colour", "step"),
    [
        (_procedure(), GREEN, Step.PUBLIC_PAGE),
        (_procedure(in_use=set(), handled=set()), GREEN, Step.PUBLIC_PAGE),
        (_procedure(backup=False), AMBER, Step.REGULATION),
        (_procedure(handled={"hr"}), RED, Step.ROLES),
        (_procedure(waiting=1), RED, Step.ROLES),
        (_procedure(in_use={"hr"}, handled={"hr"}, backup=False), AMBER, Step.REGULATION),
    ],
)
def test_it_judges_the_complaint_procedure(
    facts: status.ProcedureFacts, colour: Colour, step: Step
) -> None:
    judgement = status.judge_procedure(facts)
    assert (judgement.colour, judgement.step) == (colour, step)


def test_it_names_the_route_without_a_handler() -> None:
    judgement = status.judge_procedure(_procedure(handled={"hr"}))
    assert str(Route.MANAGEMENT.label) in judgement.finding


def _evaluation(
    *, vps: int = 3, held: int = 1, overdue: int = 0, unscheduled: int = 0
) -> status.EvaluationFacts:
    return status.EvaluationFacts(
        active_vps=vps,
        held=held,
        overdue=overdue,
        unscheduled=unscheduled,
        next_planned_on=TODAY + dt.timedelta(days=10) if held < vps else None,
    )


@pytest.mark.parametrize(
    ("facts", "colour"),
    [
        (_evaluation(), GREEN),
        (_evaluation(held=3), GREEN),
        (_evaluation(held=0, unscheduled=1), AMBER),
        (_evaluation(vps=0, held=0), AMBER),
        (_evaluation(overdue=1), RED),
        (_evaluation(overdue=1, unscheduled=1), RED),
    ],
)
def test_it_judges_the_regular_evaluation(facts: status.EvaluationFacts, colour: Colour) -> None:
    assert status.judge_evaluation(facts).colour == colour


NORM = status.Norm(cycle_years=4, total=72, training=24, intervision=32, other=16)
REGISTERED = dt.date(2024, 1, 1)


def _progress(
    *,
    expires: dt.date = dt.date(2028, 1, 1),
    training: int = 24,
    intervision: int = 32,
    other: int = 16,
) -> status.LvvProgress:
    return status.lvv_progress(
        hours={
            "training": Decimal(training),
            "intervision": Decimal(intervision),
            "other": Decimal(other),
        },
        norm=NORM,
        registered_on=REGISTERED,
        expires_on=expires,
        today=TODAY,
    )


@pytest.mark.parametrize(
    ("progress", "colour"),
    [
        (_progress(), GREEN),  # all hours done
        (_progress(training=15, intervision=20, other=10), GREEN),  # ahead of a 60% share
        (_progress(training=5, intervision=20, other=8), AMBER),  # training behind
        (_progress(expires=TODAY + dt.timedelta(days=170), training=23), AMBER),
        (_progress(expires=TODAY + dt.timedelta(days=170)), GREEN),
        (_progress(expires=TODAY + dt.timedelta(days=80), training=23), RED),
        (_progress(expires=TODAY - dt.timedelta(days=1)), RED),  # lapsed
    ],
)
def test_it_judges_lvv_progress(progress: status.LvvProgress, colour: Colour) -> None:
    assert progress.colour == colour


def test_it_measures_the_cycle_from_registration_when_that_is_later() -> None:
    # Registered on 1 June 2024 with a certificate until 1 January 2028: the
    # cycle starts at registration, not four years before expiry.
    late = status.lvv_progress(
        hours={},
        norm=NORM,
        registered_on=dt.date(2024, 6, 1),
        expires_on=dt.date(2028, 1, 1),
        today=TODAY,
    )
    assert late.cycle_start == dt.date(2024, 6, 1)
    renewed = status.lvv_progress(
        hours={},
        norm=NORM,
        registered_on=dt.date(2020, 1, 1),
        expires_on=dt.date(2028, 2, 29),
        today=TODAY,
    )
    assert renewed.cycle_start == dt.date(2024, 2, 29)
    assert status.years_before(dt.date(2028, 2, 29), 1) == dt.date(2027, 2, 28)


def test_it_counts_the_total_and_expects_hours_in_proportion_to_the_time_passed() -> None:
    progress = _progress(training=30, intervision=10, other=4)
    total = progress.categories[-1]
    assert (total.kind, total.done, total.required) == ("total", Decimal(44), Decimal(72))
    # 1 January 2024 to 1 June 2026 is 882 of 1461 days: 43.5 of 72 hours.
    assert total.expected_by_now == Decimal("43.5")
    assert [c.kind for c in progress.categories if c.behind] == ["intervision", "other"]


def _vp(
    *, intervision: bool = True, activity: bool = True, lvv: status.LvvProgress | None = None
) -> status.VPExpertiseFacts:
    return status.VPExpertiseFacts(
        intervision_last_12_months=intervision, any_activity_last_12_months=activity, lvv=lvv
    )


@pytest.mark.parametrize(
    ("vps", "colour"),
    [
        ([_vp(), _vp(lvv=_progress())], GREEN),
        ([], AMBER),
        ([_vp(), _vp(intervision=False)], AMBER),
        ([_vp(lvv=_progress(training=0, intervision=20, other=8))], AMBER),
        ([_vp(), _vp(intervision=False, activity=False)], RED),
        ([_vp(lvv=_progress(expires=TODAY - dt.timedelta(days=3)))], RED),
    ],
)
def test_it_judges_intervision_and_training(
    vps: list[status.VPExpertiseFacts], colour: Colour
) -> None:
    assert status.judge_expertise(vps).colour == colour


@pytest.mark.parametrize(
    ("meldingen", "explained", "colour"),
    [
        (10, 10, GREEN),
        (10, 9, GREEN),
        (10, 8, AMBER),
        (10, 6, AMBER),
        (10, 5, RED),
        (4, 4, AMBER),  # fewer than k: not judged
        (0, 0, AMBER),
    ],
)
def test_it_judges_communication_about_role_and_limits(
    meldingen: int, explained: int, colour: Colour
) -> None:
    facts = status.CommunicationFacts(meldingen=meldingen, role_explained=explained, k=5)
    judgement = status.judge_communication(facts)
    assert judgement.colour == colour
    # Counts are never shown: they could say something about single conversations.
    assert str(explained) not in judgement.finding.replace("60", "").replace("90", "")


def test_it_never_shows_a_colour_without_a_word_and_an_icon() -> None:
    for colour in Colour:
        assert colour.label
        assert colour.icon
    assert len({c.icon for c in Colour}) == len(Colour)
    assert status.worst([GREEN, RED, AMBER]) == RED
