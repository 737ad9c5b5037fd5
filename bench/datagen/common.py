"""What the generator and the benchmarks agree on: the key, the sizes, the names."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import os

# The benchmark data is encrypted with this key, and every benchmark server is
# started with it. It guards nothing: the data is made up.
BENCH_ENCRYPTION_KEY = base64.urlsafe_b64encode(
    hashlib.sha256(b"hoeksteen benchmark data, not a secret").digest()
).decode()

# The organisation the page benchmarks sign in to. It has the same size at
# every scale, so the pages measure what everyone else's data costs them.
BENCH_SLUG = "groot"
BENCH_ORG = {"vps": 40, "handlers": 4, "employees": 40, "complaints": 1000, "meldingen": 5000}

# Full size (scale 100); --scale 1 and 10 make 1 % and 10 % of it.
FULL = {
    "organisations": 2_000,
    "vps": 20_000,
    "complaints": 200_000,
    "meldingen": 1_000_000,
    "audit": 10_000_000,
}

ANCHOR = "2026-11-01T09:00:00+00:00"  # "now" of the generated data (determinism)


@dataclasses.dataclass(frozen=True)
class Sizes:
    organisations: int
    vps: int
    complaints: int
    meldingen: int
    audit: int


def sizes(scale: int) -> Sizes:
    return Sizes(**{name: FULL[name] * scale // 100 for name in FULL})


def database_url(scale: int) -> str:
    """BENCH_DATABASE_URL_<scale>, or <BENCH_DATABASE_PREFIX>_<scale> (hk_bench_<scale>) locally."""
    explicit = os.environ.get(f"BENCH_DATABASE_URL_{scale}")
    if explicit:
        return explicit
    prefix = os.environ.get("BENCH_DATABASE_PREFIX", "hk_bench")
    return f"postgres://postgres@127.0.0.1:5432/{prefix}_{scale}"


def bench_environment() -> dict[str, str]:
    """What the generator, the server and the query counter all run with."""
    return {
        "HOEKSTEEN_ENCRYPTION_KEYS": BENCH_ENCRYPTION_KEY,
        "DJANGO_SECRET_KEY": "benchmark-only-" + "x" * 40,
        "HOEKSTEEN_TICK_INTERVAL": "0",
    }
