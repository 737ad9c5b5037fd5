"""Pure derivations for the prevention dashboard and the VP's re-certification.

Facts in, a judgement out: no database, no clock (`today` is passed in), so
every colour is easy to reach in a test. The thin readers that count the
facts live in quality.facts.

The five measures are the seed's "Preventieve maatregelen". Each judgement
has a colour, one sentence on what the data shows and one on what to do
next, with the place where it is done. A colour is never shown alone: the
templates show its word and its icon too.

Thresholds, and why
-------------------
1. Role description. Green: adopted by the organisation (a person saved a
   version, not only the default text) and revised within REVIEW_AFTER_DAYS
   (a year: the same rhythm as the quality conversation). Amber: still the
   default text, or older than a year. Red: a part is empty, or older than
   STALE_AFTER_DAYS (two years) — then nobody has looked at it for two
   rounds of conversations.
2. Accessible complaint procedure. Red: a complaint waits for an external
   handler, or a route the organisation needs (the route for internal VPs
   when it has internal VPs, the one for external VPs when it has external
   ones) has no one with the handler role — such a complaint would wait.
   Amber: no external backup VP is named. Green otherwise; the regulation is
   always published on its public page.
3. Regular evaluation. Red: a conversation of this year is past its planned
   date and not held. Amber: a VP has no conversation planned this year, or
   there are no VPs at all. Green: every VP's conversation is held or
   planned ahead.
4. Intervision and training. Per VP: red when the LVV certificate has lapsed
   or lapses within LVV_RED_DAYS (90) without the hours, or when nothing at
   all was recorded in the last twelve months; amber when the certificate
   lapses within LVV_AMBER_DAYS (180) without the hours, the hours are
   behind schedule (fewer in some category than the share of the cycle
   that has passed), or no intervision was attended in the last twelve
   months. The measure takes the worst VP's colour; no VPs is amber. The
   last twelve months rather than the calendar year, so January is not
   amber for everyone.
5. Communication about role and limits. The share of this year's meldingen
   (all VPs together) in which the VP recorded explaining the role: green
   from 90%, amber from 60%, red below. With fewer than k meldingen (the
   organisation's smallest published count) the share is not judged: it
   would say something about too few conversations. Only the band is shown,
   never the counts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hoeksteen.organisations.models import Route
from hoeksteen.quality.models import ActivityKind

REVIEW_AFTER_DAYS = 365
STALE_AFTER_DAYS = 730
LVV_AMBER_DAYS = 180
LVV_RED_DAYS = 90
EXPLAINED_GREEN_PERCENT = 90
EXPLAINED_AMBER_PERCENT = 60


class Colour(models.TextChoices):
    GREEN = "green", gettext_lazy("On track")
    AMBER = "amber", gettext_lazy("Needs attention")
    RED = "red", gettext_lazy("Action needed")

    @property
    def icon(self) -> str:
        return _ICONS[self.value]


_ICONS = {"green": "✓", "amber": "!", "red": "✕"}
_SEVERITY = {"green": 0, "amber": 1, "red": 2}


def worst(colours: Sequence[Colour]) -> Colour:
    return max(colours, key=lambda c: _SEVERITY[c.value], default=Colour.GREEN)


class Step(enum.StrEnum):
    """Where the next step is taken; the view turns it into a link."""

    ROLE_DESCRIPTION = "role_description"
    REGULATION = "regulation"
    ROLES = "roles"
    PUBLIC_PAGE = "public_page"
    CONVERSATIONS = "conversations"
    EXPERTISE = "expertise"


class Measure(models.TextChoices):
    """The seed's five preventive measures, in its order."""

    ROLE_DESCRIPTION = "role_description", gettext_lazy("Clear role description")
    PROCEDURE = "procedure", gettext_lazy("Accessible complaint procedure")
    EVALUATION = "evaluation", gettext_lazy("Regular evaluation")
    EXPERTISE = "expertise", gettext_lazy("Intervision and professional development")
    COMMUNICATION = "communication", gettext_lazy("Communication about role and limits")


@dataclasses.dataclass(frozen=True)
class Judgement:
    colour: Colour
    finding: str
    next_step: str
    step: Step


