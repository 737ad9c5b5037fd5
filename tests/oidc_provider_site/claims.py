"""What the test provider says about its users.

A user in the group "mfa" signed in with more than one factor (`amr: ["mfa"]`);
a user in the group "unverified" has an e-mail address the provider has not
verified.
"""

from __future__ import annotations

from typing import Any


def userinfo(claims: dict[str, Any], user: Any) -> dict[str, Any]:
    claims["email"] = user.email
    claims["email_verified"] = not user.groups.filter(name="unverified").exists()
    claims["name"] = user.get_full_name()
    claims["preferred_username"] = user.username
    return claims


def id_token_hook(id_token: dict[str, Any], user: Any, **kwargs: Any) -> dict[str, Any]:
    id_token["amr"] = ["pwd", "mfa"] if user.groups.filter(name="mfa").exists() else ["pwd"]
    return id_token
