"""PAdES signatures with pyHanko, with a PKCS#12 key loaded once per process."""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import TYPE_CHECKING, cast

from django.conf import settings

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey


@functools.cache
def _signer():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash

    class KeyOnceSigner(signers.SimpleSigner):
        """pyHanko's SimpleSigner re-parses the private key for every raw
        signature (about 58 ms each here); RSA keys are parsed once instead."""

        _pyca_key = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                algorithm = mechanism.signature_algo  # "sha256_rsa" → "rsassa_pkcs1v15"
            except ValueError:
                algorithm = mechanism["algorithm"].native
            if algorithm != "rsassa_pkcs1v15":
                return super().sign_raw(data, digest_algorithm)
            if self._pyca_key is None:
                self._pyca_key = serialization.load_der_private_key(
                    self.signing_key.dump(), password=None
                )
            key = cast("RSAPrivateKey", self._pyca_key)  # rsassa_pkcs1v15, checked above
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))

    path = Path(settings.CERTIFICATE_SIGNING_KEY)
    if not path.is_file():
        raise FileNotFoundError(
            f"signing key {path} is missing: run `manage.py init_signing_key` or set "
            "CERTIFICATE_SIGNING_KEY"
        )
    loaded = signers.SimpleSigner.load_pkcs12(
        pfx_file=str(path), passphrase=settings.CERTIFICATE_SIGNING_PASSPHRASE.encode()
    )
    if loaded is None:
        raise ValueError(f"could not load the signing key {path} (wrong passphrase?)")
    return KeyOnceSigner(
        signing_key=loaded.signing_key,
        signing_cert=loaded.signing_cert,
        cert_registry=loaded.cert_registry,
        signature_mechanism=loaded.signature_mechanism,
    )


def signing_certificate():
    """The certificate signatures are checked against: from
    ``CERTIFICATE_SIGNING_CERT`` (PEM or DER, public) when set — so the web
    service verifies without holding the private key, which only the
    worker needs — else from the signing key's PKCS#12 file."""
    if settings.CERTIFICATE_SIGNING_CERT:
        from pyhanko.keys import load_cert_from_pemder

        return load_cert_from_pemder(str(settings.CERTIFICATE_SIGNING_CERT))
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
        and status.coverage is not None
        and status.coverage.name in ("ENTIRE_FILE",)
    )
