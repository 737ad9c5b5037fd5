"""A document's name and digest are encrypted at rest, like the document."""

from __future__ import annotations

import hashlib
import importlib

from django.apps import apps
from django.db import connection

from hoeksteen.complaints.models import Attachment
from hoeksteen.complaints.tests.fixtures_http import (  # noqa: F401 (autouse fixture)
    PDF_BYTES,
    case_url,
    client_for,
    file_complaint,
    http_isolation,
    pdf,
)
from hoeksteen.people.models import User

migration = importlib.import_module(
    "hoeksteen.complaints.migrations.0004_attachment_name_and_digest_encrypted"
)
NAME = "klacht over J. de Vries.pdf"
DIGEST = hashlib.sha256(PDF_BYTES).hexdigest()
COLUMNS = ["name", "digest", "original_name", "sha256"]


def _stored(attachment: Attachment) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(COLUMNS)} FROM complaints_attachment WHERE id = %s",  # noqa: S608
            [attachment.pk],
        )
        row = cursor.fetchone()
    return dict(zip(COLUMNS, row, strict=True))


def _filed(complainant: User, subject_vp: User) -> Attachment:
    response = file_complaint(client_for(complainant), subject_vp, documents=[pdf(NAME)])
    assert response.status_code == 302
    return Attachment.objects.get()


def test_a_new_document_keeps_its_name_and_digest_only_encrypted(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    attachment = _filed(complainant, subject_vp)

    stored = _stored(attachment)
    assert stored["original_name"] == stored["sha256"] == ""
    assert "Vries" not in stored["name"]
    assert DIGEST not in stored["digest"]
    assert (attachment.display_name, attachment.digest) == (NAME, DIGEST)
    page = client_for(hr_handler).get(case_url(attachment.complaint)).content.decode()
    assert NAME in page
    download = client_for(hr_handler).get(
        f"{case_url(attachment.complaint)}document/{attachment.pk}/"
    )
    assert "Vries.pdf" in download["Content-Disposition"]


def test_the_migration_encrypts_what_an_older_release_wrote_in_clear(
    complainant: User, subject_vp: User
) -> None:
    attachment = _filed(complainant, subject_vp)
    Attachment.objects.filter(pk=attachment.pk).update(
        name="", digest="", original_name=NAME, sha256=DIGEST
    )
    assert Attachment.objects.get(pk=attachment.pk).display_name == NAME

    migration.encrypt_names(apps, None)

    stored = _stored(attachment)
    assert stored["original_name"] == stored["sha256"] == ""
    assert "Vries" not in stored["name"]
    fresh = Attachment.objects.get(pk=attachment.pk)
    assert (fresh.name, fresh.digest) == (NAME, DIGEST)


def test_the_migration_can_be_reversed(complainant: User, subject_vp: User) -> None:
    attachment = _filed(complainant, subject_vp)

    migration.decrypt_names(apps, None)

    assert _stored(attachment)["original_name"] == NAME
    assert _stored(attachment)["sha256"] == DIGEST