def _date(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")


# --- 1. role description ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RoleDescriptionFacts:
    version: int
    complete: bool  # tasks, responsibilities, limits and first conversation all filled
    adopted: bool  # a person saved a version; not only the default text
    revised_on: dt.date


def judge_role_description(facts: RoleDescriptionFacts, *, today: dt.date) -> Judgement:
    age = (today - facts.revised_on).days
    review = _("Review the role description with the VPs and save it as a new version.")
    if not facts.complete:
        return Judgement(
            Colour.RED,
            _("A part of the role description is empty."),
            _(
                "Fill in every part: tasks, responsibilities, limits and what the VP explains "
                "in every first conversation."
            ),
            Step.ROLE_DESCRIPTION,
        )
    if age > STALE_AFTER_DAYS:
        return Judgement(
            Colour.RED,
            _("The role description was last revised on %(date)s, more than two years ago.")
            % {"date": _date(facts.revised_on)},
            review,
            Step.ROLE_DESCRIPTION,
        )
    if not facts.adopted:
        return Judgement(
            Colour.AMBER,
            _("The role description is still the default text Hoeksteen started with."),
            _("Adapt the role description to your organisation and save it."),
            Step.ROLE_DESCRIPTION,
        )
    if age > REVIEW_AFTER_DAYS:
        return Judgement(
            Colour.AMBER,
            _("The role description was last revised on %(date)s, more than a year ago.")
            % {"date": _date(facts.revised_on)},
            review,
            Step.ROLE_DESCRIPTION,
        )
    return Judgement(
        Colour.GREEN,
        _("Version %(version)s of the role description was saved on %(date)s.")
        % {"version": facts.version, "date": _date(facts.revised_on)},
        _("Review it again with the VPs before %(date)s.")
        % {"date": _date(facts.revised_on + dt.timedelta(days=REVIEW_AFTER_DAYS))},
        Step.ROLE_DESCRIPTION,
    )


# --- 2. accessible complaint procedure ----------------------------------------


@dataclasses.dataclass(frozen=True)
class ProcedureFacts:
    routes_in_use: frozenset[str]  # Route values the organisation's VPs need
    routes_with_handler: frozenset[str]  # Route values someone holds the handler role for
    waiting_for_external_handler: int
    backup_vp_named: bool


def judge_procedure(facts: ProcedureFacts) -> Judgement:
    missing = sorted(facts.routes_in_use - facts.routes_with_handler)
    if facts.waiting_for_external_handler:
        return Judgement(
            Colour.RED,
            ngettext(
                "%(count)s complaint is waiting for an external handler.",
                "%(count)s complaints are waiting for an external handler.",
                facts.waiting_for_external_handler,
            )
            % {"count": facts.waiting_for_external_handler},
            _(
                "Arrange an external handler and give them the handler role with the route "
                "“External complaints committee”."
            ),
            Step.ROLES,
        )
    if missing:
        return Judgement(
            Colour.RED,
            _("No one holds the handler role for this route of the regulation: %(routes)s.")
            % {"routes": ", ".join(str(Route(value).label) for value in missing)},
            _(
                "Give an independent person the handler role for that route, so that a "
                "complaint does not have to wait for an external handler."
            ),
            Step.ROLES,
        )
    if not facts.backup_vp_named:
        return Judgement(
            Colour.AMBER,
            _("The complaint regulation names no external backup VP."),
            _("Name an external backup VP in the complaint regulation."),
            Step.REGULATION,
        )
    return Judgement(
        Colour.GREEN,
        _(
            "Every route of the regulation has a handler, an external backup VP is named and "
            "the regulation is published."
        ),
        _("Link the public regulation page from the intranet and the staff handbook."),
        Step.PUBLIC_PAGE,
    )


# --- 3. regular evaluation ----------------------------------------------------


@dataclasses.dataclass(frozen=True)
class EvaluationFacts:
    active_vps: int
    held: int  # active VPs whose conversation of this year was held
    overdue: int  # conversations of this year past their planned date, not held
    unscheduled: int  # active VPs without a conversation this year
    next_planned_on: dt.date | None


def judge_evaluation(facts: EvaluationFacts) -> Judgement:
    if facts.active_vps == 0:
        return Judgement(
            Colour.AMBER,
            _("The organisation has no active VPs to evaluate."),
            _("Give your VPs the VP role, so that their yearly conversations are planned."),
            Step.ROLES,
        )
    if facts.overdue:
        return Judgement(
            Colour.RED,
            ngettext(
                "%(count)s quality conversation of this year is past its planned date.",
                "%(count)s quality conversations of this year are past their planned date.",
                facts.overdue,
            )
            % {"count": facts.overdue},
            _("Hold the conversation and record it, or plan it again."),
            Step.CONVERSATIONS,
        )
    if facts.unscheduled:
        return Judgement(
            Colour.AMBER,
            ngettext(
                "%(count)s VP has no quality conversation planned this year.",
                "%(count)s VPs have no quality conversation planned this year.",
                facts.unscheduled,
            )
            % {"count": facts.unscheduled},
            _("Plan this year's quality conversations."),
            Step.CONVERSATIONS,
        )
    if facts.held >= facts.active_vps or facts.next_planned_on is None:
        return Judgement(
            Colour.GREEN,
            _("Every VP has had this year's quality conversation."),
            _("Follow up the actions you agreed."),
            Step.CONVERSATIONS,
        )
    return Judgement(
        Colour.GREEN,
        _(
            "%(held)s of %(total)s quality conversations of this year have been held; "
            "the others are planned."
        )
        % {"held": facts.held, "total": facts.active_vps},
        _("Prepare the next conversation, planned on %(date)s.")
        % {"date": _date(facts.next_planned_on)},
        Step.CONVERSATIONS,
    )


# --- 4. intervision, training and LVV re-certification --------------------------


@dataclasses.dataclass(frozen=True)
class Norm:
    """Hours needed in one cycle (quality.models.RecertificationNorm)."""

    cycle_years: int
    total: int
    training: int
    intervision: int
    other: int


@dataclasses.dataclass(frozen=True)
class CategoryProgress:
    kind: str  # an ActivityKind value, or "total"
    required: Decimal
    done: Decimal
    expected_by_now: Decimal  # the required hours times the share of the cycle passed

    @property
    def label(self) -> str:
        return str(ActivityKind(self.kind).label) if self.kind != "total" else _("In total")

    @property
    def met(self) -> bool:
        return self.done >= self.required

    @property
    def behind(self) -> bool:
        return not self.met and self.done < self.expected_by_now


@dataclasses.dataclass(frozen=True)
class LvvProgress:
    cycle_start: dt.date
    cycle_end: dt.date
    days_left: int
    categories: tuple[CategoryProgress, ...]

    @property
    def met(self) -> bool:
        return all(c.met for c in self.categories)

    @property
    def behind(self) -> bool:
        return any(c.behind for c in self.categories)

    @property
    def colour(self) -> Colour:
        return judge_lvv(self)


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def cycle_start(*, registered_on: dt.date, expires_on: dt.date, cycle_years: int) -> dt.date:
    """The cycle is the `cycle_years` before expiry, but not before registration."""
    return max(registered_on, years_before(expires_on, cycle_years))


def lvv_progress(
    *,
    hours: Mapping[str, Decimal],
    norm: Norm,
    registered_on: dt.date,
    expires_on: dt.date,
    today: dt.date,
) -> LvvProgress:
    """Hours done in the cycle (`hours` by ActivityKind value) against the norm."""
    start = cycle_start(
        registered_on=registered_on, expires_on=expires_on, cycle_years=norm.cycle_years
    )
    length = (expires_on - start).days
    passed = min(max((today - start).days, 0), length)
    share = Decimal(passed) / Decimal(length) if length > 0 else Decimal(1)
    required = {
        ActivityKind.TRAINING.value: norm.training,
        ActivityKind.INTERVISION.value: norm.intervision,
        ActivityKind.OTHER.value: norm.other,
        "total": norm.total,
    }
    done = {kind: hours.get(kind, Decimal(0)) for kind in ActivityKind.values}
    done["total"] = sum(done.values(), Decimal(0))
    categories = tuple(
        CategoryProgress(
            kind=kind,
            required=Decimal(needed),
            done=done[kind],
            expected_by_now=(Decimal(needed) * share).quantize(Decimal("0.1")),
        )
        for kind, needed in required.items()
    )
    return LvvProgress(
        cycle_start=start,
        cycle_end=expires_on,
        days_left=(expires_on - today).days,
        categories=categories,
    )


def judge_lvv(progress: LvvProgress) -> Colour:
    if progress.days_left < 0 or (progress.days_left <= LVV_RED_DAYS and not progress.met):
        return Colour.RED
    if (progress.days_left <= LVV_AMBER_DAYS and not progress.met) or progress.behind:
        return Colour.AMBER
    return Colour.GREEN


@dataclasses.dataclass(frozen=True)
class VPExpertiseFacts:
    intervision_last_12_months: bool
    any_activity_last_12_months: bool
    lvv: LvvProgress | None  # None when the VP is not registered with the LVV


def judge_expertise(vps: Sequence[VPExpertiseFacts]) -> Judgement:
    overview = _("Look at the overview of intervision, training and LVV registration per VP.")
    if not vps:
        return Judgement(
            Colour.AMBER,
            _("The organisation has no active VPs."),
            _("Give your VPs the VP role."),
            Step.ROLES,
        )
    lapsing = sum(1 for vp in vps if vp.lvv is not None and vp.lvv.colour == Colour.RED)
    idle = sum(1 for vp in vps if not vp.any_activity_last_12_months)
    behind = sum(1 for vp in vps if vp.lvv is not None and vp.lvv.colour == Colour.AMBER)
    no_intervision = sum(1 for vp in vps if not vp.intervision_last_12_months)
    if lapsing:
        finding = ngettext(
            "The LVV certificate of %(count)s VP has lapsed or lapses within three months "
            "without the hours for re-registration.",
            "The LVV certificates of %(count)s VPs have lapsed or lapse within three months "
            "without the hours for re-registration.",
            lapsing,
        ) % {"count": lapsing}
        return Judgement(Colour.RED, finding, overview, Step.EXPERTISE)
    if idle:
        finding = ngettext(
            "%(count)s VP recorded no intervision or training in the last twelve months.",
            "%(count)s VPs recorded no intervision or training in the last twelve months.",
            idle,
        ) % {"count": idle}
        return Judgement(Colour.RED, finding, overview, Step.EXPERTISE)
    if behind:
        finding = ngettext(
            "%(count)s VP is behind on the hours for LVV re-registration.",
            "%(count)s VPs are behind on the hours for LVV re-registration.",
            behind,
        ) % {"count": behind}
        return Judgement(Colour.AMBER, finding, overview, Step.EXPERTISE)
    if no_intervision:
        finding = ngettext(
            "%(count)s VP attended no intervision in the last twelve months.",
            "%(count)s VPs attended no intervision in the last twelve months.",
            no_intervision,
        ) % {"count": no_intervision}
        return Judgement(Colour.AMBER, finding, overview, Step.EXPERTISE)
    return Judgement(
        Colour.GREEN,
        _(
            "Every VP attended intervision in the last twelve months, and every LVV "
            "registration is on track."
        ),
        overview,
        Step.EXPERTISE,
    )


# --- 5. communication about role and limits -------------------------------------


@dataclasses.dataclass(frozen=True)
class CommunicationFacts:
    meldingen: int  # this year's meldingen of all VPs together
    role_explained: int  # of which the VP recorded explaining the role
    k: int  # the organisation's smallest published count


def judge_communication(facts: CommunicationFacts) -> Judgement:
    ask = _(
        "Ask the VPs to explain their role and its limits in every first conversation, to "
        "give the leaflet and to record it."
    )
    if facts.meldingen < facts.k:
        return Judgement(
            Colour.AMBER,
            _(
                "Fewer than %(k)s meldingen this year: too few to measure without saying "
                "something about single conversations."
            )
            % {"k": facts.k},
            _("Ask each VP in the quality conversation how they explain their role and limits."),
            Step.CONVERSATIONS,
        )
    percent = 100 * facts.role_explained
    if percent >= EXPLAINED_GREEN_PERCENT * facts.meldingen:
        return Judgement(
            Colour.GREEN,
            _(
                "In at least %(percent)s%% of this year's meldingen the VP recorded explaining "
                "the role and its limits."
            )
            % {"percent": EXPLAINED_GREEN_PERCENT},
            _("Keep the role description, the leaflet and the public page up to date."),
            Step.ROLE_DESCRIPTION,
        )
    if percent >= EXPLAINED_AMBER_PERCENT * facts.meldingen:
        return Judgement(
            Colour.AMBER,
            _(
                "In %(low)s%% to %(high)s%% of this year's meldingen the VP recorded explaining "
                "the role and its limits."
            )
            % {"low": EXPLAINED_AMBER_PERCENT, "high": EXPLAINED_GREEN_PERCENT},
            ask,
            Step.ROLE_DESCRIPTION,
        )
    return Judgement(
        Colour.RED,
        _(
            "In fewer than %(percent)s%% of this year's meldingen the VP recorded explaining "
            "the role and its limits."
        )
        % {"percent": EXPLAINED_AMBER_PERCENT},
        ask,
        Step.ROLE_DESCRIPTION,
    )
