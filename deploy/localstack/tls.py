"""A throwaway certificate authority for a local TLS broker: a CA, a broker certificate for
127.0.0.1/localhost and a client certificate (mutual TLS), all PEM.

Needs the ``cryptography`` package (imported here only, so the rest of the local stack
stays stdlib-only). Keys are EC P-256: quick to make, and both Java and OpenSSL take them.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from ._proc import HOST, LocalStackError


@dataclass(frozen=True)
class TlsFiles:
    """Where the PEM files are. broker_pem holds the broker's key and chain (Kafka's PEM keystore)."""

    ca_cert: Path
    broker_pem: Path
    client_cert: Path
    client_key: Path

    def exist(self) -> bool:
        return all(p.exists() for p in (self.ca_cert, self.broker_pem, self.client_cert, self.client_key))


def tls_files(directory: Path) -> TlsFiles:
    return TlsFiles(directory / "ca.pem", directory / "broker.pem", directory / "client.pem", directory / "client-key.pem")


def issue(directory: str | os.PathLike, *, days: int = 30) -> TlsFiles:
    """Make the CA and the two certificates in directory (once: existing files are kept)."""
    files = tls_files(Path(directory))
    if files.exist():
        return files
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    except ImportError:
        raise LocalStackError("a TLS broker needs the `cryptography` package: `pip install cryptography`") from None

    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    until = now + dt.timedelta(days=days)

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Yishi local stack"),
                          x509.NameAttribute(NameOID.COMMON_NAME, common)])

    def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())

    def cert_pem(cert: x509.Certificate) -> bytes:
        return cert.public_bytes(serialization.Encoding.PEM)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder().subject_name(name("Yishi local CA")).issuer_name(name("Yishi local CA"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )

    def leaf(common: str, usages: list, san: list | None) -> tuple[bytes, bytes]:
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            x509.CertificateBuilder().subject_name(name(common)).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(until)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        )
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        return key_pem(key), cert_pem(builder.sign(ca_key, hashes.SHA256()))

    # The broker is a TLS client too (inter-broker traffic on the same listener).
    broker_key, broker_cert = leaf(
        "kafka-broker", [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
        [x509.IPAddress(ipaddress.ip_address(HOST)), x509.DNSName("localhost")],
    )
    client_key, client_cert = leaf("yishi-client", [ExtendedKeyUsageOID.CLIENT_AUTH], None)

    files.ca_cert.parent.mkdir(parents=True, exist_ok=True)
    _write(files.broker_pem, broker_key + broker_cert + cert_pem(ca), private=True)
    _write(files.client_key, client_key, private=True)
    _write(files.client_cert, client_cert)
    _write(files.ca_cert, cert_pem(ca))  # last: its presence with the others marks a complete set
    return files


def _write(path: Path, data: bytes, private: bool = False) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    if private:
        tmp.chmod(0o600)
    os.replace(tmp, path)
