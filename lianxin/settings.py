"""Settings for Lianxin. Everything that differs between machines comes from the environment,
under one scheme (every variable is listed in docs/settings.md): `LIANXIN_<NAME>`, except the
names every deployment tool knows (`SECRET_KEY`, `DATABASE_URL`, `REDIS_URL`). The older
unprefixed names (`DEBUG`, `PUBLIC_BASE_URL`, `SMS_BACKEND`, …) are still read when the
prefixed one is not set."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from lianxin.core import addresses

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """`LIANXIN_<name>`, else the older unprefixed `<name>`, else `default`."""
    for key in (f"LIANXIN_{name}", name):
        value = os.environ.get(key)
        if value is not None:
            return value
    return default


def env_bool(name: str, default: bool) -> bool:
    value = env(name, "")
    if not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(env(name, "").strip() or default)


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


VAR_DIR = Path(env("VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in var/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        from django.core.management.utils import get_random_secret_key

        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

# The address QR codes, tracking links and SMS carry: LIANXIN_PUBLIC_BASE_URL, else derived from
# the address the server listens on (LIANXIN_BIND, set by `make run` from HOST and PORT); see
# lianxin/core/addresses.py. The printing page shows it, and where it came from.
_public = addresses.derive(env("PUBLIC_BASE_URL"), env("BIND"))
LIANXIN_PUBLIC_BASE_URL = _public.url
LIANXIN_PUBLIC_BASE_URL_SOURCE = _public.source

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
# The site always answers at its own public address (a phone opening a printed QR code).
_public_host = addresses.host_of(LIANXIN_PUBLIC_BASE_URL)
if _public_host and _public_host not in ALLOWED_HOSTS and "*" not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_public_host)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "lianxin.web.apps.LianxinAdminConfig",  # django.contrib.admin, system administrators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "ninja",  # Swagger UI of /api/v1/docs from our own static files, not a CDN
    "lianxin.core",
    "lianxin.org",
    "lianxin.liaison",
    "lianxin.accounts",
    "lianxin.notifications",
    "lianxin.casework",
    "lianxin.opinions",
    "lianxin.open311",
    "lianxin.suggestions",
    "lianxin.proposals",
    "lianxin.sentiment",
    "lianxin.xieshang",
    "lianxin.hotline",
    "lianxin.duty",
    "lianxin.consultation",
    "lianxin.bulletins",
    "lianxin.portal",
    "lianxin.api",
    "lianxin.web",
]

MIDDLEWARE = [
    "lianxin.core.prometheus.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "lianxin.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lianxin.core.outage.UnavailableMiddleware",
    "lianxin.core.dbrouter.ReadRoutingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lianxin.core.middleware.LanguageMiddleware",
    "lianxin.web.middleware.RequestSizeMiddleware",
    "lianxin.core.middleware.JsonDepthMiddleware",
    "lianxin.core.middleware.NulQueryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lianxin.core.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lianxin.accounts.sessions.SessionGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lianxin.urls"
WSGI_APPLICATION = "lianxin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lianxin" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lianxin.core.context_processors.display",
                "lianxin.accounts.sessions.session_context",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# Embedded SQLite by default; PostgreSQL (or any URL dj-database-url knows) through DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH") or str(VAR_DIR / "lianxin.sqlite3"),
            "OPTIONS": {
                # Writers take the lock at BEGIN, so two writers queue on the busy timeout
                # instead of failing half-way with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=FULL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=30000;"
                ),
            },
        }
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env("SQLITE_TEST_PATH") or None
# A read replica (docs/deploy.md): the reads of the public site, the dashboard, search and the
# exports go there (lianxin.core.dbrouter); without it every query uses `default`.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["lianxin.core.dbrouter.ReplicaRouter"]
# After a write, the same browser reads the primary for this many seconds (its own write).
LIANXIN_READ_PIN_SECONDS = env_int("READ_PIN_SECONDS", 10)
# /metrics (core.prometheus): with a token, for whoever sends it; without, for this machine only.
LIANXIN_METRICS_TOKEN = env("METRICS_TOKEN").strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache ----------------------------------------------------------------------------------
# What is read on every request and changes rarely (deadline policy, scan-code routing, large
# list totals; see docs/settings.md). This process's memory by default; with REDIS_URL a Redis
# shared by every app server, so that they agree at once when a row changes.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_PREFIX", "lianxin"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "lianxin",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Passwords (lianxin/accounts/passwords.py, docs/security.md): at least
# LIANXIN_PASSWORD_MIN_LENGTH characters of at least LIANXIN_PASSWORD_MIN_CLASSES of the four
# kinds (capitals, small letters, digits, symbols), none of the last LIANXIN_PASSWORD_HISTORY
# passwords of the account again, and a change every LIANXIN_PASSWORD_MAX_AGE_DAYS days (0: no
# expiry; an expired password leads to the password change page, like one set by staff).
LIANXIN_PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 10)
LIANXIN_PASSWORD_MIN_CLASSES = env_int("PASSWORD_MIN_CLASSES", 3)
LIANXIN_PASSWORD_HISTORY = env_int("PASSWORD_HISTORY", 5)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "lianxin.accounts.passwords.LengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "lianxin.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "lianxin.accounts.passwords.HistoryValidator"},
]
# Argon2id for every password set from now on; PBKDF2 still reads the hashes stored before, and
# each is rewritten with Argon2 at its owner's next sign-in (Django's check_password).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 60 * 60 * 10  # at most 10 hours from sign-in (lianxin.accounts.sessions)
# A signed-in session unused this long ends (a notice offers to continue two minutes before).
LIANXIN_SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Lock-out (lianxin/accounts/lockout.py): 5 failures of one account name from one address
# within 15 minutes lock that name at that address for 15 minutes; 30 failures of the name from
# any addresses lock the account everywhere (and revoke its API tokens).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "lianxin.accounts.lockout.LockoutHandler"
LIANXIN_LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 30)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lianxin.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "lianxin" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Third-party browser code fetched from npm by `make install` (scripts/vendor.sh: ECharts),
# never committed; pages that use it work without it.
# Beside the checkout (where the install step puts it), whatever VAR_DIR the data lives in.
VENDOR_DIR = BASE_DIR / "var" / "vendor"
VENDOR_DIR.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [("vendor", VENDOR_DIR)]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT") or VAR_DIR / "media")
# Uploads are the citizens' photos and letters: readable by the server's account only (the
# process umask is 077 too: manage.py, wsgi.py, gunicorn.conf.py; docs/security.md).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Background work ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Mail and SMS ---------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "lianxin@localhost")
# SMS: a dotted path to a backend class (lianxin.notifications.sms.ConsoleBackend / FileBackend,
# or a gateway's); the file backend appends JSON lines to NOTIFICATIONS_SMS_FILE_PATH.
NOTIFICATIONS_SMS_BACKEND = env("SMS_BACKEND", "lianxin.notifications.sms.ConsoleBackend")
NOTIFICATIONS_SMS_FILE_PATH = env("SMS_FILE_PATH") or str(VAR_DIR / "sms.jsonl")
# The daily digest of informational notices goes out with the first deadline scan at or after
# this hour (local time).
LIANXIN_DIGEST_HOUR = env_int("DIGEST_HOUR", 7)

# --- Security headers -----------------------------------------------------------------------
# See docs/security.md. With SECURE_COOKIES (the site is served over https) plain http is
# redirected to https and browsers are told to keep to https (HSTS); /healthz and /readyz answer on http,
# for the load balancer. Behind a proxy that ends TLS, LIANXIN_PROXY_SSL_HEADER names the header
# it sets to "https" (X-Forwarded-Proto), else every request looks like http and redirects for
# ever; only name it when the proxy overwrites that header on every request.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", SESSION_COOKIE_SECURE)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000 if SESSION_COOKIE_SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
# Preloading is a promise about the whole domain, for its owner to make (LIANXIN_HSTS_PRELOAD=1
# and a submission to the browsers' list); `check --deploy` need not remind every deployment.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if _proxy_ssl_header := env("PROXY_SSL_HEADER").strip():
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this site only; an
# inline <script> runs only with the request's nonce ({{ request.csp_nonce }}); no inline event
# handlers or style attributes. The browser tests fail on any violation.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (lianxin.core.middleware): the public site's 「查找我附近的联络站」 asks for the
# position; no page uses the camera, microphone or anything else.
LIANXIN_PERMISSIONS_POLICY = (
    "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), serial=(), "
    "bluetooth=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=()"
)
# Responses under these paths carry personal data without a sign-in (the public tracking page
# of an opinion, its rating and reply letter): "Cache-Control: no-store, private", as for every
# response to a signed-in user or an API token.
LIANXIN_PRIVATE_PATHS = ("/t/",)

# --- Logging: errors to stderr, never to the client ------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No full phone number or tracking code in the logs (core.logmask).
    "filters": {"mask": {"()": "lianxin.core.logmask.MaskFilter"}},
    # LIANXIN_LOG_FORMAT=json: one JSON object a line, for a log collector (core.logmask).
    "formatters": {"json": {"()": "lianxin.core.logmask.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask"],
            **({"formatter": "json"} if env("LOG_FORMAT").strip() == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    # A 4xx (not found, not now, refused) answers the user and is not a fault of the server;
    # refused attempts that matter are in the security audit trail. Only 5xx are logged here.
    "loggers": {"django.request": {"level": "ERROR"}},
}

# --- Lianxin --------------------------------------------------------------------------------
LIANXIN_DEMO_PASSWORD = env("DEMO_PASSWORD", "lianxin-demo")
# A demo or development instance. With DEBUG and DEMO both off (production), load_demo refuses
# and gunicorn does not start while an active account has the demo password (accounts.production).
LIANXIN_DEMO = env_bool("DEMO", DEBUG)
LIANXIN_API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)
# The second factor (lianxin/accounts/otp.py): when on, the accounts the rule
# "account.needs_second_factor" names (lianxin/accounts/access.py) cannot work without a TOTP
# device; on under production settings (DEBUG=0 and LIANXIN_DEMO=0), off for the demo. An account
# that has a device is asked for its code at every sign-in either way.
LIANXIN_OTP_REQUIRED = env_bool("OTP_REQUIRED", not DEBUG and not LIANXIN_DEMO)
OTP_TOTP_ISSUER = env("OTP_ISSUER", "连心履职平台")
# Wrong codes count against the sign-in lock-out with wrong passwords (one counter, axes); the
# device's own growing delay would refuse a right code silently, so it is off.
OTP_TOTP_THROTTLE_FACTOR = 0
LIANXIN_PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 0 if LIANXIN_DEMO else 90)
# API list totals of this many rows or more are kept for a while per query (core.paging);
# 0 counts every time.
LIANXIN_COUNT_CACHE_FROM = env_int("COUNT_CACHE_FROM", 10000)
LIANXIN_COUNT_CACHE_SECONDS = env_int("COUNT_CACHE_SECONDS", 30)
# Files added to a case (reply letters, documents, photos of the work done): the largest one.
LIANXIN_ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 10) * 1024 * 1024
# Images are refused by the size their header declares, before decoding (casework/photos.py):
# one photo, and all the photos of one submission together, in pixels.
LIANXIN_PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_MEGAPIXELS", 40) * 1_000_000
LIANXIN_PHOTO_TOTAL_PIXELS = env_int("PHOTO_TOTAL_MEGAPIXELS", 60) * 1_000_000
# The largest request body (Content-Length), checked before it is read (web.middleware): a page
# form's five largest attachments and its fields.
LIANXIN_REQUEST_MAX_BYTES = env_int("REQUEST_MAX_MB", 55) * 1024 * 1024
# The same text from the same phone within this many minutes: the tracking page of the second
# one points to the first ("this looks like your earlier submission"); both are kept.
LIANXIN_REPEAT_SUBMISSION_MINUTES = env_int("REPEAT_SUBMISSION_MINUTES", 10)
# The public intake (scan-to-speak page, POST /api/v1/opinions): at most this many submissions
# per client address per window, and per phone number given per hour (429 beyond; 0: no
# limit); at most this many SMS to one number a day (0: no cap).
LIANXIN_PUBLIC_SUBMISSIONS_PER_IP = env_int("PUBLIC_SUBMISSIONS_PER_IP", 30)
LIANXIN_PUBLIC_SUBMISSION_WINDOW_SECONDS = env_int("PUBLIC_SUBMISSION_WINDOW_SECONDS", 600)
LIANXIN_PUBLIC_SUBMISSIONS_PER_PHONE = env_int("PUBLIC_SUBMISSIONS_PER_PHONE", 5)
# From this share of either limit on, a public submission must answer a small question
# (opinions/limits.py); 0 asks none.
LIANXIN_PUBLIC_CHALLENGE_AT = float(env("PUBLIC_CHALLENGE_AT", "0.8") or 0.8)
LIANXIN_SMS_PER_NUMBER_PER_DAY = env_int("SMS_PER_NUMBER_PER_DAY", 20)
# Open311 GeoReport v2 (/open311/v2/, docs/open311.md): the jurisdiction_id the endpoint
# answers to (another non-empty value is 404), the region whose congress receives the requests
# (attribute[region] picks one of its counties), and who to write to about the API and keys.
LIANXIN_OPEN311_JURISDICTION = env("OPEN311_JURISDICTION", "jinzhong.gov.cn")
LIANXIN_OPEN311_REGION = env("OPEN311_REGION", "1407")
LIANXIN_OPEN311_CONTACT = env("OPEN311_CONTACT", "")
# Learned triage (casework/triage.py): the stored model written by `manage.py triage_train`, and
# the confidence (percent) below which it proposes nothing.
LIANXIN_TRIAGE_MODEL = Path(env("TRIAGE_MODEL") or VAR_DIR / "triage_model.npz")
LIANXIN_TRIAGE_MIN_CONFIDENCE = env_int("TRIAGE_MIN_CONFIDENCE_PERCENT", 60) / 100
# `manage.py apply_retention` defaults; 0 keeps that table whole. The security trail is kept for
# three years (the Cybersecurity Law asks for at least six months of logs), sent and failed
# e-mails and SMS for 180 days; the timeline of concluded cases is kept unless told otherwise.
# The hash of the audit chains (core.chain): "sha256", or "sm3" (GB/T 32905, the gmssl package).
LIANXIN_AUDIT_HASH = env("AUDIT_HASH") or "sha256"
LIANXIN_RETENTION_AUDIT_DAYS = env_int("RETENTION_AUDIT_DAYS", 1095)
LIANXIN_RETENTION_OUTBOUND_DAYS = env_int("RETENTION_OUTBOUND_DAYS", 180)
LIANXIN_RETENTION_EVENTS_YEARS = env_int("RETENTION_EVENTS_YEARS", 0)
# PIPL: `manage.py anonymise_personal_data` replaces the citizens' names and phones of cases
# concluded (and reception records made) more than this many years ago.
LIANXIN_PERSONAL_DATA_YEARS = env_int("PERSONAL_DATA_YEARS", 3)

# Citizens' personal data sealed at rest (lianxin/core/crypto.py): the key ring (`id:base64key`,
# comma-separated, the last one seals new values) and the key of the lookup hashes. Empty on a
# demo or development instance: keys derived from SECRET_KEY; empty in production: no start.
LIANXIN_DATA_KEYS = env("DATA_KEYS")
LIANXIN_LOOKUP_KEY = env("LOOKUP_KEY")

# Background loops (lianxin/core/loops.py, docs/architecture.md "Background work"): the back-off
# after a transient database error (seconds, doubling up to the cap), how many intervals a
# loop's heartbeat may miss before /readyz calls it stale, the loops /readyz expects, how long
# a task may stay RUNNING before it is taken back and queued again (its worker died), and the
# limits of /readyz: the intake backlog, the age of the oldest queued task, the free disk.
LIANXIN_LOOP_BACKOFF_BASE = float(env("LOOP_BACKOFF_BASE", "1"))
LIANXIN_LOOP_MAX_BACKOFF = float(env("LOOP_MAX_BACKOFF", "30"))
LIANXIN_LOOP_STALE_FACTOR = env_int("LOOP_STALE_FACTOR", 3)
LIANXIN_READY_LOOPS = env_list("READY_LOOPS", "run_tasks,complete_intake,scan_deadlines")
LIANXIN_TASK_RUNNING_TIMEOUT = env_int("TASK_RUNNING_TIMEOUT", 900)
LIANXIN_READY_MAX_INTAKE_BACKLOG = env_int("READY_MAX_INTAKE_BACKLOG", 500)
LIANXIN_READY_MAX_TASK_AGE = env_int("READY_MAX_TASK_AGE", 300)
LIANXIN_READY_MIN_FREE_MB = env_int("READY_MIN_FREE_MB", 200)

# The hotline's pull and push (lianxin/hotline/pull.py, push.py; docs/hotline.md): the HTTP
# timeout (seconds) and the largest body read from a pull endpoint; whether a pull or webhook
# URL may point at a private, loopback or link-local address (SSRF: set False on a server that
# can reach internal services); the webhook's attempts, back-off base and cap (seconds).
LIANXIN_HOTLINE_HTTP_TIMEOUT = float(env("HOTLINE_HTTP_TIMEOUT", "10"))
LIANXIN_HOTLINE_PULL_MAX_BYTES = env_int("HOTLINE_PULL_MAX_BYTES", 50 * 1024 * 1024)
LIANXIN_HOTLINE_ALLOW_PRIVATE_URLS = env_bool("HOTLINE_ALLOW_PRIVATE_URLS", True)
LIANXIN_HOTLINE_WEBHOOK_MAX_ATTEMPTS = env_int("HOTLINE_WEBHOOK_MAX_ATTEMPTS", 8)
LIANXIN_HOTLINE_WEBHOOK_BACKOFF_BASE = float(env("HOTLINE_WEBHOOK_BACKOFF_BASE", "30"))
LIANXIN_HOTLINE_WEBHOOK_MAX_BACKOFF = float(env("HOTLINE_WEBHOOK_MAX_BACKOFF", "3600"))
