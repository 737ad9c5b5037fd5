"""Benchmark: the signals report against the bare GROUP BY it is built on.

Not a test (pytest does not collect bench/). It fills PostgreSQL with N
meldingen for a few organisations in bulk SQL (generate_series, one INSERT per
organisation), then times, for the largest organisation and one full year:

* report — `selectors.signals_report`: the access check, the threshold, the
  categories and departments, the one GROUP BY, and the suppression of the
  quarter, half-year, year and department figures together;
* bare   — the same GROUP BY on its own, through a cursor;

and prints the median of several repetitions of each and their ratio.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoeksteen_bench \\
        PYTHONPATH=src .venv/bin/python bench/signals_report.py --n 1000000

The organisations are called bench-0 … bench-<k>; their meldingen are
replaced on every run, nothing else in the database is touched. See
bench/README.md for figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable

import django


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="meldingen in total")
    parser.add_argument("--organisations", type=int, default=4, help="organisations")
    parser.add_argument("--share", type=float, default=0.7, help="share of the largest one")
    parser.add_argument("--repeat", type=int, default=9, help="timed repetitions of each")
    parser.add_argument("--departments", type=int, default=40, help="departments of the largest")
    return parser.parse_args()


def main() -> None:
    args = parse()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoeksteen.settings")
    django.setup()

    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the benchmark is about PostgreSQL.")
    call_command("migrate", verbosity=0)
    from django.utils import timezone

    year = timezone.localdate().year - 1  # a year that has ended: every quarter is counted
    organisations = [
        set_up(i, args.departments if i == 0 else 6) for i in range(args.organisations)
    ]
    load(organisations, args.n, args.share, year)
    time_report(organisations[0], year, args.repeat)


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
    say(f"  per organisation: {', '.join(f'{c:,}' for c in counts)}")


def medians(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Each run `repeat` times, interleaved, so a busy moment of the machine hits them alike."""
    for run in runs.values():
        run()  # warm the caches and the plan
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    return times


def time_report(largest: tuple[object, object], year: int, repeat: int) -> None:
    from django.db import connection

    from hoeksteen.signals import selectors
    from hoeksteen.signals.suppression import Granularity, publish_year

    organisation, people = largest
    coordinator = people["coordinator"]  # type: ignore[index]
    today = dt.date(year + 1, 1, 15)
    start, end = selectors.counting_window(year, today)
    counts = selectors.melding_counts(organisation=organisation, start=start, end=end)  # type: ignore[arg-type]
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
    shown = report()
    say(f"report for {organisation} ({year}): {counted:,} meldingen counted, {len(groups)} groups")
    say(
        f"  published as {shown.granularity.value}, {shown.table.hidden_cells} hidden cells, "
        f"departments {'shown' if shown.departments else 'not shown'}"
    )
    say("  plan of the GROUP BY:")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        for (line,) in cursor.fetchall():
            say(f"    {line}")
    names = {row[0]: row[1] for row in counts_labels(organisation)}
    quarters: dict[object, list[int]] = {}
    departments: dict[object, int] = {}
    for category, department, quarter, count in groups:
        quarters.setdefault(category, [0, 0, 0, 0])[quarter] += count  # type: ignore[index]
        departments[department] = departments.get(department, 0) + count  # type: ignore[operator]

    def suppression() -> object:
        return publish_year(
            categories=[(names[c], tuple(q)) for c, q in quarters.items()],
            departments=[(str(d), n) for d, n in departments.items() if d is not None],
            unassigned=departments.get(None, 0),
            k=5,
            other_categories="Other",
            other_departments="Other",
        )

    times = medians({"bare": bare, "report": report, "suppression": suppression}, repeat)
    bare_median = statistics.median(times["bare"])
    report_median = statistics.median(times["report"])
    say(f"bare GROUP BY       median {bare_median * 1000:8.1f} ms  ({fmt(times['bare'])})")
    say(f"signals report      median {report_median * 1000:8.1f} ms  ({fmt(times['report'])})")
    say(
        f"  of which the suppression alone (pure function) median "
        f"{statistics.median(times['suppression']) * 1000:.1f} ms"
    )
    say(f"ratio report / bare: {report_median / bare_median:.2f}")


def counts_labels(organisation: object) -> list[tuple[object, str]]:
    from hoeksteen.practice.models import MeldingCategory

    return list(MeldingCategory.objects.filter(organisation=organisation).values_list("pk", "name"))


def fmt(times: list[float]) -> str:
    return ", ".join(f"{t * 1000:.1f}" for t in times)


if __name__ == "__main__":
    main()
