"""Merge the benchmark fragments into latest.json and latest.md; fail on a broken bar.

    python bench/report.py [--fragments bench/results/fragments] [--out bench/results]

Every benchmark script writes DIR/<script>.json =
{"scale": N, "figures": {key: {"value", "unit", "ratio", "bar", "holds", "detail"}}}.
This script reads them all, writes one latest.json (one key per figure, with
the script it came from) and a markdown table of the figures that carry a
ratio or a bar, followed by the plain figures; it exits 1 if any bar does not
hold, 2 if there is nothing to report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fragments", type=Path, default=HERE / "results" / "fragments")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    return parser.parse_args()


def load(folder: Path) -> dict[str, dict[str, Any]]:
    fragments = {}
    for path in sorted(folder.glob("*.json")):
        fragments[path.stem] = json.loads(path.read_text())
    return fragments


def merge(fragments: dict[str, dict[str, Any]]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for script, fragment in fragments.items():
        for key, figure in fragment["figures"].items():
            figures[key] = {**figure, "script": script, "scale": fragment.get("scale")}
    scales = sorted({f.get("scale") for f in fragments.values() if f.get("scale") is not None})
    return {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gib": round(
                os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1
            ),
            "python": platform.python_version(),
        },
        "scales": scales,
        "all_bars_hold": all(f["holds"] is not False for f in figures.values()),
        "figures": figures,
    }


def number(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def markdown(report: dict[str, Any]) -> str:
    figures = report["figures"]
    barred = {k: f for k, f in figures.items() if f["bar"] is not None or f["ratio"] is not None}
    plain = {k: f for k, f in figures.items() if k not in barred}
    lines = [
        (
            f"Benchmark run {report['generated_at']}, scales {report['scales']}, "
            f"{report['machine']['cpus']} CPUs, {report['machine']['memory_gib']} GiB."
        ),
        "",
        "| figure | value | ratio | bar | holds | how |",
        "|---|---|---|---|---|---|",
    ]
    for key, f in barred.items():
        holds = {True: "yes", False: "**NO**", None: "—"}[f["holds"]]
        lines.append(
            f"| {key} | {number(f['value'])} {f['unit']} | {number(f['ratio'])} | "
            f"{number(f['bar'])} | {holds} | {f['detail']} |"
        )
    if plain:
        lines += ["", "| figure | value | how |", "|---|---|---|"]
        for key, f in plain.items():
            lines.append(f"| {key} | {number(f['value'])} {f['unit']} | {f['detail']} |")
    verdict = "Every bar holds." if report["all_bars_hold"] else "**A bar does not hold.**"
    return "\n".join([*lines, "", verdict, ""])


def main() -> None:
    args = parse()
    fragments = load(args.fragments)
    if not fragments:
        sys.exit(2)
    report = merge(fragments)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    table = markdown(report)
    (args.out / "latest.md").write_text(table)
    sys.stdout.write(table)
    broken = [k for k, f in report["figures"].items() if f["holds"] is False]
    if broken:
        sys.stdout.write("Bars that do not hold: " + ", ".join(broken) + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
