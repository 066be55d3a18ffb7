"""Production settings: ``DJANGO_SETTINGS_MODULE=procurement.settings_production``.

A separate module rather than a ``PRODUCTION=1`` switch, so that the development defaults stay
simple and a production process cannot start half-configured: it refuses to start without
SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL in the environment, and ``manage.py check --deploy``
is clean. Several stateless app processes (gunicorn, see gunicorn.conf.py) may run on one
PostgreSQL: sessions, login attempts (django-axes) and data are in the database, the secret key
comes from the environment, uploaded files from the shared storage (a shared MEDIA_ROOT or S3),
static files are served by whitenoise from each process.
"""

import os

from django.core.exceptions import ImproperlyConfigured

# Must be read before the base settings would create a local var/secret_key file.
for _name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"En production, la variable d'environnement {_name} est obligatoire.")
os.environ.setdefault("STATIC_MANIFEST", "1")

from procurement.settings import *  # noqa: E402,F403
from procurement.settings import env_bool, env_list  # noqa: E402

if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DEBUG doit rester désactivé en production.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":  # noqa: F405
    raise ImproperlyConfigured("En production, DATABASE_URL doit désigner PostgreSQL (postgres://…).")

DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# HTTPS everywhere; behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", ",".join(f"https://{h}" for h in ALLOWED_HOSTS))  # noqa: F405
SESSION_COOKIE_NAME = "__Host-sessionid"  # HTTPS only, this host only, path /
CSRF_COOKIE_NAME = "__Host-csrftoken"

LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "INFO")  # noqa: F405

# whitenoise serves the collected, compressed and hashed static files from every app process.
MIDDLEWARE = [*MIDDLEWARE]  # noqa: F405
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "whitenoise.middleware.WhiteNoiseMiddleware")
