"""`make bench`: generate what is missing, run every benchmark, report.

    python bench/run.py --scale 1|10|100 [--seed 1]

1. bench/generate.py --if-missing for every scale the page benchmark compares
   (1; 1 and 10; or 1, 10 and 100 — the small ones take seconds);
2. bench/pages.py over those scales;
3. each job benchmark that exists (intake, signals, audit_verify, purge)
   against the database of --scale, as DATABASE_URL, with --scale and --results;
4. bench/report.py: bench/results/latest.json and latest.md, exit 1 if a bar
   does not hold. A full run (--scale 100) is also kept as full-run.json/.md,
   which the README and docs/performance.md link to.

Every script gets `--results bench/results/fragments` (emptied first).
BENCH_REQUESTS sets the page benchmark's timed requests per page and scale
(default 200). BENCH_DATABASE_URL overrides the database of --scale; BENCH_DATABASE_URL_<n>
any one scale's; BENCH_DATABASE_PREFIX the default names (hk_bench_<n>).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.datagen.common import bench_environment, database_url  # noqa: E402

JOB_SCRIPTS = ["intake", "signals", "audit_verify", "purge"]


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def run(*args: str, env: dict[str, str]) -> int:
    say("$ " + " ".join(args))
    return subprocess.run(args, env=env, cwd=ROOT, check=False).returncode  # noqa: S603


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, choices=(1, 10, 100), default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ[f"BENCH_DATABASE_URL_{args.scale}"] = os.environ["BENCH_DATABASE_URL"]
    env = {
        **os.environ,
        **bench_environment(),
        "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
        "BENCH_SCALE": str(args.scale),
        "BENCH_SEED": str(args.seed),
    }
    results = HERE / "results"
    fragments = results / "fragments"
    shutil.rmtree(fragments, ignore_errors=True)
    fragments.mkdir(parents=True)
    python = sys.executable
    scales = [s for s in (1, 10, 100) if s <= args.scale]
    failed = []
    for scale in scales:
        code = run(
            python,
            "bench/generate.py",
            "--scale",
            str(scale),
            "--seed",
            str(args.seed),
            "--database-url",
            database_url(scale),
            "--if-missing",
            env=env,
        )
        if code:
            sys.exit(f"Generating scale {scale} failed.")
    pages = ["--scales", ",".join(map(str, scales))]
    if os.environ.get("BENCH_REQUESTS"):  # fewer timed requests on a busy machine
        pages += ["--requests", os.environ["BENCH_REQUESTS"]]
    if run(python, "bench/pages.py", "--results", str(fragments), *pages, env=env):
        failed.append("pages")
    job_env = {**env, "DATABASE_URL": database_url(args.scale)}
    for script in JOB_SCRIPTS:
        path = HERE / f"{script}.py"
        if not path.exists():
            say(f"bench/{script}.py is not there yet: skipped.")
            continue
        job = [f"bench/{script}.py", "--scale", str(args.scale), "--results", str(fragments)]
        if run(python, *job, env=job_env):
            failed.append(script)
    code = run(
        python, "bench/report.py", "--fragments", str(fragments), "--out", str(results), env=env
    )
    if args.scale == 100:
        for suffix in ("json", "md"):
            shutil.copy(results / f"latest.{suffix}", results / f"full-run.{suffix}")
    if failed:
        say("Benchmarks that failed to run: " + ", ".join(failed))
    sys.exit(code or (1 if failed else 0))


if __name__ == "__main__":
    main()
