"""YISHI_KAFKA_* security settings → TLS context, aiokafka options, FastStream security."""

import socket
import ssl
import threading
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512
from pydantic import ValidationError

from deploy.localstack import tls
from services.kit.kafka_security import aiokafka_options, faststream_security, ssl_context
from services.kit.settings import KafkaSecurity, KafkaSettings, ServiceSettings

PASSWORD = "s3cret-never-logged"


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> tls.TlsFiles:
    return tls.issue(tmp_path_factory.mktemp("tls"))


def sasl_ssl(certs: tls.TlsFiles, mechanism: str = "SCRAM-SHA-512", **over: object) -> KafkaSecurity:
    fields: dict[str, object] = dict(
        security_protocol="SASL_SSL", ssl_cafile=certs.ca_cert, sasl_mechanism=mechanism,
        sasl_username="intake", sasl_password=PASSWORD,
    )
    return KafkaSecurity(**{**fields, **over})


def test_plaintext_is_the_default_and_adds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SECURITY_PROTOCOL", "SSL_CAFILE", "SASL_USERNAME", "SASL_PASSWORD"):
        monkeypatch.delenv(f"YISHI_KAFKA_{name}", raising=False)
    security = KafkaSettings().security
    assert security.security_protocol == "PLAINTEXT"
    assert aiokafka_options(security) == {} == aiokafka_options(None)
    assert faststream_security(security) is None
    assert ssl_context(security) is None


def test_settings_come_from_the_environment_and_hide_the_password(
    monkeypatch: pytest.MonkeyPatch, certs: tls.TlsFiles
) -> None:
    monkeypatch.setenv("YISHI_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("YISHI_KAFKA_SSL_CAFILE", str(certs.ca_cert))
    monkeypatch.setenv("YISHI_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256")
    monkeypatch.setenv("YISHI_KAFKA_SASL_USERNAME", "council")
    monkeypatch.setenv("YISHI_KAFKA_SASL_PASSWORD", PASSWORD)
    settings = ServiceSettings(service="council", database_url="postgresql://x/y")
    security = settings.kafka.security
    assert (security.security_protocol, security.sasl_mechanism, security.sasl_username) == (
        "SASL_SSL", "SCRAM-SHA-256", "council")
    assert security.ssl_cafile == Path(certs.ca_cert)
    assert security.sasl_password.get_secret_value() == PASSWORD
    for shown in (repr(settings), str(settings), settings.model_dump_json(), repr(faststream_security(security))):
        assert PASSWORD not in shown


@pytest.mark.parametrize(
    ("fields", "complaint"),
    [
        ({"security_protocol": "SASL_SSL"}, "needs sasl_username and sasl_password"),
        ({"security_protocol": "SASL_PLAINTEXT", "sasl_username": "u"}, "needs sasl_username and sasl_password"),
        ({"ssl_cafile": "/etc/ca.pem"}, "uses no TLS"),
        ({"security_protocol": "SASL_PLAINTEXT", "ssl_cafile": "/etc/ca.pem",
          "sasl_username": "u", "sasl_password": "p"}, "uses no TLS"),
        ({"security_protocol": "SSL", "ssl_certfile": "/etc/client.pem"}, "both ssl_certfile and ssl_keyfile"),
        ({"security_protocol": "SSL", "sasl_username": "u", "sasl_password": "p"}, "uses no SASL"),
        ({"security_protocol": "TLS"}, "security_protocol"),
        ({"security_protocol": "SASL_SSL", "sasl_mechanism": "GSSAPI",
          "sasl_username": "u", "sasl_password": "p"}, "sasl_mechanism"),
    ],
)
def test_settings_a_protocol_would_ignore_are_refused(fields: dict, complaint: str) -> None:
    with pytest.raises(ValidationError, match=complaint):
        KafkaSecurity(**fields)


def test_tls_context_verifies_the_broker_against_the_configured_ca(certs: tls.TlsFiles) -> None:
    context = ssl_context(KafkaSecurity(security_protocol="SSL", ssl_cafile=certs.ca_cert))
    assert context is not None
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert [c["subject"] for c in context.get_ca_certs()] == [
        ((("organizationName", "Yishi local stack"),), (("commonName", "Yishi local CA"),))
    ]
    relaxed = ssl_context(KafkaSecurity(security_protocol="SSL", ssl_cafile=certs.ca_cert, ssl_check_hostname=False))
    assert relaxed is not None and not relaxed.check_hostname and relaxed.verify_mode == ssl.CERT_REQUIRED


def _handshake(client: ssl.SSLContext, certs: tls.TlsFiles) -> str | None:
    """A TLS handshake against a server that requires a client certificate from our CA;
    returns the client certificate's common name as the server saw it (None if refused)."""
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(certs.broker_pem)
    server.load_verify_locations(certs.ca_cert)
    server.verify_mode = ssl.CERT_REQUIRED
    seen: list[str | None] = []
    left, right = socket.socketpair()

    def serve() -> None:
        try:
            with server.wrap_socket(right, server_side=True) as s:
                subject = dict(pair[0] for pair in s.getpeercert()["subject"])
                seen.append(subject["commonName"])
                s.sendall(b"ok")
        except (ssl.SSLError, OSError):
            seen.append(None)

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        with client.wrap_socket(left, server_hostname="127.0.0.1") as s:
            s.recv(2)
    except (ssl.SSLError, OSError):
        pass
    finally:
        thread.join(10)
        left.close()
        right.close()
    return seen[0]


def test_mutual_tls_presents_the_client_certificate(certs: tls.TlsFiles) -> None:
    one_way = ssl_context(KafkaSecurity(security_protocol="SSL", ssl_cafile=certs.ca_cert))
    mutual = ssl_context(KafkaSecurity(security_protocol="SSL", ssl_cafile=certs.ca_cert,
                                       ssl_certfile=certs.client_cert, ssl_keyfile=certs.client_key))
    assert one_way is not None and mutual is not None
    assert _handshake(mutual, certs) == "yishi-client"
    assert _handshake(one_way, certs) is None, "the server requires a client certificate"


def test_an_encrypted_client_key_is_opened_with_its_password(certs: tls.TlsFiles, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(certs.client_key.read_bytes(), password=None)
    encrypted = tmp_path / "client-key.enc.pem"
    encrypted.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.BestAvailableEncryption(b"key-pass")))
    fields = dict(security_protocol="SSL", ssl_cafile=certs.ca_cert, ssl_certfile=certs.client_cert,
                  ssl_keyfile=encrypted)
    context = ssl_context(KafkaSecurity(**fields, ssl_key_password="key-pass"))
    assert context is not None and _handshake(context, certs) == "yishi-client"
    with pytest.raises(ssl.SSLError):
        ssl_context(KafkaSecurity(**fields, ssl_key_password="wrong"))


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
def test_sasl_ssl_options(certs: tls.TlsFiles, mechanism: str) -> None:
    options = aiokafka_options(sasl_ssl(certs, mechanism))
    context = options.pop("ssl_context")
    assert isinstance(context, ssl.SSLContext) and context.verify_mode == ssl.CERT_REQUIRED
    assert options == {"security_protocol": "SASL_SSL", "sasl_mechanism": mechanism,
                       "sasl_plain_username": "intake", "sasl_plain_password": PASSWORD}


