import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create a self-signed development signing key (PKCS#12) at CERTIFICATE_SIGNING_KEY, "
        "protected by CERTIFICATE_SIGNING_PASSPHRASE. Does nothing if the file exists "
        "(--force replaces it). Production uses an agency key instead (see README)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true")

    def handle(self, *args, force: bool, **options):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.hazmat.primitives.serialization import pkcs12
        from cryptography.x509.oid import NameOID

        path = Path(settings.CERTIFICATE_SIGNING_KEY)
        if path.exists() and not force:
            self.stdout.write(f"Signing key present: {path}")
            return
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.CERTIFICATE_ORGANISATION),
                x509.NameAttribute(NameOID.COMMON_NAME, "Apresiasi development signing key"),
            ]
        )
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(key, hashes.SHA256())
        )
        blob = pkcs12.serialize_key_and_certificates(
            b"apresiasi",
            key,
            cert,
            None,
            serialization.BestAvailableEncryption(settings.CERTIFICATE_SIGNING_PASSPHRASE.encode()),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob)
        path.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"Created a self-signed signing key: {path}"))
