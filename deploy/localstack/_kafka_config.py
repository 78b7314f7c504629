"""server.properties and log4j2 configuration of a local Kafka node (see kafka.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Optional

from ._proc import HOST

# SASL mechanisms the SASL_SSL listener offers; SCRAM users are created when storage is formatted.
SCRAM_MECHANISMS = ("SCRAM-SHA-512", "SCRAM-SHA-256")
SASL_MECHANISMS = (*SCRAM_MECHANISMS, "PLAIN")


def node_config(
    *,
    node_id: int,
    port: int,
    controller_port: int,
    data_dir: Path,
    voters: Optional[Mapping[int, int]],
    replication: int,
    security: str,
) -> dict[str, object]:
    """A combined broker+controller node. voters (node id -> controller port) makes it one of a
    static quorum; without it the node is a quorum of its own."""
    listener = "SASL_SSL" if security == "sasl_ssl" else "PLAINTEXT"
    quorum: dict[str, object] = (
        {"controller.quorum.voters": ",".join(f"{n}@{HOST}:{p}" for n, p in sorted(voters.items()))}
        if voters else {"controller.quorum.bootstrap.servers": f"{HOST}:{controller_port}"}
    )
    min_isr = 2 if replication >= 3 else 1
    return {
        "process.roles": "broker,controller",
        "node.id": node_id,
        **quorum,
        "listeners": f"{listener}://{HOST}:{port},CONTROLLER://{HOST}:{controller_port}",
        "advertised.listeners": f"{listener}://{HOST}:{port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": listener,
        "listener.security.protocol.map": f"CONTROLLER:PLAINTEXT,{listener}:{listener}",
        "log.dirs": str(data_dir),
        "num.partitions": 1,
        "default.replication.factor": replication,
        "min.insync.replicas": min_isr,
        "offsets.topic.replication.factor": replication,
        "offsets.topic.num.partitions": 1,
        "transaction.state.log.replication.factor": replication,
        "transaction.state.log.min.isr": min_isr,
        "transaction.state.log.num.partitions": 1,
        "share.coordinator.state.topic.replication.factor": replication,
        "share.coordinator.state.topic.min.isr": min_isr,
        "share.coordinator.state.topic.num.partitions": 1,
        "group.initial.rebalance.delay.ms": 0,
        "auto.create.topics.enable": "false",
        "num.network.threads": 2,
        "num.io.threads": 2,
        "num.recovery.threads.per.data.dir": 1,
        "log.retention.hours": -1,
        # After a crash (kill()) a restarted node waits for its old registration to expire
        # before it can register again: 4 s instead of the default 9 s. The same timeout
        # bounds how long a crashed broker keeps leading its partitions in a cluster.
        "broker.session.timeout.ms": 4000,
        "broker.heartbeat.interval.ms": 1000,
    }


def sasl_ssl_config(*, broker_pem: Path, ca_cert: Path, broker_user: str, broker_password: str,
                    users: Mapping[str, str]) -> dict[str, object]:
    """TLS (PEM key store and trust store) and SASL (SCRAM + PLAIN) on the SASL_SSL listener.

    The broker authenticates to itself (inter-broker) as broker_user with SCRAM-SHA-512; PLAIN
    users live in the JAAS line, SCRAM users in the metadata log (StorageTool --add-scram)."""
    scram = "org.apache.kafka.common.security.scram.ScramLoginModule required"
    plain_users = " ".join(f'user_{u}="{p}"' for u, p in {broker_user: broker_password, **users}.items())
    cfg: dict[str, object] = {
        "ssl.keystore.type": "PEM",
        "ssl.keystore.location": str(broker_pem),
        "ssl.truststore.type": "PEM",
        "ssl.truststore.location": str(ca_cert),
        "ssl.endpoint.identification.algorithm": "https",
        "sasl.enabled.mechanisms": ",".join(SASL_MECHANISMS),
        "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
        "listener.name.sasl_ssl.plain.sasl.jaas.config":
            "org.apache.kafka.common.security.plain.PlainLoginModule required "
            f'username="{broker_user}" password="{broker_password}" {plain_users};',
    }
    for mechanism in SCRAM_MECHANISMS:
        cfg[f"listener.name.sasl_ssl.{mechanism.lower()}.sasl.jaas.config"] = (
            f'{scram} username="{broker_user}" password="{broker_password}";'
        )
    return cfg


def scram_format_args(users: Mapping[str, str]) -> list[str]:
    """StorageTool format arguments creating every user for every SCRAM mechanism."""
    args: list[str] = []
    for mechanism in SCRAM_MECHANISMS:
        for user, password in users.items():
            args += ["--add-scram", f"{mechanism}=[name={user},password={password}]"]
    return args


def properties(cfg: Mapping[str, object]) -> str:
    return "".join(f"{k}={v}\n" for k, v in cfg.items())


def log4j2_properties(log_file: Path) -> str:
    return (
        "status = warn\n"
        "appender.file.type = RollingFile\n"
        "appender.file.name = FILE\n"
        f"appender.file.fileName = {log_file}\n"
        f"appender.file.filePattern = {log_file}.%i\n"
        "appender.file.layout.type = PatternLayout\n"
        "appender.file.layout.pattern = [%d] %p %m (%c)%n\n"
        "appender.file.policies.type = Policies\n"
        "appender.file.policies.size.type = SizeBasedTriggeringPolicy\n"
        "appender.file.policies.size.size = 20MB\n"
        "appender.file.strategy.type = DefaultRolloverStrategy\n"
        "appender.file.strategy.max = 2\n"
        "rootLogger.level = INFO\n"
        "rootLogger.appenderRef.file.ref = FILE\n"
        "logger.statechange.name = state.change.logger\n"
        "logger.statechange.level = WARN\n"
        "logger.request.name = kafka.request.logger\n"
        "logger.request.level = WARN\n"
    )
