"""Secrets the app must read back but nobody should read in the database or a backup (a SUSHI
account's ``requestor_id`` and ``api_key``): encrypted at rest with Fernet (AES-128-CBC with an
HMAC-SHA256, ``cryptography``).

The keys: ``FIELD_ENCRYPTION_KEYS`` (Fernet keys, comma-separated; the first encrypts, each
decrypts, so a key is rotated by putting the new one first), or else keys derived from
``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS`` (so rotating the secret key the Django way keeps the
stored secrets readable). Backups hold the encrypted values: restore them with the same keys.
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


class EncryptedTextField(models.TextField):
    """A text kept encrypted in the database and in serialized data (dumpdata, backups), clear in
    Python. Not searchable or sortable: each encryption of the same text differs."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def to_python(self, value):
        # Deserialization (loaddata, restore) hands over the stored token.
        if isinstance(value, str) and value.startswith(TOKEN_PREFIX):
            return decrypt(value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return encrypt(value) if value else value
