"""Where uploaded and static files live, chosen from the environment (read by settings.py).

- Uploaded files ("default" storage): the local ``MEDIA_ROOT`` unless ``STORAGE_BACKEND=s3``, then an
  S3-compatible bucket through django-storages (needs boto3: ``pip install .[s3]``). Either way they
  have no public URL: the app serves them through authenticated views only (``MEDIA_URL`` is unset,
  S3 objects are private and signed).
- Static files: whitenoise serves them from every app process; ``manifest_static`` selects the
  compressed, hashed manifest storage used in production (it needs ``collectstatic``).

This module imports nothing from Django settings so that settings.py can call it.
"""

from __future__ import annotations

from collections.abc import Mapping

# (django-storages option, environment variable)
S3_ENV = (
    ("bucket_name", "S3_BUCKET"),
    ("endpoint_url", "S3_ENDPOINT_URL"),
    ("region_name", "S3_REGION"),
    ("access_key", "S3_ACCESS_KEY_ID"),
    ("secret_key", "S3_SECRET_ACCESS_KEY"),
    ("location", "S3_PREFIX"),
)


class StorageConfigError(ValueError):
    pass


def s3_options(env: Mapping[str, str]) -> dict:
    if not env.get("S3_BUCKET"):
        raise StorageConfigError("STORAGE_BACKEND=s3 demande S3_BUCKET (nom du compartiment).")
    options = {key: env[name] for key, name in S3_ENV if env.get(name)}
    options.update({
        "default_acl": "private",  # never a public object
        "querystring_auth": True,  # signed, short-lived URLs only
        "querystring_expire": 300,
        "file_overwrite": False,  # two uploads with one name never overwrite each other
    })
    return options


def storages_setting(env: Mapping[str, str], *, manifest_static: bool) -> dict:
    backend = (env.get("STORAGE_BACKEND") or "local").strip().lower()
    if backend == "local":
        # No explicit location: FileSystemStorage follows settings.MEDIA_ROOT (and its overrides).
        default = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    elif backend == "s3":
        default = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_options(env)}
    else:
        raise StorageConfigError(f"STORAGE_BACKEND={backend!r} inconnu : « local » ou « s3 ».")
    static = ("whitenoise.storage.CompressedManifestStaticFilesStorage" if manifest_static
              else "django.contrib.staticfiles.storage.StaticFilesStorage")
    return {"default": default, "staticfiles": {"BACKEND": static}}
