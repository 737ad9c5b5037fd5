"""The real OpenID provider, started once for the tests that sign in through it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.openid_provider import Provider

# The people the provider knows. Their e-mail addresses are those of the
# personas in hoeksteen.testing.personas, or of nobody in Hoeksteen.
PROVIDER_USERS = {
    "complainant": ("complainant@example.invalid", ()),
    "complainant-mfa": ("complainant@example.invalid", ("mfa",)),
    "complainant-unverified": ("complainant@example.invalid", ("unverified",)),
    "stranger": ("stranger@example.invalid", ()),
    "handler": ("hr_handler@example.invalid", ()),
    "handler-mfa": ("hr_handler@example.invalid", ("mfa",)),
    "prod-alice": ("alice@example.invalid", ()),  # tests/test_production_boot.py
}


@pytest.fixture(scope="session")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    running = Provider(tmp_path_factory.mktemp("provider"))
    running.start()
    try:
        running.register(
            users=PROVIDER_USERS, clients={"hoeksteen-test": "http://testserver/oidc/callback/"}
        )
        yield running
    finally:
        running.stop()
