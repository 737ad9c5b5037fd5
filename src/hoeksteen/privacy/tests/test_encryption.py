"""Sensitive text is encrypted at rest and survives key rotation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from hoeksteen.complaints import actions
from hoeksteen.complaints.actions.base import Actor
from hoeksteen.complaints.actions.intake import ComplaintInput
from hoeksteen.complaints.models import Attachment, Complaint, Letter
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.practice import actions as practice
from hoeksteen.practice.models import Melding, MeldingCategory
from hoeksteen.privacy import crypto, rotation

SECRET = "Zij zei dat de leidinggevende haar in de gang had vastgepakt"


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[list[str]], None]]:
    """Set the keyring for a test; newest key first."""

    def use(new_keys: list[str]) -> None:
        monkeypatch.setenv("HOEKSTEEN_ENCRYPTION_KEYS", ",".join(new_keys))
        crypto.reset()

    use([Fernet.generate_key().decode()])
    yield use
    crypto.reset()


@pytest.fixture
def private_files(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    return tmp_path


def _raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return repr(cursor.fetchall())


def _file_complaint(
    acme: Organisation, complainant: User, make: Callable[..., ComplaintInput]
) -> Complaint:
    pdf = SimpleUploadedFile(
        "verslag.pdf", b"%PDF-1.4 " + SECRET.encode(), content_type="application/pdf"
    )
    return actions.complaint_submit(
        organisation=acme,
        acting_user=complainant,
        anonymous=False,
        data=make(description=SECRET, contact_email="geheim@example.invalid"),
        files=[pdf],
    ).complaint


def test_it_keeps_no_plaintext_of_sensitive_text_in_the_database_or_on_disk(
    keys: Callable[[list[str]], None],
    private_files: Path,
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    complaint_about: Callable[..., ComplaintInput],
) -> None:
    complaint = _file_complaint(acme, complainant, complaint_about)
    actions.complaint_acknowledge(complaint=complaint, actor=Actor(user=hr_handler))
    category = MeldingCategory.objects.filter(organisation=acme).first()
    assert category is not None
    practice.melding_register(
        organisation=acme,
        actor=subject_vp,
        data=practice.MeldingInput(
            first_contact_on=dt.date(2026, 3, 2),
            category_id=category.pk,
            contact_kind="phone",
            notes=SECRET,
            melder_reference="Initialen JvD",
        ),
    )
    for model in (Complaint, Letter, Melding):
        raw = _raw_rows(model._meta.db_table)
        assert SECRET not in raw, model
        assert "leidinggevende" not in raw, model
    assert "geheim@example.invalid" not in _raw_rows(Complaint._meta.db_table)
    assert "JvD" not in _raw_rows(Melding._meta.db_table)
    stored = next(p for p in private_files.rglob("*") if p.is_file())
    assert SECRET.encode() not in stored.read_bytes()
    complaint.refresh_from_db()
    assert complaint.description == SECRET
    assert Attachment.objects.get().file.open("rb").read().endswith(SECRET.encode())


def test_it_rotates_everything_to_the_new_key_so_the_old_one_can_go(
    keys: Callable[[list[str]], None],
    private_files: Path,
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    complaint_about: Callable[..., ComplaintInput],
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keys([old])
    complaint = _file_complaint(acme, complainant, complaint_about)
    keys([new, old])
    call_command("rotate-keys", "--quiet")
    keys([new])  # the old key is gone: everything must still open
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.description == SECRET
    assert Attachment.objects.get().file.open("rb").read().endswith(SECRET.encode())
    assert rotation.rotate_all().rotated == 0  # nothing left under another key


def test_it_resumes_an_interrupted_rotation_without_loss(
    keys: Callable[[list[str]], None],
    private_files: Path,
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    complaint_about: Callable[..., ComplaintInput],
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keys([old])
    complaints = [_file_complaint(acme, complainant, complaint_about) for _ in range(3)]
    keys([new, old])
    with pytest.raises(rotation.Interrupted):
        rotation.rotate_all(batch=1, interrupt_after=2)
    assert rotation.rotate_all(batch=1).rotated > 0
    keys([new])
    for complaint in complaints:
        assert Complaint.objects.get(pk=complaint.pk).description == SECRET


def test_it_refuses_to_open_data_without_a_matching_key(
    keys: Callable[[list[str]], None],
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    complaint_about: Callable[..., ComplaintInput],
) -> None:
    complaint = actions.complaint_submit(
        organisation=acme, acting_user=complainant, anonymous=False, data=complaint_about()
    ).complaint
    keys([Fernet.generate_key().decode()])
    with pytest.raises(crypto.DecryptionError):
        Complaint.objects.get(pk=complaint.pk)
