"""Real infrastructure servers (Kafka, PostgreSQL) run as local processes, stdlib only.

    from deploy.localstack import LocalKafka, LocalKafkaCluster, LocalPostgres

See README.md next to this file; `python -m deploy.localstack up|down|status|env` runs the
developer stack's infrastructure, `python -m deploy.localstack cluster-drill` a broker-kill drill.
"""

from ._proc import LocalStackError, PortInUseError, free_port
from .cluster import LocalKafkaCluster
from .kafka import LocalKafka, kafka_metadata
from .postgres import LocalPostgres, find_pg_bin

__all__ = [
    "LocalKafka",
    "LocalKafkaCluster",
    "LocalPostgres",
    "LocalStackError",
    "PortInUseError",
    "find_pg_bin",
    "free_port",
    "kafka_metadata",
]
