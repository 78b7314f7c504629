"""Strimzi topics and users in deploy/k8s against what the code really publishes and reads.

The expected topics come from the contracts' streams and dead-letter topics, and each
service's permissions from its runtime: the topic its relay writes, the dead-letter topic
its consumer writes, the topics its projection reads, its consumer group. A service's user
must be granted all of that and nothing more (Describe aside, which every use implies);
the outside subscriber reads the public topics only.
"""

from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

import pytest
from yishi_contracts import STREAMS, dead_letter_topic

from services.system.cli import SERVICES, documentation_runtimes
from tests.unit.test_deploy_manifests import BASE, KAFKA_CONFIGMAP, _find

CLUSTER_LABEL = "strimzi.io/cluster"
OUTSIDE = "outside-subscriber"
KAFKA = _find("ConfigMap", KAFKA_CONFIGMAP)["data"]
TOPICS = [d for _, d in BASE if d["kind"] == "KafkaTopic"]
USERS = {d["metadata"]["name"]: d for _, d in BASE if d["kind"] == "KafkaUser"}
PUBLIC = {s.topic for s in STREAMS}
DEAD_LETTER = {dead_letter_topic(s) for s in SERVICES}
RUNTIMES = {r.settings.service: r for r in documentation_runtimes()}


def _topic_name(topic: dict[str, Any]) -> str:
    return topic["spec"].get("topicName", topic["metadata"]["name"])


def _bootstrap() -> tuple[str, str, int]:
    """(cluster, namespace, port) of the bootstrap address: <cluster>-kafka-bootstrap.<namespace>.svc..."""
    (address,) = KAFKA["YISHI_KAFKA_BOOTSTRAP_SERVERS"].split(",")
    url = urlsplit(f"//{address}")
    service, namespace, *_ = url.hostname.split(".")
    assert service.endswith("-kafka-bootstrap"), "the Strimzi bootstrap Service of the cluster"
    return service.removesuffix("-kafka-bootstrap"), namespace, url.port


def _grants(user: dict[str, Any]) -> dict[tuple[str, str, str], set[str]]:
    grants: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for acl in user["spec"]["authorization"]["acls"]:
        assert acl.get("type", "allow") == "allow", "deny rules hide mistakes; grant only what is needed"
        assert acl.get("host", "*") == "*"
        r = acl["resource"]
        grants[(r["type"], r.get("name", ""), r.get("patternType", "literal"))] |= set(acl["operations"])
    return dict(grants)


def _needs(service: str) -> dict[tuple[str, str, str], set[str]]:
    runtime = RUNTIMES[service]
    assert runtime.projection is not None
    needs: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for topic in (runtime.topic, runtime.dead_letter_topic):
        needs[("topic", topic, "literal")] |= {"Write"}
    for topic in runtime.projection.topics:
        needs[("topic", runtime.settings.kafka.topic(topic), "literal")] |= {"Read"}
    needs[("group", runtime.settings.consumer_group, "literal")] |= {"Read"}
    return dict(needs)


# --- topics -----------------------------------------------------------------------------


def test_every_topic_the_services_use_is_a_kafka_topic_and_no_other() -> None:
    names = [_topic_name(t) for t in TOPICS]
    assert len(names) == len(set(names)), "a topic is declared twice"
    assert set(names) == PUBLIC | DEAD_LETTER, (
        f"missing: {sorted(PUBLIC | DEAD_LETTER - set(names))}, unknown: {sorted(set(names) - PUBLIC - DEAD_LETTER)}"
    )
    for runtime in RUNTIMES.values():
        assert runtime.settings.kafka.topic_prefix == "", "the base is production: no topic prefix"
        assert {runtime.topic, runtime.dead_letter_topic} | set(runtime.projection.topics) <= set(names)


