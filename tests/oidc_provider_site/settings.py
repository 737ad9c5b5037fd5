"""A small, real OpenID provider (django-oidc-provider) for Hoeksteen's tests.

Started by tests/openid_provider.py as its own server process with its own
SQLite database; never imported by Hoeksteen itself. OP_SITE_URL is the
address it serves on, OP_DATABASE its database file.
"""

from __future__ import annotations

import os
import secrets

SECRET_KEY = secrets.token_urlsafe(32)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SITE_URL = os.environ["OP_SITE_URL"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
    "oidc_provider_site",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "oidc_provider_site.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["OP_DATABASE"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: fast
USE_TZ = True
LOGIN_URL = "/accounts/login/"

OIDC_USERINFO = "oidc_provider_site.claims.userinfo"
OIDC_IDTOKEN_PROCESSING_HOOK = "oidc_provider_site.claims.id_token_hook"
