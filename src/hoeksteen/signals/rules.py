"""Who may see signals (invariants 2, 3 and 5).

The report — suppressed counts, charts, the CSV and the annual report — is
for the coordinator of the VP function and for the organisation's VPs; for
anyone else it does not exist. The same holds for a year's fixed
publication, which is that report kept. A qualitative signal is the author's alone
while it is a draft. Once released it is shown to the coordinator and the
VPs, and a signal about one melding only while the melder's consent to share
it with the coordinator, anonymised or wider, is in force.

Imported by `hoeksteen.access.apps` so the rule registers with the policy.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from hoeksteen.access import policy
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import Role, User
from hoeksteen.practice.models import Consent, ConsentForm, Recipient
from hoeksteen.signals.models import FrozenPublication, QualitativeSignal

# A signal about one melding goes to the coordinator's page and into the
# annual report the coordinator compiles, in an anonymised description: so
# the melder's consent must name the coordinator as recipient, in the
# anonymised form or a wider one.
SIGNAL_RECIPIENT = Recipient.COORDINATOR
SIGNAL_FORM = ConsentForm.ANONYMISED

READERS = (Role.COORDINATOR, Role.VP)


def may_see_signals(user: policy.AnyUser, organisation: Organisation) -> bool:
    return policy.has_role(user, organisation, *READERS)


def consent_in_force_for_signal() -> Exists:
    """A subquery: the signal's melding has a consent in force that covers releasing it."""
    return Exists(
        Consent.objects.filter(
            melding=OuterRef("melding"),
            recipient=SIGNAL_RECIPIENT,
            form__gte=SIGNAL_FORM,
            confirmed_at__isnull=False,
            withdrawn_at__isnull=True,
        )
    )


@policy.visibility(QualitativeSignal)
def qualitative_signals_visible_to(user: User) -> QuerySet[QualitativeSignal]:
    own_drafts = Q(
        author=user, organisation_id__in=policy.organisation_ids_with_role(user, Role.VP)
    )
    released = Q(
        released_at__isnull=False,
        organisation_id__in=policy.organisation_ids_with_role(user, *READERS),
    ) & (Q(about_one_melding=False) | Q(consent_in_force_for_signal()))
    return QualitativeSignal.objects.filter(own_drafts | released)


@policy.visibility(FrozenPublication)
def frozen_publications_visible_to(user: User) -> QuerySet[FrozenPublication]:
    return FrozenPublication.objects.filter(
        organisation_id__in=policy.organisation_ids_with_role(user, *READERS)
    )
