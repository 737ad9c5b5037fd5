"""Django settings for Hoeksteen.

Every value that differs between the embedded default (`make run`: SQLite under
var/, console e-mail) and production comes from an environment variable,
documented here where it is read and collected in docs/deployment.md.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from hoeksteen.core.env import env_bool, env_int, env_list, env_str
from hoeksteen.core.logs import log_format

# Lets generic Django classes be subscripted at run time (AdminUserCreationForm[User]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
# HOEKSTEEN_VAR_DIR: where the embedded mode keeps its database, key files,
# uploads and sent mail. Defaults to var/ in the working directory.
VAR_DIR = Path(env_str("HOEKSTEEN_VAR_DIR", str(Path.cwd() / "var"))).resolve()

# HOEKSTEEN_PRODUCTION: 1 turns on every production safeguard (HTTPS only,
# secure cookies, HSTS, required secret key and allowed hosts).
PRODUCTION = env_bool("HOEKSTEEN_PRODUCTION", False)
# DJANGO_DEBUG: shows Django's debug pages. Never in production.
DEBUG = env_bool("DJANGO_DEBUG", False) and not PRODUCTION


def _secret_key() -> str:
    # DJANGO_SECRET_KEY: required in production. The embedded mode creates one
    # on first run and keeps it in var/secret-key, readable by its owner only.
    key = os.environ.get("DJANGO_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when HOEKSTEEN_PRODUCTION=1.")
    path = VAR_DIR / "secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()

# DJANGO_ALLOWED_HOSTS: comma-separated host names this instance answers to.
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
# DJANGO_CSRF_TRUSTED_ORIGINS: origins (with scheme) allowed to post forms.
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "hoeksteen.core",
    "hoeksteen.organisations",
    "hoeksteen.people",
    "hoeksteen.access",
    "hoeksteen.audit",
    "hoeksteen.outbox",
    "hoeksteen.complaints",
    "hoeksteen.practice",
    "hoeksteen.signals",
    "hoeksteen.privacy",
    "hoeksteen.quality",
    "hoeksteen.access.apps.HoeksteenAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "hoeksteen.people.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hoeksteen.urls"
WSGI_APPLICATION = "hoeksteen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hoeksteen.people.context_processors.memberships",
            ],
        },
    },
]

# DATABASE_URL: e.g. postgres://user:pass@host:5432/hoeksteen. Without it the
# embedded SQLite database var/hoeksteen.sqlite3 is used.
_database_url = os.environ.get("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    DATABASES["default"]["TEST"] = {"NAME": env_str("HOEKSTEEN_TEST_DATABASE", "") or None}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "hoeksteen.sqlite3"),
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE takes
                # the write lock at BEGIN, so two writers queue instead of one
                # failing with "database is locked" half-way through.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite cannot make NULLs equal in a unique constraint (PostgreSQL 15 can);
# on SQLite the one writer at a time keeps RetainedMeldingCount unique.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "people:login"

# Failed logins, first line: after AXES_FAILURE_LIMIT failures for one account
# from one address, that combination is locked for AXES_COOLOFF_MINUTES.
# The wider limits below (RATE_LIMITS) stop guessing spread over many
# addresses or many accounts.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The lockout page says how long the cool-off lasts.
AXES_LOCKOUT_CALLABLE = "hoeksteen.people.views.sign_in_locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Successful sign-ins are not logged with address and browser: the audit
# trail records them without either. Failed attempts are kept for the lockout
# only, and cleared by the tick (privacy.forget_sign_in_attempts).
AXES_DISABLE_ACCESS_LOG = True
# HOEKSTEEN_TRUSTED_PROXIES: how many proxies in front of Hoeksteen append to
# X-Forwarded-For (0: none, the client's address is REMOTE_ADDR). Behind a
# proxy, set it: otherwise every client has the proxy's address, and the
# per-address limits below lock everyone out together.
HOEKSTEEN_TRUSTED_PROXIES = env_int("HOEKSTEEN_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "hoeksteen.core.ratelimit.client_address"

OTP_TOTP_ISSUER = "Hoeksteen"

# Guessing limits, counted in the store all processes share (Redis with
# REDIS_URL, else the database; hoeksteen.core.ratelimit). Each is a number of
# failed attempts within a window of minutes; the next attempt is refused with
# HTTP 429 until the window, which starts at the first failure, has passed;
# the refusal says how many minutes of it are left.
# Every lockout is logged (limit name and a hash, no user name or address) and
# recorded in the platform audit trail as security.lockout.
#
# The trade-off: any limit an attacker can reach also stops the real user. So
# the per-account limits are higher than axes' per account-and-address limit
# (an attacker must spend more guesses to lock someone out) and always lift by
# themselves after the window. The global limits are a circuit breaker against
# guessing from many addresses at once: when one trips, nobody can sign in for
# the rest of the window, so keep them well above the instance's normal
# failures. A limit of 0 refuses every attempt: raise, do not zero, to relax.
#
# LOGIN_FAILURES_PER_ACCOUNT: failed passwords for one user name, any address.
# LOGIN_FAILURES_PER_ADDRESS: failed passwords from one address, any user name
#   (password spraying).
# LOGIN_FAILURES_GLOBAL: failed passwords on the whole instance.
# LOGIN_WINDOW_MINUTES: the window of the three above.
# TOTP_FAILURES_PER_ACCOUNT / _PER_ADDRESS / _GLOBAL, TOTP_WINDOW_MINUTES: the
#   same for second-factor codes (authenticator and recovery codes together,
#   and the code that confirms a new authenticator).
# RECEIPT_TRIES_PER_CLIENT / _PER_ORGANISATION / _GLOBAL,
#   RECEIPT_WINDOW_MINUTES: wrong receipt codes from one address (per
#   organisation), for one organisation, and on the whole instance.
_login_window = env_int("LOGIN_WINDOW_MINUTES", 15) * 60
_totp_window = env_int("TOTP_WINDOW_MINUTES", 15) * 60
_receipt_window = env_int("RECEIPT_WINDOW_MINUTES", 15) * 60
RATE_LIMITS: dict[str, tuple[int, int]] = {
    "login.account": (env_int("LOGIN_FAILURES_PER_ACCOUNT", 20), _login_window),
    "login.address": (env_int("LOGIN_FAILURES_PER_ADDRESS", 50), _login_window),
    "login.global": (env_int("LOGIN_FAILURES_GLOBAL", 1000), _login_window),
    "totp.account": (env_int("TOTP_FAILURES_PER_ACCOUNT", 10), _totp_window),
    "totp.address": (env_int("TOTP_FAILURES_PER_ADDRESS", 30), _totp_window),
    "totp.global": (env_int("TOTP_FAILURES_GLOBAL", 500), _totp_window),
    "receipt.client": (env_int("RECEIPT_TRIES_PER_CLIENT", 10), _receipt_window),
    "receipt.organisation": (env_int("RECEIPT_TRIES_PER_ORGANISATION", 200), _receipt_window),
    "receipt.global": (env_int("RECEIPT_TRIES_GLOBAL", 1000), _receipt_window),
}

# --- Single sign-on (OpenID Connect) -----------------------------------------
# Off unless both HOEKSTEEN_OIDC_ISSUER and HOEKSTEEN_OIDC_CLIENT_ID are set.
# People who already have a Hoeksteen account may then sign in through their
# organisation's identity provider (Entra ID, Google Workspace, Keycloak, …).
# Single sign-on never creates an account, a membership or a role: those are
# still given inside Hoeksteen. The code is in hoeksteen/people/oidc.py; the
# names below without HOEKSTEEN_ are mozilla-django-oidc's settings.
#
# HOEKSTEEN_OIDC_ISSUER: the provider's issuer URL, exactly as in its tokens'
#   `iss` (e.g. https://login.microsoftonline.com/<tenant>/v2.0). Endpoints not
#   set below are read from <issuer>/.well-known/openid-configuration.
OIDC_ISSUER = env_str("HOEKSTEEN_OIDC_ISSUER", "").rstrip("/")
# HOEKSTEEN_OIDC_CLIENT_ID / HOEKSTEEN_OIDC_CLIENT_SECRET: Hoeksteen's client
#   registration at the provider. Register <public address>/oidc/callback/ as
#   its redirect URI.
OIDC_RP_CLIENT_ID = env_str("HOEKSTEEN_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("HOEKSTEEN_OIDC_CLIENT_SECRET", "")
OIDC_ENABLED = bool(OIDC_ISSUER and OIDC_RP_CLIENT_ID)
# HOEKSTEEN_OIDC_PROVIDER_NAME: shown on the login page as "Sign in with <name>"
#   (default: "your organisation's account").
OIDC_PROVIDER_NAME = env_str("HOEKSTEEN_OIDC_PROVIDER_NAME", "")
# HOEKSTEEN_OIDC_AUTHORIZATION_ENDPOINT, HOEKSTEEN_OIDC_TOKEN_ENDPOINT,
# HOEKSTEEN_OIDC_USERINFO_ENDPOINT, HOEKSTEEN_OIDC_JWKS_ENDPOINT: the provider's
#   endpoints; each empty one (the default) comes from discovery.
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("HOEKSTEEN_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("HOEKSTEEN_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("HOEKSTEEN_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("HOEKSTEEN_OIDC_JWKS_ENDPOINT", "")
# HOEKSTEEN_OIDC_SIGN_ALGO: the ID tokens' signing algorithm (default RS256).
OIDC_RP_SIGN_ALGO = env_str("HOEKSTEEN_OIDC_SIGN_ALGO", "RS256")
# HOEKSTEEN_OIDC_SCOPES: scopes asked for (default "openid email profile").
OIDC_RP_SCOPES = env_str("HOEKSTEEN_OIDC_SCOPES", "openid email profile")
# HOEKSTEEN_OIDC_MATCH_CLAIM: the claim that finds the Hoeksteen user (default
#   email). `email` only counts when the provider says `email_verified: true`.
#   Any other claim (e.g. Entra ID's preferred_username) must be one that the
#   organisation's directory sets and its people cannot change.
OIDC_MATCH_CLAIM = env_str("HOEKSTEEN_OIDC_MATCH_CLAIM", "email")
# HOEKSTEEN_OIDC_MATCH_FIELD: the user's field that claim is compared with,
#   case-insensitively: email (default) or username.
OIDC_MATCH_FIELD = env_str("HOEKSTEEN_OIDC_MATCH_FIELD", "email")
if OIDC_MATCH_FIELD not in ("email", "username"):
    raise RuntimeError("HOEKSTEEN_OIDC_MATCH_FIELD must be email or username.")
# HOEKSTEEN_OIDC_TRUST_MFA: 1 lets a sign-in whose ID token shows multi-factor
#   authentication count as Hoeksteen's second factor (default 0: people who
#   need a second factor still enter their TOTP code after signing in).
OIDC_TRUST_MFA = env_bool("HOEKSTEEN_OIDC_TRUST_MFA", False)
# HOEKSTEEN_OIDC_MFA_AMR: comma-separated `amr` values that show MFA (default mfa).
# HOEKSTEEN_OIDC_MFA_ACR: comma-separated `acr` values that show MFA (default none).
OIDC_MFA_AMR_VALUES = env_list("HOEKSTEEN_OIDC_MFA_AMR", ["mfa"])
OIDC_MFA_ACR_VALUES = env_list("HOEKSTEEN_OIDC_MFA_ACR", [])
# HOEKSTEEN_OIDC_TIMEOUT: seconds before a silent provider is given up on (default 10).
OIDC_TIMEOUT = env_int("HOEKSTEEN_OIDC_TIMEOUT", 10)
# Fixed: the authorization-code flow with PKCE and a nonce; no accounts made;
# no provider tokens kept in the session.
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False
OIDC_STORE_ACCESS_TOKEN = False
OIDC_STORE_ID_TOKEN = False
OIDC_AUTHENTICATION_CALLBACK_URL = "people:oidc_callback"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "hoeksteen.people.oidc.OIDCBackend"]
# --- end of single sign-on ---------------------------------------------------

# REDIS_URL: e.g. redis://127.0.0.1:6379/0. Rate limits and lockouts must be
# shared by every process; without Redis the database holds the cache (and a
# table of its own holds the rate-limit counters).
# HOEKSTEEN_CACHE_KEY_PREFIX: a prefix for every cache key, for several
# instances sharing one Redis database. Empty by default.
_redis_url = os.environ.get("REDIS_URL")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
            "KEY_PREFIX": env_str("HOEKSTEEN_CACHE_KEY_PREFIX", ""),
        }
        if _redis_url
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hoeksteen_cache",
        }
    )
}

SESSION_ENGINE = env_str("SESSION_ENGINE", "django.contrib.sessions.backends.db")
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "hoeksteen.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    # SECURE_PROXY_SSL_HEADER: set HOEKSTEEN_BEHIND_PROXY=1 when a proxy
    # terminates TLS and sends X-Forwarded-Proto.
    if env_bool("HOEKSTEEN_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy: nothing inline, nothing from elsewhere. QR codes
# for 2FA are data: images; charts are SVG files from this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Requests larger than this are refused with a 400 before any view runs.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # The embedded mode serves static files from the apps; whitenoise still
    # expects the collected folder to exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Private uploads live outside the web root and are only served through views
# that ask the access policy first.
MEDIA_ROOT = Path(env_str("HOEKSTEEN_PRIVATE_FILES", str(VAR_DIR / "private")))

# EMAIL_BACKEND: console in the embedded mode; in production set the SMTP
# backend with EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# EMAIL_FILE_PATH: the folder Django's file backend
# (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend) writes each
# sent message to; the crash-safety test counts Message-IDs there.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# EMAIL_TIMEOUT: seconds before a hanging mail server is given up on; the
# outbox holds a row lock while it sends, so this must stay short.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Hoeksteen <noreply@hoeksteen.invalid>")
# HOEKSTEEN_BASE_URL: the public address used in e-mails.
BASE_URL = env_str("HOEKSTEEN_BASE_URL", "http://127.0.0.1:8000")

# Cost of the deliberate slow hash of anonymous receipt codes (Argon2id).
RECEIPT_HASH_TIME_COST = env_int("RECEIPT_HASH_TIME_COST", 2)
RECEIPT_HASH_MEMORY_KIB = env_int("RECEIPT_HASH_MEMORY_KIB", 32768)
# Attachments: how large one file may be, and how many a complaint may carry.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENT_MAX_COUNT = env_int("ATTACHMENT_MAX_COUNT", 5)

# HOEKSTEEN_TICK_INTERVAL: seconds between in-process ticks in each gunicorn
# worker; 0 leaves the tick to an external timer (production).
TICK_INTERVAL = env_int("HOEKSTEEN_TICK_INTERVAL", 0)

# --- Deployment: metrics and logs (issue 9) -----------------------------------
# HOEKSTEEN_METRICS_TOKEN: the bearer token Prometheus sends to /metrics.
# Unset, /metrics does not exist (404).
METRICS_TOKEN = env_str("HOEKSTEEN_METRICS_TOKEN", "")
# First, so it times the whole request; it labels by view name only.
MIDDLEWARE.insert(0, "hoeksteen.core.metrics.RequestMetricsMiddleware")
if PRODUCTION:
    # Prometheus scrapes inside the network, like the health probes.
    SECURE_REDIRECT_EXEMPT.append(r"^metrics$")

# HOEKSTEEN_LOG_FORMAT: json (production default) or plain (embedded default);
# HOEKSTEEN_LOG_LEVEL: the root level. Both Django's and gunicorn's lines go
# through PersonalDataFilter: no addresses, e-mail addresses or query strings.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "hoeksteen.core.logs.PersonalDataFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "hoeksteen.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": log_format(),
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("HOEKSTEEN_LOG_LEVEL", "INFO")},
    "loggers": {
        # axes logs usernames and addresses on every attempt; keep it to warnings.
        "axes": {"level": "WARNING"},
    },
}
# --- end of deployment block ---------------------------------------------------
