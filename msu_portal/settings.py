"""Settings for the MSU portal, driven by environment variables (see .env.example).

Embedded default (nothing set): SQLite, Celery eager, e-mails printed on the console.
"""

import datetime
import os
import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# pytest (8.2+) exports PYTEST_VERSION; the test runs are the only non-DEBUG runs allowed to
# use the development key and plain-HTTP cookies.
TESTING = "PYTEST_VERSION" in os.environ or (len(sys.argv) > 1 and sys.argv[1] == "test")
# Development conveniences (a known key, cookies over plain HTTP, no HTTPS redirect) only for
# `make run` (DEBUG) and the tests; anything else is a deployment and gets production defaults.
DEV_DEFAULTS = DEBUG or TESTING

_DEV_SECRET_KEY = "insecure-dev-key-only-for-make-run-and-tests"  # nosec B105
# Keys that must never sign anything in production: ours and the placeholders once written in
# the docs and compose file.
_KNOWN_KEYS = {_DEV_SECRET_KEY, "change-me", "change-me-in-production"}
SECRET_KEY = env("DJANGO_SECRET_KEY", default=_DEV_SECRET_KEY if DEV_DEFAULTS else "")
if not DEV_DEFAULTS and (
    SECRET_KEY in _KNOWN_KEYS
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of 50 characters or more in production "
        "(DJANGO_DEBUG off), e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The address e-mails link to (they are written outside any request). Unset, it follows the host
# and port `make run` serves on (HOST, PORT), so that `PORT=8101 make run` sends working links.
# Pages never need it: the inbox stores paths and redirects relatively.
SITE_URL = env(
    "SITE_URL",
    default=f"http://{env('HOST', default='127.0.0.1')}:{env.int('PORT', default=8000)}",
)

# Shown in the DSFR header, the footer and documents when no faculty is known (a visitor who
# has not signed in): one deployment serves every faculty, and each page, e-mail and PDF names
# the faculty of its dossier or of the signed-in person (accounts.faculties).
INSTITUTION_NAME = env(
    "INSTITUTION_NAME", default="Facultés de médecine — départements de médecine générale"
)
SERVICE_NAME = env("SERVICE_NAME", default="Portail des maîtres de stage des universités")
SERVICE_TAGLINE = env(
    "SERVICE_TAGLINE", default="Demande et gestion de l'agrément MSU en médecine générale"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "dsfr",
    "crispy_forms",
    "django_htmx",
    "pgtrigger",
    "django_otp",
    "accounts.otp_apps.AuthenticatorApps",  # django_otp.plugins.otp_totp, named in French
    "accounts.otp_apps.RecoveryCodes",  # django_otp.plugins.otp_static
    "accounts.otp_apps.LoginProtection",  # axes, named in French
    "csp",
    "accounts",
    "applications",
    "stages",
    "remuneration",
    "notifications",
    "audit",
    "retention",
    "background",
    "exports",
    "reports",
    "obligations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "msu_portal.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "msu_portal.middleware.PrivateCacheMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.memberships.RequestMemberships",
    "django.contrib.messages.middleware.MessageMiddleware",
    "msu_portal.middleware.MethodNotAllowedPage",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.RememberActor",
    # Last, as django-axes asks: it turns a lockout into the login page with its message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "msu_portal.urls"
WSGI_APPLICATION = "msu_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "msu_portal.context_processors.portal",
            ],
            "builtins": ["applications.templatetags.french_dates"],
        },
    },
    {
        # Plain-text e-mails (subject, text body): no HTML escaping of "l'agrément".
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "autoescape": False,
            "builtins": ["applications.templatetags.french_dates"],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default runs a worker beside the web server: writers wait for each other
    # (IMMEDIATE transactions, a 20 s timeout) and readers never wait (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL;",
    )
# Behind PgBouncer in transaction mode, server-side cursors (QuerySet.iterator) cannot work.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DATABASE_BEHIND_TRANSACTION_POOLER", default=False
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses any attempt while the account or the address is locked.
    "axes.backends.AxesStandaloneBackend",
    # Django's, reading the user with their doctor profile and faculty in one query.
    "accounts.backends.PasswordBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # ASVS 2.1.1: 12 characters at least.
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Brute force (django-axes): after LOGIN_FAILURE_LIMIT failures an account (whatever the
# address) and an IP address (whatever the account) are locked for the cool-off; each attempt
# during the lockout restarts it. `manage.py axes_reset` unlocks (docs/operations.md).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "accounts.lockout.attempted_username"
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False
# Behind the reverse proxy the client address is in X-Forwarded-For (one proxy by default in
# production); without a proxy (make run, tests) it is REMOTE_ADDR.
AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0 if DEV_DEFAULTS else 1)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)

