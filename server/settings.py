"""Django settings, read from the environment.

Modes (``SKOLMILJO_MODE``):
- ``production`` (default): every secret must come from the environment, HTTPS-only cookies.
- ``demo``: ``make demo`` on a laptop; plain HTTP on 127.0.0.1, a generated secret key.
- ``test``: the test suite; like demo, with fast password hashing.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from maps.tiles import TILES_URL, tiles_origin

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SKOLMILJO_VAR_DIR", BASE_DIR / "var"))

MODE = os.environ.get("SKOLMILJO_MODE", "production")
if MODE not in {"production", "demo", "test"}:
    raise ImproperlyConfigured(
        f"SKOLMILJO_MODE={MODE!r} is not known: use production, demo or test."
    )
LOCAL_MODE = MODE in {"demo", "test"}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use 1 or 0.")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def env_count(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    if not (value.strip().isascii() and value.strip().isdigit()):
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number of 0 or more.")
    return int(value)


def env_bounded_int(name: str, default: int, low: int, high: int) -> int:
    """An integer setting from the environment, refused unless low..high."""
    raw = os.environ.get(name, str(default)).strip()
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} is {raw!r}; set a whole number {low}..{high}."
        ) from None
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} is {value}; set a whole number {low}..{high}.")
    return value


def demo_secret_key() -> str:
    """A random key kept in var/ so demo sessions survive a restart; never used in production."""
    path = VAR_DIR / "demo_secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env_bool("SKOLMILJO_DEBUG", False)

SECRET_KEY = os.environ.get("SKOLMILJO_SECRET_KEY", "")
if not SECRET_KEY:
    if MODE == "test":
        SECRET_KEY = "test-only-" + "x" * 50
    elif MODE == "demo":
        SECRET_KEY = demo_secret_key()
    else:
        raise ImproperlyConfigured(
            "SKOLMILJO_SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or run with SKOLMILJO_MODE=demo on a laptop."
        )

ALLOWED_HOSTS = env_list(
    "SKOLMILJO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if LOCAL_MODE else []
)
CSRF_TRUSTED_ORIGINS = env_list("SKOLMILJO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    # Before server.accounts, whose admin replaces auditlog's view of the log entries.
    "auditlog",
    "server.core",
    # Sign-in lock-out: counts failures per user name and client address in the database.
    "axes",
    "csp",
    "server.accounts",
    "server.schools",
    "server.prices",
    "server.inspections",
    "server.campaigns",
    "server.demo",
    "server.pages",
    "server.planning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files (an SVG can hold a script) get the policy too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: the signed-in user is the actor of the audit entries.
    "server.core.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as axes asks: it turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out sign-in before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "server.urls"
WSGI_APPLICATION = "server.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "server" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "server.core.context_processors.municipality",
            ],
        },
    },
]

# SQLite by default so the demo needs no service; DATABASE_URL selects PostgreSQL.
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'skolmiljo.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL={DATABASE_URL!r} is not usable: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets readers and one writer work at once; IMMEDIATE makes a writer take the lock
    # at BEGIN, so a reader that later writes waits (busy_timeout) instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SKOLMILJO_TEST_DB_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if MODE == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "server" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Leaflet and plugins vendored by the maps package (no CDN); maps itself knows no Django.
STATICFILES_DIRS = [BASE_DIR / "maps" / "static"]
STATIC_ROOT = Path(os.environ.get("SKOLMILJO_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("SKOLMILJO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    # Photos go through Django's storage API, so an object-storage backend is a settings change.
    "default": {
        "BACKEND": os.environ.get(
            "SKOLMILJO_MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"
        )
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if MODE == "test"
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

if LOCAL_MODE:
    # Serve app static files straight from the apps, so tests need no collectstatic.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = MODE == "test"
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/dashboard/"
LOGOUT_REDIRECT_URL = "/"

# HTTPS hardening: on in production, off for plain-HTTP demo and tests on 127.0.0.1.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not LOCAL_MODE:
    SECURE_SSL_REDIRECT = env_bool("SKOLMILJO_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SKOLMILJO_HSTS_SECONDS", 31_536_000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SKOLMILJO_HSTS_PRELOAD", False)
    # Joining the browsers' HSTS preload list binds the whole domain: the operator decides.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy (django-csp): scripts and <style> blocks only from our own files
# or carrying the response's nonce (templates write nonce="{{ request.csp_nonce }}"; the
# map views stamp it on folium's inline tags, server.pages.map_nonce). Style attributes
# stay allowed: the maps' popups, legend, cluster icons and notes are HTML strings with
# style="..." that Leaflet sets as innerHTML, and the survey results' box plots and the
# charts' SVG carry them too. A nonce cannot mark an attribute, and 'unsafe-inline' next
# to a nonce is ignored, hence style-src (elements, by nonce) apart from style-src-attr.
# Images: ours, data: URLs (bootstrap's and Swagger UI's CSS), blob: URLs (Swagger UI
# shows an image an endpoint answers, such as a photo, as one) and the background tiles'
# host, taken from where the maps name the tiles (maps.tiles).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", tiles_origin(TILES_URL)],
        "connect-src": [SELF],
        "font-src": [SELF, "data:"],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

# How many reverse proxies in front of the server append to X-Forwarded-For. Rate limits
# key on the client address (server.core.client): with 0 the header is ignored, since any
# client can write it; with N the N-th entry from its right is the client.
TRUSTED_PROXIES = env_count("SKOLMILJO_TRUSTED_PROXIES", 0)
# Django-Ninja trusts X-Forwarded-For when this is None; our throttles ask
# server.core.client anyway, this keeps any other Ninja throttle in line.
NINJA_NUM_PROXIES = TRUSTED_PROXIES

# Sign-in lock-out (django-axes) on /accounts/login/ and /admin/login/: after
# SKOLMILJO_LOGIN_FAILURE_LIMIT failed sign-ins of one user name from one client address,
# that pair is refused for SKOLMILJO_LOGIN_COOLOFF_MINUTES. Keyed on both together, so
# nobody can lock a planner out from elsewhere, and the address is the one every rate
# limit uses (server.core.client, honouring TRUSTED_PROXIES). The failures are counted in
# the database, so every server process sees them and an administrator can read and
# delete them in the admin (Axes → Access attempts) to unlock early.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_count("SKOLMILJO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_count("SKOLMILJO_LOGIN_COOLOFF_MINUTES", 15))
if AXES_FAILURE_LIMIT < 1 or not AXES_COOLOFF_TIME:
    # axes reads a cool-off of zero as "locked until an administrator unlocks".
    raise ImproperlyConfigured(
        "SKOLMILJO_LOGIN_FAILURE_LIMIT and SKOLMILJO_LOGIN_COOLOFF_MINUTES must be at least 1."
    )
AXES_RESET_ON_SUCCESS = True
# A try during the lock-out counts too and restarts the cool-off, so "try again in N
# minutes" on the lock-out page is true from the moment it is shown.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_CLIENT_IP_CALLABLE = "server.core.client.client_address"
# axes' own log lines name the client through this: hashed, never the address in clear.
AXES_CLIENT_STR_CALLABLE = "server.accounts.signals.axes_client_str"
AXES_LOCKOUT_CALLABLE = "server.pages.views.login_locked_out"
# No table of every successful sign-in with its address: the auth.login log line says it.
AXES_DISABLE_ACCESS_LOG = True

# One Redis shared by every server process (rate limits count there); without it (the
# demo) each process has its own local-memory cache. clear() empties the whole Redis
# database, so give Skolmiljö a database of its own.
REDIS_URL = os.environ.get("SKOLMILJO_REDIS_URL", "").strip()
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"SKOLMILJO_REDIS_URL={REDIS_URL!r} is not a Redis URL: use redis://host:6379/0."
    )
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "skolmiljo",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The task queue (Celery, server/celery.py): on the same Redis when it is set, with a
# worker process (`celery -A server worker`); without Redis (the demo) there is no worker
# and tasks run in-process, so the demo needs nothing but Python.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("SKOLMILJO_TASK_QUEUE", "").strip() or "skolmiljo"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The address tablets reach this server at; it goes into enrollment QR codes.
PUBLIC_URL = os.environ.get("SKOLMILJO_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
ENROLLMENT_CODE_HOURS = int(os.environ.get("SKOLMILJO_ENROLLMENT_CODE_HOURS", 24))
# Enrollment attempts per client address ("N/s|m|h|d"): slows code guessing, lets an
# office enroll a shelf of tablets. Counted in Django's cache (shared when Redis is set).
ENROLL_RATE = os.environ.get("SKOLMILJO_ENROLL_RATE", "10/m")
# Survey submissions (and wrong one-time codes) per campaign and client address, counted
# in the cache: "auto" is max(40, 1.2 x the unit's pupils) a day, because a whole school
# often answers from behind one city address; "N/s|m|h|d" sets it explicitly.
SURVEY_SUBMIT_RATE = os.environ.get("SKOLMILJO_SURVEY_SUBMIT_RATE", "auto")
# Fewest respondents a group (and an index within it) needs before any result is shown.
# The installation's floor: an administrator may raise the municipality's threshold in the
# admin, never lower it below this. At least 2: an interval needs two respondents, and 1
# would show one person's answers.
SURVEY_SUPPRESSION_THRESHOLD = env_bounded_int("SKOLMILJO_SURVEY_THRESHOLD", 5, 2, 1000)
# Which question areas of official survey results feed which index (import_survey_results).
SURVEY_AREA_MAPPING = Path(
    os.environ.get("SKOLMILJO_SURVEY_AREA_MAPPING") or BASE_DIR / "surveys" / "area_mapping.toml"
)
# The municipality this installation serves (one per installation); an administrator
# edits these in the admin afterwards (server/core/municipality.py).
# The demo's defaults are Gothenburg's; a production install names its own municipality
# (no other city's name in its pages) and fits its maps to its schools unless told.
MUNICIPALITY_NAME = os.environ.get(
    "SKOLMILJO_MUNICIPALITY_NAME", "Göteborgs Stad" if LOCAL_MODE else ""
).strip()
if not MUNICIPALITY_NAME:
    raise ImproperlyConfigured(
        "SKOLMILJO_MUNICIPALITY_NAME is not set: set it to the name of the municipality this "
        'installation serves, e.g. "Lerums kommun" (an administrator can change it later).'
    )
# "lat,lon" in WGS84; empty: maps fit the schools' extent.
_center = os.environ.get("SKOLMILJO_MAP_CENTER", "57.7089,11.9746" if LOCAL_MODE else "").strip()
_CENTER_FORMAT = 'SKOLMILJO_MAP_CENTER is "lat,lon" in WGS84, e.g. 57.7089,11.9746, or empty.'
try:
    MUNICIPALITY_CENTER = tuple(float(v) for v in _center.split(",")) if _center else None
except ValueError:
    raise ImproperlyConfigured(_CENTER_FORMAT) from None
if MUNICIPALITY_CENTER is not None and (
    len(MUNICIPALITY_CENTER) != 2
    or not -90 <= MUNICIPALITY_CENTER[0] <= 90
    or not -180 <= MUNICIPALITY_CENTER[1] <= 180
):
    raise ImproperlyConfigured(_CENTER_FORMAT)


MUNICIPALITY_ZOOM = env_bounded_int("SKOLMILJO_MAP_ZOOM", 11, 1, 18)
MUNICIPALITY_PRICE_YEAR = env_bounded_int("SKOLMILJO_PRICE_YEAR", 2026, 2000, 2100)
PHOTO_MAX_BYTES = int(os.environ.get("SKOLMILJO_PHOTO_MAX_BYTES", 15 * 1024 * 1024))
# Tablet clocks drift; observations further in the future than this are refused.
SYNC_CLOCK_TOLERANCE_SECONDS = int(os.environ.get("SKOLMILJO_SYNC_CLOCK_TOLERANCE", 600))

# The audit trail: who changed school data, assignments, campaigns, plans, users and
# devices, when, and from which address. django-auditlog rather than
# django-simple-history: one append-only LogEntry table with a field-level diff and an
# actor set by a middleware (or by server.core.audit.audit_actor for tablets), instead of
# a shadow table per model that copies every row on every save. Only what is named here
# is logged: never a survey response, an answer or a respondent code (Response, Answer
# and RespondentCode are not registered, and Campaign's reverse relations are not
# fields it logs). Fields are listed, not excluded, so a reverse relation (a campaign's
# codes) can never appear; timestamps the entry has itself and large JSON are left out.
# Inspections are not here: a tablet's push stores them in bulk (no model signals), each
# row names its inspector and device and keeps every replaced revision, and each push
# is logged by the sync endpoint (logger server.inspections.sync).
_MASKED = {"mask_callable": "server.core.audit.mask"}
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {
        "model": "schools.District",
        "include_fields": ["code", "name", "kind", "official_code", "parent"],
    },
    {
        "model": "schools.Site",
        "include_fields": [
            "code",
            "name",
            "district",
            "lat",
            "lon",
            "floor_area_m2",
            "yard_area_m2",
            "year_built",
            "replacement_value_sek",
            "attributes_synthetic",
            "removed_at",
        ],
    },
    {
        "model": "schools.SchoolUnit",
        "include_fields": [
            "code",
            "name",
            "school_form",
            "years",
            "year_from",
            "year_to",
            "pupils",
            "capacity",
            "site",
            "socioeconomic_need",
            "newly_arrived_share",
            "need_synthetic",
        ],
    },
    {"model": "inspections.Assignment", "include_fields": ["inspector", "site"]},
    {
        "model": "campaigns.Campaign",
        "include_fields": [
            "code",
            "questionnaire",
            "unit",
            "respondent_group",
            "years",
            "opens_on",
            "closes_on",
            "synthetic",
        ],
    },
    {
        "model": "planning.SavedPlan",
        "include_fields": ["name", "created_by", "inputs", "data_date", "synthetic"],
    },
    {
        "model": "auth.User",
        "include_fields": [
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "is_staff",
            "is_superuser",
            "password",
        ],
        "mask_fields": ["password"],
        **_MASKED,
        "m2m_fields": ["groups", "user_permissions"],
    },
    {"model": "auth.Group", "include_fields": ["name"], "m2m_fields": ["permissions"]},
    {
        "model": "core.MunicipalitySettings",
        "include_fields": [
            "name",
            "center_lat",
            "center_lon",
            "zoom",
            "price_year",
            "survey_threshold",
        ],
    },
    {
        "model": "accounts.Device",
        "include_fields": ["user", "name", "token_hash", "revoked_at"],
        "mask_fields": ["token_hash"],
        **_MASKED,
    },
    {
        "model": "accounts.EnrollmentCode",
        "include_fields": ["user", "code_hash", "created_by", "expires_at", "used_at", "device"],
        "mask_fields": ["code_hash"],
        **_MASKED,
    },
)
# Loading a backup or a fixture writes rows as they were: it is not a change to log.
AUDITLOG_DISABLE_ON_RAW_SAVE = True
# A correlation id from a request header is the client's word: keep none.
AUDITLOG_CID_HEADER = None

# Fernet key that `manage.py backup` encrypts archives with (they hold survey answers) and
# `manage.py restore` decrypts them with; unset, backups are written unencrypted.
BACKUP_KEY = os.environ.get("SKOLMILJO_BACKUP_KEY", "").strip()
# Retention (README, "Photos of people and retention"): `manage.py purge`, run daily,
# deletes what is older than these many days. Survey answers count from the day their
# campaign closed, hidden photos from the day they were hidden.
RETAIN_SURVEY_ANSWERS_DAYS = env_count("SKOLMILJO_RETAIN_SURVEY_ANSWERS_DAYS", 3 * 365)
RETAIN_HIDDEN_PHOTOS_DAYS = env_count("SKOLMILJO_RETAIN_HIDDEN_PHOTOS_DAYS", 30)
RETAIN_LOCKOUT_DAYS = env_count("SKOLMILJO_RETAIN_LOCKOUT_DAYS", 90)
# Logs go to stdout; the platform's log store must keep them no longer than this.
RETAIN_LOGS_DAYS = env_count("SKOLMILJO_RETAIN_LOGS_DAYS", 90)
RETAIN_BACKUPS_DAYS = env_count("SKOLMILJO_RETAIN_BACKUPS_DAYS", 35)
BACKUP_DIR = Path(os.environ.get("SKOLMILJO_BACKUP_DIR", VAR_DIR / "backups"))

# Where the demo loader reads the city's public school and district data.
DEMO_DATA_DIR = Path(os.environ.get("SKOLMILJO_DEMO_DATA", BASE_DIR / "data" / "goteborg"))

# JSON lines for a log collector in production; a readable line in the demo and tests.
# Either way the events (sync.push, device.enroll, auth.login, …) carry no address or user
# name in clear: see server.core.logs.
LOG_FORMAT = os.environ.get("SKOLMILJO_LOG_FORMAT", "text" if LOCAL_MODE else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(
        f"SKOLMILJO_LOG_FORMAT={LOG_FORMAT!r} is not known: use json or text."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "survey_requests_hidden": {"()": "server.campaigns.request_log.SurveyRequestsHidden"}
    },
    "formatters": {
        "json": {"()": "server.core.logs.json_formatter"},
        "text": {"()": "server.core.logs.TextFormatter"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "loggers": {
        # Our auth.login events say each failure and lock-out once, pseudonymised.
        "axes": {"level": "ERROR"},
        # Django's own set-up of runserver's request log, less the survey form's requests:
        # a time-stamped line per answer sent would undo the day-only submitted_on.
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["survey_requests_hidden"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SKOLMILJO_LOG_LEVEL", "INFO")},
}
