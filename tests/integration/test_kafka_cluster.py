"""A three-broker KRaft cluster (replication factor 3, min.insync.replicas 2) loses one broker
to SIGKILL while the relay's producer (acks=all, idempotent) publishes and a consumer group
reads: no acknowledged event is lost and the consumers go on.

The same drill runs by hand, then also restarting the killed broker and timing its return to
the in-sync replicas (left out here to keep the test near a minute):
``python -m deploy.localstack cluster-drill``.
"""

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.localstack.cluster import LocalKafkaCluster
from deploy.localstack.drill import run_drill


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalKafkaCluster]:
    root = Path(tempfile.mkdtemp(prefix="yishi-cluster-"))
    cluster = LocalKafkaCluster(root, size=3, heap="256m")
    try:
        cluster.start(timeout=180)
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


async def test_a_broker_killed_while_events_flow_loses_no_acknowledged_event(cluster: LocalKafkaCluster) -> None:
    assert cluster.live_brokers() == {1, 2, 3}
    report = await run_drill(cluster, events=2000, kill_at=0.3, restart=False)
    print("\n" + "\n".join(report.lines()))  # the figures, shown with -s or on failure
    assert report.killed_node in (1, 2, 3)
    assert report.acknowledged == 2000, "every event was acknowledged in the end (failed sends sent again)"
    assert report.lost == 0 and report.missing == [], f"acknowledged but not in the log: {report.missing}"
    assert report.in_log == 2000
    assert report.consumed == 2000, "the consumer group read every acknowledged event"
    assert report.consumed_after_kill > 0, "and went on reading after the kill"
    assert report.recovered_after_seconds > 0, "a batch was in flight when the broker died"
    assert report.killed_node not in cluster.live_brokers(), "the cluster carried on with two brokers"
