"""Fill a migrated, empty PostgreSQL database with benchmark data, by COPY.

Everything comes from one `random.Random(seed)` in a fixed order, ids are
assigned here (and the sequences moved past them at the end), and every time
is relative to ANCHOR: the same scale and seed give the same rows.

Encrypted fields hold real Fernet tokens under BENCH_ENCRYPTION_KEY: a small
pool of texts is encrypted once and the tokens are reused, which keeps the
generator fast and lets the server decrypt what it reads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from bench.datagen.common import ANCHOR, BENCH_ENCRYPTION_KEY, BENCH_ORG, BENCH_SLUG, Sizes
from cryptography.fernet import Fernet
from tqdm import tqdm

UTC = dt.UTC
NOW = dt.datetime.fromisoformat(ANCHOR)
TODAY = NOW.date()

STATES = [
    "received",
    "acknowledged",
    "informal",
    "review",
    "investigation",
    "decided",
    "closed",
    "withdrawn",
]
# Most complaints are closed; every state is present in every large organisation.
STATE_WEIGHTS = [6, 8, 6, 6, 4, 5, 55, 10]
COMPLAINT_CATEGORIES = [
    "not_heard",
    "confidentiality",
    "directive_passive",
    "conflict",
    "boundaries",
]
CONTACT_KINDS = ["in_person", "phone", "video", "written"]
REFERRALS = ["none", "hr", "manager", "company_doctor", "counselling", "mediation"]
OUTCOMES = ["heard", "referred", "informal", "formal", "stopped", "other"]
RECIPIENTS = ["hr", "management", "manager", "coordinator", "company_doctor"]
MELDING_CATEGORIES = [
    ("intimidation", "Intimidatie"),
    ("sexual_harassment", "Seksuele intimidatie"),
    ("bullying", "Pesten"),
    ("aggression", "Agressie en geweld"),
    ("discrimination", "Discriminatie"),
    ("integrity", "Integriteit"),
    ("workload_other", "Werkdruk / overig"),
]
DEPARTMENT_NAMES = [
    "Bedrijfsvoering",
    "Financiën",
    "Communicatie",
    "ICT",
    "Personeelszaken",
    "Klantcontact",
    "Juridische zaken",
    "Inkoop",
    "Facilitair",
    "Projecten",
]


class Tokens:
    """A few encrypted texts, made once and reused."""

    def __init__(self, rng: random.Random) -> None:
        fernet = Fernet(BENCH_ENCRYPTION_KEY.encode())
        words = [
            "gesprek",
            "melding",
            "collega",
            "leidinggevende",
            "afspraak",
            "vertrouwelijk",
            "zorg",
            "overleg",
            "ervaring",
            "situatie",
            "team",
            "verzoek",
            "advies",
            "signaal",
        ]

        def text(length: int) -> str:
            return " ".join(rng.choice(words) for _ in range(length)).capitalize() + "."

        def encrypt(value: str) -> str:
            # A seeded IV and a fixed time make the ciphertext repeatable too
            # (Fernet's public encrypt draws both from the system).
            token = fernet._encrypt_from_parts(
                value.encode(), int(NOW.timestamp()), rng.randbytes(16)
            )
            return "enc1:" + token.decode()

        self.long = [encrypt(text(60)) for _ in range(16)]
        self.short = [encrypt(text(8)) for _ in range(16)]
        self.reference = [encrypt(f"{a}{b}") for a in "ABCDEFGH" for b in "KLMNP"]


@dataclasses.dataclass
class Org:
    id: int
    slug: str
    vps: list[tuple[int, str]] = dataclasses.field(default_factory=list)  # (user id, kind)
    handlers: dict[str, list[int]] = dataclasses.field(default_factory=dict)  # route -> ids
    coordinator: int = 0
    employees: list[int] = dataclasses.field(default_factory=list)
    categories: list[int] = dataclasses.field(default_factory=list)
    departments: list[int] = dataclasses.field(default_factory=list)
    complaints: int = 0
    meldingen: int = 0


def allocate(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split `total` over `weights` (largest remainder), each at least `minimum`."""
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("too few to give each its minimum")
    scale = rest / sum(weights)
    shares = [w * scale for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: shares[i] - counts[i], reverse=True)
    for i in order[: rest - sum(counts)]:
        counts[i] += 1
    return [c + minimum for c in counts]


