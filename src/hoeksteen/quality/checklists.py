"""The seed's two checklists and the answers the data can suggest.

Pure: the questions, and functions from counted facts to a suggested
answer with its basis in one sentence. No database, no clock. The counts
come from quality.facts; a person always gives the answer, the suggestion
is pre-filled and marked as coming from the data.

The questions are the seed's ("Checklists"), in English as message ids; the
Dutch catalogue holds the seed's own words (see the Translators comments).

Thresholds for a share (role explained, consent documented): yes from 90%,
partly from 50%, no below; no meldingen this year suggests nothing.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hoeksteen.organisations.models import Route
from hoeksteen.quality.models import Answer, ChecklistKind

SHARE_YES_PERCENT = 90
SHARE_PARTLY_PERCENT = 50


@dataclasses.dataclass(frozen=True)
class Item:
    key: str
    kind: ChecklistKind
    number: int
    question: Promise
    derivable: bool


ORGANISATION_ITEMS = (
    Item(
        "org.independent_procedure",
        ChecklistKind.ORGANISATION,
        1,
        # Translators: seed: "Is er een onafhankelijke procedure voor klachten over
        # vertrouwenspersonen?"
        gettext_lazy(
            "Is there an independent procedure for complaints about confidential advisers?"
        ),
        derivable=True,
    ),
    Item(
        "org.periodic_evaluation",
        ChecklistKind.ORGANISATION,
        2,
        # Translators: seed: "Worden vertrouwenspersonen periodiek geëvalueerd op kwaliteit en
        # rolzuiverheid?"
        gettext_lazy(
            "Are confidential advisers evaluated periodically on quality and purity of role?"
        ),
        derivable=True,
    ),
    Item(
        "org.external_backup",
        ChecklistKind.ORGANISATION,
        3,
        # Translators: seed: "Is er een externe back-up of vervanger beschikbaar?"
        gettext_lazy("Is there an external backup or substitute available?"),
        derivable=True,
    ),
    Item(
        "org.employees_know_where",
        ChecklistKind.ORGANISATION,
        4,
        # Translators: seed: "Weten medewerkers waar ze terecht kunnen als ze onvrede hebben?"
        gettext_lazy("Do employees know where they can turn when they are dissatisfied?"),
        derivable=False,
    ),
    Item(
        "org.vp_supported",
        ChecklistKind.ORGANISATION,
        5,
        # Translators: seed: "Wordt de vertrouwenspersoon ondersteund bij emotioneel belastende
        # casussen?"
        gettext_lazy("Is the confidential adviser supported in emotionally demanding cases?"),
        derivable=False,
    ),
)

VP_ITEMS = (
    Item(
        "vp.explains_role",
        ChecklistKind.VP,
        1,
        # Translators: seed: "Geef ik in elk eerste gesprek uitleg over mijn rol en grenzen?"
        gettext_lazy("Do I explain my role and its limits in every first conversation?"),
        derivable=True,
    ),
    Item(
        "vp.documents_consent",
        ChecklistKind.VP,
        2,
        # Translators: seed: "Documenteer ik toestemming voor informatieverstrekking?"
        gettext_lazy("Do I document consent for sharing information?"),
        derivable=True,
    ),
    Item(
        "vp.reflects",
        ChecklistKind.VP,
        3,
        # Translators: seed: "Reflecteer ik op feedback of onvrede?"
        gettext_lazy("Do I reflect on feedback or dissatisfaction?"),
        derivable=False,
    ),
    Item(
        "vp.knows_where_to_turn",
        ChecklistKind.VP,
        4,
        # Translators: seed: "Weet ik bij wie ik terecht kan als er een klacht over mij komt?"
        gettext_lazy("Do I know whom I can turn to if a complaint about me comes in?"),
        derivable=False,
    ),
    Item(
        "vp.intervision",
        ChecklistKind.VP,
        5,
        # Translators: seed: "Neem ik deel aan intervisie en bijscholing?"
        gettext_lazy("Do I take part in intervision and further training?"),
        derivable=True,
    ),
)

ITEMS = {ChecklistKind.ORGANISATION: ORGANISATION_ITEMS, ChecklistKind.VP: VP_ITEMS}


@dataclasses.dataclass(frozen=True)
class Suggestion:
    """What the data suggests, and the sentence it rests on."""

    answer: Answer
    basis: str


def share_answer(part: int, whole: int) -> Answer | None:
    if whole <= 0:
        return None
    if 100 * part >= SHARE_YES_PERCENT * whole:
        return Answer.YES
    if 100 * part >= SHARE_PARTLY_PERCENT * whole:
        return Answer.PARTLY
    return Answer.NO


def _all_some_none(part: int, whole: int) -> Answer:
    if part >= whole:
        return Answer.YES
    return Answer.PARTLY if part > 0 else Answer.NO


# --- the organisation's checklist ----------------------------------------------


@dataclasses.dataclass(frozen=True)
class OrganisationFacts:
    routes_in_use: frozenset[str]
    routes_with_handler: frozenset[str]
    active_vps: int
    conversations_held: int  # active VPs whose conversation of the year was held
    backup_vp_named: bool
    has_external_vp: bool


def suggest_independent_procedure(facts: OrganisationFacts) -> Suggestion | None:
    """Published it always is (the public regulation page); independent it is
    when every route the organisation's VPs need has a handler."""
    if not facts.routes_in_use:
        return None
    covered = facts.routes_in_use & facts.routes_with_handler
    missing = sorted(facts.routes_in_use - facts.routes_with_handler)
    answer = _all_some_none(len(covered), len(facts.routes_in_use))
    if answer == Answer.YES:
        basis = _(
            "The complaint regulation is published on its public page, and every route it "
            "needs has a handler."
        )
    else:
        basis = _(
            "The complaint regulation is published on its public page, but no one holds the "
            "handler role for: %(routes)s."
        ) % {"routes": ", ".join(str(Route(value).label) for value in missing)}
    return Suggestion(answer, basis)


