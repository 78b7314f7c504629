"""Settings from the environment, one prefix per service (``YISHI_<SERVICE>_``)."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class KafkaSettings(BaseSettings):
    """Shared by every service: ``YISHI_KAFKA_*``."""

    model_config = SettingsConfigDict(env_prefix="YISHI_KAFKA_", extra="ignore")

    bootstrap_servers: str = "127.0.0.1:9092"
    topic_prefix: str = ""
    """A namespace for topics and consumer groups, e.g. ``staging.``; empty in production."""
    partitions: int = Field(default=12, ge=1)
    replication_factor: int = Field(default=1, ge=1)
    consumer_batch_size: int = Field(default=500, ge=1)
    session_timeout_ms: int = 10_000
    heartbeat_interval_ms: int = 3_000

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


DEFAULT_PORTS = {"intake": 8001, "council": 8002, "meeting": 8003, "publication": 8004}


def load_settings(service: str, **overrides: object) -> ServiceSettings:
    """Read ``YISHI_<SERVICE>_DATABASE_URL``, ``YISHI_<SERVICE>_HTTP_PORT``, ... for one service."""
    prefix = f"YISHI_{service.upper()}_"
    scoped = type(
        f"{service.title()}Settings",
        (ServiceSettings,),
        {"model_config": SettingsConfigDict(env_prefix=prefix, extra="ignore")},
    )
    defaults: dict[str, object] = {"service": service, "http_port": DEFAULT_PORTS.get(service, 8000)}
    settings = scoped(**{**defaults, **overrides})
    if not settings.database_url:
        raise RuntimeError(f"{prefix}DATABASE_URL is not set: every service needs its own PostgreSQL database")
    return settings
