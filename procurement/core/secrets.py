"""Secrets the app must read back but nobody should read in the database or a backup (a SUSHI
account's ``requestor_id`` and ``api_key``): encrypted at rest with Fernet (AES-128-CBC with an
HMAC-SHA256, ``cryptography``).

The keys: ``FIELD_ENCRYPTION_KEYS`` (Fernet keys, comma-separated; the first encrypts, each
decrypts, so a key is rotated by putting the new one first), or else keys derived from
``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS`` (so rotating the secret key the Django way keeps the
stored secrets readable). Backups hold the encrypted values: restore them with the same keys.

A secret read back keeps the token it was read from (``EncryptedText``), and one saved or
serialized unchanged writes that same token: Fernet draws a random IV at each encryption, so
encrypting again would change the stored bytes at every save, and a backup's checksums would never
match the restored rows. A secret typed again is encrypted afresh, with the first key.
"""

from __future__ import annotations

import base64
import hashlib
import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

logger = logging.getLogger(__name__)
# Every Fernet token starts with its version byte 0x80, "gAAAAA" once in URL-safe base64.
TOKEN_PREFIX = "gAAAAA"


def _derived_key(secret: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(b"procurement.secrets:" + secret.encode()).digest())


def fernet() -> MultiFernet:
    keys = [key.encode() for key in getattr(settings, "FIELD_ENCRYPTION_KEYS", []) if key]
    if not keys:
        keys = [_derived_key(secret) for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """The clear text, or "" when no key opens the token (the keys changed): the secret must then be
    typed again, which the pages say; nothing crashes on it."""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        logger.warning("Secret chiffré illisible avec les clés actuelles (FIELD_ENCRYPTION_KEYS / SECRET_KEY).")
        return ""


class EncryptedText(str):
    """The clear text of a stored secret, with the token it was decrypted from. Any change to the
    text (a new assignment, ``strip()``…) gives a plain ``str``, which is encrypted afresh."""

    token: str

    def __new__(cls, text: str, token: str):
        value = super().__new__(cls, text)
        value.token = token
        return value

    def __getnewargs__(self):  # copy and pickle
        return str(self), self.token


def _stored(value):
    """The token to write for ``value``: its own when read unchanged, else a fresh encryption."""
    if isinstance(value, EncryptedText):
        return value.token
    return encrypt(value) if value else value


class EncryptedTextField(models.TextField):
    """A text kept encrypted in the database and in serialized data (dumpdata, backups), clear in
    Python. Not searchable or sortable: each encryption of the same text differs."""

    def from_db_value(self, value, expression, connection):
        return EncryptedText(decrypt(value), value) if value else value

    def to_python(self, value):
        if isinstance(value, EncryptedText):
            return value
        # Deserialization (loaddata, restore) hands over the stored token.
        if isinstance(value, str) and value.startswith(TOKEN_PREFIX):
            return EncryptedText(decrypt(value), value)
        return value

    def get_prep_value(self, value):
        return _stored(super().get_prep_value(value))

    def value_to_string(self, obj):
        return _stored(self.value_from_object(obj))
