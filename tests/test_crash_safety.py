"""Crash safety: a real gunicorn, killed with SIGKILL while it works.

For each database (SQLite in a file, and a fresh PostgreSQL database) a client
streams anonymous complaints through the intake form, handlers acknowledging
them and complainants writing messages with their receipt code, while the
whole gunicorn process group is killed at seeded random moments and started
again. Afterwards:

- every complaint whose receipt code the client saw opens with that code and
  shows its description, its document and the messages the client saw saved;
- every acknowledgment the client saw saved is in the complaint's history;
- nothing is half-written (see CHECK below for what "whole" means);
- `verify-audit` passes;
- the outbox is drained by tick processes that are themselves killed while
  sending, then by two at once: no message is sent twice by the outbox.
  A message whose hand-off was cut by a kill before its commit may be handed
  over once more, with the same Message-ID (the receiving server drops it),
  so the only repeats allowed are at most one per killed tick.

PostgreSQL: the server of DATABASE_URL when the suite runs on PostgreSQL,
otherwise HOEKSTEEN_CRASH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/hoeksteen); the database name there is the
prefix of the throw-away database. An unreachable server fails the test.
"""

from __future__ import annotations

import functools
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from hoeksteen.testing import live

pytestmark = pytest.mark.slow

SEED = 20261128
KILLS = 6
MAIL_KILLS = 3
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/hoeksteen"

# A complaint is whole when it has its received history, its audit entry and
# its notice, when every later state change and message has its audit entry,
# when its state is the last state of its history, and when every document
# row has its file on disk, decrypting to the stored checksum.
CHECK = """
import hashlib, json
from collections import Counter
from django.conf import settings
from hoeksteen.audit.models import AuditEntry
from hoeksteen.complaints.models import Attachment, Complaint, Message, StatusChange
from hoeksteen.outbox.models import OutboxMessage

problems = []
audits = Counter(
    (e.object_id, e.action)
    for e in AuditEntry.objects.filter(object_type="complaints.complaint")
)
keys = set(OutboxMessage.objects.values_list("key", flat=True))
numbers = []
acknowledged = []
for c in Complaint.objects.order_by("id"):
    pk = str(c.pk)
    numbers.append(c.number)
    history = list(StatusChange.objects.filter(complaint=c).order_by("at", "id"))
    if not history or history[0].transition != "submit":
        problems.append(f"complaint {pk} has no received history")
    if audits[(pk, "complaint.submitted")] != 1:
        problems.append(f"complaint {pk} has not one submitted entry")
    notice = f"routed:{pk}:{c.handler_id}" if c.handler_id else f"external-handler-needed:{pk}:"
    if not any(k == notice or k.startswith(notice) for k in keys):
        problems.append(f"complaint {pk} has no notice queued")
    if history and history[-1].to_state != c.state:
        problems.append(f"complaint {pk} is {c.state}, its history ends otherwise")
    for step, count in Counter(h.transition for h in history[1:]).items():
        if audits[(pk, f"complaint.{step}")] != count:
            problems.append(f"complaint {pk}: {count} x {step} but not as many audit entries")
    if audits[(pk, "complaint.message_sent")] != Message.objects.filter(complaint=c).count():
        problems.append(f"complaint {pk}: messages and their audit entries differ")
    if any(h.transition == "acknowledge" for h in history):
        acknowledged.append(str(c.uid))
for a in Attachment.objects.all():
    try:
        content = a.file.read()
    except Exception as error:
        problems.append(f"attachment {a.pk}: {type(error).__name__}")
        continue
    if hashlib.sha256(content).hexdigest() != a.digest:
        problems.append(f"attachment {a.pk}: content differs from its checksum")
if sorted(numbers) != list(range(1, len(numbers) + 1)):
    problems.append(f"complaint numbers are not 1..{len(numbers)}")
root = settings.MEDIA_ROOT
stored = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
referenced = {a.file.name for a in Attachment.objects.all()}
print(json.dumps({
    "complaints": len(numbers),
    "acknowledged": acknowledged,
    "problems": problems,
    "orphan_files": len(stored - referenced),
}))
"""

OUTBOX = """
import json
from hoeksteen.outbox.models import OutboxMessage
rows = OutboxMessage.objects.values_list("pk", "status")
print(json.dumps({"sent": [pk for pk, s in rows if s == "sent"],
                  "unsent": [pk for pk, s in rows if s != "sent"]}))
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def instance(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A migrated instance with the demo organisation, on one engine."""
    if request.param == "sqlite":
        env = live.instance_env(tmp_path / "var", database_url=None)
        live.prepare(env)
        yield env
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = os.environ.get("HOEKSTEEN_CRASH_DATABASE_URL", DEFAULT_POSTGRES)
    server = live.PostgresServer.from_url(url, suffix="crash")
    try:
        server.admin().close()
    except psycopg.OperationalError as error:
        pytest.fail(
            f"The crash test needs PostgreSQL at {server.host}:{server.port} "
            f"(set HOEKSTEEN_CRASH_DATABASE_URL): {error}"
        )
    with server.database() as database_url:
        env = live.instance_env(tmp_path / "var", database_url=database_url)
        live.prepare(env)
        yield env