# Sign-up and password reset requests allowed per hour, per address and per client IP.
RATE_LIMIT_PER_ADDRESS = env.int("RATE_LIMIT_PER_ADDRESS", default=5)
RATE_LIMIT_PER_IP = env.int("RATE_LIMIT_PER_IP", default=30)

# Second factor (django-otp, TOTP): staff and the Django admin must use it; doctors may.
OTP_TOTP_ISSUER = "Portail MSU"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# "Trust this device": a signed cookie, valid this many days.
TRUSTED_DEVICE_DAYS = 30
# The embedded demo (make run, DEBUG on) shows a demo account's current code beside the field.
SHOW_DEMO_OTP_CODE = DEBUG

# Idle timeouts (seconds): a session unused this long ends, with a notice on the login page.
SESSION_IDLE_TIMEOUT_STAFF = env.int("SESSION_IDLE_TIMEOUT_STAFF", default=30 * 60)
SESSION_IDLE_TIMEOUT_DOCTOR = env.int("SESSION_IDLE_TIMEOUT_DOCTOR", default=2 * 3600)
# The server-side expiry: set per session at each activity to its idle limit plus a grace
# period (accounts/sessions.py), so the next request can still say "your session expired".
SESSION_COOKIE_AGE = max(SESSION_IDLE_TIMEOUT_STAFF, SESSION_IDLE_TIMEOUT_DOCTOR) + 8 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Sign-up confirmation links stay valid this long (seconds).
EMAIL_CONFIRMATION_MAX_AGE = env.int("EMAIL_CONFIRMATION_MAX_AGE", default=3 * 24 * 3600)

LANGUAGE_CODE = "fr"
# French only, whatever the browser asks: a language is offered once its catalogue is complete
# (every string goes through gettext; `make messages LOCALE=xx` starts a catalogue).
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded pieces are private: they live outside STATIC/MEDIA and are only served by a
# permission-checked view (applications.views.documents). No MEDIA_URL is exposed.
PRIVATE_STORAGE_ROOT = env.path("PRIVATE_STORAGE_ROOT", default=BASE_DIR / "var" / "private")
# Private files (pieces, attachments, generated PDFs): a local folder by default; an
# S3-compatible bucket when PRIVATE_S3_BUCKET is set, so that several web and worker machines
# share them (docs/deployment.md). Either way they are only read through the checked views.
PRIVATE_S3_BUCKET = env("PRIVATE_S3_BUCKET", default="")
_private_storage = {"BACKEND": "applications.storage.PrivateFileSystemStorage"}
if PRIVATE_S3_BUCKET:
    _private_storage = {
        "BACKEND": "applications.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": PRIVATE_S3_BUCKET,
            "endpoint_url": env("PRIVATE_S3_ENDPOINT_URL", default=None),
            "region_name": env("PRIVATE_S3_REGION", default=None),
            "access_key": env("PRIVATE_S3_ACCESS_KEY", default=None),
            "secret_key": env("PRIVATE_S3_SECRET_KEY", default=None),
            "location": env("PRIVATE_S3_PREFIX", default=""),
        },
    }
STORAGES = {
    "default": _private_storage,
    "private": _private_storage,
    # WhiteNoise serves the DSFR assets from gunicorn itself (no CDN, no extra web server).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# One piece may weigh this much at most (bytes); said on the form before upload.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# What a piece may cost once opened (applications/sanitize.py): an image's pixels (a 100 KB PNG
# can declare 900 million) and a PDF's pages (the dossier PDF copies them all).
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=50_000_000)
UPLOAD_MAX_PDF_PAGES = env.int("UPLOAD_MAX_PDF_PAGES", default=100)
# Message attachments of one dossier, all together.
MESSAGE_ATTACHMENTS_QUOTA_BYTES = env.int(
    "MESSAGE_ATTACHMENTS_QUOTA_BYTES", default=50 * 1024 * 1024
)
# Accounts never confirmed are deleted this many days after sign-up (they have no faculty;
# the other retention periods are faculty settings).
RETENTION_UNCONFIRMED_DAYS = env.int("RETENTION_UNCONFIRMED_DAYS", default=7)
# A student's address only serves to send their links: kept a year after their last stage.
RETENTION_STUDENT_CONTACT_YEARS = env.int("RETENTION_STUDENT_CONTACT_YEARS", default=1)
# Antivirus: clamd's address (tcp://host:3310 or a unix socket path); empty means no scan.
# When set, an upload clamd cannot scan is refused (fail closed).
CLAMD_ADDRESS = env("CLAMD_ADDRESS", default="")
CLAMD_TIMEOUT_SECONDS = env.float("CLAMD_TIMEOUT_SECONDS", default=30)
# A whole request may carry a few pieces; anything bigger is cut by Django (and by the proxy).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="MSU <ne-pas-repondre@example.org>")

