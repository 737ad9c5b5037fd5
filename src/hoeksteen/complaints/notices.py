"""E-mail notices about a complaint. They never carry its content — only
that there is news, and where to read it after signing in."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from hoeksteen.complaints.models import Complaint
from hoeksteen.organisations.models import Organisation
from hoeksteen.outbox.actions import outbox_enqueue
from hoeksteen.people.models import User


def notify_user(*, user: User, complaint: Complaint, key: str) -> None:
    """Tell a person on the case there is news, in the language they chose."""
    if not user.email:
        return
    _queue(
        to=user.email,
        organisation=complaint.organisation,
        key=f"{key}:{complaint.pk}:{user.pk}",
        language=user.language,
        path=f"/o/{complaint.organisation.slug}/klachten/{complaint.uid}/",
    )


def notify_complainant(*, complaint: Complaint, key: str) -> None:
    """Tell the complainant there is news: by account e-mail, or the optional
    address an anonymous complainant left (which never reveals their name)."""
    address = complaint.contact_email or (
        complaint.complainant.email if complaint.complainant else ""
    )
    if not address:
        return
    path = (
        f"/o/{complaint.organisation.slug}/mijn-klacht/"
        if complaint.is_anonymous
        else f"/o/{complaint.organisation.slug}/klachten/{complaint.uid}/"
    )
    _queue(
        to=address,
        organisation=complaint.organisation,
        key=f"{key}:{complaint.pk}:complainant",
        language=complaint.language,
        path=path,
    )


def notify_coordinators_external_handler_needed(
    *, organisation: Organisation, complaint: Complaint, coordinators: list[User]
) -> None:
    for coordinator in coordinators:
        if not coordinator.email:
            continue
        with translation.override(coordinator.language):
            outbox_enqueue(
                organisation=organisation,
                key=f"external-handler-needed:{complaint.pk}:{coordinator.pk}",
                to=coordinator.email,
                subject=_("A complaint needs an external handler"),
                body=_(
                    "A complaint about a confidential adviser has come in for which no "
                    "independent handler is available in your organisation. Please arrange an "
                    "external complaints committee or independent handler and give them the "
                    "handler role with the route “External complaints committee”. The "
                    "complaint will then be routed to them automatically. For confidentiality, "
                    "this message contains no details."
                ),
            )


def _queue(*, to: str, organisation: Organisation, key: str, language: str, path: str) -> None:
    with translation.override(language):
        outbox_enqueue(
            organisation=organisation,
            key=key,
            to=to,
            subject=_("There is news about a complaint at %(organisation)s")
            % {"organisation": organisation.name},
            body=_(
                "There is news in a complaint procedure in which you take part. For "
                "confidentiality, this e-mail contains no details. Sign in to read it:\n\n"
                "%(url)s"
            )
            % {"url": settings.BASE_URL + path},
        )
