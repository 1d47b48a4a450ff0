"""IMR Search settings: one file, read from the environment.

With no environment at all the site runs on SQLite and a Whoosh index under
``IMR_DATA_DIR`` (``var/`` in the checkout); ``DATABASE_URL`` switches to PostgreSQL.
"""
from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.getenv(name, str(default)))


DEBUG = envbool("DEBUG", "true")
SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug"
ALLOWED_HOSTS = os.getenv("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")

DATA_DIR = Path(os.getenv("IMR_DATA_DIR", BASE_DIR / "var")).resolve()
INDEX_DIR = DATA_DIR / "index"
ORIGINALS_DIR = DATA_DIR / "originals"
MEDIA_ROOT = ORIGINALS_DIR  # stored originals are served by a view that checks access, never by URL
# The site must boot with no hand-made setup, so the data folder makes itself.
DATA_DIR.mkdir(parents=True, exist_ok=True)
# What one ingested file may cost (search/limits.py): more is refused by name, the rest of its batch stored.
IMR_MAX_FILE_MB = float(os.getenv("IMR_MAX_FILE_MB", "25"))
IMR_MAX_TEXT_CHARS = envint("IMR_MAX_TEXT_CHARS", 1_000_000)
IMR_MAX_PAGES = envint("IMR_MAX_PAGES", 300)
IMR_EXTRACT_MEMORY_MB = float(os.getenv("IMR_EXTRACT_MEMORY_MB", "512"))
IMR_EXTRACT_SECONDS = float(os.getenv("IMR_EXTRACT_SECONDS", "30"))
# The most items one CSV export holds (about 8 s of streaming at 50,000): past it the export is refused
# with a message rather than cut short, since a partial file would read as the whole answer.
IMR_EXPORT_MAX_ROWS = envint("IMR_EXPORT_MAX_ROWS", 50_000)
# A long ingest logs how far it has come (imr.progress) every this many seconds.
IMR_PROGRESS_SECONDS = envint("IMR_PROGRESS_SECONDS", 5)
# Processes writing the segments of one large index batch at once (a long ingest's): one per core.
IMR_INDEX_PROCESSES = envint("IMR_INDEX_PROCESSES", os.cpu_count() or 1)
# One query's time budget in seconds: past it the query stops with a message (search/engine/deadline.py),
# well inside gunicorn's 60-second worker timeout.
SEARCH_QUERY_SECONDS = float(os.getenv("IMR_QUERY_SECONDS", "10"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "search",
    "devtools",  # generate_corpus, bench: development tools, imported by no other app
]

MIDDLEWARE = [
    "imrsite.middleware.request_log",
    "django.middleware.security.SecurityMiddleware",
    "imrsite.middleware.content_security_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "imrsite.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "imrsite.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'imr.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 60),
    )
}
if os.getenv("IMR_DATABASE_NAME"):
    # The background indexer (search/background.py) reaches the database of the process that
    # started it, a test's database included, with every other connection setting unchanged.
    DATABASES["default"]["NAME"] = os.environ["IMR_DATABASE_NAME"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web read while an ingest writes; the timeout lets writers queue.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # A file, not memory, so the background indexer's own process can reach the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-imr.sqlite3")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Los_Angeles"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"  # collectstatic's output; whitenoise serves it
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG  # in development, straight from static/ without collectstatic

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security: strict by default where it costs nothing; HTTPS-only settings behind IMR_HTTPS
# (on behind a TLS-terminating proxy; off for the embedded development server).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
IMR_HTTPS = envbool("IMR_HTTPS", "false" if DEBUG else "true")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = IMR_HTTPS
SECURE_SSL_REDIRECT = IMR_HTTPS and envbool("SECURE_SSL_REDIRECT", "true")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if IMR_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IMR_HTTPS
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true" if IMR_HTTPS else "false")
if IMR_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [o for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
if not DEBUG:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "imr": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO"), "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# -- accounts, saved searches and alerts -------------------------------------------------
INSTALLED_APPS += ["accounts", "saved"]
# Recent searches are recorded after the search page answers (see saved/middleware.py).
MIDDLEWARE += ["saved.middleware.RecentSearchMiddleware"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "search"
LOGOUT_REDIRECT_URL = "search"
# How many reverse proxies stand in front of gunicorn, each appending to X-Forwarded-For (imrsite/clients.py):
# 1 for the README's nginx. 0, the default, ignores the header, which a client can write itself.
IMR_TRUSTED_PROXIES = envint("IMR_TRUSTED_PROXIES", 0)
IMR_SIGNUP_OPEN = envbool("IMR_SIGNUP_OPEN", "true")  # off for a firm that creates accounts itself
# Alert emails link here: the command that sends them has no request to read the host from.
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "IMR Search <noreply@localhost>")
