"""Who may see the records of privacy by design."""

from __future__ import annotations

from django.db.models import QuerySet

from hoeksteen.access import policy
from hoeksteen.people.models import Role, User
from hoeksteen.privacy.models import Erasure, RetainedMeldingCount


@policy.visibility(RetainedMeldingCount)
def _retained_counts(user: User) -> QuerySet[RetainedMeldingCount]:
    # Raw counts may be below the threshold k: nobody reads them directly;
    # the signals report adds them in and suppresses small cells.
    return RetainedMeldingCount.objects.none()


@policy.visibility(Erasure)
def _erasures(user: User) -> QuerySet[Erasure]:
    return Erasure.objects.filter(
        organisation_id__in=policy.organisation_ids_with_role(user, Role.COORDINATOR)
    )
