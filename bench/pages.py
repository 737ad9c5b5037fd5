"""Page benchmark: four pages under gunicorn on loopback, at 1 %, 10 % and 100 %.

    python bench/pages.py --results DIR [--scales 1,10,100] [--requests 200]

For each scale's database (bench/datagen/common.py) it migrates, signs in the
handler, a VP and the coordinator of the organisation `groot` (sessions made
in the database, the second factor marked verified), counts the queries of
each page with Django's test client, and starts one gunicorn
(`python -m hoeksteen serve`, bench/settings.py: the product plus the
benchmark-only floor view) on a free loopback port. All servers run at once
and the timed requests go round-robin over scales and pages, so a noisy
neighbour slows every figure alike: the ratios compare numbers of one run.

Figures: p50/p95 latency and requests/s per page and scale, the floor's,
queries per page, p50 at the largest scale / p50 at 1 % (bar 1.3), case list
p50 / floor p50 (bar 4), queries (bar 15, and equal at every scale), and the
peak RSS (VmHWM) of the gunicorn workers afterwards (bar 150 MB).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.datagen.common import BENCH_SLUG, bench_environment, database_url  # noqa: E402

PAGES = ["case_list", "case_detail", "vp_home", "coordinator_dashboard"]
FLOOR = "floor"
FLAT_BAR = 1.3
FLOOR_BAR = 4.0
QUERY_BAR = 15
RSS_BAR_MB = 150.0


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, required=True, help="folder for pages.json")
    parser.add_argument("--scales", default="1,10,100", help="comma-separated, e.g. 1,10,100")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per page")
    parser.add_argument("--concurrency", type=int, default=4, help="clients in the req/s phase")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each req/s phase")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--prepare", help=argparse.SUPPRESS)  # internal: one scale's set-up
    return parser.parse_args()


# --- set-up, in a child process per database ------------------------------------


def prepare(url: str) -> None:
    """Migrate, sign in, count queries; print one JSON line for the parent."""
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, F, IntegerField, Value
    from django.db.models.functions import Cast
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hoeksteen.complaints.models import Complaint
    from hoeksteen.complaints.selectors import _parts_present
    from hoeksteen.organisations.models import Organisation
    from hoeksteen.people.models import Membership, User
    from hoeksteen.practice.models import Melding

    call_command("migrate", verbosity=0)
    organisation = Organisation.objects.get(slug=BENCH_SLUG)
    handler_id = (
        Complaint.objects.filter(organisation=organisation)
        .values("handler_id")
        .annotate(n=Count("id"))
        .order_by("-n", "handler_id")[0]["handler_id"]
    )
    vp_id = (
        Melding.objects.filter(organisation=organisation)
        .values("holder_id")
        .annotate(n=Count("id"))
        .order_by("-n", "holder_id")[0]["holder_id"]
    )
    coordinator_id = Membership.objects.get(organisation=organisation, role="coordinator").user_id
    # The case page asks for a part of the file (letters, documents, …) only
    # when the case has one, so its query count depends on the case, not on
    # the data size. Each scale opens a case of the same shape: the handler's
    # first case in review with the most parts.
    has = {name: Cast(exists, IntegerField()) for name, exists in _parts_present().items()}
    case = (
        Complaint.objects.filter(organisation=organisation, handler_id=handler_id, state="review")
        .annotate(**has)
        .annotate(shape=sum((F(name) for name in has), Value(0)))
        .order_by("-shape", "number")
        .first()
    )
    assert case is not None

    def session_for(user_id: int) -> str:
        user = User.objects.get(pk=user_id)
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="bench", defaults={"confirmed": True}
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session["otp_device_id"] = device.persistent_id
        session.create()
        assert session.session_key is not None
        return session.session_key

    handler, vp, coordinator = (session_for(u) for u in (handler_id, vp_id, coordinator_id))
    pages = {
        "case_list": (f"/o/{BENCH_SLUG}/klachten/", handler),
        "case_detail": (f"/o/{BENCH_SLUG}/klachten/{case.uid}/", handler),
        "vp_home": (f"/o/{BENCH_SLUG}/praktijk/", vp),
        "coordinator_dashboard": (f"/o/{BENCH_SLUG}/kwaliteit/", coordinator),
        FLOOR: ("/bench/floor/", handler),
    }
    queries = {}
    for name, (path, session_key) in pages.items():
        client = Client()
        client.cookies["sessionid"] = session_key
        client.get(path)  # the first request fills caches (content types, translations)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {path} answered {response.status_code}")
        queries[name] = len(captured.captured_queries)
    sys.stdout.write(json.dumps({"pages": pages, "queries": queries}) + "\n")


# --- the servers ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    def __init__(self, scale: int, url: str, workers: int, log: Path) -> None:
        self.scale = scale
        self.port = free_port()
        env = {
            **os.environ,
            **bench_environment(),
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
            "HOEKSTEEN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
        }
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hoeksteen", "serve"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn for scale {self.scale} stopped; see {self.log.name}")
            try:
                status, _ = request(self.port, "/healthz", None)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn for scale {self.scale} did not answer in {timeout} s")

    def workers(self) -> list[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(c) for c in children]

    def peak_rss_mb(self) -> float:
        peaks = []
        for worker in self.workers():
            for line in Path(f"/proc/{worker}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def request(port: int, path: str, session: str | None) -> tuple[int, float]:
    headers = {"Cookie": f"sessionid={session}"} if session else {}
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    return response.status, (time.perf_counter() - started) * 1000


# --- measuring --------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def throughput(port: int, path: str, session: str, clients: int, seconds: float) -> float:
    done = [0] * clients
    stop_at = time.monotonic() + seconds

    def client(index: int) -> None:
        while time.monotonic() < stop_at:
            status, _ = request(port, path, session)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            done[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


def figure(
    value: float,
    unit: str,
    detail: str,
    ratio: float | None = None,
    bar: float | None = None,
    holds: bool | None = None,
) -> dict[str, Any]:
    return {
        "value": round(value, 3),
        "unit": unit,
        "ratio": None if ratio is None else round(ratio, 3),
        "bar": bar,
        "holds": holds,
        "detail": detail,
    }


def main() -> None:
    args = parse()
    os.environ.update(bench_environment())
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    if args.prepare:
        prepare(args.prepare)
        return
    scales = [int(s) for s in args.scales.split(",")]
    args.results.mkdir(parents=True, exist_ok=True)
    logs = args.results / "logs"
    logs.mkdir(exist_ok=True)

    setups: dict[int, dict[str, Any]] = {}
    for scale in scales:
        say(f"Preparing scale {scale} ({database_url(scale).rsplit('/', 1)[1]}) …")
        out = subprocess.run(  # noqa: S603 - this script, our own arguments
            [
                sys.executable,
                __file__,
                "--results",
                str(args.results),
                "--prepare",
                database_url(scale),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        setups[scale] = json.loads(out.stdout.strip().splitlines()[-1])
        say(f"  queries per page: {setups[scale]['queries']}")

    servers = {
        s: Server(s, database_url(s), args.workers, logs / f"gunicorn-{s}.log") for s in scales
    }
    try:
        for server in servers.values():
            server.wait_ready()
        names = [FLOOR, *PAGES]
        say(f"Warming up ({args.warmup} requests per page and scale) …")
        for _ in range(args.warmup):
            for scale, server in servers.items():
                for name in names:
                    path, session = setups[scale]["pages"][name]
                    status, _ = request(server.port, path, session)
                    if status != 200:
                        raise SystemExit(f"scale {scale} {name} {path}: {status}")
        say(f"Timing {args.requests} sequential requests per page and scale, round-robin …")
        timings: dict[tuple[int, str], list[float]] = {(s, n): [] for s in scales for n in names}
        for i in range(args.requests):
            order = [(s, n) for s in scales for n in names]
            # Rotate the order so no page always follows the same one.
            shift = i % len(order)
            for scale, name in order[shift:] + order[:shift]:
                path, session = setups[scale]["pages"][name]
                status, ms = request(servers[scale].port, path, session)
                if status != 200:
                    raise SystemExit(f"scale {scale} {name}: {status}")
                timings[(scale, name)].append(ms)
            if (i + 1) % 50 == 0:
                say(f"  {i + 1}/{args.requests}")
        say(f"Requests/s with {args.concurrency} clients, {args.seconds} s per page and scale …")
        rates = {}
        for scale, server in servers.items():
            for name in names:
                path, session = setups[scale]["pages"][name]
                rates[(scale, name)] = throughput(
                    server.port, path, session, args.concurrency, args.seconds
                )
        rss = {scale: server.peak_rss_mb() for scale, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()

    figures = report(scales, setups, timings, rates, rss, args)
    out_file = args.results / "pages.json"
    out_file.write_text(json.dumps({"scale": max(scales), "figures": figures}, indent=2) + "\n")
    say(f"Wrote {out_file}")


def report(
    scales: list[int],
    setups: dict[int, dict[str, Any]],
    timings: dict[tuple[int, str], list[float]],
    rates: dict[tuple[int, str], float],
    rss: dict[int, float],
    args: argparse.Namespace,
) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    smallest, largest = min(scales), max(scales)
    say("")
    say(f"{'page':<24}{'scale':>6}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>8}{'queries':>9}")
    for name in [FLOOR, *PAGES]:
        for scale in scales:
            values = timings[(scale, name)]
            p50, p95 = statistics.median(values), percentile(values, 0.95)
            queries = setups[scale]["queries"][name]
            say(
                f"{name:<24}{scale:>6}{p50:>9.2f}{p95:>9.2f}"
                f"{rates[(scale, name)]:>8.1f}{queries:>9}"
            )
            n = len(values)
            figures[f"pages.{name}.s{scale}.p50"] = figure(p50, "ms", f"{n} sequential requests")
            figures[f"pages.{name}.s{scale}.p95"] = figure(p95, "ms", f"{n} sequential requests")
            figures[f"pages.{name}.s{scale}.rps"] = figure(
                rates[(scale, name)],
                "req/s",
                f"{args.concurrency} clients, {args.seconds} s, {args.workers} workers",
            )
    say("")
    for name in PAGES:
        counts = [setups[s]["queries"][name] for s in scales]
        constant = len(set(counts)) == 1
        figures[f"pages.{name}.queries"] = figure(
            counts[-1],
            "queries",
            f"per request at scales {scales}: {counts}; "
            f"bar: <= {QUERY_BAR} and equal at every scale",
            bar=QUERY_BAR,
            holds=constant and counts[-1] <= QUERY_BAR,
        )
        if largest > smallest:
            low = statistics.median(timings[(smallest, name)])
            high = statistics.median(timings[(largest, name)])
            figures[f"pages.{name}.flat"] = figure(
                high,
                "ms",
                f"p50 at {largest} % / p50 at {smallest} %",
                ratio=high / low,
                bar=FLAT_BAR,
                holds=high / low <= FLAT_BAR,
            )
            say(f"{name}: p50 {largest} % / {smallest} % = {high / low:.2f} (bar {FLAT_BAR})")
    floor = statistics.median(timings[(largest, FLOOR)])
    case_list = statistics.median(timings[(largest, "case_list")])
    figures["pages.case_list.vs_floor"] = figure(
        case_list,
        "ms",
        f"case list p50 / floor p50 ({floor:.2f} ms), at {largest} %",
        ratio=case_list / floor,
        bar=FLOOR_BAR,
        holds=case_list / floor <= FLOOR_BAR,
    )
    say(f"case list / floor at {largest} % = {case_list / floor:.2f} (bar {FLOOR_BAR})")
    peak = max(rss.values())
    figures["pages.worker_peak_rss"] = figure(
        peak,
        "MB",
        "largest VmHWM of a gunicorn worker after the page benchmarks: "
        + ", ".join(f"{s} %: {v:.0f} MB" for s, v in rss.items()),
        bar=RSS_BAR_MB,
        holds=peak <= RSS_BAR_MB,
    )
    say(f"worker peak RSS {peak:.0f} MB (bar {RSS_BAR_MB:.0f})")
    return figures


if __name__ == "__main__":
    main()