def say(message: str) -> None:
    """Progress, shown with `pytest -s` and with a failure."""
    sys.stderr.write(message + "\n")


class Client:
    """Streams submissions and state changes; remembers what it saw succeed."""

    def __init__(self, server: live.Server, rng: random.Random) -> None:
        self.server = server
        self.rng = rng
        self.stop = threading.Event()
        self.receipts: list[live.Receipt] = []
        self.messages: dict[str, list[str]] = {}
        self.acknowledged: set[str] = set()
        self.handlers: list[live.Browser] = []
        self.failures: list[str] = []

    def submit_forever(self, lane: int) -> None:
        for n in range(10_000):
            if self.stop.is_set():
                return
            document = f"Verslag {lane}-{n}\n".encode() * 3 if n % 3 == 0 else None
            description = f"Klacht {lane}-{n} {uuid.uuid4().hex}"
            self._attempt(functools.partial(self._submit, description, document, n))

    def _submit(self, description: str, document: bytes | None, n: int) -> None:
        receipt = live.submit_complaint(
            self.server.base,
            description=description,
            document=document,
            contact_email="klager@example.invalid" if n % 2 else "",
            vp_index=1 + n % 2,  # the two internal VPs: their complaints go to HR
        )
        if receipt is None:
            self.failures.append(f"intake refused {description}")
        else:
            self.receipts.append(receipt)

    def change_forever(self) -> None:
        while not self.stop.is_set():
            if self.rng.random() < 0.5:
                self._attempt(self._acknowledge_one)
            else:
                self._attempt(self._message_one)
            time.sleep(0.05)

    def _acknowledge_one(self) -> None:
        handler = self.rng.choice(self.handlers)
        listing = handler.get(f"/o/{live.DEMO_SLUG}/klachten/")
        waiting = [uid for uid in live.case_links(listing.text) if uid not in self.acknowledged]
        if not waiting:
            return
        uid = self.rng.choice(waiting)
        case = handler.get(f"/o/{live.DEMO_SLUG}/klachten/{uid}/")
        if f"/klachten/{uid}/stap/acknowledge/" not in case.text:
            return
        answer = handler.post(
            f"/o/{live.DEMO_SLUG}/klachten/{uid}/stap/acknowledge/",
            {"form_token": _form_token(case.text)},
        )
        if answer.status == 302:
            self.acknowledged.add(uid)
        elif answer.status < 500:
            self.failures.append(f"acknowledge answered {answer.status}")

    def _message_one(self) -> None:
        if not self.receipts:
            return
        receipt = self.rng.choice(self.receipts)
        visitor, case = live.open_with_receipt(self.server.base, receipt.code)
        page = visitor.get(case)
        body = f"Bericht {uuid.uuid4().hex}"
        token = _form_token(page.text)
        answer = visitor.post(case + "stap/message/", {"message-body": body, "form_token": token})
        if answer.status == 302:
            self.messages.setdefault(receipt.code, []).append(body)
        elif answer.status < 500:
            self.failures.append(f"message answered {answer.status}")

    def _attempt(self, work: Callable[[], None]) -> None:
        try:
            work()
        except live.Unreachable:
            time.sleep(0.1)  # killed or restarting: what was not seen saved, was not saved
        except LookupError as refused:
            self.failures.append(str(refused))


def _form_token(page: str) -> str:
    try:
        return live.field_value(page, "form_token")
    except ValueError as missing:  # a page without its form: counted as a failure
        raise LookupError(f"no form on the page: {missing}") from missing


def storm(server: live.Server, rng: random.Random) -> Client:
    client = Client(server, rng)
    client.handlers = [
        live.sign_in(server.base, name, totp_code=live.demo_totp(name)) for name in ("hr",)
    ]
    threads = [
        threading.Thread(target=client.submit_forever, args=(lane,), daemon=True)
        for lane in range(2)
    ]
    threads.append(threading.Thread(target=client.change_forever, daemon=True))
    for thread in threads:
        thread.start()
    began = time.monotonic()
    for n in range(KILLS):
        time.sleep(rng.uniform(0.5, 3.0))
        server.kill()
        time.sleep(rng.uniform(0.0, 0.5))
        server.start()
        say(
            f"kill {n + 1}/{KILLS} at {time.monotonic() - began:.0f} s: "
            f"{len(client.receipts)} receipts so far",
        )
    time.sleep(1.5)
    client.stop.set()
    for thread in threads:
        thread.join(timeout=60)
    return client


