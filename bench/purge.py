"""Benchmark: the retention purge against a bare DELETE of the same rows.

    .venv/bin/python bench/purge.py --database-url postgres://…/db --scale 1

Data: the organisation `bench-purge` (made here if missing, with a VP and its
regulation) gets 1,000 x scale expired meldingen (closed long before the
melding term; 100,000 at --scale 100), each with a consent record, spread
over its categories, departments and two years, and a tenth as many recent
ones that must stay. Only this organisation is touched; other organisations
in the database (bench/generate's) are left alone.

Figures, each repetition on freshly loaded rows (loading is not timed):

* purge — `retention.purge_organisation` for bench-purge: claiming batches
  under a lock, counting them into RetainedMeldingCount, an audit entry per
  batch, deleting the meldingen and what hangs on them;
* bare — the same rows gone with two DELETE statements (their consent
  records, then the meldingen) in one transaction: purge / bare ≤ 3.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _jobs import Results, median, options, say, setup

BAR = 3.0
NOW = dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)


def main() -> None:
    args = options(__doc__.split("\n\n")[0]).parse_args()
    setup(args.database_url)
    results = Results("purge", args.scale)
    expired = 1_000 * args.scale
    organisation, vp = organisation_with_vp()
    purges, bares = [], []
    for i in range(args.repeat):
        load(organisation, vp, expired)
        purges.append(time_purge(organisation, expired))
        load(organisation, vp, expired)
        bares.append(time_bare(organisation, expired))
        say(f"    repetition {i + 1}: purge {purges[-1]:.3f} s, bare {bares[-1]:.3f} s")
    purge, bare = median(purges), median(bares)
    results.add("purge", purge, "s", detail=f"{expired:,} expired meldingen with consents")
    results.add("purge_per_s", expired / purge, "per s")
    results.add("bare_delete", bare, "s", detail="DELETE consents, DELETE meldingen")
    results.add("purge_vs_bare", purge / bare, "x", ratio=purge / bare, bar=BAR)
    if not results.write(args.results):
        say("A bar does not hold.")


def organisation_with_vp() -> tuple[object, object]:
    from hoeksteen.organisations.actions import organisation_create
    from hoeksteen.organisations.models import Organisation
    from hoeksteen.people.models import Membership, Role, User

    organisation = Organisation.objects.filter(slug="bench-purge").first() or organisation_create(
        name="Bench purge", slug="bench-purge", acting_user=None
    )
    vp, _ = User.objects.get_or_create(username="bench-purge-vp")
    Membership.objects.get_or_create(
        organisation=organisation, user=vp, role=Role.VP, defaults={"vp_kind": "internal"}
    )
    return organisation, vp


def load(organisation: object, vp: object, expired: int) -> None:
    """Replace bench-purge's meldingen: `expired` long closed, a tenth recent."""
    from django.db import connection, transaction

    from hoeksteen.practice.models import Consent, Department, MeldingCategory
    from hoeksteen.privacy.models import RetainedMeldingCount

    org = organisation.pk  # type: ignore[attr-defined]
    for d in range(Department.objects.filter(organisation_id=org).count(), 6):
        Department.objects.create(organisation_id=org, name=f"Afdeling {d}")
    categories = list(
        MeldingCategory.objects.filter(organisation_id=org).values_list("pk", flat=True)
    )
    departments = list(Department.objects.filter(organisation_id=org).values_list("pk", flat=True))
    # One ciphertext for every consent's scope: the field encrypts on the way in.
    scope = Consent._meta.get_field("scope").get_prep_value("Alleen de afdeling.")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM practice_consent WHERE organisation_id = %s; "
            "DELETE FROM practice_melding WHERE organisation_id = %s",
            [org, org],
        )
        RetainedMeldingCount.objects.filter(organisation_id=org).delete()
        for count, closed in ((expired, "2022-01-01"), (expired // 10, "2026-05-01")):
            cursor.execute(
                """
                INSERT INTO practice_melding (
                    organisation_id, holder_id, registered_by_id, first_contact_on, category_id,
                    contact_kind, department_id, melder_reference, referral, outcome, notes,
                    created_at, closed_on)
                SELECT %(org)s, %(vp)s, %(vp)s,
                       %(closed)s::date - 730 + (i * 7919) %% 700,
                       (%(categories)s::bigint[])[1 + (i * 31) %% %(c)s],
                       'in_person',
                       CASE WHEN i %% 7 = 0 THEN NULL
                            ELSE (%(departments)s::bigint[])[1 + (i * 13) %% %(d)s] END,
                       '', 'none', '', '', now(), %(closed)s::date
                FROM generate_series(1, %(count)s) AS i
                """,
                {
                    "org": org,
                    "vp": vp.pk,  # type: ignore[attr-defined]
                    "closed": closed,
                    "categories": categories,
                    "c": len(categories),
                    "departments": departments,
                    "d": len(departments),
                    "count": count,
                },
            )
        cursor.execute(
            """
            INSERT INTO practice_consent (organisation_id, melding_id, recipient, form, scope,
                                          recorded_at, confirmed_via)
            SELECT organisation_id, id, 'coordinator', 1, %s, now(), ''
            FROM practice_melding WHERE organisation_id = %s
            """,
            [scope, org],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE practice_melding; ANALYZE practice_consent")


def time_purge(organisation: object, expired: int) -> float:
    from hoeksteen.organisations.models import ComplaintRegulation
    from hoeksteen.practice.models import Melding
    from hoeksteen.privacy.retention import purge_organisation

    regulation = ComplaintRegulation.objects.select_related("organisation").get(
        organisation=organisation
    )
    start = time.perf_counter()
    purged = purge_organisation(regulation=regulation, now=NOW)
    seconds = time.perf_counter() - start
    left = Melding.objects.filter(organisation=organisation).count()
    if purged.meldingen != expired or left != expired // 10:
        sys.exit(f"purge removed {purged.meldingen}, left {left}: not what expired")
    return seconds


def time_bare(organisation: object, expired: int) -> float:
    from django.db import connection, transaction

    org = organisation.pk  # type: ignore[attr-defined]
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM practice_consent WHERE melding_id IN (SELECT id FROM practice_melding "
            "WHERE organisation_id = %s AND closed_on < %s)",
            [org, "2023-01-01"],
        )
        cursor.execute(
            "DELETE FROM practice_melding WHERE organisation_id = %s AND closed_on < %s",
            [org, "2023-01-01"],
        )
        deleted = cursor.rowcount
    seconds = time.perf_counter() - start
    if deleted != expired:
        sys.exit(f"bare DELETE removed {deleted}, not {expired}")
    return seconds


if __name__ == "__main__":
    main()
