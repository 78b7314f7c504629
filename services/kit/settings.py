"""Settings from the environment, one prefix per service (``YISHI_<SERVICE>_``)."""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .binding import MAX_RECORD_BYTES

KafkaProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]


class KafkaSecurity(BaseSettings):
    """How the services authenticate to Kafka and encrypt the traffic: ``YISHI_KAFKA_*``.

    Mapped onto the Kafka clients by ``services.kit.kafka_security``. A setting that the
    chosen protocol would ignore is refused, so that nobody believes they run on TLS or
    SASL while the clients speak plaintext.
    """

    model_config = SettingsConfigDict(env_prefix="YISHI_KAFKA_", extra="ignore")

    security_protocol: KafkaProtocol = "PLAINTEXT"
    ssl_cafile: Path | None = None
    """PEM bundle of the CAs that signed the brokers' certificates; the system's CAs when unset."""
    ssl_certfile: Path | None = None
    """Client certificate (PEM) for mutual TLS, with ``ssl_keyfile``."""
    ssl_keyfile: Path | None = None
    ssl_key_password: SecretStr | None = None
    ssl_check_hostname: bool = True
    sasl_mechanism: SaslMechanism = "SCRAM-SHA-512"
    sasl_username: str = ""
    sasl_password: SecretStr = SecretStr("")

    @property
    def uses_tls(self) -> bool:
        return self.security_protocol in ("SSL", "SASL_SSL")

    @property
    def uses_sasl(self) -> bool:
        return self.security_protocol.startswith("SASL_")

    @model_validator(mode="after")
    def _consistent(self) -> "KafkaSecurity":
        tls_set = [n for n in ("ssl_cafile", "ssl_certfile", "ssl_keyfile", "ssl_key_password") if getattr(self, n)]
        if tls_set and not self.uses_tls:
            raise ValueError(f"{', '.join(tls_set)} set, but security_protocol={self.security_protocol} uses no TLS")
        if (self.ssl_certfile is None) != (self.ssl_keyfile is None):
            raise ValueError("mutual TLS needs both ssl_certfile and ssl_keyfile")
        sasl_set = bool(self.sasl_username or self.sasl_password.get_secret_value())
        if self.uses_sasl and not (self.sasl_username and self.sasl_password.get_secret_value()):
            raise ValueError(f"security_protocol={self.security_protocol} needs sasl_username and sasl_password")
        if sasl_set and not self.uses_sasl:
            raise ValueError(f"SASL credentials set, but security_protocol={self.security_protocol} uses no SASL")
        return self


class KafkaSettings(BaseSettings):
    """Shared by every service: ``YISHI_KAFKA_*``."""

    model_config = SettingsConfigDict(env_prefix="YISHI_KAFKA_", extra="ignore")

    bootstrap_servers: str = "127.0.0.1:9092"
    topic_prefix: str = ""
    """A namespace for topics and consumer groups, e.g. ``staging.``; empty in production."""
    partitions: int = Field(default=12, ge=1)
    replication_factor: int = Field(default=1, ge=1)
    consumer_batch_size: int = Field(default=3000, ge=1)
    """At most this many records a batch (one transaction), as a rebuild reads them."""
    max_record_bytes: int = Field(default=MAX_RECORD_BYTES, ge=1024)
    """A consumed record (key, value, headers) over this size is dead-lettered unread: ``too_large``."""
    session_timeout_ms: int = 10_000
    heartbeat_interval_ms: int = 3_000
    security: KafkaSecurity = Field(default_factory=KafkaSecurity)

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"


class ServiceSettings(BaseSettings):
    """One service's own settings, read from ``YISHI_<SERVICE>_*``."""

    model_config = SettingsConfigDict(extra="ignore")

    service: str
    database_url: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    relay_poll_seconds: float = Field(default=2.0, gt=0)
    relay_batch_size: int = Field(default=500, ge=1)
    shutdown_grace_seconds: float = Field(default=15.0, gt=0)
    tick_seconds: float = Field(default=30.0, gt=0)
    """How often periodic duties run (e.g. ending disclosure periods that have passed)."""
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)

    @property
    def consumer_group(self) -> str:
        return self.kafka.topic(f"yishi.{self.service}")




def load_settings(service: str, **overrides: object) -> ServiceSettings:
    """Read ``YISHI_<SERVICE>_DATABASE_URL``, ``YISHI_<SERVICE>_HTTP_PORT``, ... for one service."""
    prefix = f"YISHI_{service.upper()}_"
    scoped = type(
        f"{service.title()}Settings",
        (ServiceSettings,),
        {"model_config": SettingsConfigDict(env_prefix=prefix, extra="ignore")},
    )
    defaults: dict[str, object] = {"service": service}
    settings = scoped(**{**defaults, **overrides})
    if not settings.database_url:
        raise RuntimeError(f"{prefix}DATABASE_URL is not set: every service needs its own PostgreSQL database")
    return settings