def suggest_periodic_evaluation(facts: OrganisationFacts, *, year: int) -> Suggestion | None:
    if facts.active_vps == 0:
        return None
    return Suggestion(
        _all_some_none(facts.conversations_held, facts.active_vps),
        ngettext(
            "In %(year)s, %(held)s of %(total)s VP had their quality conversation.",
            "In %(year)s, %(held)s of %(total)s VPs had their quality conversation.",
            facts.active_vps,
        )
        % {"year": year, "held": facts.conversations_held, "total": facts.active_vps},
    )


def suggest_external_backup(facts: OrganisationFacts) -> Suggestion:
    if facts.backup_vp_named:
        return Suggestion(Answer.YES, _("The complaint regulation names an external backup VP."))
    if facts.has_external_vp:
        return Suggestion(
            Answer.PARTLY,
            _(
                "The organisation has an external VP, but the complaint regulation names no "
                "external backup VP."
            ),
        )
    return Suggestion(
        Answer.NO,
        _("The complaint regulation names no external backup VP, and there is no external VP."),
    )


def suggest_organisation(facts: OrganisationFacts, *, year: int) -> dict[str, Suggestion]:
    found = {
        "org.independent_procedure": suggest_independent_procedure(facts),
        "org.periodic_evaluation": suggest_periodic_evaluation(facts, year=year),
        "org.external_backup": suggest_external_backup(facts),
    }
    return {key: value for key, value in found.items() if value is not None}


# --- the VP's own checklist ----------------------------------------------------


@dataclasses.dataclass(frozen=True)
class VPFacts:
    meldingen: int  # the VP's meldingen of the year
    role_explained: int  # of which the role explanation was recorded
    with_consent: int  # of which at least one consent was recorded
    intervision_hours: Decimal  # in the year
    training_hours: Decimal  # training and other development in the year


def suggest_explains_role(facts: VPFacts) -> Suggestion | None:
    answer = share_answer(facts.role_explained, facts.meldingen)
    if answer is None:
        return None
    return Suggestion(
        answer,
        ngettext(
            "You recorded explaining your role in %(part)s of your %(whole)s melding this year.",
            "You recorded explaining your role in %(part)s of your %(whole)s meldingen this year.",
            facts.meldingen,
        )
        % {"part": facts.role_explained, "whole": facts.meldingen},
    )


def suggest_documents_consent(facts: VPFacts) -> Suggestion | None:
    answer = share_answer(facts.with_consent, facts.meldingen)
    if answer is None:
        return None
    return Suggestion(
        answer,
        ngettext(
            "You recorded a consent in %(part)s of your %(whole)s melding this year.",
            "You recorded a consent in %(part)s of your %(whole)s meldingen this year.",
            facts.meldingen,
        )
        % {"part": facts.with_consent, "whole": facts.meldingen},
    )


def format_hours(hours: Decimal) -> str:
    """2 or 2.5, in the active language's notation (the databases differ in 2 and 2.0)."""
    places = 0 if hours == hours.to_integral_value() else 1
    return number_format(hours, decimal_pos=places)


def suggest_intervision(facts: VPFacts) -> Suggestion:
    took_part = (facts.intervision_hours > 0) + (facts.training_hours > 0)
    answer = _all_some_none(took_part, 2)
    return Suggestion(
        answer,
        _(
            "This year you recorded %(intervision)s hours of intervision and %(training)s "
            "hours of training and other development."
        )
        % {
            "intervision": format_hours(facts.intervision_hours),
            "training": format_hours(facts.training_hours),
        },
    )


def suggest_vp(facts: VPFacts) -> dict[str, Suggestion]:
    found = {
        "vp.explains_role": suggest_explains_role(facts),
        "vp.documents_consent": suggest_documents_consent(facts),
        "vp.intervision": suggest_intervision(facts),
    }
    return {key: value for key, value in found.items() if value is not None}