# Celery: eager (inline) when no broker is configured, the embedded default.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Redis through our guarded transport (msu_portal/broker.py: a consumer crash of Celery 5.7.0
# on a broker restart). Other schemes (rediss://, …) use kombu's own.
if CELERY_BROKER_URL.startswith("redis://"):
    CELERY_BROKER_TRANSPORT = "msu_portal.broker:Transport"
# A publish while the broker is down must fail fast: the web request waits for it (the work is
# a row already, the sweeper delivers it). Two quick tries, then the error, logged by
# background.enqueue.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Redis redelivers a task not acknowledged within the visibility timeout (worker killed, host
# lost). It must exceed the longest task plus its longest retry countdown (PDF: 5 min hard
# limit; backoff capped at 5 min), or a slow task would run twice; and it bounds how long work
# of a dead worker waits. 15 minutes; the sweeper re-enqueues lost work sooner anyway.
# Kombu looks for such messages every interval × throttle seconds (100 s by default).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=15 * 60),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
# `make run` starts a worker (with beat) on kombu's filesystem transport: the embedded default
# does its background work in the background too, with nothing to install.
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_folder = Path(env("CELERY_FILESYSTEM_FOLDER", default=str(BASE_DIR / "var" / "broker")))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_folder),
        "data_folder_out": str(_broker_folder),
        "control_folder": str(_broker_folder / "control"),
        "store_processed": False,
    }
CELERY_RESULT_EXPIRES = 24 * 3600
# Every job is idempotent and derived from the database. The sweepers deliver what a broker
# outage or a lost worker left pending: e-mails every minute, PDFs and exports every 2 minutes.
CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {
        "task": "applications.tasks.send_daily_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "stage-followup": {
        "task": "stages.tasks.send_stage_followup",
        "schedule": crontab(hour=7, minute=10),
    },
    "sweep-student-links": {
        "task": "stages.tasks.sweep_student_links",
        "schedule": crontab(minute="*/2"),
        "options": {"expires": 110},
    },
    "end-suspensions": {
        "task": "applications.tasks.end_suspensions",
        "schedule": crontab(hour=0, minute=15),
    },
    "daily-digests": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=30),
    },
    "obligation-reminders": {
        "task": "obligations.tasks.send_obligation_reminders",
        "schedule": crontab(hour=7, minute=10),
    },
    "sweep-notifications": {
        "task": "notifications.tasks.sweep_notifications",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},  # a sweep that waited a minute is replaced by the next
    },
    "sweep-documents": {
        "task": "applications.tasks.sweep_documents",
        "schedule": crontab(minute="*/2"),
        "options": {"expires": 110},
    },
    "apply-retention": {
        "task": "retention.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=30),
    },
    "sweep-exports": {
        "task": "exports.tasks.sweep_exports",
        "schedule": crontab(minute="1-59/2"),
        "options": {"expires": 110},
    },
    "heartbeat": {
        "task": "background.tasks.heartbeat",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
}
# Test hook only (tests/worker): a pause before each PDF build so a worker can be killed mid-task.
DOCUMENT_BUILD_PAUSE_SECONDS = env.float("DOCUMENT_BUILD_PAUSE_SECONDS", default=0)

CRISPY_ALLOWED_TEMPLATE_PACKS = ("dsfr_crispy",)
CRISPY_TEMPLATE_PACK = "dsfr_crispy"
CRISPY_FAIL_SILENTLY = not DEBUG

DSFR_USE_INTEGRITY_CHECKSUMS = True

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# HTTPS. In production everything is on by default; `make run` and the tests serve plain HTTP.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEV_DEFAULTS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEV_DEFAULTS)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEV_DEFAULTS else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
# The TLS-terminating proxy (docs/operations.md) sets X-Forwarded-Proto and drops any value the
# client sent; only then may Django trust it.
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=not DEV_DEFAULTS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): only our own files. No 'unsafe-inline' and no nonce:
# every script is a static file, and there is no style element or style attribute.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # The DSFR draws some icons as data: images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features the portal never uses, refused for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(self), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), "
    "screen-wake-lock=(), sync-xhr=(), usb=(), xr-spatial-tracking=()"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Widgets rendered by the DSFR crispy pack (templates/dsfr_crispy) get the DSFR classes.
CRISPY_CLASS_CONVERTERS = {
    "textinput": "fr-input",
    "emailinput": "fr-input",
    "passwordinput": "fr-input",
    "numberinput": "fr-input",
    "dateinput": "fr-input",
    "datetimeinput": "fr-input",
    "urlinput": "fr-input",
    "textarea": "fr-input",
    "select": "fr-select",
    "fileinput": "fr-upload",
    "clearablefileinput": "fr-upload",
}
