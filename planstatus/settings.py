"""Planstatus settings.

Everything that differs between a laptop and a server comes from environment variables,
with defaults that are safe for local development. See `.env.example` for the list.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

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
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("PLANSTATUS_DEBUG", True)
ALLOWED_HOSTS = env_list("PLANSTATUS_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("PLANSTATUS_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "csp",
    "planstatus.core",
    "planstatus.accounts",
    "planstatus.regions",
    "planstatus.plans",
    "planstatus.reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
]

# One variable switches the engine: unset means the embedded SQLite file in DATA_DIR,
# postgres://user:pass@host:port/name means PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'planstatus.sqlite3'}",
        conn_max_age=int(os.environ.get("PLANSTATUS_DB_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nn"
LANGUAGES = [
    ("nn", "Nynorsk"),
    ("nb", "Bokmål"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "planstatus" / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
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
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"

LOGIN_URL = "admin:login"

# Demo login for a fresh installation; `planstatus init` creates it on an empty database.
DEMO_USERNAME = os.environ.get("PLANSTATUS_DEMO_USERNAME", "demo")
DEMO_PASSWORD = os.environ.get("PLANSTATUS_DEMO_PASSWORD", "hallingdal-demo")
