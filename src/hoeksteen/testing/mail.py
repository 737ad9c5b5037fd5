"""Finding queued e-mails in tests. The address is encrypted at rest, so the
database cannot be asked for it: the messages are read and compared here."""

from __future__ import annotations

from django.db.models import QuerySet

from hoeksteen.outbox.models import OutboxMessage


def queued_to(address: str) -> QuerySet[OutboxMessage]:
    """The messages queued to `address`, as they are now (a query of their ids)."""
    ids = [
        m.pk for m in OutboxMessage.objects.only("pk", "recipient", "to") if m.address == address
    ]
    return OutboxMessage.objects.filter(pk__in=ids)
