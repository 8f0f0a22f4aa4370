"""Evidence files: what a file is, told from its content; where it is kept; how it is read back.

A file's type comes from its bytes (PDF, PNG and JPEG by their signatures; a Word document by its
zip structure), never from its name or the type the browser claims. Files are kept under
settings.EVIDENCE_DIR (outside the web root) by their SHA-256, so a name someone typed is never
part of a path, and the same file uploaded twice is stored once.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from maqa.core.errors import ApplicationError

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 10
ACCEPTED = "PDF, Word (.docx), PNG or JPEG"

PDF = ("application/pdf", ".pdf")
PNG = ("image/png", ".png")
JPEG = ("image/jpeg", ".jpg")
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: its cleaned name, type, size and content."""

    filename: str
    content_type: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of an accepted kind of file, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04") and _is_docx(data):
        return DOCX
    return None


def _is_docx(data: bytes) -> bool:
    """A Word document: a zip with the Word main part and no macros. Only the directory is read,
    nothing is decompressed (a zip bomb costs nothing here)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        return False
    return not any(name.lower().endswith("vbaproject.bin") for name in names)


def clean_filename(name: str, extension: str) -> str:
    """A name safe to show and to offer as a download: the last part of what the browser sent,
    letters, digits, spaces, dots, hyphens and underscores only, with the extension of what the
    file really is."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    stem = os.path.splitext(name)[0]
    stem = re.sub(r"[^A-Za-z0-9 ._-]+", "_", stem)
    stem = re.sub(r"[ _]{2,}", "_", stem).strip(" ._-")[:100]
    return f"{stem or 'evidence'}{extension}"


def check_file(name: str, data: bytes) -> CheckedFile:
    """The file, checked; otherwise an ApplicationError naming it and what is wrong."""
    shown = re.split(r"[\\/]", name or "")[-1][:100] or "The file"
    if len(data) > MAX_BYTES:
        raise ApplicationError(
            f"{shown} is larger than 10 MB. Make it smaller, or split it into parts.",
            field="evidence",
        )
    if not data:
        raise ApplicationError(f"{shown} is empty.", field="evidence")
    kind = sniff(data)
    if kind is None:
        raise ApplicationError(
            f"{shown} is not a {ACCEPTED} file. Save it as one of those and try again.",
            field="evidence",
        )
    content_type, extension = kind
    return CheckedFile(
        filename=clean_filename(name, extension),
        content_type=content_type,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def evidence_root() -> Path:
    return Path(settings.EVIDENCE_DIR)


def stored_path(sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("not a SHA-256")
    return evidence_root() / sha256[:2] / sha256


def store(checked: CheckedFile) -> Path:
    """Write the file under EVIDENCE_DIR by its hash (atomically; kept if already there)."""
    path = stored_path(checked.sha256)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(checked.data)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read(sha256: str) -> bytes | None:
    """The stored file's bytes, or None if it is missing or no longer matches its hash."""
    try:
        data = stored_path(sha256).read_bytes()
    except (OSError, ValueError):
        return None
    if hashlib.sha256(data).hexdigest() != sha256:
        return None
    return data
