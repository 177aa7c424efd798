"""Planstatus settings.

Everything that differs between a laptop and a server comes from environment variables,
with defaults that are safe for local development. See `.env.example` for the list.
"""

import copy
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.log import DEFAULT_LOGGING

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The SQLite file, uploads and generated documents all live here.
DATA_DIR = Path(os.environ.get("PLANSTATUS_DATA_DIR", BASE_DIR / "data")).resolve()

# Every file this process makes is its own alone (0600, folders 0700): the database and its
# WAL files, mail files, backups, the secret key and uploads hold personal data and live
# links. Set here, where every entry point (the command, gunicorn's workers, manage.py)
# passes, so no code that writes a file has to remember it.
os.umask(0o077)


def _secret_key() -> str:
    """Use PLANSTATUS_SECRET_KEY, or a random key kept in the data folder.

    A key committed to the repository would let anyone forge sessions on a
    machine that forgot to set one; a key generated per data folder cannot leak
    that way and survives restarts.
    """
    if key := os.environ.get("PLANSTATUS_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        # Created 0600, never readable by others for a moment.
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(key)
        return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("PLANSTATUS_DEBUG", True)
ALLOWED_HOSTS = env_list("PLANSTATUS_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("PLANSTATUS_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # First, so that our login and password pages win over the admin's.
    "planstatus.core",
    "planstatus.core.admin_site.InstallationAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "csp",
    "planstatus.accounts",
    "planstatus.regions",
    "planstatus.plans",
    "planstatus.reporting",
    "planstatus.imports",
    "planstatus.cases",
    "planstatus.api",
    "planstatus.indicators",
    "planstatus.feedback",
    "planstatus.installation",
    "planstatus.pages",
    # Its templates and static files give the API docs page without a CDN.
    "ninja",
    # Django's widget templates, for the renderer below; planstatus.core's come first.
    "django.forms",
]
# Forms render through the project's templates, so core/templates/django/forms/widgets/ gives
# every control Designsystemet's class.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "planstatus.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "planstatus.api.middleware.ApiHeadMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "planstatus.core.middleware.PrivateForMembersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns lockouts into its lockout response.
    "axes.middleware.AxesMiddleware",
    # Innermost, so that a view's lock timeout reaches it first.
    "planstatus.core.middleware.BusyDatabaseMiddleware",
]

ROOT_URLCONF = "planstatus.urls"
WSGI_APPLICATION = "planstatus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # The hot tables only (plans/templatetags/plan_tables.py); templates in <app>/jinja2/.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "planstatus.core.jinja.environment"},
    },
]

