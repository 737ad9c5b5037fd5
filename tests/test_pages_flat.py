"""The handler's case list, the VP's log and the coordinator's dashboard cost
the same number of queries however many rows lie behind them, and long lists
come in pages (bench/pages.py measures the same at scale on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hoeksteen.complaints.models import Complaint, SupportAssignment
from hoeksteen.complaints.views.case import CASES_PER_PAGE
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.practice.models import Consent, Melding, MeldingCategory
from hoeksteen.practice.views import MELDINGEN_PER_PAGE
from hoeksteen.quality.models import TrainingRecord
from hoeksteen.testing.factories import MembershipFactory, UserFactory

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def english_pages(client: Client) -> None:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _complaints(
    organisation: Organisation, handler: User, vp: User, n: int, *, closed: bool = False
) -> list[Complaint]:
    now = timezone.now()
    return Complaint.objects.bulk_create(
        Complaint(
            organisation=organisation,
            number=next(_numbers),
            subject_vp=vp,
            subject_vp_kind="internal",
            subject_lvv_registered=False,
            receipt_hash=f"{i:064x}",
            category="not_heard",
            description="Wat er gebeurde.",
            state="closed" if closed else "acknowledged",
            route="hr",
            handler=handler,
            received_at=now - dt.timedelta(days=30),
            acknowledged_at=now - dt.timedelta(days=29),
            closed_at=now - dt.timedelta(days=1) if closed else None,
            decision_due_at=now + dt.timedelta(days=i),
        )
        for i in range(n)
    )


def _queries(client: Client, url: str) -> int:
    client.get(url)  # caches (content types, translations) filled
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _references(page: str) -> list[str]:
    return re.findall(r">(K-\d{4}-\d{4})<", page)


def test_it_lists_the_handlers_open_cases_first_in_pages(
    login_as: Callable[[User], Client], acme: Organisation, hr_handler: User, subject_vp: User
) -> None:
    closed = _complaints(acme, hr_handler, subject_vp, 3, closed=True)
    open_ = _complaints(acme, hr_handler, subject_vp, CASES_PER_PAGE)
    client = login_as(hr_handler)
    first = _references(client.get("/o/acme/klachten/").content.decode())
    assert first == [c.reference for c in open_]
    second = client.get("/o/acme/klachten/?pagina=2").content.decode()
    assert _references(second) == [c.reference for c in closed]
    assert "Page 2 of 2" in second
    # A page number that is not one gives a page, not an error.
    assert client.get("/o/acme/klachten/?pagina=x").status_code == 200


def test_it_counts_the_case_list_in_the_same_queries_for_few_and_many_cases(
    login_as: Callable[[User], Client], acme: Organisation, hr_handler: User, subject_vp: User
) -> None:
    client = login_as(hr_handler)
    _complaints(acme, hr_handler, subject_vp, 2)
    few = _queries(client, "/o/acme/klachten/")
    _complaints(acme, hr_handler, subject_vp, 3 * CASES_PER_PAGE)
    assert _queries(client, "/o/acme/klachten/") == few


def _meldingen(organisation: Organisation, vp: User, n: int, *, consents: int) -> None:
    category = MeldingCategory.objects.filter(organisation=organisation).first()
    assert category is not None
    meldingen = Melding.objects.bulk_create(
        Melding(
            organisation=organisation,
            holder=vp,
            registered_by=vp,
            first_contact_on=dt.date(2026, 1, 1) + dt.timedelta(days=i),
            category=category,
            contact_kind="in_person",
            created_at=timezone.now(),
        )
        for i in range(n)
    )
    Consent.objects.bulk_create(
        Consent(
            organisation=organisation,
            melding=melding,
            recipient="hr",
            form=1,
            scope="Alleen tellen.",
            recorded_at=timezone.now(),
        )
        for melding in meldingen
        for _ in range(consents)
    )


def test_it_pages_the_vps_log_and_counts_consents_in_the_list_query(
    login_as: Callable[[User], Client], acme: Organisation, subject_vp: User
) -> None:
    client = login_as(subject_vp)
    _meldingen(acme, subject_vp, 2, consents=2)
    few = _queries(client, "/o/acme/praktijk/")
    page = client.get("/o/acme/praktijk/").content.decode()
    assert page.count("<td>2</td>") == 2  # the consents of each melding
    _meldingen(acme, subject_vp, MELDINGEN_PER_PAGE + 5, consents=1)
    assert _queries(client, "/o/acme/praktijk/") == few
    first = client.get("/o/acme/praktijk/").content.decode()
    assert (
        first.count('href="/o/acme/praktijk/')
        - first.count('href="/o/acme/praktijk/nieuw/')
        - first.count('href="/o/acme/praktijk/folder/')
        == MELDINGEN_PER_PAGE
    )
    assert "Page 1 of 2" in first


def _vp_with_training(organisation: Organisation) -> None:
    vp = UserFactory()
    MembershipFactory(organisation=organisation, user=vp, internal_vp=True)
    TrainingRecord.objects.create(
        organisation=organisation,
        vp=vp,
        kind="intervision",
        hours=2,
        attended_on=timezone.localdate() - dt.timedelta(days=30),
        description="Intervisie.",
        created_at=timezone.now(),
    )


def test_it_judges_the_dashboard_in_the_same_queries_for_few_and_many_vps(
    login_as: Callable[[User], Client], acme: Organisation, coordinator: User
) -> None:
    client = login_as(coordinator)
    _vp_with_training(acme)
    few = _queries(client, "/o/acme/kwaliteit/")
    for _ in range(5):
        _vp_with_training(acme)
    assert _queries(client, "/o/acme/kwaliteit/") == few


@pytest.mark.parametrize("extra", [0, 4])
def test_it_keeps_the_dashboard_within_fifteen_queries(
    login_as: Callable[[User], Client], acme: Organisation, coordinator: User, extra: int
) -> None:
    for _ in range(1 + extra):
        _vp_with_training(acme)
    assert _queries(login_as(coordinator), "/o/acme/kwaliteit/") <= 15


def _section(page: str, heading: str) -> list[str]:
    """The references listed under one h2 of the complaints page."""
    start = page.index(f">{heading}</h2>")
    end = page.find("<h2", start)
    return _references(page[start : end if end != -1 else len(page)])


def test_it_lists_filed_about_me_and_supported_cases_each_in_their_own_section(
    login_as: Callable[[User], Client],
    acme: Organisation,
    hr_handler: User,
    subject_vp: User,
    complainant: User,
    supporter: User,
) -> None:
    filed, informed, uninformed = _complaints(acme, hr_handler, subject_vp, 3)
    Complaint.objects.filter(pk=filed.pk).update(complainant=complainant)
    Complaint.objects.filter(pk=informed.pk).update(vp_informed_at=timezone.now())
    SupportAssignment.objects.create(
        organisation=acme,
        complaint=informed,
        supporter=supporter,
        kind="colleague",
        named_at=timezone.now(),
    )
    as_complainant = login_as(complainant).get("/o/acme/klachten/").content.decode()
    assert _section(as_complainant, "Complaints you filed") == [filed.reference]
    as_vp = login_as(subject_vp).get("/o/acme/klachten/").content.decode()
    assert _section(as_vp, "Complaints about you") == [informed.reference]
    assert uninformed.reference not in as_vp
    as_supporter = login_as(supporter).get("/o/acme/klachten/").content.decode()
    assert _section(as_supporter, "Complaints in which you support a VP") == [informed.reference]


@pytest.mark.parametrize(
    ("arm", "heading"),
    [
        ("filed", "Complaints you filed"),
        ("about", "Complaints about you"),
        ("supported", "Complaints in which you support a VP"),
    ],
)
def test_it_shows_a_handler_the_cases_they_filed_are_about_or_support_below_their_own(
    login_as: Callable[[User], Client],
    acme: Organisation,
    hr_handler: User,
    subject_vp: User,
    arm: str,
    heading: str,
) -> None:
    """The page query tells from two probes whether the other lists can have
    rows: for a handler with cases of their own, each probe must still find
    the case they filed, are the informed subject of, or support."""
    other = UserFactory(username="second_handler")
    MembershipFactory(organisation=acme, user=other, hr=True)
    own = _complaints(acme, hr_handler, subject_vp, 2)
    case = _complaints(acme, other, subject_vp, 1)[0]
    if arm == "filed":
        Complaint.objects.filter(pk=case.pk).update(complainant=hr_handler)
    elif arm == "about":
        Complaint.objects.filter(pk=case.pk).update(
            subject_vp=hr_handler, vp_informed_at=timezone.now()
        )
    else:
        SupportAssignment.objects.create(
            organisation=acme,
            complaint=case,
            supporter=hr_handler,
            kind="colleague",
            named_at=timezone.now(),
        )
    page = login_as(hr_handler).get("/o/acme/klachten/").content.decode()
    assert _section(page, "Complaints you handle or investigate") == [c.reference for c in own]
    assert _section(page, heading) == [case.reference]


def _due_in_future(complaints: list[Complaint]) -> None:
    """Each one day later, so none is due at the moment of the request."""
    for c in complaints:
        Complaint.objects.filter(pk=c.pk).update(
            decision_due_at=c.decision_due_at + dt.timedelta(days=1)
        )


def _overdue_message(page: str) -> str | None:
    found = re.search(r"(\d+) complaints? (?:has|have) a term that has passed", page)
    return found.group(1) if found else None


def test_it_counts_the_overdue_cases_of_all_pages_on_every_page(
    login_as: Callable[[User], Client], acme: Organisation, hr_handler: User, subject_vp: User
) -> None:
    on_time = _complaints(acme, hr_handler, subject_vp, CASES_PER_PAGE)
    _due_in_future(on_time)
    late = _complaints(acme, hr_handler, subject_vp, 2)
    # Due long after the others: the overdue ones sort onto the second page.
    Complaint.objects.filter(pk__in=[c.pk for c in late]).update(
        decision_due_at=timezone.now() + dt.timedelta(days=400),
        feedback_due_at=timezone.now() - dt.timedelta(days=1),
    )
    client = login_as(hr_handler)
    first = client.get("/o/acme/klachten/").content.decode()
    second = client.get("/o/acme/klachten/?pagina=2").content.decode()
    assert not set(_references(first)) & {c.reference for c in late}
    assert _overdue_message(first) == _overdue_message(second) == "2"
    assert "Page 1 of 2" in first


@pytest.mark.parametrize("number", ["9", "0", "-1", "99999999999999999999"])
def test_it_gives_the_last_page_for_a_number_outside_the_pages(
    login_as: Callable[[User], Client],
    acme: Organisation,
    hr_handler: User,
    subject_vp: User,
    number: str,
) -> None:
    open_ = _complaints(acme, hr_handler, subject_vp, CASES_PER_PAGE + 2)
    page = login_as(hr_handler).get(f"/o/acme/klachten/?pagina={number}").content.decode()
    assert _references(page) == [c.reference for c in open_[CASES_PER_PAGE:]]
    assert "Page 2 of 2" in page


def test_it_shows_each_of_two_users_in_sequence_their_own_list(
    login_as: Callable[[User], Client], acme: Organisation, hr_handler: User, subject_vp: User
) -> None:
    """One process, one client, two users after each other: nothing the page
    learnt for the first (counts, whether they filed anything) reaches the
    second."""
    other = UserFactory(username="second_handler")
    MembershipFactory(organisation=acme, user=other, hr=True)
    mine = _complaints(acme, hr_handler, subject_vp, 3)
    theirs = _complaints(acme, other, subject_vp, 2)
    Complaint.objects.filter(pk=theirs[0].pk).update(
        feedback_due_at=timezone.now() - dt.timedelta(days=1)
    )
    filed = _complaints(acme, hr_handler, subject_vp, 1)[0]
    _due_in_future([*mine, *theirs, filed])
    Complaint.objects.filter(pk=filed.pk).update(complainant=other)
    for _ in range(2):
        as_handler = login_as(hr_handler).get("/o/acme/klachten/").content.decode()
        assert sorted(_references(as_handler)) == sorted(c.reference for c in [*mine, filed])
        assert _overdue_message(as_handler) is None
        assert "Complaints you filed" not in as_handler
        as_other = login_as(other).get("/o/acme/klachten/").content.decode()
        assert _section(as_other, "Complaints you handle or investigate") == [
            c.reference for c in theirs
        ]
        assert _section(as_other, "Complaints you filed") == [filed.reference]
        assert _overdue_message(as_other) == "1"
