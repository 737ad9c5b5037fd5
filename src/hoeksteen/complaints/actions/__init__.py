"""Every change to a complaint file. Each action checks who may do it, checks
the state, makes the change, writes the audit entry and queues the messages,
all in one transaction."""

from hoeksteen.complaints.actions.assessment import (
    complaint_acknowledge,
    complaint_assign_investigator,
    complaint_choose_informal,
    complaint_close_informal,
    complaint_declare_conflict,
    complaint_declare_not_admissible,
    complaint_request_formal,
    complaint_start_investigation,
    complaint_start_review,
)
from hoeksteen.complaints.actions.base import ComplaintError, NotAllowed, WrongStep
from hoeksteen.complaints.actions.conclusion import (
    complaint_add_measure,
    complaint_close,
    complaint_complete_measure,
    complaint_decide,
    complaint_extend,
    complaint_withdraw,
    reflection_save,
)
from hoeksteen.complaints.actions.hearing import (
    complaint_answer_review,
    complaint_inform_vp,
    complaint_name_supporter,
    complaint_record_hearing,
    complaint_record_vp_response,
)
from hoeksteen.complaints.actions.intake import complaint_submit, receipt_open
from hoeksteen.complaints.actions.messages import attachment_add, message_send

__all__ = [
    "ComplaintError",
    "NotAllowed",
    "WrongStep",
    "attachment_add",
    "complaint_acknowledge",
    "complaint_add_measure",
    "complaint_answer_review",
    "complaint_assign_investigator",
    "complaint_choose_informal",
    "complaint_close",
    "complaint_close_informal",
    "complaint_complete_measure",
    "complaint_decide",
    "complaint_declare_conflict",
    "complaint_declare_not_admissible",
    "complaint_extend",
    "complaint_inform_vp",
    "complaint_name_supporter",
    "complaint_record_hearing",
    "complaint_record_vp_response",
    "complaint_request_formal",
    "complaint_start_investigation",
    "complaint_start_review",
    "complaint_submit",
    "complaint_withdraw",
    "message_send",
    "receipt_open",
    "reflection_save",
]
