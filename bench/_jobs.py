"""What the job benchmarks (intake, signals, audit_verify, purge) share:
their options, Django on the chosen database, timing and the results file.

Each script writes DIR/<script>.json:
{"scale": N, "figures": {key: {"value", "unit", "ratio", "bar", "holds", "detail"}}}
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def options(description: str, **extra: Any) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="PostgreSQL database (default: $DATABASE_URL)",
    )
    parser.add_argument(
        "--scale",
        type=int,
        choices=[1, 10, 100],
        default=1,
        help="size of the data, in %% of the full benchmark (default 1)",
    )
    parser.add_argument("--results", type=Path, help="write DIR/<script>.json")
    parser.add_argument("--repeat", type=int, default=5, help="timed repetitions (median)")
    return parser


def setup(database_url: str | None) -> None:
    """Django on `database_url` (PostgreSQL), migrated."""
    if not database_url or not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("Give --database-url (or DATABASE_URL) of a PostgreSQL database.")
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoeksteen.settings")
    src = str(Path(__file__).resolve().parent.parent / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(work: Callable[[], object]) -> float:
    """Seconds `work` took."""
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def median(samples: list[float]) -> float:
    return statistics.median(samples)


class Results:
    """The figures of one script, printed as they come and written at the end."""

    def __init__(self, script: str, scale: int) -> None:
        self.script, self.scale = script, scale
        self.figures: dict[str, dict[str, Any]] = {}

    def add(
        self,
        key: str,
        value: float,
        unit: str,
        *,
        detail: str = "",
        ratio: float | None = None,
        bar: float | None = None,
    ) -> None:
        holds = None if ratio is None or bar is None else ratio <= bar
        self.figures[key] = {
            "value": round(value, 6),
            "unit": unit,
            "ratio": None if ratio is None else round(ratio, 4),
            "bar": bar,
            "holds": holds,
            "detail": detail,
        }
        line = f"  {key:<34} {value:>12.3f} {unit:<6}"
        if ratio is not None:
            line += f" ratio {ratio:6.3f}"
        if bar is not None:
            line += f" (bar ≤ {bar}: {'holds' if holds else 'FAILS'})"
        say(line + (f"  — {detail}" if detail else ""))

    def write(self, directory: Path | None) -> bool:
        """Write the results file; True when every bar holds."""
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / f"{self.script}.json"
            path.write_text(
                json.dumps({"scale": self.scale, "figures": self.figures}, indent=2) + "\n"
            )
            say(f"wrote {path}")
        return all(f["holds"] is not False for f in self.figures.values())
