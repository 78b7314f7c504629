"""Three (or more) KRaft nodes on one machine, each broker+controller, a static quorum:
replication factor 3 and min.insync.replicas 2 for every topic, so one node may die and no
acknowledged record is lost (acks=all). For fault drills (drill.py), not for the dev stack.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Optional

from . import _kafka_jars, _proc
from ._proc import free_port
from .kafka import LocalKafka


class LocalKafkaCluster:
    """size nodes under state_dir/node<N> on free ports; node ids 1..size."""

    def __init__(
        self,
        state_dir: str | os.PathLike,
        size: int = 3,
        version: str = "4.1.1",
        cache_dir: str | os.PathLike | None = None,
        heap: str = "256m",
    ) -> None:
        if size < 3:
            raise ValueError("a cluster that survives a dead node needs at least 3 nodes")
        self.state_dir = Path(state_dir).resolve()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        ports: list[int] = []
        while len(ports) < 2 * size:
            port = free_port()
            if port not in ports:
                ports.append(port)
        voters = {n: ports[size + n - 1] for n in range(1, size + 1)}
        cluster_id = self._cluster_id()
        self.nodes = [
            LocalKafka(self.state_dir / f"node{n}", port=ports[n - 1], controller_port=voters[n], version=version,
                       cache_dir=cache_dir, heap=heap, node_id=n, voters=voters, cluster_id=cluster_id,
                       replication=size)
            for n in range(1, size + 1)
        ]

    @property
    def bootstrap_servers(self) -> str:
        return ",".join(node.bootstrap_servers for node in self.nodes)

    def node(self, node_id: int) -> LocalKafka:
        return self.nodes[node_id - 1]

    def live_brokers(self) -> set[int]:
        """Node ids the cluster's metadata lists (asked of the first node that answers)."""
        for node in self.nodes:
            if node.is_running():
                meta = node.metadata()
                if meta:
                    return {broker[0] for broker in meta["brokers"]}
        return set()

    def start(self, timeout: float = 180.0) -> "LocalKafkaCluster":
        """Start every node at once (a node finishes starting only once a quorum is up) and
        wait until the metadata lists all of them."""
        self.nodes[0].fetch()
        started: list[LocalKafka] = []
        try:
            for node in self.nodes:
                if not node.is_running():
                    node.launch()
                    started.append(node)
            for node in self.nodes:
                node.wait_ready(timeout)
            self.wait_brokers(len(self.nodes), timeout)
        except BaseException:
            for node in started:
                node.kill()
            raise
        return self

    def wait_brokers(self, count: int, timeout: float = 60.0) -> float:
        """Seconds until the metadata lists count brokers."""
        return _proc.wait_until(lambda: len(self.live_brokers()) >= count, timeout,
                                f"{count} brokers registered in the cluster at {self.bootstrap_servers}")

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM to every node at once: one by one, the last ones would wait for a lost quorum."""
        with ThreadPoolExecutor(len(self.nodes), thread_name_prefix="kafka-stop") as pool:
            for future in [pool.submit(node.stop, timeout) for node in self.nodes]:
                future.result()

    def kill(self, node_id: int) -> None:
        """SIGKILL one node, as a crash would."""
        self.node(node_id).kill()

    def restart(self, node_id: int, timeout: float = 120.0) -> None:
        self.node(node_id).start(timeout)

    def __enter__(self) -> "LocalKafkaCluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _cluster_id(self) -> str:
        """One id for all nodes, kept with the state so a restarted node joins the same cluster."""
        path = self.state_dir / "cluster.id"
        existing: Optional[str] = path.read_text().strip() if path.exists() else None
        if existing:
            return existing
        cluster_id = _kafka_jars.kafka_uuid()
        path.write_text(cluster_id + "\n")
        return cluster_id