class Copier:
    """COPY into one table, with a progress bar."""

    def __init__(self, connection: Any, progress: Callable[..., tqdm[Any]]) -> None:
        self.connection = connection
        self.progress = progress

    def copy(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], total: int
    ) -> None:
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.copy(statement) as copy:
            bar = self.progress(total=total, desc=table, unit=" rows")
            batch = 0
            for row in rows:
                copy.write_row(row)
                batch += 1
                if batch == 10_000:
                    bar.update(batch)
                    batch = 0
            bar.update(batch)
            bar.close()


def stamp(rng: random.Random, days_back: int) -> dt.datetime:
    return NOW - dt.timedelta(seconds=rng.randrange(days_back * 86_400))


def build(connection: Any, sizes: Sizes, seed: int, progress: Callable[..., Any]) -> list[int]:
    """Write everything but the audit rows; returns the organisation ids."""
    rng = random.Random(seed)  # noqa: S311 - made-up data, repeatable by design
    tokens = Tokens(rng)
    copier = Copier(connection, progress)
    orgs = _organisations(rng, sizes)
    _people(copier, orgs)
    _organisation_rows(copier, orgs, rng)
    _complaints(copier, orgs, rng, tokens)
    _meldingen(copier, orgs, rng, tokens)
    _quality(copier, orgs, rng, tokens)
    return [org.id for org in orgs]


# --- who is where ---------------------------------------------------------------


def _organisations(rng: random.Random, sizes: Sizes) -> list[Org]:
    """Sizes per organisation: the bench organisation fixed, the rest skewed."""
    others = sizes.organisations - 1
    # A Pareto-like spread, capped so no other organisation dwarfs the bench one.
    weights = [min(rng.paretovariate(1.5), 8.0) for _ in range(others)]
    vps = allocate(sizes.vps - BENCH_ORG["vps"], weights, minimum=1)
    complaints = allocate(sizes.complaints - BENCH_ORG["complaints"], vps)
    meldingen = allocate(sizes.meldingen - BENCH_ORG["meldingen"], vps)
    orgs = [
        Org(
            id=1,
            slug=BENCH_SLUG,
            complaints=BENCH_ORG["complaints"],
            meldingen=BENCH_ORG["meldingen"],
        )
    ]
    for index in range(others):
        orgs.append(
            Org(
                id=index + 2,
                slug=f"org-{index + 2:04d}",
                complaints=complaints[index],
                meldingen=meldingen[index],
            )
        )
    user_id = 0

    def new_user() -> int:
        nonlocal user_id
        user_id += 1
        return user_id

    for index, org in enumerate(orgs):
        n_vps = BENCH_ORG["vps"] if index == 0 else vps[index - 1]
        n_handlers = BENCH_ORG["handlers"] if index == 0 else 2
        n_employees = BENCH_ORG["employees"] if index == 0 else 3 + n_vps // 4
        org.vps = [
            (new_user(), "internal" if rng.random() < 0.8 else "external") for _ in range(n_vps)
        ]
        org.handlers = {"hr": [], "management": []}
        for h in range(n_handlers):
            org.handlers["hr" if h % 2 == 0 else "management"].append(new_user())
        org.coordinator = new_user()
        org.employees = [new_user() for _ in range(n_employees)]
    return orgs


