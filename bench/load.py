"""Load test: gunicorn on PostgreSQL, on loopback, for `make load`.

    python bench/load.py [--seconds 300] [--users N] [--database-url URL]

Creates a fresh PostgreSQL database (dropped afterwards), loads the demo
organisation plus a realistic amount of complaints and meldingen, starts
`python -m hoeksteen serve`, and drives it with closed-loop virtual users
(threads, no think time) that mix:

- intake: an anonymous complaint through the form (GET, POST, received page);
- the handler's case list and a case page (signed in with password and TOTP);
- a VP's organisation page and their log of meldingen;
- a complainant opening their complaint with a correct receipt code.

Without --users it first steps the number of users up for --step-seconds
each and keeps the smallest number that reaches 95% of the best throughput
without errors; then it runs --seconds at that number. Every answer other
than the expected status is an error. Results: bench/results/load-<time>.json,
load-latest.json and load-latest.md (throughput, p50/p95/p99 per kind).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hoeksteen.testing import live

RESULTS = Path(__file__).resolve().parent / "results"
SLUG = live.DEMO_SLUG

SEED = """
import datetime as dt, json, random
from hoeksteen.complaints.actions.intake import ComplaintInput, complaint_submit
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.practice.actions import MeldingInput, melding_register
from hoeksteen.practice.models import MeldingCategory

rng = random.Random(7)
org = Organisation.objects.get(slug="voorbeeld")
vps = [User.objects.get(username=name) for name in ("vp-vera", "vp-victor")]
receipts = []
for n in range(COMPLAINTS):
    submission = complaint_submit(
        organisation=org, acting_user=None, anonymous=True,
        data=ComplaintInput(
            subject_vp_id=vps[n % 2].pk, category="not_heard",
            description=f"Wat er gebeurde, nummer {n}. " * 20, desired_outcome="Een gesprek.",
            vp_may_read_description=False, vp_may_know_identity=False, language="nl",
        ),
    )
    receipts.append(submission.receipt)
categories = list(MeldingCategory.objects.filter(organisation=org).values_list("pk", flat=True))
today = dt.date.today()
for n in range(MELDINGEN):
    melding_register(
        organisation=org, actor=vps[n % 2],
        data=MeldingInput(
            first_contact_on=today - dt.timedelta(days=rng.randint(0, 700)),
            category_id=rng.choice(categories), contact_kind="in_person",
            notes=f"Gesprek {n}.",
        ),
    )
print(json.dumps({"receipts": receipts}))
"""


class Recorder:
    """Latencies and errors per kind of request, for one phase."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.examples: list[str] = []
        self.started = time.monotonic()

    def timed(self, kind: str, call: Callable[[], live.Answer], expect: int) -> live.Answer | None:
        began = time.monotonic()
        try:
            answer: live.Answer | None = call()
        except live.Unreachable as error:
            answer, problem = None, f"{kind}: {error}"
        else:
            assert answer is not None
            problem = "" if answer.status == expect else f"{kind}: {answer.status}"
        took = time.monotonic() - began
        with self.lock:
            if problem:
                self.errors[kind] += 1
                if len(self.examples) < 20:
                    self.examples.append(problem)
            else:
                self.latencies[kind].append(took)
        return answer if not problem else None

    def count(self) -> tuple[int, int]:
        with self.lock:
            return sum(map(len, self.latencies.values())), sum(self.errors.values())

    def summary(self) -> dict[str, Any]:
        seconds = time.monotonic() - self.started
        with self.lock:
            kinds = sorted(set(self.latencies) | set(self.errors))
            rows = {
                kind: _stats(self.latencies[kind], self.errors[kind], seconds) for kind in kinds
            }
            everything = [t for values in self.latencies.values() for t in values]
            rows["all"] = _stats(everything, sum(self.errors.values()), seconds)
            return {"seconds": round(seconds, 1), "kinds": rows, "error_examples": self.examples}


