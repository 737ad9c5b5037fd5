"""The procedure as one pure transition table (seed: "De eerste stap" to "Herstel").

received → acknowledged → {not admissible → closed | informal → closed |
procedural review | independent investigation} → decided → closed, and
withdrawn from any state that is not final. Which transition may happen is
decided here, without a database; `complaints.actions` performs them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged, being assessed")
    INFORMAL = "informal", _("Informal route (conversation or mediation)")
    REVIEW = "review", _("Procedural review")
    INVESTIGATION = "investigation", _("Independent investigation")
    DECIDED = "decided", _("Decided, recovery under way")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Transition(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledge receipt")
    NOT_ADMISSIBLE = "not_admissible", _("Declare not admissible")
    INFORMAL = "informal", _("Choose the informal route")
    CLOSE_INFORMAL = "close_informal", _("Record the informal outcome and close")
    FORMAL_REQUESTED = "formal_requested", _("Ask for the formal route")
    START_REVIEW = "start_review", _("Start a procedural review")
    START_INVESTIGATION = "start_investigation", _("Start an independent investigation")
    DECIDE = "decide", _("Decide")
    CLOSE = "close", _("Close")
    WITHDRAW = "withdraw", _("Withdraw")


TRANSITIONS: dict[Transition, tuple[frozenset[State], State]] = {
    Transition.ACKNOWLEDGE: (frozenset({State.RECEIVED}), State.ACKNOWLEDGED),
    Transition.NOT_ADMISSIBLE: (frozenset({State.ACKNOWLEDGED}), State.CLOSED),
    Transition.INFORMAL: (frozenset({State.ACKNOWLEDGED}), State.INFORMAL),
    Transition.CLOSE_INFORMAL: (frozenset({State.INFORMAL}), State.CLOSED),
    # After an informal route, also once it is closed, the complainant may
    # still ask for the formal procedure; the handler then assesses again.
    Transition.FORMAL_REQUESTED: (frozenset({State.INFORMAL, State.CLOSED}), State.ACKNOWLEDGED),
    Transition.START_REVIEW: (frozenset({State.ACKNOWLEDGED}), State.REVIEW),
    # A review that turns out to be about something serious becomes an investigation.
    Transition.START_INVESTIGATION: (
        frozenset({State.ACKNOWLEDGED, State.REVIEW}),
        State.INVESTIGATION,
    ),
    Transition.DECIDE: (frozenset({State.REVIEW, State.INVESTIGATION}), State.DECIDED),
    Transition.CLOSE: (frozenset({State.DECIDED}), State.CLOSED),
    Transition.WITHDRAW: (
        frozenset(set(State) - {State.CLOSED, State.WITHDRAWN}),
        State.WITHDRAWN,
    ),
}

OPEN_STATES = frozenset(set(State) - {State.CLOSED, State.WITHDRAWN})
# States in which the subject VP takes part (is informed, responds, is heard).
FORMAL_STATES = frozenset({State.REVIEW, State.INVESTIGATION, State.DECIDED})


class WrongState(Exception):
    """A transition was asked for in a state that does not allow it."""

    def __init__(self, transition: Transition, state: State) -> None:
        self.transition, self.state = transition, state
        super().__init__(f"{transition} is not possible in state {state}")


def target_of(transition: Transition, state: State) -> State:
    """The state after `transition`, or WrongState."""
    sources, target = TRANSITIONS[transition]
    if state not in sources:
        raise WrongState(transition, state)
    return target


def allowed(state: State) -> list[Transition]:
    return [t for t, (sources, _target) in TRANSITIONS.items() if state in sources]
