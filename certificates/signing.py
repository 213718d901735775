"""PAdES signatures with pyHanko, with a PKCS#12 key loaded once per process."""

from __future__ import annotations

import functools
import io
from pathlib import Path

from django.conf import settings


@functools.cache
def _signer():
    from pyhanko.sign import signers

    path = Path(settings.CERTIFICATE_SIGNING_KEY)
    if not path.is_file():
        raise FileNotFoundError(
            f"signing key {path} is missing: run `manage.py init_signing_key` or set "
            "CERTIFICATE_SIGNING_KEY"
        )
    signer = signers.SimpleSigner.load_pkcs12(
        pfx_file=str(path), passphrase=settings.CERTIFICATE_SIGNING_PASSPHRASE.encode()
    )
    if signer is None:
        raise ValueError(f"could not load the signing key {path} (wrong passphrase?)")
    return signer


def signing_certificate():
    return _signer().signing_cert


def sign_pdf(pdf: bytes) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name="Signature",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Apresiasi certificate",
    )
    # A fixed reservation for the signature spares pyHanko a trial signature
    # to measure it (which doubled the signing time); 8 KiB holds an RSA-4096
    # signature with a three-certificate chain.
    out = signers.PdfSigner(meta, signer=_signer()).sign_pdf(writer, bytes_reserved=8192)
    return out.getvalue()


def validate_pdf(pdf: bytes) -> bool:
    """True when the PDF carries an intact signature by our signing certificate."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        if not reader.embedded_signatures:
            return False
        context = ValidationContext(trust_roots=[signing_certificate()])
        status = validate_pdf_signature(reader.embedded_signatures[0], context)
    except Exception:  # a malformed upload is simply "not valid"
        return False
    return bool(
        status.intact
        and status.valid
        and status.trusted
        and status.coverage.name in ("ENTIRE_FILE",)
    )