# One variable switches the engine: unset means the embedded SQLite file in DATA_DIR,
# postgres://user:pass@host:port/name means PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'planstatus.sqlite3'}",
        # Each worker keeps its connection between requests: a new PostgreSQL connection per
        # request (a new server process, its catalogue caches cold) cost more than a
        # page itself (bench/RESULTS.md). Checked before reuse at the start of each request,
        # so after a database restart (or a fail-over to the standby) no request fails.
        conn_max_age=int(os.environ.get("PLANSTATUS_DB_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
# How long a write waits for another's lock before the person is asked to try again
# (core/middleware.py: 503, never a 500). PLANSTATUS_SQLITE_TIMEOUT is its older name.
LOCK_TIMEOUT = int(
    os.environ.get("PLANSTATUS_LOCK_TIMEOUT") or os.environ.get("PLANSTATUS_SQLITE_TIMEOUT") or "20"
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several workers share one SQLite file. WAL lets readers go on while one writes; a
    # write transaction takes the write lock when it begins (IMMEDIATE), so two writers
    # queue on the busy timeout instead of one failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": LOCK_TIMEOUT,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # Without a limit, a write behind a stuck lock would wait as long as the lock is held.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c lock_timeout={LOCK_TIMEOUT}s".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds sessions (in front of the database) and, with Redis, the failed-login
# lockout: things every worker and every app server must see alike, so never one process's
# memory. Unset: files in the data folder, shared by the workers of one machine.
# redis://host:port/db: Redis, shared by several app servers. locmem://: one process's
# memory, for development only. Pages themselves are never cached (issue 19).
CACHE_URL = os.environ.get("PLANSTATUS_CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "planstatus",
        }
    }
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_URL:
    raise ImproperlyConfigured(
        "PLANSTATUS_CACHE_URL must be redis://host:port/db or locmem:// (or be unset for files "
        "in the data folder)."
    )
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Nynorsk unless a person chooses Bokmål or English (core/middleware.py): the browser's
# language is not asked, since most Norwegian browsers say Bokmål.
LANGUAGE_CODE = "nn"
LANGUAGES = [
    ("nn", "Nynorsk"),
    ("nb", "Bokmål"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "planstatus" / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
# Numbers are not grouped by default, so an id in an address or attribute never becomes
# «3 606»; figures for people are grouped where shown («20 566»: intcomma, floatformat:"g").
# Decimals still follow the language («0,5»): SVG coordinates use floatformat's "u".
USE_THOUSAND_SEPARATOR = False
# Our own English date formats (planstatus/formats/en); Django's cover Nynorsk and Bokmål.
FORMAT_MODULE_PATH = ["planstatus.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Front-end packages come from the npm registry at install time (package.json) and are
# served straight from node_modules rather than copied into the repository.
_NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/designsystemet", _NODE_MODULES / "@digdir" / "designsystemet-css" / "dist"),
    ("vendor/htmx", _NODE_MODULES / "htmx.org" / "dist"),
]
if not DEBUG:
    # Production serves its collected static files itself, straight after the security
    # middleware: they need no session. Development serves them through runserver.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # In production, collectstatic writes compressed files with a content hash in their
    # names, so browsers may keep them for a year; in development, files are served as they are.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
# Django's defaults (0644, and the umask for folders) would let other users read uploads.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Attachments to a measure's updates: outside any folder the web server serves, each file
# 0600 under a random name in this 0700 folder; only plans/attachments.py reads or writes it.
ATTACHMENT_DIR = Path(os.environ.get("PLANSTATUS_ATTACHMENT_DIR", DATA_DIR / "vedlegg")).resolve()

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
# «Mitt arbeid»: what waits for the person (the front page for one who is in no region).
LOGIN_REDIRECT_URL = "my_work"
LOGOUT_REDIRECT_URL = "index"

# Failed logins: five tries per user name and address, then a quarter of an hour's pause.
AXES_FAILURE_LIMIT = int(os.environ.get("PLANSTATUS_LOGIN_FAILURE_LIMIT", "5"))
# Failed logins are counted where every app server sees them: in Redis when there is one,
# else in the database (which the servers share too, and where the admin lists them).
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler"
    if CACHES["default"]["BACKEND"].endswith("RedisCache")
    else "axes.handlers.database.AxesDatabaseHandler"
)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The client's address as core/client.py reads it, proxies included: the lockout counts the
# person, not the reverse proxy in front of every person.
AXES_CLIENT_IP_CALLABLE = "planstatus.core.client.client_address"

# Behind a reverse proxy, requests coming from one of these addresses or networks have their
# client's address read from X-Forwarded-For (core/client.py); others are taken as they come.
BEHIND_PROXY = env_bool("PLANSTATUS_BEHIND_PROXY", False)
TRUSTED_PROXIES = env_list("PLANSTATUS_TRUSTED_PROXIES", "127.0.0.1,::1")

# Mail: written to files in the data folder unless an SMTP server is configured. The file
# backend is a convenience for development and demos: `check --deploy` warns about it in
# production (planstatus/core/checks.py).
_EMAIL_BACKENDS = {
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
EMAIL_BACKEND = _EMAIL_BACKENDS[os.environ.get("PLANSTATUS_EMAIL_BACKEND", "file")]
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = os.environ.get("PLANSTATUS_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PLANSTATUS_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("PLANSTATUS_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PLANSTATUS_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("PLANSTATUS_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("PLANSTATUS_FROM_EMAIL", "planstatus@localhost")
# The site's address in mailed links. Unset: taken from the request that opens a round
# (cron has no request, so send-reminders needs it set).
BASE_URL = os.environ.get("PLANSTATUS_BASE_URL", "")

# Browsers may load scripts, styles and images from this site only, and frame it nowhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Designsystemet draws its icons as data: SVG masks.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

if not DEBUG:
    # Production: cookies only over HTTPS, and browsers told to use HTTPS from now on.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("PLANSTATUS_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("PLANSTATUS_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PLANSTATUS_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("PLANSTATUS_HSTS_PRELOAD", False)
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Joining the browsers' HSTS preload list is the domain owner's decision, not ours.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Password of the demo users that `planstatus init` creates on an empty database.
DEMO_PASSWORD = os.environ.get("PLANSTATUS_DEMO_PASSWORD", "hallingdal-demo")

# Django's own logging, with personal links' tokens taken out of every line its handlers
# write (the development server's access log, the 4xx warnings). gunicorn's access log is
# redacted by the logger class `serve --production` gives it.
LOGGING = copy.deepcopy(DEFAULT_LOGGING)
LOGGING["filters"]["no_link_tokens"] = {"()": "planstatus.core.logging.RedactLinkTokens"}
for _handler in LOGGING["handlers"].values():
    _handler.setdefault("filters", []).append("no_link_tokens")
