"""Fixing a year's publication: published once, kept, shown ever after.

An ended year is published as a whole (`counting.counting_window`). Were it
computed again on every read, a melding registered late for it, another k,
a renamed or merged category or meldingen removed without their counts would
each give a second version of the same year, protected differently, and two
versions laid side by side can reveal what each hides. So the first
publication of an ended year is kept (`FrozenPublication`) and every later
read shows it. Why, and what it costs: docs/adr/0004-fixed-publications.md.

A year is fixed at the first of two moments: the tick after the year ended
(`ended_year_freeze`, for every organisation that was in Hoeksteen during
it), or the first time anyone reads it. A year in which no melding was
counted is not fixed: an empty publication says nothing about anyone, so a
later one cannot be compared with it, and an organisation that starts
registering its meldingen late does not lose that year.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from hoeksteen.audit.actions import audit_record
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.signals import counting
from hoeksteen.signals.figures import figures_of, is_empty
from hoeksteen.signals.models import FrozenPublication
from hoeksteen.signals.suppression import Publication


def publication_freeze(
    *,
    organisation_id: int,
    year: int,
    publication: Publication,
    actor: User | None,
    now: dt.datetime,
) -> tuple[FrozenPublication | None, bool]:
    """Keep `publication` as the organisation's fixed publication of `year`;
    return the kept one and whether it was kept now.

    When another reader or tick runner kept one first, that one is returned
    unchanged and `publication` is dropped: the unique constraint decides
    who was first, not a read before the write. An empty publication is not
    kept: then the one kept before, if any, or None. The audit entry holds
    the year and k, never a count.
    """
    if is_empty(publication):
        return _kept(organisation_id, year), False
    try:
        with transaction.atomic():
            frozen = FrozenPublication.objects.create(
                organisation_id=organisation_id,
                year=year,
                frozen_at=now,
                k=publication.k,
                figures=figures_of(publication),
            )
            audit_record(
                actor=actor,
                organisation_id=organisation_id,
                action="signals.publication_frozen",
                target=frozen,
                detail={"year": year, "k": publication.k},
                now=now,
            )
    except IntegrityError:
        # Another reader or runner kept one between our read and this write.
        return _kept(organisation_id, year), False
    return frozen, True


def _kept(organisation_id: int, year: int) -> FrozenPublication | None:
    return FrozenPublication.objects.filter(organisation_id=organisation_id, year=year).first()


def ended_year_freeze(*, now: dt.datetime) -> int:
    """Fix last year's publication of every organisation that existed before
    this year began, from the day it is published (1 February); return how
    many were fixed now (the tick).

    Idempotent: organisations whose year is fixed already are not counted
    again, and a runner that loses the race to another keeps the other's.
    Organisations that joined later get their earlier years fixed when they
    are first read, so their history can be registered first.
    """
    today = timezone.localdate(now)
    year = today.year - 1
    if not counting.is_published(year, today):
        return 0
    this_year_began = dt.datetime(today.year, 1, 1, tzinfo=timezone.get_current_timezone())
    missing = list(
        Organisation.objects.filter(created_at__lt=this_year_began)
        .exclude(id__in=FrozenPublication.objects.filter(year=year).values("organisation_id"))
        .values_list("id", flat=True)
    )
    # Organisations without a melding that year stay missing, and this runs
    # every minute: find the few with something to publish before counting.
    counted = counting.organisations_counted(year=year, today=today, organisation_ids=missing)
    if not counted:
        return 0
    publications = counting.computed_publications(year=year, today=today, organisation_ids=counted)
    fixed = 0
    for organisation_id, publication in publications.items():
        _frozen, created = publication_freeze(
            organisation_id=organisation_id,
            year=year,
            publication=publication,
            actor=None,
            now=now,
        )
        fixed += created
    return fixed
