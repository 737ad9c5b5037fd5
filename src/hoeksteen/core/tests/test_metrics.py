"""/metrics: only with the token, labels without personal data, counters that move."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.test.utils import override_settings
from prometheus_client.parser import text_string_to_metric_families

from hoeksteen.audit.models import AuditEntry
from hoeksteen.complaints.actions.intake import complaint_submit
from hoeksteen.outbox.models import OutboxMessage, OutboxStatus
from hoeksteen.outbox.tick import run_tick
from hoeksteen.testing.factories import MembershipFactory, OrganisationFactory, UserFactory

TOKEN = "s3cret-metrics-token-for-the-test"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(client: Client) -> Samples:
    response = client.get("/metrics", **AUTH)  # type: ignore[arg-type]
    assert response.status_code == 200
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def requests_of(samples: Samples, **labels: str) -> float:
    key = ("hoeksteen_http_requests_total", tuple(sorted(labels.items())))
    return samples.get(key, 0.0)


@pytest.mark.django_db
@override_settings(METRICS_TOKEN="")
def test_it_hides_the_metrics_when_no_token_is_configured(client: Client) -> None:
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
@override_settings(METRICS_TOKEN=TOKEN)
def test_it_asks_for_the_bearer_token(client: Client) -> None:
    missing = client.get("/metrics")
    wrong = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x")
    basic = client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}")

    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert wrong.status_code == 401
    assert basic.status_code == 401
    assert client.get("/metrics", **AUTH).status_code == 200  # type: ignore[arg-type]


@pytest.mark.django_db
@override_settings(METRICS_TOKEN=TOKEN)
def test_it_counts_requests_by_view_name_method_and_status(client: Client) -> None:
    before = scrape(client)

    client.get("/healthz")
    client.get("/healthz")
    client.post("/healthz")
    client.get("/o/no-such-organisation/klacht/nieuw/")
    client.get("/no/such/page/at/all")
    after = scrape(client)

    def moved(**labels: str) -> float:
        return requests_of(after, **labels) - requests_of(before, **labels)

    assert moved(view="healthz", method="GET", status="200") == 2
    assert moved(view="healthz", method="POST", status="405") == 1
    assert moved(view="complaints:intake", method="GET", status="404") == 1
    assert moved(view="<unresolved>", method="GET", status="404") == 1


@pytest.mark.django_db
@override_settings(METRICS_TOKEN=TOKEN)
def test_it_reports_the_outbox_the_audit_chains_and_the_tick(
    client: Client, complaint_about: object
) -> None:
    org = OrganisationFactory(name="Stichting Zonnebloem Oost", slug="zonnebloem-oost")
    vp = UserFactory(username="marieke.vp", email="marieke.jansen@example.org")
    MembershipFactory(organisation=org, user=vp, internal_vp=True)
    MembershipFactory(organisation=org, user=UserFactory(username="hr.piet"), hr=True)
    complaint_submit(
        organisation=org,
        acting_user=None,
        anonymous=True,
        data=complaint_about(subject_vp_id=vp.pk),  # type: ignore[operator]
    )
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count()
    entries = AuditEntry.objects.count()
    chains = len(set(AuditEntry.objects.values_list("organisation_id", flat=True)))
    now = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)

    before_tick = scrape(client)
    run_tick(now=now)
    after_tick = scrape(client)

    assert pending > 0
    assert before_tick[("hoeksteen_outbox_messages", (("status", "pending"),))] == pending
    assert before_tick[("hoeksteen_outbox_oldest_pending_age_seconds", ())] >= 0
    assert before_tick[("hoeksteen_audit_chains", ())] == chains
    assert before_tick[("hoeksteen_audit_entries", ())] == entries > 0
    assert after_tick[("hoeksteen_tick_last_success_timestamp_seconds", ())] == now.timestamp()


@pytest.mark.django_db
@override_settings(METRICS_TOKEN=TOKEN)
def test_it_keeps_names_addresses_slugs_and_ids_out_of_the_metrics(
    client: Client, complaint_about: object
) -> None:
    org = OrganisationFactory(name="Stichting Zonnebloem Oost", slug="zonnebloem-oost")
    vp = UserFactory(
        username="marieke.vp",
        first_name="Marieke",
        last_name="Jansen",
        email="marieke.jansen@example.org",
    )
    MembershipFactory(organisation=org, user=vp, internal_vp=True)
    MembershipFactory(organisation=org, user=UserFactory(username="hr.piet"), hr=True)
    submission = complaint_submit(
        organisation=org,
        acting_user=None,
        anonymous=True,
        data=complaint_about(subject_vp_id=vp.pk, contact_email="klager.k@example.net"),  # type: ignore[operator]
    )
    uid = str(submission.complaint.uid)
    client.force_login(vp, backend="django.contrib.auth.backends.ModelBackend")
    for path in (
        "/o/zonnebloem-oost/klacht/nieuw/",
        f"/o/zonnebloem-oost/klachten/{uid}/",
        "/o/zonnebloem-oost/klachten/?q=marieke.jansen@example.org",
        "/o/zonnebloem-oost/melding/4711/",
    ):
        client.get(path, REMOTE_ADDR="203.0.113.77")

    text = client.get("/metrics", **AUTH).content.decode()  # type: ignore[arg-type]

    assert 'view="complaints:case"' in text
    # A scrape could carry personal data in its names and labels; the sample
    # values are numbers, and a timestamp may hold any run of digits.
    shown = "\n".join(
        line if line.startswith("#") else line.rsplit(" ", 1)[0] for line in text.splitlines()
    )
    for personal in (
        "zonnebloem",
        "Zonnebloem",
        "marieke",
        "Marieke",
        "Jansen",
        "example.org",
        "klager.k",
        "piet",
        uid,
        "4711",
        "203.0.113.77",
        "/o/",
    ):
        assert personal not in shown, personal
