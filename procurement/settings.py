"""Project settings, read from the environment.

Safe by default: DEBUG is off, and without a SECRET_KEY in the environment a random one is
generated once into var/secret_key.
A SQLite file is the embedded default; DATABASE_URL selects PostgreSQL in production.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

def _secret_key() -> str:
    """SECRET_KEY from the environment; otherwise a random key kept in var/secret_key (created once,
    readable by its owner only), so a bare ``manage.py`` command never runs on a known key."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(os.environ.get("SECRET_KEY_FILE", BASE_DIR / "var" / "secret_key"))
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
                file.write(secrets.token_urlsafe(50))
        except FileExistsError:
            pass  # another process created it first
    key = path.read_text().strip()
    if len(key) < 50:
        raise ImproperlyConfigured(f"{path} holds no usable SECRET_KEY: delete it or set SECRET_KEY.")
    return key


SECRET_KEY = _secret_key()
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
# Fernet keys for the secrets kept encrypted in the database (procurement/core/secrets.py); when
# unset, keys derived from SECRET_KEY and its fallbacks.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "rest_framework",
    "knox",  # API tokens: hashed at rest, expiring
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "procurement.core",
    "procurement.programmes",
    "procurement.vendors",
    "procurement.tenders",
    "procurement.documents",
    "procurement.contracts",
    "procurement.resources",
    "procurement.sharing",
    "procurement.dashboards",
    "procurement.api",
    "procurement.demo",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "procurement.core.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "procurement.core.middleware.NoStoreForAuthenticatedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "procurement.core.requests.HostileRequestMiddleware",  # NUL bytes, huge integers: a French 400
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the French page below
]

ROOT_URLCONF = "procurement.urls"
WSGI_APPLICATION = "procurement.wsgi.application"


class InvalidTemplateVariable(str):
    """Makes an undefined template variable an error (set in tests through STRICT_TEMPLATES)."""

    def __mod__(self, other):
        raise NameError(f"Variable de gabarit indéfinie : {other!r}")


TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "procurement" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "procurement.core.context_processors.navigation",
            ],
            "string_if_invalid": InvalidTemplateVariable("%s") if env_bool("STRICT_TEMPLATES") else "",
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
# SQLite: a transaction takes the write lock when it begins (IMMEDIATE), so concurrent writers
# queue for up to ``timeout`` seconds; a deferred one that reads then writes cannot wait (SQLite
# refuses the lock upgrade at once: "database is locked").
SQLITE_OPTIONS = {"timeout": int(os.environ.get("SQLITE_TIMEOUT", "20")), "transaction_mode": "IMMEDIATE"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # login throttling, first so that it sees every attempt
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one user name from one
# address, that pair is locked out for AXES_COOLOFF_MINUTES. Attempts live in the database, so
# several app processes share them.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "procurement.core.security.lockout_response"
# The identity provider checks the password and throttles it; a refusal on the way back (no role) is not
# a guess, and it names no user: counted, it would lock everyone behind the same address out of SSO.
AXES_WHITELIST_CALLABLE = "procurement.core.oidc.views.is_return_from_provider"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else [
    "REMOTE_ADDR"]

# Single sign-on (OpenID Connect, mozilla-django-oidc; procurement/core/oidc): on when a client id and
# the provider (its issuer, whose discovery document gives the endpoints, or the endpoints themselves)
# are set; the login page then offers « Se connecter avec … » above the local form, kept for local
# and demo accounts. README « Connexion unique (OpenID Connect) ».
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_ENDPOINT_SETTINGS = ("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT",
                          "OIDC_OP_JWKS_ENDPOINT", "OIDC_OP_LOGOUT_ENDPOINT")
for _name in OIDC_ENDPOINT_SETTINGS:  # an explicit endpoint wins over the discovery document
    if os.environ.get(_name):
        globals()[_name] = os.environ[_name]
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID and (OIDC_ISSUER or os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT")))
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "ProConnect")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_AUTH_REQUEST_EXTRA_PARAMS = dict(
    item.split("=", 1) for item in env_list("OIDC_AUTH_REQUEST_EXTRA_PARAMS", "") if "=" in item)
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
OIDC_TOKEN_USE_BASIC_AUTH = env_bool("OIDC_TOKEN_USE_BASIC_AUTH", False)
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT", "10"))
# The claim carrying the roles and how its values map to the app's roles (procurement.core.enums.Role):
# "acheteur=buyers,finances=finance". An empty claim name leaves the roles to the app's administrators.
OIDC_ROLES_CLAIM = os.environ.get("OIDC_ROLES_CLAIM", "roles")
OIDC_ROLE_MAP = os.environ.get("OIDC_ROLE_MAP", "")
OIDC_STORE_ID_TOKEN = True  # the hint the provider's end_session_endpoint asks for at logout
OIDC_CALLBACK_CLASS = "procurement.core.oidc.views.CallbackView"
OIDC_AUTHENTICATE_CLASS = "procurement.core.oidc.views.AuthenticateView"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("procurement.core.oidc.backend.OIDCBackend")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # sessions live in the database: shared by every app process
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Security headers (SecurityMiddleware and procurement.core.security); production tightens the rest.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", _("Français")), ("en", _("Anglais"))]
LOCALE_PATHS = [BASE_DIR / "procurement" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "procurement" / "static"]

# Uploaded files are private: they are served by authenticated views only, never by a media URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# File storage: the local MEDIA_ROOT by default; an S3-compatible bucket when STORAGE_BACKEND=s3
# (django-storages, with the optional extra ``pip install .[s3]``). See procurement/storage.py.
from procurement.storage import storages_setting  # noqa: E402

STORAGES = storages_setting(os.environ, manifest_static=env_bool("STATIC_MANIFEST", False))
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
# A zip-based upload (.docx, .xlsx, .odt, .zip) once decompressed, and its compression ratio.
MAX_UNCOMPRESSED_BYTES = int(os.environ.get("MAX_UNCOMPRESSED_BYTES", str(200 * 1024 * 1024)))
MAX_COMPRESSION_RATIO = int(os.environ.get("MAX_COMPRESSION_RATIO", "100"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "achats@metropole.example")
# The SMTP server, for EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend (password reset e-mails).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# REST API (procurement/api): session or token authentication, pages of 50, French messages.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "procurement.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": ["procurement.api.parsers.JSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# API tokens (django-rest-knox): only a digest is stored; each token expires API_TOKEN_TTL_DAYS
# after its creation; clients keep sending "Authorization: Token <key>".
API_TOKEN_TTL = timedelta(days=int(os.environ.get("API_TOKEN_TTL_DAYS", "30")))
REST_KNOX = {"TOKEN_TTL": API_TOKEN_TTL, "AUTH_HEADER_PREFIX": "Token", "AUTO_REFRESH": False}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Achats publics",
    "DESCRIPTION": "Fournisseurs, consultations, lots, critères, offres (scellées jusqu'à l'ouverture des plis), "
                   "notes (à l'aveugle jusqu'à la fin du tour), marchés et bons de commande ; données "
                   "essentielles (DECP) et OCDS.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CriterionKindEnum": "procurement.tenders.enums.CriterionKind",
        "DceFileKindEnum": "procurement.tenders.models.documents.DceFileKind",
    },
}
# OCDS: the prefix registered with the Open Contracting Partnership, then the buyer's own part.
OCDS_OCID_PREFIX = os.environ.get("OCDS_OCID_PREFIX", "ocds-bnm000")
OCDS_PACKAGE_URI = os.environ.get("OCDS_PACKAGE_URI", "https://achats.metropole.example/api/ocds/")
OCDS_PUBLISHER_NAME = os.environ.get("OCDS_PUBLISHER_NAME", "Métropole")
