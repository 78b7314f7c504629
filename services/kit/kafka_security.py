"""The one place where ``KafkaSecurity`` (YISHI_KAFKA_SECURITY_PROTOCOL, ...) becomes client
options: an ``ssl.SSLContext``, keyword arguments for aiokafka's producer, consumer and admin
client, and the ``security=`` object of FastStream's ``KafkaBroker``.

``None`` anywhere here means a plaintext connection without authentication, the default.
"""

import ssl
from typing import Any

from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from .settings import KafkaSecurity

_FASTSTREAM_SASL = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}


def ssl_context(security: KafkaSecurity | None) -> ssl.SSLContext | None:
    """A client TLS context verifying the brokers (and presenting a client certificate for
    mutual TLS), or None when the protocol uses no TLS."""
    if security is None or not security.uses_tls:
        return None
    context = ssl.create_default_context(
        ssl.Purpose.SERVER_AUTH, cafile=str(security.ssl_cafile) if security.ssl_cafile else None
    )
    context.check_hostname = security.ssl_check_hostname
    if security.ssl_certfile is not None:
        password = security.ssl_key_password.get_secret_value() if security.ssl_key_password else None
        context.load_cert_chain(str(security.ssl_certfile), str(security.ssl_keyfile), password=password)
    return context


def aiokafka_options(security: KafkaSecurity | None) -> dict[str, Any]:
    """Keyword arguments for ``AIOKafkaProducer``, ``AIOKafkaConsumer`` and
    ``AIOKafkaAdminClient`` (the three take the same security parameters)."""
    if security is None or security.security_protocol == "PLAINTEXT":
        return {}
    options: dict[str, Any] = {"security_protocol": security.security_protocol}
    if security.uses_tls:
        options["ssl_context"] = ssl_context(security)
    if security.uses_sasl:
        # aiokafka takes SCRAM credentials through its sasl_plain_* parameters too.
        options.update(
            sasl_mechanism=security.sasl_mechanism,
            sasl_plain_username=security.sasl_username,
            sasl_plain_password=security.sasl_password.get_secret_value(),
        )
    return options


def faststream_security(security: KafkaSecurity | None) -> BaseSecurity | None:
    """The ``security=`` argument of ``faststream.kafka.KafkaBroker``."""
    if security is None or security.security_protocol == "PLAINTEXT":
        return None
    context = ssl_context(security)
    if not security.uses_sasl:
        return BaseSecurity(ssl_context=context)
    sasl = _FASTSTREAM_SASL[security.sasl_mechanism]
    return sasl(
        security.sasl_username,
        security.sasl_password.get_secret_value(),
        ssl_context=context,
        use_ssl=security.uses_tls,
    )
