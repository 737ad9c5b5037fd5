"""Prevention and quality (seed: "Preventieve maatregelen", "Checklists").

The yearly quality conversation with each VP, the two checklists as yearly
self-assessments, and the VP's intervision, training and LVV registration.
The public regulation page and the dashboard derive from these and from the
organisation's configuration; they have no tables of their own.
"""

from hoeksteen.quality.models.checklist import (
    Answer,
    ChecklistAnswer,
    ChecklistAssessment,
    ChecklistKind,
)
from hoeksteen.quality.models.conversation import AgreedAction, QualityConversation
from hoeksteen.quality.models.expertise import (
    ActivityKind,
    LVVRegistration,
    RecertificationNorm,
    TrainingRecord,
)

__all__ = [
    "ActivityKind",
    "AgreedAction",
    "Answer",
    "ChecklistAnswer",
    "ChecklistAssessment",
    "ChecklistKind",
    "LVVRegistration",
    "QualityConversation",
    "RecertificationNorm",
    "TrainingRecord",
]
