"""Evidence files: what is accepted, decided by the bytes, not the name."""

from __future__ import annotations

import zipfile

import filetype
from django.core.files.uploadedfile import UploadedFile

MAX_FILE_BYTES = 10 * 2**20
MAX_TOTAL_BYTES = 50 * 2**20

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ACCEPTED = {"application/pdf", "image/png", "image/jpeg", XLSX, DOCX}
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    XLSX: "xlsx",
    DOCX: "docx",
}


def detect_type(upload: UploadedFile) -> str | None:
    """The MIME type of an accepted file, or ``None``.

    ``filetype`` reads the magic bytes; Office files are ZIP archives, so
    for them the archive's own table of contents must name a workbook or a
    document (a renamed ZIP or JAR is refused).
    """
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime in ("application/pdf", "image/png", "image/jpeg"):
        return mime
    if mime in (XLSX, DOCX, "application/zip"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if "xl/workbook.xml" in names:
                return XLSX
            if "word/document.xml" in names:
                return DOCX
    return None
