"""Benchmark: anonymous complaint intake end to end, and the share of its
time spent in the deliberately slow receipt hash.

    .venv/bin/python bench/intake.py --database-url postgres://…/db --scale 1

Each submission is what a complainant without an account does, through
Django's test client against the real database (no web server in between):
open the form of `bench-intake` (made here if missing, with a VP) in a fresh
session, send it, follow the redirect to the page that shows the receipt
code once. 20 x scale submissions (at least 20, at most 500), after 3 to
warm up.

Figures, from one run:

* submissions per second, and the median milliseconds of one;
* the receipt hash alone — `receipts.receipt_hash` (Argon2id at the
  configured RECEIPT_HASH_TIME_COST and RECEIPT_HASH_MEMORY_KIB), timed as
  many times — and its share of a submission's time. No bar: the hash is
  slow on purpose (a receipt is all an anonymous complainant has).
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _jobs import Results, median, options, say, setup

_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def main() -> None:
    args = options(__doc__.split("\n\n")[0]).parse_args()
    setup(args.database_url)
    from django.conf import settings
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)
    results = Results("intake", args.scale)
    count = min(500, max(20, 20 * args.scale))
    vp = organisation_with_vp()
    for _ in range(3):
        submit(vp)
    submissions = []
    for i in range(count):
        submissions.append(submit(vp))
        if (i + 1) % 10 == 0:
            say(f"    {i + 1}/{count} submissions")
    hashes = time_hash(count)
    per_submission, per_hash = median(submissions), median(hashes)
    cost = f"time cost {settings.RECEIPT_HASH_TIME_COST}, {settings.RECEIPT_HASH_MEMORY_KIB} KiB"
    results.add(
        "submissions_per_s",
        len(submissions) / sum(submissions),
        "per s",
        detail=f"{count} anonymous submissions, one process",
    )
    results.add("submission", per_submission * 1000, "ms", detail="form, send, receipt page")
    results.add("receipt_hash", per_hash * 1000, "ms", detail=f"Argon2id, {cost}")
    results.add(
        "receipt_hash_share",
        per_hash / per_submission * 100,
        "%",
        detail="of a submission's time",
    )
    results.write(args.results)


def organisation_with_vp() -> object:
    from hoeksteen.organisations.actions import organisation_create
    from hoeksteen.organisations.models import Organisation
    from hoeksteen.people.models import Membership, Role, User

    organisation = Organisation.objects.filter(slug="bench-intake").first() or organisation_create(
        name="Bench intake", slug="bench-intake", acting_user=None
    )
    vp, _ = User.objects.get_or_create(
        username="bench-intake-vp", defaults={"first_name": "Vera", "last_name": "Pieters"}
    )
    Membership.objects.get_or_create(
        organisation=organisation, user=vp, role=Role.VP, defaults={"vp_kind": "internal"}
    )
    return vp


def submit(vp: object) -> float:
    """Seconds one anonymous complainant takes from opening the form to the receipt."""
    from django.test import Client

    url = "/o/bench-intake/klacht/nieuw/"
    client = Client(HTTP_ACCEPT_LANGUAGE="nl", HTTP_HOST="localhost", secure=True)
    start = time.perf_counter()
    form = client.get(url)
    match = _TOKEN.search(form.content.decode())
    if form.status_code != 200 or match is None:
        sys.exit(f"the intake form did not open: {form.status_code}")
    sent = client.post(
        url,
        {
            "subject_vp": vp.pk,  # type: ignore[attr-defined]
            "category": "not_heard",
            "description": "Ik voelde me niet gehoord toen ik mijn melding deed.",
            "desired_outcome": "Een gesprek.",
            "vp_may_read_description": "on",
            "contact_email": "",
            "form_token": match.group(1),
        },
        follow=True,
    )
    seconds = time.perf_counter() - start
    if sent.status_code != 200 or sent.redirect_chain[-1][0] != "/o/bench-intake/klacht/ontvangen/":
        sys.exit(f"the complaint was not received: {sent.status_code} {sent.redirect_chain}")
    return seconds


def time_hash(count: int) -> list[float]:
    from hoeksteen.complaints.receipts import new_receipt, receipt_hash

    salt = "00" * 16
    samples = []
    for _ in range(count):
        code = new_receipt()
        start = time.perf_counter()
        receipt_hash(code, salt=salt)
        samples.append(time.perf_counter() - start)
    return samples


if __name__ == "__main__":
    main()