def _people(copier: Copier, orgs: list[Org]) -> None:
    joined = NOW - dt.timedelta(days=1200)

    def users() -> Iterable[tuple[Any, ...]]:
        for org in orgs:
            people = [(uid, "vp") for uid, _kind in org.vps]
            people += [(uid, "handler") for ids in org.handlers.values() for uid in ids]
            people += [(org.coordinator, "coordinator")]
            people += [(uid, "employee") for uid in org.employees]
            for uid, role in sorted(people):
                yield (
                    uid,
                    "!bench-no-password",
                    f"{role}-{org.slug}-{uid}",
                    role.capitalize(),
                    f"{org.slug} {uid}",
                    "",
                    False,
                    True,
                    False,
                    joined,
                )

    total = sum(
        len(o.vps) + sum(map(len, o.handlers.values())) + 1 + len(o.employees) for o in orgs
    )
    copier.copy(
        "people_user",
        [
            "id",
            "password",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "is_superuser",
            "date_joined",
        ],
        users(),
        total,
    )

    def memberships() -> Iterable[tuple[Any, ...]]:
        mid = 0
        for org in orgs:
            rows: list[tuple[int, str, str, bool, str]] = []
            rows += [(uid, "vp", kind, uid % 2 == 0, "") for uid, kind in org.vps]
            rows += [
                (uid, "handler", "", False, route)
                for route, ids in org.handlers.items()
                for uid in ids
            ]
            rows += [(org.coordinator, "coordinator", "", False, "")]
            rows += [(uid, "employee", "", False, "") for uid in org.employees]
            for uid, role, vp_kind, lvv, handler_kind in rows:
                mid += 1
                yield (mid, role, vp_kind, lvv, handler_kind, True, joined, org.id, uid)

    copier.copy(
        "people_membership",
        [
            "id",
            "role",
            "vp_kind",
            "lvv_registered",
            "handler_kind",
            "is_active",
            "created_at",
            "organisation_id",
            "user_id",
        ],
        memberships(),
        total,
    )


