"""audit_record appends to one chain per organisation, inside the caller's transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from hoeksteen.audit.actions import audit_record
from hoeksteen.audit.chain import GENESIS, PLATFORM_CHAIN
from hoeksteen.audit.models import AuditChainHead, AuditEntry
from hoeksteen.audit.tests.conftest import FROZEN, Record
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User

pytestmark = pytest.mark.time_machine(FROZEN, tick=False)


class ChangeFailedError(Exception):
    pass


def record_two_then_fail() -> None:
    with transaction.atomic():
        audit_record(actor=None, organisation_id=7, action="complaint.acknowledged")
        audit_record(actor=None, organisation_id=8, action="complaint.acknowledged")
        raise ChangeFailedError


def test_it_links_each_entry_to_the_one_before(record: Record) -> None:
    first, second, third = record(3)

    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert [first.prev_hash, second.prev_hash, third.prev_hash] == [
        GENESIS,
        first.hash,
        second.hash,
    ]
    head = AuditChainHead.objects.get(organisation_id=7)
    assert (head.seq, head.hash) == (3, third.hash)


def test_it_keeps_one_chain_per_organisation(
    acme: Organisation, other_org: Organisation, complainant: User
) -> None:
    in_acme = audit_record(
        actor=complainant, organisation_id=acme.pk, action="complaint.filed", target=acme
    )
    on_platform = audit_record(actor=complainant, organisation_id=None, action="auth.signed_in")

    # each organisation_create wrote entry 1 of its own chain
    assert (in_acme.organisation_id, in_acme.seq) == (acme.pk, 2)
    assert (on_platform.organisation_id, on_platform.seq) == (PLATFORM_CHAIN, 1)
    assert AuditChainHead.objects.get(organisation_id=other_org.pk).seq == 1
    assert (in_acme.actor_id, in_acme.object_type, in_acme.object_id, in_acme.created_at) == (
        complainant.pk,
        "organisations.organisation",
        str(acme.pk),
        FROZEN,
    )


# Transactional, so the change really rolls back (not to a savepoint).
@pytest.mark.django_db(transaction=True)
def test_it_leaves_nothing_when_the_change_rolls_back(record: Record) -> None:
    (kept,) = record(1)

    with pytest.raises(ChangeFailedError):
        record_two_then_fail()

    assert list(AuditEntry.objects.all()) == [kept]
    head = AuditChainHead.objects.get(organisation_id=7)
    assert (head.seq, head.hash) == (1, kept.hash)
    assert not AuditChainHead.objects.filter(organisation_id=8).exists()
    assert audit_record(actor=None, organisation_id=7, action="complaint.viewed").seq == 2


def test_it_refuses_to_change_or_delete_an_entry_through_the_model(record: Record) -> None:
    (entry,) = record(1)
    entry.action = "complaint.deleted"

    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


@pytest.mark.parametrize("detail", [{"score": 1e20}, {"scores": [1, {"x": -0.0}]}])
def test_it_refuses_a_float_that_would_not_hash_the_same_when_read_back(
    db: None, detail: dict[str, object]
) -> None:
    with pytest.raises(TypeError):
        audit_record(actor=None, organisation_id=7, action="signals.reported", detail=detail)

    assert not AuditEntry.objects.exists()