def test_sasl_plaintext_and_ssl_options(certs: tls.TlsFiles) -> None:
    assert aiokafka_options(KafkaSecurity(security_protocol="SASL_PLAINTEXT", sasl_mechanism="PLAIN",
                                          sasl_username="u", sasl_password="p")) == {
        "security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "PLAIN",
        "sasl_plain_username": "u", "sasl_plain_password": "p"}
    options = aiokafka_options(KafkaSecurity(security_protocol="SSL", ssl_cafile=certs.ca_cert))
    assert set(options) == {"security_protocol", "ssl_context"} and options["security_protocol"] == "SSL"


def _without_context(options: dict) -> tuple[dict, bool]:
    options = dict(options)
    return options, isinstance(options.pop("ssl_context", None), ssl.SSLContext)


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"security_protocol": "SSL"}, BaseSecurity),
        ({"security_protocol": "SASL_SSL", "sasl_mechanism": "PLAIN"}, SASLPlaintext),
        ({"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-256"}, SASLScram256),
        ({"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512"}, SASLScram512),
        ({"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512"}, SASLScram512),
    ],
)
def test_faststream_connects_with_the_same_options_as_aiokafka(certs: tls.TlsFiles, fields: dict, kind: type) -> None:
    if fields["security_protocol"] != "SASL_PLAINTEXT":
        fields = {**fields, "ssl_cafile": certs.ca_cert}
    if fields["security_protocol"].startswith("SASL_"):
        fields = {**fields, "sasl_username": "intake", "sasl_password": PASSWORD}
    security = KafkaSecurity(**fields)
    faststream = faststream_security(security)
    assert type(faststream) is kind
    # FastStream hands parse_security()'s result to aiokafka: it must equal the kit's own options.
    assert _without_context(parse_security(faststream)) == _without_context(aiokafka_options(security))


async def test_every_aiokafka_client_takes_the_options(certs: tls.TlsFiles) -> None:
    options = aiokafka_options(sasl_ssl(certs))
    clients = [
        AIOKafkaProducer(bootstrap_servers="127.0.0.1:1", **options).client,
        AIOKafkaConsumer(bootstrap_servers="127.0.0.1:1", **options)._client,
        AIOKafkaAdminClient(bootstrap_servers="127.0.0.1:1", **options)._client,
    ]
    for client in clients:
        assert (client._security_protocol, client._sasl_mechanism, client._sasl_plain_username) == (
            "SASL_SSL", "SCRAM-SHA-512", "intake")
        assert client._ssl_context is not None
