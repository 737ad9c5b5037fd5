"""Benchmark: the signals report as a reader gets it against the bare GROUP BY
it is built on, for one large organisation and for all organisations at once.

    .venv/bin/python bench/signals.py --database-url postgres://…/db --scale 1

Data: when the database already holds 10,000 x scale meldingen (bench/generate's:
1,000,000 at --scale 100), those are used: the organisation with the most
meldingen in the busiest year that has ended, and every organisation.
Otherwise this script makes the organisations bench-0 … bench-<20 x scale - 1>
(VP, coordinator, departments; bench-0 gets 40 departments and --share of the
meldingen) and replaces their meldingen with 10,000 x scale new ones, in one
`INSERT … SELECT … FROM generate_series` per organisation (first
conversations over two years, categories and departments skewed).

The database is left as it was found: everything after the migration runs in
one transaction that is rolled back at the end (sequences excepted), so every
run starts with no kept publication. An ended year's publication is kept
when it is first published and read from then on, so a reader of an ended
year gets the kept one; that is what the bars time.

Figures (medians of interleaved repetitions, one run):

* one organisation — `selectors.signals_report` of a kept year (access
  check, the kept row through the access policy, rebuilding the
  publication) against the organisation's GROUP BY alone through a cursor:
  ≤ 1.5;
* all organisations — `selectors.publications_of_year` of a kept year
  (every kept row; organisations with no melding that year, which are never
  kept, counted again) against the GROUP BY over all organisations: ≤ 1.5;
* without a bar, what keeping costs once: the first read of one organisation's
  year (counting, suppressing, storing, the audit entry), and the tick job
  that keeps every organisation's year at once, each against its GROUP BY.
  Each of those repetitions runs in a savepoint that is rolled back after
  the clock stops; no commit (WAL flush) is in them.

It also prints the plan of the one-organisation GROUP BY.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _jobs import Results, median, options, say, setup, timed

BAR = 1.5


def main() -> None:
    parser = options(__doc__.split("\n\n")[0])
    parser.add_argument("--share", type=float, default=0.3, help="share of bench-0 (own data)")
    args = parser.parse_args()
    setup(args.database_url)
    from django.db import transaction

    results = Results("signals", args.scale)
    with transaction.atomic():
        measure(args, results)
        transaction.set_rollback(True)  # leave the database as it was found
    if not results.write(args.results):
        say("A bar does not hold.")


def measure(args: argparse.Namespace, results: Results) -> None:
    n = 10_000 * args.scale
    found = existing_data(n)
    if found is None:
        # A year that has ended: every quarter is counted.
        year = dt.datetime.now(tz=dt.UTC).year - 1
        count = 20 * args.scale
        say(f"making {count} organisations with {n:,} meldingen")
        organisations = [set_up(i, 40 if i == 0 else 6) for i in range(count)]
        load(organisations, n, args.share, year)
        largest = organisations[0]
    else:
        largest, year = found
    forget_kept(year)
    time_one(largest, year, args.repeat, results)
    time_all(year, args.repeat, results)


def forget_kept(year: int) -> None:
    """No organisation's year is kept yet (inside the rolled-back transaction)."""
    from hoeksteen.organisations.models import Organisation
    from hoeksteen.signals.models import FrozenPublication

    FrozenPublication.objects.filter(year=year).delete()
    # The tick keeps the year of organisations that existed when it ended;
    # organisations this script made are made today.
    year_end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    Organisation.objects.filter(created_at__gte=year_end).update(
        created_at=dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    )