def _stats(latencies: list[float], errors: int, seconds: float) -> dict[str, Any]:
    ordered = sorted(latencies)

    def pct(p: float) -> float | None:
        if not ordered:
            return None
        return round(1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    return {
        "requests": len(ordered),
        "errors": errors,
        "rps": round(len(ordered) / seconds, 2),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
    }


class Mix:
    """What the virtual users do, with the shared signed-in sessions."""

    def __init__(self, base: str, receipts: list[str]) -> None:
        self.base = base
        self.receipts = receipts
        self.handler = live.sign_in(base, "hr", totp_code=live.demo_totp("hr"))
        self.vps = [live.sign_in(base, name) for name in ("vp-vera", "vp-victor")]
        listing = self.handler.get(f"/o/{SLUG}/klachten/")
        self.cases = live.case_links(listing.text)
        assert self.cases, "the handler sees no cases"

    def intake(self, rec: Recorder, rng: random.Random) -> None:
        visitor = live.Browser(self.base)
        form = rec.timed("intake_form", lambda: visitor.get(f"/o/{SLUG}/klacht/nieuw/"), 200)
        if form is None:
            return
        fields = {
            "subject_vp": live.vp_choices(form.text)[1 + rng.randrange(2)],
            "category": "not_heard",
            "description": f"Wat er gebeurde (belasting) {rng.random()}",
            "desired_outcome": "",
            "contact_email": "",
            "form_token": live.field_value(form.text, "form_token"),
        }
        sent = rec.timed(
            "intake_post", lambda: visitor.post(f"/o/{SLUG}/klacht/nieuw/", fields), 302
        )
        if sent is not None:
            rec.timed("intake_received", lambda: visitor.get(sent.location), 200)

    def case_list(self, rec: Recorder, rng: random.Random) -> None:
        rec.timed("case_list", lambda: self.handler.get(f"/o/{SLUG}/klachten/"), 200)

    def case_detail(self, rec: Recorder, rng: random.Random) -> None:
        uid = rng.choice(self.cases)
        rec.timed("case_detail", lambda: self.handler.get(f"/o/{SLUG}/klachten/{uid}/"), 200)

    def vp_pages(self, rec: Recorder, rng: random.Random) -> None:
        vp = rng.choice(self.vps)
        rec.timed("vp_home", lambda: vp.get(f"/o/{SLUG}/"), 200)
        rec.timed("vp_meldingen", lambda: vp.get(f"/o/{SLUG}/praktijk/"), 200)

    def receipt(self, rec: Recorder, rng: random.Random) -> None:
        visitor = live.Browser(self.base)
        code = rng.choice(self.receipts)
        if rec.timed("receipt_form", lambda: visitor.get(f"/o/{SLUG}/mijn-klacht/"), 200) is None:
            return
        opened = rec.timed(
            "receipt_open", lambda: visitor.post(f"/o/{SLUG}/mijn-klacht/", {"code": code}), 302
        )
        if opened is not None:
            rec.timed("receipt_case", lambda: visitor.get(opened.location), 200)

    def tasks(self) -> list[tuple[Callable[[Recorder, random.Random], None], int]]:
        return [
            (self.intake, 2),
            (self.case_list, 3),
            (self.case_detail, 3),
            (self.vp_pages, 3),
            (self.receipt, 1),
        ]


def run_phase(mix: Mix, users: int, seconds: float, label: str) -> dict[str, Any]:
    rec = Recorder()
    stop = threading.Event()
    tasks, weights = zip(*mix.tasks(), strict=True)

    def user(n: int) -> None:
        rng = random.Random(n)  # noqa: S311 - which page comes next, not a secret
        while not stop.is_set():
            rng.choices(tasks, weights)[0](rec, rng)

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(min(10.0, max(0.0, end - time.monotonic())))
        done, errors = rec.count()
        elapsed = time.monotonic() - rec.started
        say(
            f"[{label}] {elapsed:5.0f} s  {done} requests  {done / elapsed:6.1f}/s  {errors} errors"
        )
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    summary = rec.summary()
    summary["users"] = users
    return summary


def choose_users(mix: Mix, steps: list[int], seconds: float) -> tuple[int, list[dict[str, Any]]]:
    """The fewest users that reach 95% of the best error-free throughput."""
    ramp = [run_phase(mix, users, seconds, f"ramp {users} users") for users in steps]
    clean = [r for r in ramp if r["kinds"]["all"]["errors"] == 0]
    if not clean:
        return steps[0], ramp
    best = max(r["kinds"]["all"]["rps"] for r in clean)
    chosen = min(r["users"] for r in clean if r["kinds"]["all"]["rps"] >= 0.95 * best)
    return chosen, ramp


def markdown(result: dict[str, Any]) -> str:
    main = result["main"]
    lines = [
        f"# Load test {result['started_at']}",
        "",
        (
            f"gunicorn ({result['workers']} sync workers) on PostgreSQL, loopback, "
            f"{main['users']} closed-loop users without think time, {main['seconds']} s. "
            f"Machine: {result['machine']}."
        ),
        "",
        "| kind | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, row in main["kinds"].items():
        lines.append(
            f"| {kind} | {row['requests']} | {row['rps']} | {row['p50_ms']} | "
            f"{row['p95_ms']} | {row['p99_ms']} | {row['errors']} |"
        )
    if result["ramp"]:
        lines += ["", "Ramp (users → req/s, errors):"]
        lines += [
            f"- {r['users']} users: {r['kinds']['all']['rps']} req/s, "
            f"p95 {r['kinds']['all']['p95_ms']} ms, {r['kinds']['all']['errors']} errors"
            for r in result["ramp"]
        ]
    return "\n".join(lines) + "\n"


def say(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--users", type=int, default=0, help="Skip the ramp; use this many.")
    parser.add_argument("--steps", default="2,4,8,12", help="User counts tried by the ramp.")
    parser.add_argument("--step-seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument("--complaints", type=int, default=150)
    parser.add_argument("--meldingen", type=int, default=600)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hoeksteen_load"
        ),
        help="Server and name of the throw-away database (created and dropped).",
    )
    args = parser.parse_args()
    server = live.PostgresServer.from_url(args.database_url, suffix="load")
    name = urllib.parse.urlsplit(args.database_url).path.lstrip("/") or "hoeksteen_load"
    started_at = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    with tempfile.TemporaryDirectory() as tmp, server.database(name) as database_url:
        env = live.instance_env(Path(tmp) / "var", database_url=database_url)
        say(
            f"Preparing {name}: migrate, demo, {args.complaints} complaints, "
            f"{args.meldingen} meldingen …"
        )
        live.prepare(env)
        seed = SEED.replace("COMPLAINTS", str(args.complaints)).replace(
            "MELDINGEN", str(args.meldingen)
        )
        receipts = json.loads(live.ok(live.python_script(env, seed, timeout=1800)))["receipts"]
        gunicorn = live.Server(env, workers=args.workers, log=Path(tmp) / "server.log")
        gunicorn.start()
        try:
            mix = Mix(gunicorn.base, receipts)
            ramp: list[dict[str, Any]] = []
            users = args.users
            if not users:
                steps = [int(n) for n in args.steps.split(",")]
                users, ramp = choose_users(mix, steps, args.step_seconds)
                say(f"Chosen: {users} users.")
            main_phase = run_phase(mix, users, args.seconds, f"main {users} users")
        finally:
            gunicorn.stop()
    result = {
        "started_at": started_at,
        "workers": args.workers,
        "machine": f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end "
        "(shared machine)",
        "ramp": ramp,
        "main": main_phase,
    }
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(result, indent=2)
    (RESULTS / f"load-{started_at}.json").write_text(text)
    (RESULTS / "load-latest.json").write_text(text)
    (RESULTS / "load-latest.md").write_text(markdown(result))
    say(markdown(result))
    errors = main_phase["kinds"]["all"]["errors"]
    say(
        f"{errors} errors."
        + (" Examples: " + "; ".join(main_phase["error_examples"]) if errors else "")
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
