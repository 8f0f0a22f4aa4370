"""Each audit's identifiers are encrypted with a key of its own (envelope encryption).

The audit key is a Fernet key, wrapped by the master keys from the environment
(settings.IDENTIFIER_KEYS, the first encrypts, all decrypt) and kept in a file of the keystore
directory, outside the database. A dump or backup of the database therefore never holds what is
needed to read the identifiers, and closing an audit destroys its key file, after which its
identifiers cannot be read again by anyone.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from maqa.core.errors import ApplicationError

if TYPE_CHECKING:
    from maqa.audits.models import Audit


class IdentifiersDestroyed(ApplicationError):
    def __init__(self) -> None:
        super().__init__("This audit's identifiers were destroyed when it closed.")


def _master() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.IDENTIFIER_KEYS])


def _key_path(audit: Audit) -> Path:
    return Path(settings.IDENTIFIER_KEYSTORE_DIR) / f"audit-{audit.pk}.key"


def audit_key_create(audit: Audit) -> None:
    directory = Path(settings.IDENTIFIER_KEYSTORE_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = _key_path(audit)
    if path.exists():
        return
    wrapped = _master().encrypt(Fernet.generate_key())
    temporary = path.with_suffix(f".tmp{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(wrapped)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def audit_cipher(audit: Audit) -> Fernet:
    path = _key_path(audit)
    if not path.exists():
        if audit.identifiers_destroyed_at is None:
            audit_key_create(audit)  # first use of a new audit
        else:
            raise IdentifiersDestroyed()
    try:
        return Fernet(_master().decrypt(path.read_bytes()))
    except InvalidToken as exc:
        raise ApplicationError(
            "This audit's key cannot be unwrapped: IDENTIFIER_KEYS lacks the key it was made with."
        ) from exc


def audit_key_destroy(audit: Audit) -> bool:
    """Overwrite and delete the audit's key file. Returns whether there was one."""
    path = _key_path(audit)
    if not path.exists():
        return False
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.write(secrets.token_bytes(size))
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()
    return True


def encrypt(audit: Audit, value: str) -> str:
    if value == "":
        return ""
    return audit_cipher(audit).encrypt(value.encode()).decode()


def decrypt(audit: Audit, token: str) -> str:
    if token == "":
        return ""
    try:
        return audit_cipher(audit).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ApplicationError("An identifier of this audit cannot be decrypted.") from exc


def rotate_master_keys() -> int:
    """Re-wrap every audit key with the first of IDENTIFIER_KEYS. Returns how many."""
    directory = Path(settings.IDENTIFIER_KEYSTORE_DIR)
    if not directory.exists():
        return 0
    master = _master()
    count = 0
    for path in sorted(directory.glob("audit-*.key")):
        rotated = master.rotate(path.read_bytes())
        temporary = path.with_suffix(".rotating")
        temporary.write_bytes(rotated)
        temporary.chmod(0o600)
        os.replace(temporary, path)
        count += 1
    return count
