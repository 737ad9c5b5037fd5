"""Every URL in the URL configuration answers an anonymous visitor as the
access policy says: public pages are listed here by name, everything else
sends the visitor to sign in or does not exist for them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from hoeksteen.organisations.models import Organisation

# Pages anyone may open without signing in.
PUBLIC = {
    "people:login",
    # Single sign-on: the way to the identity provider and back (404 while off).
    "people:oidc_authenticate",
    "people:oidc_callback",
    "set_language",
    "home",
    # Health endpoints for the load balancer: "ok" or what is not ready, nothing else.
    "healthz",
    "readyz",
    # An anonymous complainant files and follows a complaint without an account.
    "complaints:intake",
    "complaints:received",
    "complaints:receipt",
    # The published complaint regulation of an organisation.
    "quality:regulation",
}

SAMPLE_ARGS = {
    "slug": "acme",
    "pk": "1",
    "object_id": "1",
    "app_label": "people",
    "uid": "6f1c0a8e-3b7d-4c55-9a8e-2f1d5c4b3a21",
    "step": "acknowledge",
    "letter_id": "1",
    "document_id": "1",
    "consent_id": "1",
    "handover_id": "1",
}


def _patterns(
    resolver: URLResolver, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns == "admin":
                continue  # the admin has its own gate, tested in access/tests
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield name, prefix + str(entry.pattern)


def _url(route: str) -> str:
    path = route
    for key, value in SAMPLE_ARGS.items():
        for converter in ("slug", "int", "str", "path", "uuid"):
            path = path.replace(f"<{converter}:{key}>", value)
        path = path.replace(f"<{key}>", value)
    return "/" + path.lstrip("^").rstrip("$")


ROUTES = sorted(set(_patterns(get_resolver())))


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[name or route for name, route in ROUTES])
def test_it_gates_every_view_for_anonymous_visitors(
    client: Client, acme: Organisation, name: str, route: str
) -> None:
    assert "<" not in _url(route), f"add a sample value for {route}"
    response = client.get(_url(route))
    assert response.status_code < 500
    if name in PUBLIC:
        return
    assert response.status_code in (302, 404, 405), (name, response.status_code)
    if response.status_code == 302:
        assert response["Location"].startswith("/login/"), (name, response["Location"])
