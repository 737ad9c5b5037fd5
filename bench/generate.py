"""Generate the benchmark data set into PostgreSQL, deterministically.

    python bench/generate.py --scale 1|10|100 --seed 1 [--database-url URL] [--recreate]

At --scale 100: 2,000 organisations, 20,000 VPs, 200,000 complaints over all
states, 1,000,000 meldingen with about as many consent records, and
10,000,000 audit rows (bench/datagen/audit.py); --scale 1 and 10 make 1 % and
10 % of that. One organisation, `groot`, has the same size at every scale:
the page benchmarks sign in there.

The database (default: hk_bench_<scale>, see bench/datagen/common.py) is
created if missing and migrated; a finished data set is marked in the table
bench_dataset, so a second run with the same scale and seed does nothing
(--if-missing says so, applies any newer migrations and exits 0). --recreate
drops the database first.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.datagen.common import bench_environment, database_url, sizes  # noqa: E402


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, choices=(1, 10, 100), default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url", help="default: BENCH_DATABASE_URL_<scale> or hk_bench_<scale>"
    )
    parser.add_argument(
        "--recreate", action="store_true", help="drop and create the database first"
    )
    parser.add_argument(
        "--if-missing", action="store_true", help="exit 0 if this data set is there"
    )
    return parser.parse_args()


def admin_connection(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    parts = urlparse(url)
    admin = parts._replace(path="/postgres").geturl()
    return psycopg.connect(admin, autocommit=True), parts.path.lstrip("/")


def ensure_database(url: str, recreate: bool) -> None:
    connection, name = admin_connection(url)
    with connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and recreate:
            say(f"Dropping database {name} …")
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            say(f"Creating database {name} …")
            connection.execute(f'CREATE DATABASE "{name}"')


def existing_dataset(connection) -> tuple[int, int, bool] | None:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_dataset')")
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute("SELECT scale, seed, finished FROM bench_dataset")
        row = cursor.fetchone()
        return None if row is None else (row[0], row[1], row[2])


def main() -> None:
    args = parse()
    url = args.database_url or database_url(args.scale)
    os.environ.update(bench_environment())
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoeksteen.settings")
    ensure_database(url, args.recreate)

    import django

    django.setup()
    from bench.datagen.build import build
    from django.core.management import call_command
    from django.db import connection
    from tqdm import tqdm

    connection.ensure_connection()
    pg = connection.connection
    found = existing_dataset(pg)
    if found is not None:
        if found == (args.scale, args.seed, True):
            say(
                f"Data set scale {args.scale}, seed {args.seed} is already in "
                f"{urlparse(url).path[1:]}."
            )
            if args.if_missing:
                # Later migrations (new tables, new nullable columns) are
                # applied to a data set made before them.
                call_command("migrate", verbosity=0)
                return
            sys.exit("Use --recreate to make it again.")
        sys.exit(f"The database holds another or an unfinished data set {found}; use --recreate.")

    say("Migrating …")
    call_command("migrate", verbosity=0)
    with pg.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM organisations_organisation")
        if cursor.fetchone()[0]:
            sys.exit("The database is not empty; use --recreate.")

    wanted = sizes(args.scale)
    say(f"Generating scale {args.scale} % with seed {args.seed}: {wanted}")
    started = time.monotonic()
    pg.autocommit = False
    with pg.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_dataset (scale int, seed int, finished boolean)")
        cursor.execute("INSERT INTO bench_dataset VALUES (%s, %s, false)", [args.scale, args.seed])
    organisation_ids = build(pg, wanted, args.seed, tqdm)
    pg.commit()
    generate_audit_rows(pg, organisation_ids, wanted.audit, args.seed, tqdm)
    pg.commit()
    pg.autocommit = True
    say("Moving the sequences past the generated ids …")
    reset_sequences(pg)
    say("ANALYZE …")
    with pg.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("UPDATE bench_dataset SET finished = true")
    say(f"Done in {time.monotonic() - started:.0f} s.")


def generate_audit_rows(pg, organisation_ids: list[int], rows: int, seed: int, progress) -> None:  # type: ignore[no-untyped-def]
    try:
        audit = importlib.import_module("bench.datagen.audit")
    except ModuleNotFoundError:
        say(
            "bench/datagen/audit.py is missing: the audit rows are skipped "
            "(the page benchmarks do not read them)."
        )
        return
    say(f"Audit: {rows:,} hash-chained rows …")
    bar = progress(total=rows, desc="audit_auditentry", unit=" rows")
    audit.generate_audit(
        pg, organisation_ids=organisation_ids, rows=rows, seed=seed, progress=bar.update
    )
    bar.close()


def reset_sequences(pg) -> None:  # type: ignore[no-untyped-def]
    """setval every serial/identity column of the public schema to its max(id)."""
    with pg.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name,
                   pg_get_serial_sequence(quote_ident(table_name), column_name)
            FROM information_schema.columns
            WHERE table_schema = 'public' AND column_default LIKE 'nextval%%'
               OR (table_schema = 'public' AND is_identity = 'YES')
            """
        )
        for table, column, sequence in cursor.fetchall():
            if sequence is None:
                continue
            cursor.execute(
                # Names from the catalogue, not from input.
                f'SELECT setval(%s, GREATEST((SELECT max("{column}") FROM "{table}"), 1))',  # noqa: S608
                [sequence],
            )


if __name__ == "__main__":
    main()