def _organisation_rows(copier: Copier, orgs: list[Org], rng: random.Random) -> None:
    from hoeksteen.organisations import defaults

    created = NOW - dt.timedelta(days=1200)
    copier.copy(
        "organisations_organisation",
        ["id", "name", "slug", "created_at", "receipt_salt"],
        (
            (o.id, f"Organisatie {o.slug}", o.slug, created, f"{rng.getrandbits(128):032x}")
            for o in orgs
        ),
        len(orgs),
    )
    copier.copy(
        "organisations_complaintregulation",
        [
            "id",
            "route_internal_vp",
            "route_external_vp",
            "acknowledgment_days",
            "vp_response_days",
            "decision_days",
            "decision_days_external_committee",
            "extension_max_days",
            "feedback_days",
            "k_threshold",
            "complaint_retention_days",
            "melding_retention_days",
            "audit_retention_days",
            "external_backup_vp",
            "updated_at",
            "organisation_id",
        ],
        (
            (o.id, "hr", "management", 7, 14, 42, 70, 28, 90, 5, 730, 365, 1825, "", created, o.id)
            for o in orgs
        ),
        len(orgs),
    )
    copier.copy(
        "organisations_roledescription",
        [
            "id",
            "version",
            "tasks",
            "responsibilities",
            "limits",
            "first_conversation",
            "created_at",
            "created_by_id",
            "organisation_id",
        ],
        (
            (
                o.id,
                1,
                defaults.ROLE_TASKS,
                defaults.ROLE_RESPONSIBILITIES,
                defaults.ROLE_LIMITS,
                defaults.FIRST_CONVERSATION,
                created,
                None,
                o.id,
            )
            for o in orgs
        ),
        len(orgs),
    )
    category_rows = []
    department_rows = []
    for org in orgs:
        for position, (key, name) in enumerate(MELDING_CATEGORIES):
            org.categories.append(len(category_rows) + 1)
            category_rows.append((len(category_rows) + 1, key, name, True, position, org.id))
        n_departments = 10 if org.slug == BENCH_SLUG else min(10, 1 + len(org.vps) // 3)
        for name in DEPARTMENT_NAMES[:n_departments]:
            org.departments.append(len(department_rows) + 1)
            department_rows.append((len(department_rows) + 1, name, org.id))
    copier.copy(
        "practice_meldingcategory",
        ["id", "key", "name", "is_active", "position", "organisation_id"],
        category_rows,
        len(category_rows),
    )
    copier.copy(
        "practice_department",
        ["id", "name", "organisation_id"],
        department_rows,
        len(department_rows),
    )
    team_rows = []
    member_rows = []
    for org in orgs:
        for start in range(0, len(org.vps), 8):
            team_id = len(team_rows) + 1
            team_rows.append((team_id, f"Team {start // 8 + 1}", org.id))
            for uid, _kind in org.vps[start : start + 8]:
                member_rows.append((len(member_rows) + 1, org.id, team_id, uid))
    copier.copy(
        "organisations_vpteam", ["id", "name", "organisation_id"], team_rows, len(team_rows)
    )
    copier.copy(
        "organisations_vpteammember",
        ["id", "organisation_id", "team_id", "user_id"],
        member_rows,
        len(member_rows),
    )


# --- complaints -----------------------------------------------------------------

COMPLAINT_COLUMNS = [
    "id",
    "uid",
    "number",
    "subject_vp_kind",
    "subject_lvv_registered",
    "receipt_hash",
    "language",
    "contact_email",
    "category",
    "description",
    "desired_outcome",
    "vp_may_read_description",
    "vp_may_know_identity",
    "state",
    "route",
    "needs_external_handler",
    "track",
    "track_reason",
    "admissibility_reason",
    "informal_outcome",
    "objectivity_note",
    "transparency_note",
    "decision",
    "decision_reasons",
    "lessons",
    "closure",
    "withdrawal_reason",
    "received_at",
    "acknowledged_at",
    "vp_informed_at",
    "decided_at",
    "closed_at",
    "vp_heard_at",
    "complainant_heard_at",
    "extension_days",
    "acknowledgment_due_at",
    "vp_response_due_at",
    "decision_due_at",
    "feedback_due_at",
    "committee_member_id",
    "complainant_id",
    "handler_id",
    "organisation_id",
    "subject_vp_id",
]

HISTORY = {
    "received": [],
    "acknowledged": [("received", "acknowledged", "acknowledge")],
    "informal": [
        ("received", "acknowledged", "acknowledge"),
        ("acknowledged", "informal", "informal"),
    ],
    "review": [
        ("received", "acknowledged", "acknowledge"),
        ("acknowledged", "review", "start_review"),
    ],
    "investigation": [
        ("received", "acknowledged", "acknowledge"),
        ("acknowledged", "investigation", "start_investigation"),
    ],
    "decided": [
        ("received", "acknowledged", "acknowledge"),
        ("acknowledged", "review", "start_review"),
        ("review", "decided", "decide"),
    ],
    "closed": [
        ("received", "acknowledged", "acknowledge"),
        ("acknowledged", "review", "start_review"),
        ("review", "decided", "decide"),
        ("decided", "closed", "close"),
    ],
    "withdrawn": [
        ("received", "acknowledged", "acknowledge"),
        ("acknowledged", "withdrawn", "withdraw"),
    ],
}


def _complaints(copier: Copier, orgs: list[Org], rng: random.Random, tokens: Tokens) -> None:
    history: list[tuple[Any, ...]] = []
    messages: list[tuple[Any, ...]] = []
    day = dt.timedelta(days=1)
    lvv_of = {}

    def complaints() -> Iterable[tuple[Any, ...]]:
        cid = 0
        for org in orgs:
            for number in range(1, org.complaints + 1):
                cid += 1
                vp, kind = rng.choice(org.vps)
                lvv_of[vp] = vp % 2 == 0
                route = "hr" if kind == "internal" else "management"
                handler = rng.choice(org.handlers[route])
                state = rng.choices(STATES, STATE_WEIGHTS)[0]
                # Open complaints are recent; closed ones spread over three years.
                open_state = state not in ("closed", "withdrawn")
                received = stamp(rng, 120 if open_state else 1000)
                anonymous = rng.random() < 0.4
                complainant = None if anonymous else rng.choice(org.employees)
                receipt = f"{rng.getrandbits(256):064x}" if anonymous else ""
                acknowledged = received + 3 * day if state != "received" else None
                formal = state in ("review", "investigation", "decided", "closed")
                vp_informed = received + 10 * day if formal else None
                decided = received + 40 * day if state in ("decided", "closed") else None
                closed = (
                    received + 60 * day
                    if state == "closed"
                    else (received + 20 * day if state == "withdrawn" else None)
                )
                track = "review" if state in ("review", "decided", "closed") else ""
                track = "investigation" if state == "investigation" else track
                yield (
                    cid,
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    number,
                    kind,
                    lvv_of[vp],
                    receipt,
                    "nl",
                    "",
                    rng.choice(COMPLAINT_CATEGORIES),
                    rng.choice(tokens.long),
                    rng.choice(tokens.short),
                    rng.random() < 0.5,
                    rng.random() < 0.5,
                    state,
                    route,
                    False,
                    track,
                    rng.choice(tokens.short) if track else "",
                    "",
                    rng.choice(tokens.short) if state == "informal" else "",
                    "",
                    "",
                    "founded" if decided else "",
                    rng.choice(tokens.long) if decided else "",
                    rng.choice(tokens.short) if decided else "",
                    "decided"
                    if state == "closed"
                    else ("withdrawn" if state == "withdrawn" else ""),
                    rng.choice(tokens.short) if state == "withdrawn" else "",
                    received,
                    acknowledged,
                    vp_informed,
                    decided,
                    closed,
                    received + 20 * day if decided else None,
                    received + 15 * day if decided else None,
                    0,
                    received + 7 * day,
                    vp_informed + 14 * day if vp_informed else None,
                    received + 42 * day if acknowledged else None,
                    acknowledged + 90 * day if acknowledged else None,
                    None,
                    complainant,
                    handler,
                    org.id,
                    vp,
                )
                at = received
                for from_state, to_state, transition in [
                    ("", "received", "submit"),
                    *HISTORY[state],
                ]:
                    history.append(
                        (
                            len(history) + 1,
                            from_state,
                            to_state,
                            transition,
                            at,
                            "",
                            handler,
                            cid,
                            org.id,
                        )
                    )
                    at += 5 * day
                for m in range(rng.choice((0, 1, 2, 3))):
                    party = "complainant" if m % 2 == 0 else "handler"
                    messages.append(
                        (
                            len(messages) + 1,
                            party,
                            rng.choice(tokens.short),
                            received + (m + 1) * day,
                            None if party == "complainant" else handler,
                            cid,
                            org.id,
                        )
                    )

    copier.copy(
        "complaints_complaint", COMPLAINT_COLUMNS, complaints(), sum(o.complaints for o in orgs)
    )
    copier.copy(
        "complaints_statuschange",
        [
            "id",
            "from_state",
            "to_state",
            "transition",
            "at",
            "note",
            "actor_id",
            "complaint_id",
            "organisation_id",
        ],
        history,
        len(history),
    )
    copier.copy(
        "complaints_message",
        ["id", "author_party", "body", "sent_at", "author_id", "complaint_id", "organisation_id"],
        messages,
        len(messages),
    )


# --- meldingen and consent ------------------------------------------------------


def _meldingen(copier: Copier, orgs: list[Org], rng: random.Random, tokens: Tokens) -> None:
    consents: list[tuple[Any, ...]] = []
    total = sum(o.meldingen for o in orgs)

    def meldingen() -> Iterable[tuple[Any, ...]]:
        mid = 0
        for org in orgs:
            for _ in range(org.meldingen):
                mid += 1
                holder = rng.choice(org.vps)[0]
                first = TODAY - dt.timedelta(days=rng.randrange(1000))
                created = dt.datetime.combine(first, dt.time(10, 0), UTC)
                closed = (
                    first + dt.timedelta(days=rng.randrange(1, 90)) if rng.random() < 0.7 else None
                )
                if closed is not None and closed > TODAY:
                    closed = None
                explained = created if rng.random() < 0.8 else None
                yield (
                    mid,
                    first,
                    rng.choice(CONTACT_KINDS),
                    rng.choice(tokens.reference) if rng.random() < 0.6 else "",
                    rng.choice(REFERRALS),
                    rng.choice(OUTCOMES) if closed else "",
                    rng.choice(tokens.long),
                    explained,
                    closed,
                    created,
                    rng.choice(org.departments) if rng.random() < 0.7 else None,
                    holder,
                    None,
                    org.id,
                    holder,
                    rng.choice(org.categories),
                )
                # One consent record per melding on average: none, one or two.
                for _c in range(rng.choice((0, 1, 1, 2))):
                    confirmed = created + dt.timedelta(days=2) if rng.random() < 0.7 else None
                    consents.append(
                        (
                            len(consents) + 1,
                            rng.choice(RECIPIENTS),
                            rng.choice((1, 2, 3)),
                            rng.choice(tokens.short),
                            created,
                            confirmed,
                            "letter" if confirmed else "",
                            confirmed + dt.timedelta(days=30)
                            if confirmed and rng.random() < 0.1
                            else None,
                            org.id,
                            mid,
                        )
                    )

    copier.copy(
        "practice_melding",
        [
            "id",
            "first_contact_on",
            "contact_kind",
            "melder_reference",
            "referral",
            "outcome",
            "notes",
            "role_explained_at",
            "closed_on",
            "created_at",
            "department_id",
            "holder_id",
            "melder_account_id",
            "organisation_id",
            "registered_by_id",
            "category_id",
        ],
        meldingen(),
        total,
    )
    copier.copy(
        "practice_consent",
        [
            "id",
            "recipient",
            "form",
            "scope",
            "recorded_at",
            "confirmed_at",
            "confirmed_via",
            "withdrawn_at",
            "organisation_id",
            "melding_id",
        ],
        consents,
        len(consents),
    )


# --- quality: training, LVV registrations, conversations -------------------------


def _quality(copier: Copier, orgs: list[Org], rng: random.Random, tokens: Tokens) -> None:
    records = []
    registrations = []
    conversations = []
    kinds = ["training", "intervision", "other"]
    for org in orgs:
        for uid, _kind in org.vps:
            for _ in range(3):
                attended = TODAY - dt.timedelta(days=rng.randrange(900))
                records.append(
                    (
                        len(records) + 1,
                        rng.choice(kinds),
                        rng.choice(("2.0", "4.0", "8.0")),
                        attended,
                        rng.choice(tokens.short),
                        NOW,
                        org.id,
                        uid,
                    )
                )
            if uid % 2 == 0:
                registered = TODAY - dt.timedelta(days=rng.randrange(1000))
                registrations.append(
                    (
                        len(registrations) + 1,
                        registered,
                        registered + dt.timedelta(days=4 * 365),
                        NOW,
                        org.id,
                        uid,
                    )
                )
            scheduled = TODAY - dt.timedelta(days=rng.randrange(-60, 200))
            held = scheduled if scheduled < TODAY and rng.random() < 0.7 else None
            text = rng.choice(tokens.short) if held else ""
            conversations.append(
                (
                    len(conversations) + 1,
                    TODAY.year,
                    scheduled,
                    held,
                    text,
                    text,
                    text,
                    text,
                    text,
                    text,
                    NOW,
                    NOW,
                    org.id,
                    uid,
                )
            )
    copier.copy(
        "quality_trainingrecord",
        [
            "id",
            "kind",
            "hours",
            "attended_on",
            "description",
            "created_at",
            "organisation_id",
            "vp_id",
        ],
        records,
        len(records),
    )
    copier.copy(
        "quality_lvvregistration",
        ["id", "registered_on", "certificate_expires_on", "updated_at", "organisation_id", "vp_id"],
        registrations,
        len(registrations),
    )
    copier.copy(
        "quality_qualityconversation",
        [
            "id",
            "year",
            "scheduled_on",
            "held_on",
            "reachability",
            "collaboration",
            "role_clarity",
            "figures",
            "experiences",
            "dilemmas",
            "created_at",
            "updated_at",
            "organisation_id",
            "vp_id",
        ],
        conversations,
        len(conversations),
    )
