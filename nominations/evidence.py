"""Evidence files: what is accepted, decided by the bytes, not the name."""

from __future__ import annotations

import io
import re
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


# --- what a blind reviewer downloads ---------------------------------------------

# Office documents name their author and organisation in these parts.
_OFFICE_PEOPLE = re.compile(
    rb"(<(dc:creator|cp:lastModifiedBy|Company|Manager)(?:\s[^>]*)?>)[^<]*(</\2>)"
)


def without_metadata(data: bytes, content_type: str) -> bytes:
    """The file without the metadata that names people: a PDF's document
    information and XMP metadata, an image's EXIF and text chunks, an Office
    document's author, last editor, company and manager. The content itself
    is unchanged (a reviewer of a blind cycle downloads this copy)."""
    if content_type == "application/pdf":
        return _pdf_without_metadata(data)
    if content_type in ("image/jpeg", "image/png"):
        return _image_without_metadata(data, content_type)
    if content_type in (XLSX, DOCX):
        return _office_without_metadata(data)
    return data


def _pdf_without_metadata(data: bytes) -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/Info" in pdf.trailer:
            del pdf.trailer.Info
        if "/Metadata" in pdf.Root:
            del pdf.Root.Metadata
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False)
    return out.getvalue()


def _image_without_metadata(data: bytes, content_type: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    with Image.open(io.BytesIO(data)) as image:
        if content_type == "image/jpeg":
            # The original quantisation and subsampling: no second lossy pass.
            image.save(out, "JPEG", quality="keep", subsampling="keep")
        else:
            image.save(out, "PNG")
    return out.getvalue()


def _office_without_metadata(data: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename in ("docProps/core.xml", "docProps/app.xml"):
                content = _OFFICE_PEOPLE.sub(rb"\1\3", content)
            target.writestr(info, content)
    return out.getvalue()