def check_readable(server: live.Server, client: Client) -> list[str]:
    """Open every complaint whose receipt was seen, as its complainant."""
    missing: list[str] = []
    for receipt in client.receipts:
        try:
            visitor, case = live.open_with_receipt(server.base, receipt.code)
        except LookupError:
            missing.append(f"receipt {receipt.code} does not open its complaint")
            continue
        page = visitor.get(case).text
        expected = [receipt.description, *client.messages.get(receipt.code, [])]
        missing += [f"{receipt.code}: {text!r} not shown" for text in expected if text not in page]
        if receipt.document is not None:
            link = re.search(r'href="([^"]*/document/\d+/)"', page)
            if link is None or visitor.get(link.group(1)).text.encode() != receipt.document:
                missing.append(f"{receipt.code}: its document is not readable")
    return missing


def message_ids(mail_dir: Path, names: set[str] | None = None) -> list[str]:
    ids: list[str] = []
    for path in sorted(mail_dir.glob("*")):
        if names is None or path.name in names:
            ids += re.findall(r"^Message-ID: (<outbox-\d+@hoeksteen>)", path.read_text(), re.M)
    return ids


def tick(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [live.PYTHON, "-m", "hoeksteen", "tick"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def drain_with_kills(env: dict[str, str], rng: random.Random) -> int:
    """Kill tick processes in the middle of sending; return how many were cut."""
    mail_dir = Path(env["EMAIL_FILE_PATH"])
    mail_dir.mkdir(exist_ok=True)
    cut = 0
    for _ in range(MAIL_KILLS):
        before = len(list(mail_dir.iterdir()))
        runner = tick(env)
        goal = before + rng.randint(2, 8)
        deadline = time.monotonic() + 60
        while runner.poll() is None and time.monotonic() < deadline:
            if len(list(mail_dir.iterdir())) >= goal:
                os.killpg(runner.pid, signal.SIGKILL)
                cut += 1
                break
            time.sleep(0.005)
        runner.wait()
    return cut


def test_it_keeps_every_acknowledged_complaint_whole_through_sigkills(
    instance: dict[str, str], tmp_path: Path
) -> None:
    started = time.monotonic()
    rng = random.Random(SEED)
    server = live.Server(instance, log=tmp_path / "server.log")
    server.start()
    try:
        client = storm(server, rng)
        assert client.failures == []
        assert len(client.receipts) >= 10, "too few submissions to say anything"
        assert client.acknowledged, "no acknowledgment got through"
        assert client.messages, "no message got through"
        say(f"storm done at {time.monotonic() - started:.0f} s")
        unreadable = check_readable(server, client)
        say(f"receipts checked at {time.monotonic() - started:.0f} s")
    finally:
        server.stop()
    assert unreadable == []

    whole = json.loads(live.ok(live.python_script(instance, CHECK)))
    assert whole["problems"] == []
    assert client.acknowledged <= set(whole["acknowledged"])
    audit = live.hoeksteen_cmd(instance, "verify-audit", "--quiet")
    assert audit.returncode == 0, audit.stdout + audit.stderr

    mail_dir = Path(instance["EMAIL_FILE_PATH"])
    say(f"checked at {time.monotonic() - started:.0f} s")
    cut = drain_with_kills(instance, rng)
    say(f"ticks killed at {time.monotonic() - started:.0f} s")
    before = Counter(message_ids(mail_dir))
    pair = [tick(instance), tick(instance)]
    assert [runner.wait(timeout=120) for runner in pair] == [0, 0]
    live.ok(live.hoeksteen_cmd(instance, "tick"))

    outbox = json.loads(live.ok(live.python_script(instance, OUTBOX)))
    delivered = Counter(message_ids(mail_dir))
    assert outbox["unsent"] == []
    assert set(delivered) == {f"<outbox-{pk}@hoeksteen>" for pk in outbox["sent"]}
    # Runners that were not killed never repeat a message, also not side by side.
    assert max((delivered - before).values(), default=1) == 1
    # A killed runner may have handed over the one message it had not committed.
    repeats = delivered.total() - len(delivered)
    assert repeats <= cut
    say(
        f"{len(client.receipts)} receipts, {len(client.acknowledged)} acknowledgments, "
        f"{sum(map(len, client.messages.values()))} messages seen saved through {server.kills} "
        f"kills; {whole['complaints']} complaints whole; {len(delivered)} mails, "
        f"{repeats} repeated after {cut} killed ticks; "
        f"{whole['orphan_files']} document files left by cut transactions"
    )
