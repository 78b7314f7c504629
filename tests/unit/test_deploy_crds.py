"""The custom resources under deploy/k8s, validated offline against their CRDs' schemas.

kubernetes-validate knows only the core API; the custom resources of the base are checked
against the schemas transcribed from their CRDs (test_deploy_crd_schemas.py): a misspelt
field, a wrong type or a missing required field fails, as the mistakes below show. Embedded
core types (the HPA behavior KEDA takes) are validated by kubernetes-validate itself, and
KEDA triggers' metadata against the keys its scalers read.
"""

import copy
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from kubernetes_validate import utils as kubernetes_validate

from tests.unit.test_deploy_crd_schemas import SCHEMAS, TRIGGER_METADATA, TRIGGER_METRIC_TYPES
from tests.unit.test_deploy_manifests import ALL, CUSTOM_API_GROUPS, KUBERNETES_VERSION, _id


CUSTOM = [item for item in ALL if item[1]["apiVersion"].split("/")[0] in CUSTOM_API_GROUPS]


def _problems(doc: dict[str, Any]) -> list[str]:
    schema = SCHEMAS.get((doc.get("apiVersion"), doc.get("kind")))
    if schema is None:
        return [f"no schema for {doc.get('apiVersion')} {doc.get('kind')}"]
    validator = jsonschema.Draft7Validator(schema)
    found = [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(doc)]
    return found or _scaled_object_problems(doc)


def _scaled_object_problems(doc: dict[str, Any]) -> list[str]:
    if doc["kind"] != "ScaledObject":
        return []
    problems = []
    behavior = doc["spec"].get("advanced", {}).get("horizontalPodAutoscalerConfig", {}).get("behavior")
    if behavior is not None:
        # The HPA KEDA makes carries this behavior: validate it as the core type it becomes.
        hpa = {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "behavior-check"},
            "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "x"}, "maxReplicas": 2, "behavior": behavior},
        }
        try:
            kubernetes_validate.validate(hpa, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            problems.append(f"advanced/horizontalPodAutoscalerConfig/behavior: {exc.message}")
    for i, trigger in enumerate(doc["spec"]["triggers"]):
        known = TRIGGER_METADATA.get(trigger["type"])
        if known is None:
            problems.append(f"triggers/{i}: no check for trigger type {trigger['type']!r}")
            continue
        required, optional = known
        keys = set(trigger["metadata"])
        if missing := required - keys:
            problems.append(f"triggers/{i}: missing metadata {sorted(missing)}")
        if unknown := keys - required - optional:
            problems.append(f"triggers/{i}: unknown metadata {sorted(unknown)}")
        if "metricType" in trigger and trigger["metricType"] not in TRIGGER_METRIC_TYPES[trigger["type"]]:
            problems.append(f"triggers/{i}: metricType {trigger['metricType']!r} not for {trigger['type']}")
    return problems


def test_every_custom_resource_kind_of_the_base_is_checked() -> None:
    kinds = {(d["apiVersion"], d["kind"]) for _, d in CUSTOM}
    assert kinds == set(SCHEMAS), f"without a schema: {sorted(kinds - set(SCHEMAS))}; unused: {sorted(set(SCHEMAS) - kinds)}"


@pytest.mark.parametrize("item", CUSTOM, ids=_id)
def test_custom_resource_is_valid_for_its_crd(item: tuple[Path, dict[str, Any]]) -> None:
    problems = _problems(item[1])
    if problems:
        pytest.fail(f"{_id(item)}:\n  " + "\n  ".join(problems), pytrace=False)


def _first(kind: str) -> dict[str, Any]:
    return copy.deepcopy(next(d for _, d in CUSTOM if d["kind"] == kind))


def _at(doc: dict[str, Any], path: str) -> Any:
    for key in path.split("/") if path else []:
        doc = doc[int(key)] if key.isdigit() else doc[key]
    return doc


# (kind, where, field, new value): None drops the field; ("rename", new name) renames it.
MISTAKES: dict[str, tuple[str, str, str, Any]] = {
    "a misspelt spec field": ("KafkaTopic", "spec", "replicas", ("rename", "replica")),
    "partitions as a string": ("KafkaTopic", "spec", "partitions", "12"),
    "a topic of the older v1beta2 API": ("KafkaTopic", "", "apiVersion", "kafka.strimzi.io/v1beta2"),
    "an ACL operation Strimzi does not know": ("KafkaUser", "spec/authorization/acls/0", "operations", ["Consume"]),
    "the deprecated singular operation": ("KafkaUser", "spec/authorization/acls/0", "operations", ("rename", "operation")),
    "SCRAM-SHA-256, which Strimzi users cannot have": ("KafkaUser", "spec/authentication", "type", "scram-sha-256"),
    "replicas named as on an HPA": ("ScaledObject", "spec", "maxReplicaCount", ("rename", "maxReplicas")),
    "a misspelt prometheus trigger key": ("ScaledObject", "spec/triggers/1/metadata", "threshold", ("rename", "treshold")),
    "a trigger without its query": ("ScaledObject", "spec/triggers/1/metadata", "query", None),
    "a misspelt HPA behavior field": (
        "ScaledObject", "spec/advanced/horizontalPodAutoscalerConfig/behavior/scaleUp", "stabilizationWindowSeconds",
        ("rename", "stabilizationWindow"),
    ),
    "a misspelt middleware": ("Middleware", "spec", "stripPrefix", ("rename", "stripPrefixes")),
    "a Traefik v2 API group": ("Middleware", "", "apiVersion", "traefik.containo.us/v1alpha1"),
    "a misspelt endpoint field": ("PodMonitor", "spec/podMetricsEndpoints/0", "honorLabels", ("rename", "honourLabels")),
    "a pod monitor without a selector": ("PodMonitor", "spec", "selector", None),
    "a scrape interval that is no duration": ("PodMonitor", "spec/podMetricsEndpoints/0", "interval", "30 seconds"),
    "a rule without an expression": ("PrometheusRule", "spec/groups/0/rules/0", "expr", None),
    "a rule with a misspelt field": ("PrometheusRule", "spec/groups/0/rules/0", "annotations", ("rename", "annotation")),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_the_checks_refuse_a_mistake(mistake: str) -> None:
    kind, where, field, value = MISTAKES[mistake]
    doc = _first(kind)
    assert not _problems(doc), "the unspoilt resource must pass"
    parent = _at(doc, where)
    assert field in parent, f"{kind} has no {where}/{field} to spoil"
    if value is None:
        del parent[field]
    elif isinstance(value, tuple):
        parent[value[1]] = parent.pop(field)
    else:
        parent[field] = value
    assert _problems(doc), f"{mistake} went through"
