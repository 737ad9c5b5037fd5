"""Documents: checked by content and size, stored privately, served by case role."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hoeksteen.complaints.models import Attachment, Complaint
from hoeksteen.complaints.tests.fixtures_http import (  # noqa: F401 (autouse fixture)
    PDF_BYTES,
    case_url,
    client_for,
    complaint_by,
    english,
    file_complaint,
    http_isolation,
    in_review,
    informed,
    pdf,
    post_step,
    refreshed,
    text,
)
from hoeksteen.people.models import User


def _private_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _files_on_disk(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _assert_nothing_stored(root: Path) -> None:
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()
    assert _files_on_disk(root) == []


def _document_url(attachment: Attachment) -> str:
    return f"{case_url(attachment.complaint)}document/{attachment.pk}/"


def test_it_refuses_an_oversized_file_at_intake(
    settings: object, complainant: User, subject_vp: User, hr_handler: User
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 100  # type: ignore[attr-defined]
    big = pdf(content=PDF_BYTES + b"0" * 100)

    response = file_complaint(client_for(complainant), subject_vp, documents=[big])

    assert response.status_code == 400
    assert "verslag.pdf" in text(response)
    assert "is larger than" in text(response)
    _assert_nothing_stored(_private_root())


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("programma.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"),
        ("pagina.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("pagina.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("archief.zip", b"PK\x03\x04" + b"\x00" * 40),
        ("binair.txt", b"\x00\x01\x02\x03" * 8),
    ],
)
def test_it_refuses_a_file_whose_content_is_not_an_accepted_kind(
    name: str,
    content: bytes,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
) -> None:
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")

    response = file_complaint(english(), subject_vp, documents=[upload])

    assert response.status_code == 400
    assert "is not a kind we accept" in text(response)
    _assert_nothing_stored(_private_root())


@pytest.mark.parametrize("name", ["leeg.pdf", "leeg.txt"])
def test_it_refuses_an_empty_file(
    name: str, complainant: User, subject_vp: User, hr_handler: User
) -> None:
    empty = SimpleUploadedFile(name, b"", content_type="text/plain")

    response = file_complaint(client_for(complainant), subject_vp, documents=[empty])

    assert response.status_code == 400
    assert "is empty" in text(response)
    _assert_nothing_stored(_private_root())


def test_it_refuses_an_empty_document_in_a_step(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = complaint_by(complainant, subject_vp)
    empty = SimpleUploadedFile("leeg.txt", b"", content_type="text/plain")

    response = post_step(client_for(complainant), complaint, "document", document=empty)

    assert response.status_code == 400
    assert "is empty" in text(response)
    assert not Attachment.objects.exists()


def test_it_refuses_too_many_files(complainant: User, subject_vp: User, hr_handler: User) -> None:
    files = [pdf(f"stuk-{n}.pdf") for n in range(settings.ATTACHMENT_MAX_COUNT + 1)]

    response = file_complaint(client_for(complainant), subject_vp, documents=files)

    assert response.status_code == 400
    assert f"at most {settings.ATTACHMENT_MAX_COUNT} documents" in text(response)
    _assert_nothing_stored(_private_root())


def test_it_stores_nothing_when_one_of_several_files_is_refused(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    bad = SimpleUploadedFile("nep.pdf", b"<html></html>", content_type="application/pdf")

    response = file_complaint(client_for(complainant), subject_vp, documents=[pdf("goed.pdf"), bad])

    assert response.status_code == 400
    _assert_nothing_stored(_private_root())


def test_it_stores_a_pdf_privately_encrypted_under_a_random_name(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    response = file_complaint(
        client_for(complainant), subject_vp, documents=[pdf("mijn verslag.pdf")]
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(_private_root())
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT))
    assert "verslag" not in stored.name
    assert PDF_BYTES not in stored.read_bytes()  # encrypted at rest
    assert attachment.name == "mijn verslag.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.digest == hashlib.sha256(PDF_BYTES).hexdigest()
    assert attachment.shown_to_vp is False
    assert _files_on_disk(_private_root()) == [stored]
    assert _download(client_for(hr_handler), attachment) == 200


def _download(client: Client, attachment: Attachment) -> int:
    response = client.get(_document_url(attachment))
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
    return int(response.status_code)


def test_it_serves_a_document_only_to_those_whose_case_role_allows_it(
    complainant: User,
    subject_vp: User,
    colleague_vp: User,
    coordinator: User,
    outsider: User,
    hr_handler: User,
) -> None:
    file_complaint(
        client_for(complainant), subject_vp, vp_may_read_description="on", documents=[pdf()]
    )
    attachment = Attachment.objects.get()
    complaint = attachment.complaint
    assert _download(client_for(hr_handler), attachment) == 200
    assert _download(client_for(complainant), attachment) == 200
    assert _download(client_for(subject_vp), attachment) == 404  # not informed yet
    assert _download(english(), attachment) == 404

    informed(complaint, hr_handler)

    assert refreshed(complaint).attachments.get().shown_to_vp is True
    assert _download(client_for(subject_vp), attachment) == 200
    for nobody in (colleague_vp, coordinator, outsider):
        assert _download(client_for(nobody), attachment) == 404


def test_it_keeps_a_document_from_the_vp_without_the_complainants_consent(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    file_complaint(
        client_for(complainant), subject_vp, vp_may_read_description=None, documents=[pdf()]
    )
    attachment = Attachment.objects.get()
    assert attachment.complaint.vp_may_read_description is False

    informed(attachment.complaint, hr_handler)

    assert _download(client_for(hr_handler), attachment) == 200
    vp = client_for(subject_vp)
    assert _download(vp, attachment) == 404
    assert "verslag.pdf" not in text(vp.get(case_url(attachment.complaint)))


def test_it_keeps_a_document_from_another_case_out_of_reach(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    file_complaint(client_for(complainant), subject_vp, documents=[pdf()])
    attachment = Attachment.objects.get()
    other = complaint_by(complainant, subject_vp, description="Een andere klacht.")

    response = client_for(hr_handler).get(f"{case_url(other)}document/{attachment.pk}/")

    assert response.status_code == 404


def test_it_adds_a_document_to_a_case_through_its_step(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = in_review(complaint_by(complainant, subject_vp), hr_handler)
    handler = client_for(hr_handler)

    refused = post_step(
        handler,
        complaint,
        "document",
        document=SimpleUploadedFile("x.pdf", b"<html></html>", content_type="application/pdf"),
    )
    assert refused.status_code == 400
    assert "is not a kind we accept" in text(refused)
    assert not Attachment.objects.exists()
    assert _files_on_disk(_private_root()) == []

    added = post_step(handler, complaint, "document", document=pdf("notitie.pdf"))
    assert added.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.added_by_party == "handler"
    assert attachment.shown_to_vp is False
    assert _download(client_for(complainant), attachment) == 200


def test_it_refuses_an_oversized_document_in_a_step(
    settings: object, complainant: User, subject_vp: User, hr_handler: User
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 100  # type: ignore[attr-defined]
    complaint = complaint_by(complainant, subject_vp)

    response = post_step(
        client_for(complainant), complaint, "document", document=pdf(content=PDF_BYTES * 3)
    )

    assert response.status_code == 400
    assert "is larger than" in text(response)
    assert not Attachment.objects.exists()
    assert _files_on_disk(_private_root()) == []
