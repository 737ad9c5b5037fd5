from __future__ import annotations

import pytest

from hoeksteen.complaints.actions.intake import ComplaintInput
from hoeksteen.people.models import User


@pytest.fixture
def complaint_about(subject_vp: User):  # type: ignore[no-untyped-def]
    """Input for a complaint about `subject_vp`; override fields with keywords."""

    def make(**overrides: object) -> ComplaintInput:
        values: dict[str, object] = {
            "subject_vp_id": subject_vp.pk,
            "category": "not_heard",
            "description": "Ik voelde me niet gehoord toen ik mijn melding deed.",
            "desired_outcome": "Een gesprek.",
            "vp_may_read_description": True,
            "vp_may_know_identity": False,
            "language": "nl",
        }
        values.update(overrides)
        return ComplaintInput(**values)  # type: ignore[arg-type]

    return make
