"""verify-audit finds every kind of tampering and names the first broken link."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from collections.abc import Callable

import pytest
from django.core.management import call_command

from hoeksteen.audit import verify
from hoeksteen.audit.tests import tampering
from hoeksteen.audit.tests.conftest import FROZEN, PYTHON, Record
from hoeksteen.audit.verify import verify_audit

pytestmark = pytest.mark.time_machine(FROZEN, tick=False)


def run_command(*args: str) -> tuple[int, str, str]:
    """Run verify-audit in-process; return its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify-audit", "--quiet", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_it_reports_an_intact_trail_with_a_count(record: Record) -> None:
    record(7, organisation_id=7)
    record(2, organisation_id=None)

    code, out, err = run_command()

    assert (code, err) == (0, "")
    assert "OK: 9 entries in 2 chains verified." in out


def test_it_accepts_an_empty_trail(db: None) -> None:
    assert run_command()[:2] == (0, "OK: 0 entries in 0 chains verified.\n")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("action", "complaint.deleted"),
        ("actor_id", 42),
        ("object_id", "13"),
        ("detail", {"n": 99, "state": "received"}),
        ("created_at", FROZEN - dt.timedelta(microseconds=1)),
        ("prev_hash", "f" * 64),
        ("hash", "f" * 64),
    ],
)
def test_it_names_an_altered_entry(record: Record, field: str, value: object) -> None:
    entries = record(5)
    tampering.alter(entries[2], field, value)

    code, out, err = run_command()

    assert code == 1
    assert out == ""
    assert "BROKEN: chain 7, entry 3:" in err
    assert "(after 2 intact entries)" in err


def test_it_names_the_link_after_an_entry_altered_and_rehashed(record: Record) -> None:
    entries = record(5)
    tampering.rehash(entries[2], "action", "complaint.deleted")

    assert str(verify_audit().broken) == "chain 7, entry 4: does not follow its predecessor"


def test_it_names_the_newest_entry_altered_and_rehashed(record: Record) -> None:
    entries = record(5)
    tampering.rehash(entries[4], "action", "complaint.deleted")

    broken = verify_audit().broken

    assert str(broken) == "chain 7, entry 5: altered (differs from the chain's head)"


def test_it_names_an_entry_deleted_from_the_middle(record: Record) -> None:
    entries = record(5)
    tampering.delete(entries[1])

    code, _out, err = run_command()

    assert code == 1
    assert "BROKEN: chain 7, entry 2: missing (deleted)" in err


def test_it_names_an_entry_deleted_with_the_links_after_it_rewritten(record: Record) -> None:
    entries = record(5)
    tampering.delete_and_relink(entries[1])

    assert str(verify_audit().broken) == "chain 7, entry 2: missing (deleted)"


def test_it_names_an_entry_deleted_from_the_end(record: Record) -> None:
    entries = record(5)
    tampering.delete(entries[-1])

    code, _out, err = run_command()

    assert code == 1
    assert "BROKEN: chain 7, entry 5: missing at the end (deleted)" in err


def test_it_notices_a_chain_emptied_completely(record: Record) -> None:
    for entry in record(2):
        tampering.delete(entry)

    assert str(verify_audit().broken) == "chain 7, entry 1: missing at the end (deleted)"


def test_it_names_the_first_of_two_swapped_entries(record: Record) -> None:
    entries = record(5)
    tampering.swap(entries[2], entries[3])

    broken = verify_audit().broken

    assert broken is not None
    assert (broken.organisation_id, broken.seq) == (7, 3)


def test_it_names_an_entry_deleted_and_inserted_again_unchanged(record: Record) -> None:
    entries = record(5)
    tampering.reinsert(entries[1])

    assert str(verify_audit().broken) == "chain 7, entry 2: out of order (inserted later)"


def test_it_names_an_entry_slipped_into_the_past_with_the_chain_rewritten(
    record: Record,
) -> None:
    entries = record(5)
    tampering.insert_into_the_past(entries[1], action="complaint.withdrawn")

    assert str(verify_audit().broken) == "chain 7, entry 3: out of order (inserted later)"


def test_it_names_an_entry_appended_behind_the_head(record: Record) -> None:
    record(3)
    tampering.append_behind_the_head(7, action="complaint.withdrawn")

    broken = verify_audit().broken

    assert str(broken) == "chain 7, entry 4: not in the chain's head (inserted later)"


def test_it_names_the_broken_chain_and_leaves_the_others_alone(record: Record) -> None:
    record(3, organisation_id=None)
    entries = record(3, organisation_id=7)
    record(3, organisation_id=8)
    tampering.alter(entries[0], "action", "organisation.deleted")

    broken = verify_audit().broken

    assert broken is not None
    assert (broken.organisation_id, broken.seq) == (7, 1)


def verify_audit_process(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and command
        [PYTHON, "-m", "hoeksteen", "verify-audit", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_it_exits_non_zero_as_a_real_command(
    record: Record, subprocess_env: Callable[[], dict[str, str]]
) -> None:
    entries = record(4)
    intact = verify_audit_process(subprocess_env())
    tampering.alter(entries[1], "action", "complaint.deleted")
    broken = verify_audit_process(subprocess_env())

    assert intact.returncode == 0, intact.stderr
    assert intact.stdout == "OK: 4 entries in 1 chains verified.\n"
    assert broken.returncode == 1, broken.stderr
    assert "BROKEN: chain 7, entry 2: altered" in broken.stderr


def test_it_ignores_entries_appended_while_it_runs(
    record: Record, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(2, organisation_id=None)
    record(2, organisation_id=7)
    read_heads = verify._heads
    appended: list[int] = []

    def heads_then_append() -> dict[int, tuple[int, str]]:
        # A writer appends to chain 7 just after the heads are read: once
        # before any entry is checked, and again when verify-audit reads the
        # heads anew to account for entries past the ones it started from.
        heads = read_heads()
        appended.append(record(1, organisation_id=7)[0].seq)
        return heads

    monkeypatch.setattr(verify, "_heads", heads_then_append)

    result = verify_audit()

    assert appended == [3, 4]
    assert result.broken is None
    assert result.checked == 4
