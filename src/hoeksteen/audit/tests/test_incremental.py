"""verify-audit --incremental starts at the last checkpoint, but trusts it only
while the checkpointed entry itself is unchanged."""

from __future__ import annotations

import pytest

from hoeksteen.audit.models import AuditCheckpoint
from hoeksteen.audit.tests import tampering
from hoeksteen.audit.tests.conftest import FROZEN, Record
from hoeksteen.audit.tests.test_verify import run_command
from hoeksteen.audit.verify import verify_audit

pytestmark = pytest.mark.time_machine(FROZEN, tick=False)


def test_it_sets_a_checkpoint_at_the_end_of_each_intact_chain(record: Record) -> None:
    last = record(3)[-1]

    assert verify_audit().broken is None

    checkpoint = AuditCheckpoint.objects.get(organisation_id=7)
    assert (checkpoint.seq, checkpoint.hash, checkpoint.verified_at) == (3, last.hash, FROZEN)


def test_it_checks_only_the_entries_after_the_checkpoint(record: Record) -> None:
    old = record(3)
    verify_audit()
    record(2)

    assert run_command("--incremental")[:2] == (0, "OK: 2 entries in 1 chains verified.\n")
    # What came before the checkpoint is left to the full run.
    tampering.alter(old[0], "action", "complaint.deleted")
    assert verify_audit(incremental=True).broken is None
    assert str(verify_audit().broken) == "chain 7, entry 1: altered"


def test_it_moves_the_checkpoint_forward(record: Record) -> None:
    record(3)
    verify_audit()
    newest = record(2)[-1]

    assert verify_audit(incremental=True).checked == 2
    assert verify_audit(incremental=True).checked == 0
    assert AuditCheckpoint.objects.get(organisation_id=7).hash == newest.hash


@pytest.mark.parametrize(
    ("field", "value"), [("action", "complaint.deleted"), ("hash", "f" * 64), ("seq", 99)]
)
def test_it_falls_back_to_a_full_check_when_the_checkpointed_entry_changed(
    record: Record, field: str, value: object
) -> None:
    entries = record(3)
    verify_audit()
    record(2)
    tampering.alter(entries[2], field, value)

    code, _out, err = run_command("--incremental")

    assert code == 1
    assert "BROKEN: chain 7, entry 3:" in err


def test_it_falls_back_to_a_full_check_when_the_checkpointed_entry_is_gone(
    record: Record,
) -> None:
    entries = record(3)
    verify_audit()
    record(1)
    tampering.delete(entries[2])

    assert str(verify_audit(incremental=True).broken) == "chain 7, entry 3: missing (deleted)"


def test_it_catches_tampering_after_the_checkpoint(record: Record) -> None:
    record(3)
    verify_audit()
    later = record(3)
    tampering.alter(later[1], "detail", {"n": 1, "state": "closed"})

    code, _out, err = run_command("--incremental")

    assert code == 1
    assert "BROKEN: chain 7, entry 5: altered (after 1 intact entries)" in err
