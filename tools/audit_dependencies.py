"""Audit every locked dependency for known vulnerabilities (`make audit`).

pip-audit asks a vulnerability service about each pinned release. A service
that cannot be reached, or that answers every question with "not found",
would make an audit pass without having looked at anything. So the service
is first asked about a release whose vulnerabilities are public (the canary):

* it names them: pip-audit runs with --strict over the locked file, and any
  known vulnerability, or any package it cannot ask about, fails the build;
* it cannot: the audit could not run. That is printed loudly, and fails the
  build only with AUDIT_REQUIRED=1 (machines without access to the service
  would otherwise never build).

    python tools/audit_dependencies.py --service osv --requirements requirements/constraints.txt
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

# Django 3.2.0 has dozens of published advisories (CVE-2021-31542 and on).
CANARY = ("django", "3.2.0")
TIMEOUT = 20


def _osv_knows_the_canary() -> str | None:
    name, version = CANARY
    body = json.dumps({"package": {"name": name, "ecosystem": "PyPI"}, "version": version})
    request = urllib.request.Request(
        "https://api.osv.dev/v1/query",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        answer = json.load(response)
    return None if answer.get("vulns") else "it names no vulnerability for the canary"


def _pypi_knows_the_canary() -> str | None:
    name, version = CANARY
    address = f"https://pypi.org/pypi/{name}/{version}/json"
    with urllib.request.urlopen(address, timeout=TIMEOUT) as response:
        answer = json.load(response)
    return None if answer.get("vulnerabilities") else "it names no vulnerability for the canary"


CANARIES = {"osv": _osv_knows_the_canary, "pypi": _pypi_knows_the_canary}


def service_problem(service: str) -> str | None:
    """Why `service` cannot be used for an audit, or None when it can."""
    try:
        return CANARIES[service]()
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        return f"{type(error).__name__}: {error}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--service", choices=sorted(CANARIES), default="osv")
    parser.add_argument("--requirements", type=Path, required=True)
    args = parser.parse_args()

    print(f"Asking {args.service} about {CANARY[0]} {CANARY[1]} first …", flush=True)
    problem = service_problem(args.service)
    if problem is not None:
        required = os.environ.get("AUDIT_REQUIRED") == "1"
        print(
            f"\n*** THE DEPENDENCY AUDIT DID NOT RUN: the vulnerability service "
            f"'{args.service}' cannot be used from this machine ({problem}).\n"
            f"*** Run `make audit` where it can be reached"
            f"{'' if required else ', or set AUDIT_REQUIRED=1 to make this an error'}.\n",
            flush=True,
        )
        return 1 if required else 0

    print(f"Auditing {args.requirements} ({args.service}) …", flush=True)
    command = [
        *(sys.executable, "-m", "pip_audit"),
        *("--strict", "--no-deps", "--disable-pip", "--progress-spinner", "off"),
        *("--vulnerability-service", args.service, "--timeout", "30"),
        *("-r", str(args.requirements)),
    ]
    status = subprocess.run(command, check=False).returncode
    if status != 0:
        print(
            "make audit failed: a locked dependency has a known vulnerability, or the "
            "service could not answer for one of them (listed above).",
            flush=True,
        )
    return status


if __name__ == "__main__":
    sys.exit(main())
