"""A self-signed certificate for the liveness stream's TLS on loopback.

``python -m lendverify_emulator.tls DIR`` writes ``DIR/liveness-cert.pem`` and
``DIR/liveness-key.pem`` (valid for 127.0.0.1 and localhost, 7 days; an existing pair is kept while valid for another day) and prints the base64 SHA-256
of the certificate's public key, the value Chromium's ``--ignore-certificate-errors-spki-list``
takes. The local stage runs it in its work directory before it starts the emulator.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import pathlib
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def spki_sha256(cert_pem: bytes) -> str:
    cert = x509.load_pem_x509_certificate(cert_pem)
    spki = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


def write_self_signed(directory: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path, str]:
    """The pair in ``directory``: kept while valid for another day (a browser that accepted it once
    on ``make local`` keeps trusting it), else made anew."""
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "liveness-cert.pem", directory / "liveness-key.pem"
    if cert_path.is_file() and key_path.is_file():
        try:
            existing = x509.load_pem_x509_certificate(cert_path.read_bytes())
            if existing.not_valid_after_utc > dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1):
                return cert_path, key_path, spki_sha256(cert_path.read_bytes())
        except ValueError:
            pass
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lendverify local liveness stream")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_path.write_bytes(cert_pem)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    return cert_path, key_path, spki_sha256(cert_pem)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m lendverify_emulator.tls DIR")
    print(write_self_signed(pathlib.Path(sys.argv[1]))[2])
