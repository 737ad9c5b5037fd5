"""Register users and clients from a JSON document on standard input.

{"users": [{"username", "password", "email", "groups": [..]}],
 "clients": [{"client_id", "client_secret", "redirect_uris": [..]}]}
Running it again updates what is there.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from oidc_provider.models import Client, ResponseType


class Command(BaseCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        spec = json.load(sys.stdin)
        for data in spec.get("users", []):
            user, _ = User.objects.update_or_create(
                username=data["username"], defaults={"email": data["email"]}
            )
            user.set_password(data["password"])
            user.save()
            user.groups.set(Group.objects.get_or_create(name=name)[0] for name in data["groups"])
        code = ResponseType.objects.get(value="code")
        for data in spec.get("clients", []):
            client, _ = Client.objects.update_or_create(
                client_id=data["client_id"],
                defaults={
                    "name": data["client_id"],
                    "client_type": "confidential",
                    "client_secret": data["client_secret"],
                    "jwt_alg": "RS256",
                    "require_consent": False,
                    "reuse_consent": True,
                    "_redirect_uris": "\n".join(data["redirect_uris"]),
                    "_scope": "openid email profile",
                },
            )
            client.response_types.set([code])
