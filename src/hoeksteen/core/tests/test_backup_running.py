"""A backup taken from a running instance, while it serves and while complaints
are being written, restores into an empty database that a second gunicorn then
serves with the same data.

The complainants look their complaints up over HTTP with their receipt codes,
on the running source before the backup and on the restored copy after it;
the pages must match. Runs on the engine of the suite (SQLite, or PostgreSQL
with DATABASE_URL).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hoeksteen.core.tests.test_backup import Instances, hoeksteen_cmd, ok, run
from hoeksteen.testing.serving import Server, serve

_SETUP = "import django\ndjango.setup()\n"

SEED = (
    _SETUP
    + """
import json
from hoeksteen.complaints.actions.intake import ComplaintInput, complaint_submit
from hoeksteen.testing.factories import MembershipFactory, OrganisationFactory, UserFactory

acme = OrganisationFactory(name="Acme", slug="acme")
vp = UserFactory(username="vp")
MembershipFactory(organisation=acme, user=vp, internal_vp=True)
MembershipFactory(organisation=acme, user=UserFactory(username="hr"), hr=True)
receipts = {}
for n in range(3):
    description = f"Wat er gebeurde, deel {n}"
    submission = complaint_submit(
        organisation=acme, acting_user=None, anonymous=True,
        data=ComplaintInput(
            subject_vp_id=vp.pk, category="not_heard", description=description,
            desired_outcome="Een gesprek.", vp_may_read_description=False,
            vp_may_know_identity=False, language="nl",
        ),
    )
    receipts[submission.receipt] = description
print(json.dumps(receipts))
"""
)

# Files complaints until the stop file appears (at most 60 s or 300 complaints),
# then prints how many it filed.
WRITER = (
    _SETUP
    + """
import os, sys, time
from hoeksteen.complaints.actions.intake import ComplaintInput, complaint_submit
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User

stop = sys.argv[1]
acme = Organisation.objects.get(slug="acme")
vp = User.objects.get(username="vp")
written, deadline = 0, time.monotonic() + 60
while not os.path.exists(stop) and written < 300 and time.monotonic() < deadline:
    complaint_submit(
        organisation=acme, acting_user=None, anonymous=True,
        data=ComplaintInput(
            subject_vp_id=vp.pk, category="not_heard", description=f"Tijdens de backup {written}",
            desired_outcome="", vp_may_read_description=False, vp_may_know_identity=False,
            language="nl",
        ),
    )
    written += 1
    if written == 1:
        open(stop + ".started", "w").close()
print(written)
"""
)

COUNT = (
    _SETUP
    + """
from hoeksteen.complaints.models import Complaint
print(Complaint.objects.count())
"""
)

# Tokens differ on every page view: the CSRF token and one-time form tokens.
_HIDDEN_INPUT = re.compile(
    r'<input type="hidden" name="(?:csrfmiddlewaretoken|form_token)" value="[^"]*">'
)
_MAIN = re.compile(r"<main\b.*?</main>", re.DOTALL)


def complaint_page(server: Server, code: str) -> str:
    """The complaint page a complainant reaches with their receipt code."""
    server.cookies.clear()
    status, _form = server.get("/o/acme/mijn-klacht/")
    assert status == 200
    token = next(c.value for c in server.cookies if c.name == "csrftoken")
    status, page = server.post("/o/acme/mijn-klacht/", {"code": code, "csrfmiddlewaretoken": token})
    assert status == 200, page
    main = _MAIN.search(page)
    assert main is not None, page
    return _HIDDEN_INPUT.sub("", main.group(0))


def served_data(server: Server, receipts: dict[str, str]) -> dict[str, str]:
    return {code: complaint_page(server, code) for code in receipts}


@pytest.fixture
def instances(tmp_path: Path) -> Iterator[Instances]:
    made = Instances(tmp_path)
    yield made
    made.drop_all()


def _prepare(env: dict[str, str]) -> None:
    ok(hoeksteen_cmd(env, "migrate", "-v0"))
    ok(hoeksteen_cmd(env, "createcachetable"))


def test_it_backs_up_a_serving_instance_under_writes_and_the_restored_copy_serves_the_same(
    instances: Instances, tmp_path: Path
) -> None:
    source = instances.new()
    _prepare(source)
    receipts: dict[str, str] = json.loads(ok(run(source, "-c", SEED)))
    archive = tmp_path / "running.tar.gz"
    stop = tmp_path / "stop-writing"

    with serve(source, workers=2) as running:
        before = served_data(running, receipts)
        writer = subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", WRITER, str(stop)],
            env=source,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        readers_saw: list[int] = []
        reading = threading.Event()

        def read_while_backing_up() -> None:
            while not reading.is_set():
                readers_saw.append(running.get("/readyz")[0])

        try:
            deadline = time.monotonic() + 60
            while not Path(f"{stop}.started").exists():
                assert writer.poll() is None, writer.stderr.read() if writer.stderr else ""
                assert time.monotonic() < deadline, "the writer did not start"
                time.sleep(0.1)
            reader = threading.Thread(target=read_while_backing_up)
            reader.start()
            backed_up = hoeksteen_cmd(source, "backup", "--output", str(archive), "--quiet")
            reading.set()
            reader.join()
        finally:
            stop.touch()
            written_out, written_err = writer.communicate(timeout=120)
        assert writer.returncode == 0, written_err
        after_backup = served_data(running, receipts)
        served_during = set(readers_saw)

    assert "OK:" in ok(backed_up)
    written = int(written_out)
    assert written >= 1
    assert served_during == {200}
    assert after_backup == before

    target = instances.new()
    restored = hoeksteen_cmd(target, "restore", str(archive))
    assert "audit entries verified" in ok(restored)
    _prepare(target)
    restored_count = int(ok(run(target, "-c", COUNT)))
    # The backup is one snapshot: the three complaints, and those the writer
    # had committed by then, each whole (the audit verification passed).
    assert 3 <= restored_count <= 3 + written

    with serve(target, workers=1) as restored_server:
        again = served_data(restored_server, receipts)

    assert again == before
    for code, description in receipts.items():
        assert description in again[code]
    assert "OK:" in ok(hoeksteen_cmd(target, "verify-audit", "--quiet"))