@pytest.mark.parametrize("topic", TOPICS, ids=_topic_name)
def test_topics_are_created_as_the_services_would_create_them(topic: dict[str, Any]) -> None:
    spec = topic["spec"]
    assert spec["partitions"] == int(KAFKA["YISHI_KAFKA_PARTITIONS"])
    assert spec["replicas"] == int(KAFKA["YISHI_KAFKA_REPLICATION_FACTOR"]) == 3
    config = spec["config"]
    assert int(config["min.insync.replicas"]) == 2, "acks=all survives one broker down, not two"
    assert config["cleanup.policy"] == "delete", "compaction would keep only a topic's last event"
    if _topic_name(topic) in PUBLIC:
        assert int(config["retention.ms"]) == -1, "yishi rebuild replays the public topics from offset 0"
    else:
        assert int(config["retention.ms"]) >= 7 * 24 * 3600 * 1000, "a week at least to investigate dead letters"


def test_topics_and_users_belong_to_the_cluster_the_services_connect_to() -> None:
    cluster, _, _ = _bootstrap()
    for doc in TOPICS + list(USERS.values()):
        assert doc["metadata"]["labels"][CLUSTER_LABEL] == cluster, doc["metadata"]["name"]


# --- users and ACLs ---------------------------------------------------------------------


def test_each_service_and_the_outside_subscriber_has_a_user() -> None:
    assert set(USERS) == {f"yishi-{s}" for s in SERVICES} | {OUTSIDE}
    for user in USERS.values():
        # SCRAM-SHA-512 over TLS: the bootstrap port is the SASL_SSL listener's.
        assert user["spec"]["authentication"]["type"] == "scram-sha-512"
    assert _bootstrap()[2] == 9093


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_may_do_what_its_runtime_does_and_nothing_more(service: str) -> None:
    grants, needs = _grants(USERS[f"yishi-{service}"]), _needs(service)
    assert set(grants) == set(needs), (
        f"not granted: {sorted(set(needs) - set(grants))}, granted beyond use: {sorted(set(grants) - set(needs))}"
    )
    for resource, operations in needs.items():
        assert operations <= grants[resource], f"{resource}: needs {sorted(operations)}"
        assert grants[resource] <= operations | {"Describe"}, f"{resource}: more than {sorted(operations)}"
    assert ("topic", dead_letter_topic(service), "literal") in grants


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_writes_only_its_own_topics(service: str) -> None:
    grants = _grants(USERS[f"yishi-{service}"])
    written = {name for (kind, name, _), ops in grants.items() if kind == "topic" and "Write" in ops}
    assert written == {f"yishi.{service}.v1", dead_letter_topic(service)}


def test_the_outside_subscriber_reads_every_public_topic_and_nothing_else() -> None:
    grants = _grants(USERS[OUTSIDE])
    topics = {name for (kind, name, pattern) in grants if kind == "topic"}
    assert topics == PUBLIC, "never a dead-letter topic"
    for (kind, name, pattern), operations in grants.items():
        if kind == "topic":
            assert pattern == "literal", "a prefix 'yishi.' would include the dead-letter topics"
            assert operations <= {"Read", "Describe"} and "Read" in operations
        else:
            assert (kind, pattern) == ("group", "prefix"), "its own consumer groups only"
            assert name.startswith(OUTSIDE) and name.endswith(".")
            assert not [r for r in RUNTIMES.values() if r.settings.consumer_group.startswith(name)], "a service's group"
            assert operations <= {"Read", "Describe"}
    assert USERS[OUTSIDE]["spec"]["quotas"]["consumerByteRate"] > 0, "a replay from offset 0 must not starve the services"


def test_no_user_may_create_alter_or_delete() -> None:
    for name, user in USERS.items():
        for (kind, _, _), operations in _grants(user).items():
            assert kind in {"topic", "group"}, f"{name}: no cluster or transactional-id rights"
            assert not operations & {"Create", "Delete", "Alter", "AlterConfigs", "All"}, f"{name}: {operations}"