def existing_data(n: int) -> tuple[tuple[object, object], int] | None:
    """The largest organisation of a database filled by bench/generate, with a
    coordinator, and the busiest year that has ended; None if there is too little."""
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from hoeksteen.organisations.models import Organisation
    from hoeksteen.people.models import Membership, Role, User
    from hoeksteen.practice.models import Melding

    others = Melding.objects.exclude(organisation__slug__startswith="bench-")
    if others.count() < n:
        return None
    this_year = dt.datetime.now(tz=dt.UTC).year
    busiest = (
        others.filter(first_contact_on__year__lt=this_year)
        .annotate(year=ExtractYear("first_contact_on"))
        .values("year")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        return None
    year = busiest["year"]
    top = (
        others.filter(first_contact_on__year=year)
        .values("organisation_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert top is not None
    organisation = Organisation.objects.get(pk=top["organisation_id"])
    membership = Membership.objects.filter(
        organisation=organisation, role=Role.COORDINATOR, is_active=True
    ).first()
    if membership is None:
        user, _ = User.objects.get_or_create(username="bench-signals-coordinator")
        membership = Membership.objects.create(
            organisation=organisation, user=user, role=Role.COORDINATOR
        )
    say(f"using the data in the database: {organisation}, {year}")
    return (organisation, {"coordinator": membership.user}), year


def set_up(index: int, departments: int) -> tuple[object, object]:
    """Organisation bench-<index> with its VP, coordinator and departments."""
    from hoeksteen.organisations.actions import organisation_create
    from hoeksteen.organisations.models import Organisation
    from hoeksteen.people.models import Membership, Role, User
    from hoeksteen.practice.models import Department

    slug = f"bench-{index}"
    organisation = Organisation.objects.filter(slug=slug).first() or organisation_create(
        name=f"Bench {index}", slug=slug, acting_user=None
    )
    people = {}
    for role, kind in ((Role.VP, "internal"), (Role.COORDINATOR, "")):
        user, _ = User.objects.get_or_create(username=f"bench-{index}-{role}")
        Membership.objects.get_or_create(
            organisation=organisation, user=user, role=role, defaults={"vp_kind": kind}
        )
        people[role] = user
    for d in range(Department.objects.filter(organisation=organisation).count(), departments):
        Department.objects.create(organisation=organisation, name=f"Afdeling {d:02d}")
    return organisation, people


def load(organisations: list[tuple[object, object]], n: int, share: float, year: int) -> None:
    from django.db import connection, transaction

    from hoeksteen.practice.models import Department, MeldingCategory

    counts = [round(n * share)]
    rest = n - counts[0]
    others = len(organisations) - 1
    counts += [rest // others + (1 if i < rest % others else 0) for i in range(others)]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        ids = [organisation.pk for organisation, _ in organisations]  # type: ignore[attr-defined]
        cursor.execute("DELETE FROM practice_melding WHERE organisation_id = ANY(%s)", [ids])
        for (organisation, people), count in zip(organisations, counts, strict=True):
            categories = list(
                MeldingCategory.objects.filter(organisation=organisation).values_list(
                    "pk", flat=True
                )
            )
            departments = list(
                Department.objects.filter(organisation=organisation).values_list("pk", flat=True)
            )
            vp = people["vp"].pk  # type: ignore[index]
            # Two years of first conversations; categories skewed (the square of a
            # uniform number favours the first ones), departments uneven, 15% without.
            cursor.execute(
                """
                INSERT INTO practice_melding (
                    organisation_id, holder_id, registered_by_id, first_contact_on, category_id,
                    contact_kind, department_id, melder_reference, referral, outcome, notes,
                    created_at)
                SELECT %(organisation)s, %(vp)s, %(vp)s,
                       %(start)s::date + floor(random() * 730)::int,
                       (%(categories)s::bigint[])[1 + floor(power(random(), 2) * %(c)s)::int],
                       'in_person',
                       CASE WHEN random() < 0.15 THEN NULL
                            ELSE (%(departments)s::bigint[])[
                                1 + floor(power(random(), 3) * %(d)s)::int] END,
                       '', 'none', '', '', now()
                FROM generate_series(1, %(count)s)
                """,
                {
                    "organisation": organisation.pk,  # type: ignore[attr-defined]
                    "vp": vp,
                    "start": dt.date(year - 1, 1, 1),
                    "categories": categories,
                    "c": len(categories),
                    "departments": departments,
                    "d": len(departments),
                    "count": count,
                },
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE practice_melding")
    elapsed = time.perf_counter() - started
    say(f"loaded {n:,} meldingen for {len(organisations)} organisations in {elapsed:.1f} s")
    say(f"  {counts[0]:,} for bench-0, {min(counts):,} to {max(counts[1:]):,} for the others")


def medians(runs: dict[str, Callable[[], float]], repeat: int) -> dict[str, list[float]]:
    """Each run `repeat` times, interleaved, so a busy moment of the machine
    hits them alike. A run returns the seconds it took."""
    for run in runs.values():
        run()  # warm the caches and the plan
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            times[name].append(run())
    return times


def undone(work: Callable[[], object]) -> Callable[[], float]:
    """`work`, timed, then rolled back to before it: each repetition keeps anew."""
    from django.db import transaction

    def run() -> float:
        savepoint = transaction.savepoint()
        try:
            return timed(work)
        finally:
            transaction.savepoint_rollback(savepoint)

    return run


def _published(year: int) -> dt.date:
    """A day two weeks after `year` was published (its figures fixed)."""
    from hoeksteen.signals import counting

    return counting.publication_date(year) + dt.timedelta(days=14)


def time_one(largest: tuple[object, object], year: int, repeat: int, results: Results) -> None:
    from django.db import connection

    from hoeksteen.signals import counting, selectors
    from hoeksteen.signals.suppression import Granularity

    organisation, people = largest
    coordinator = people["coordinator"]  # type: ignore[index]
    today = _published(year)
    start, end = counting.counting_window(year, today)
    counts = counting.melding_counts(
        start=start,
        end=end,
        organisation_ids=[organisation.pk],  # type: ignore[attr-defined]
    )
    sql, params = counts.query.sql_with_params()

    def bare() -> list[tuple[object, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def report() -> selectors.SignalsReport:
        return selectors.signals_report(
            user=coordinator,
            organisation=organisation,  # type: ignore[arg-type]
            year=year,
            granularity=Granularity.QUARTER,
            today=today,
        )

    groups = bare()
    counted = sum(int(row[-1]) for row in groups)  # type: ignore[call-overload]
    say(f"report for {organisation} ({year}): {counted:,} meldingen counted, {len(groups)} groups")
    say("  plan of the GROUP BY:")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        for (line,) in cursor.fetchall():
            say(f"    {line}")
    first = medians({"bare": lambda: timed(bare), "first": undone(report)}, max(3, repeat // 3))
    fixed_at = report().fixed_at  # kept from here on
    assert fixed_at is not None, "an ended year with meldingen is kept"
    times = medians({"bare": lambda: timed(bare), "report": lambda: timed(report)}, repeat)
    bare_s, report_s = median(times["bare"]), median(times["report"])
    first_s, first_bare_s = median(first["first"]), median(first["bare"])
    results.add(
        "one_bare_group_by",
        bare_s * 1000,
        "ms",
        detail=f"{counted:,} meldingen, {len(groups)} groups",
    )
    results.add("one_report", report_s * 1000, "ms", detail="kept year, as a reader gets it")
    results.add("one_report_vs_bare", report_s / bare_s, "x", ratio=report_s / bare_s, bar=BAR)
    results.add(
        "one_first_read",
        first_s * 1000,
        "ms",
        detail="once per year: count, suppress, keep, audit; "
        f"GROUP BY {first_bare_s * 1000:.2f} ms",
    )
    results.add("one_first_read_vs_bare", first_s / first_bare_s, "x", ratio=first_s / first_bare_s)


def time_all(year: int, repeat: int, results: Results) -> None:
    from django.db import connection

    from hoeksteen.signals import counting, selectors
    from hoeksteen.signals.freezing import ended_year_freeze
    from hoeksteen.signals.models import FrozenPublication

    today = _published(year)
    now = dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC)
    start, end = counting.counting_window(year, today)
    sql, params = counting.melding_counts(start=start, end=end).query.sql_with_params()

    def bare() -> list[tuple[object, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def every() -> object:
        return selectors.publications_of_year(year=year, today=today)

    groups = bare()
    counted = sum(int(row[-1]) for row in groups)  # type: ignore[call-overload]
    # The tick job keeps every organisation's year at once: timed, then undone.
    job = medians(
        {"bare": lambda: timed(bare), "job": undone(lambda: ended_year_freeze(now=now))},
        max(3, repeat // 3),
    )
    frozen = ended_year_freeze(now=now)  # kept from here on
    kept = FrozenPublication.objects.filter(year=year).count()
    published = len(every())  # type: ignore[arg-type]
    say(
        f"all organisations ({year}): {counted:,} meldingen, {published:,} publications, "
        f"{kept:,} kept ({frozen:,} by the job; a year without meldingen is not kept)"
    )
    times = medians({"bare": lambda: timed(bare), "every": lambda: timed(every)}, repeat)
    bare_s, every_s = median(times["bare"]), median(times["every"])
    job_s, job_bare_s = median(job["job"]), median(job["bare"])
    results.add(
        "all_bare_group_by",
        bare_s * 1000,
        "ms",
        detail=f"{counted:,} meldingen, {len(groups):,} groups",
    )
    results.add(
        "all_publications",
        every_s * 1000,
        "ms",
        detail=f"{published:,} organisations, {kept:,} kept",
    )
    results.add("all_report_vs_bare", every_s / bare_s, "x", ratio=every_s / bare_s, bar=BAR)
    results.add(
        "all_freeze_job",
        job_s * 1000,
        "ms",
        detail=f"once per year: {frozen:,} organisations kept, each with its audit entry; "
        f"GROUP BY {job_bare_s * 1000:.2f} ms",
    )
    results.add("all_freeze_job_vs_bare", job_s / job_bare_s, "x", ratio=job_s / job_bare_s)


if __name__ == "__main__":
    main()
