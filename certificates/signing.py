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
    from asn1crypto import cms
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash, simple_cms_attribute

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

        # pyHanko builds the CMS structures afresh for every signature, and
        # asn1crypto re-encodes the certificate's issuer name and hash in them
        # each time: 14 of a signature's 19 ms. Everything but the document's
        # digest and the raw signature is the same every time, so pyHanko's own
        # output is kept encoded (made once, by pyHanko, per digest algorithm)
        # and only those two values are put in. The bytes are pyHanko's: a test
        # compares them with its output.
        _attrs_der: dict[tuple, tuple[list[bytes], int]] = {}
        _info_der: dict[str, bytes] = {}

        async def signed_attrs(
            self,
            data_digest,
            digest_algorithm,
            attr_settings=None,
            content_type="data",
            use_pades=False,
            timestamper=None,
            dry_run=False,
            is_pdf_sig=True,
        ):
            kept_settings = attr_settings is None or (
                attr_settings.cades_signed_attrs is None
                and attr_settings.adobe_revinfo_attr is None
            )
            if not (use_pades and kept_settings and timestamper is None and not dry_run):
                # Anything else (signing time, revocation info, a timestamp)
                # varies per signature: pyHanko's own path.
                return await super().signed_attrs(
                    data_digest,
                    digest_algorithm,
                    attr_settings=attr_settings,
                    content_type=content_type,
                    use_pades=use_pades,
                    timestamper=timestamper,
                    dry_run=dry_run,
                    is_pdf_sig=is_pdf_sig,
                )
            key = (digest_algorithm, content_type, is_pdf_sig)
            if key not in self._attrs_der:
                made = await super().signed_attrs(
                    bytes(len(data_digest)),
                    digest_algorithm,
                    attr_settings=attr_settings,
                    content_type=content_type,
                    use_pades=True,
                    is_pdf_sig=is_pdf_sig,
                )
                types = [attr["type"].native for attr in made]
                self._attrs_der[key] = ([a.dump() for a in made], types.index("message_digest"))
            encoded, at = self._attrs_der[key]
            attrs = [cms.CMSAttribute.load(der) for der in encoded]
            attrs[at] = simple_cms_attribute("message_digest", data_digest)
            return cms.CMSAttributes(attrs)

        def signer_info(self, digest_algorithm, signed_attrs, signature):
            if digest_algorithm not in self._info_der:
                self._info_der[digest_algorithm] = (
                    super().signer_info(digest_algorithm, signed_attrs, signature).dump()
                )
            info = cms.SignerInfo.load(self._info_der[digest_algorithm])
            info["signed_attrs"] = signed_attrs
            info["signature"] = signature
            return info

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


def warm_up() -> None:
    """Load the signing key now (a worker's start); raises as signing would."""
    _signer()


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
