"""Document files no row names are removed once no transaction can still claim them."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hoeksteen.audit.models import AuditEntry
from hoeksteen.audit.verify import verify_audit
from hoeksteen.complaints import actions
from hoeksteen.complaints.actions.intake import ComplaintInput
from hoeksteen.complaints.tests.fixtures_http import pdf
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.privacy.orphans import ORPHAN_AGE, orphan_documents_remove

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def private(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "private"
    return Path(settings.MEDIA_ROOT)


def _stray(root: Path, name: str, age: dt.timedelta) -> Path:
    """A file as a crash leaves it: written, with no row naming it."""
    path = root / "attachments" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"gAAAAA-ciphertext")
    _age(path, age)
    return path


def _age(path: Path, age: dt.timedelta) -> None:
    """Make the file look written `age` before NOW."""
    moment = (NOW - age).timestamp()
    os.utime(path, (moment, moment))


def test_it_removes_an_old_file_no_row_names_and_keeps_every_named_one(
    private: Path,
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    complaint_about: Callable[..., ComplaintInput],
) -> None:
    complaint = actions.complaint_submit(
        organisation=acme,
        acting_user=complainant,
        anonymous=False,
        data=complaint_about(),
        files=[pdf()],
    ).complaint
    named = private / complaint.attachments.get().file.name
    _age(named, ORPHAN_AGE * 24)
    orphan = _stray(private, "0123456789abcdef", ORPHAN_AGE * 2)

    assert orphan_documents_remove(now=NOW) == 1
    assert not orphan.exists()
    assert named.exists()
    assert complaint.attachments.get().file.read().startswith(b"%PDF")
    entry = AuditEntry.objects.get(action="privacy.orphan_documents_removed")
    assert entry.detail == {"count": 1}
    assert verify_audit().broken is None
    assert orphan_documents_remove(now=NOW) == 0


def test_it_leaves_a_young_file_alone_its_transaction_may_still_commit(
    private: Path, db: None
) -> None:
    young = _stray(private, "fedcba9876543210", ORPHAN_AGE / 2)
    assert orphan_documents_remove(now=NOW) == 0
    assert young.exists()
    assert not AuditEntry.objects.filter(action="privacy.orphan_documents_removed").exists()


def test_it_does_nothing_before_any_document_was_stored(private: Path, db: None) -> None:
    assert orphan_documents_remove(now=NOW) == 0
