"""The schemas of the custom resources in deploy/k8s, transcribed from their published CRDs.

Each is the part of the CRD's openAPIV3Schema that the manifests use, with the property
names, types, enums and required fields of the CRD version named above it, and with unknown
fields refused (as `kubectl apply --validate=strict` does). Subtrees the manifests do not
use are checked for their type only. test_deploy_crds.py validates the manifests with them.
"""

from typing import Any

import jsonschema
import pytest


def obj(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


STRING = {"type": "string"}
STRINGS = {"type": "array", "items": STRING}
STRING_MAP = {"type": "object", "additionalProperties": STRING}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
OBJECT = {"type": "object"}  # a subtree the manifests do not use: its type is all that is checked
DURATION = {
    "type": "string",
    "pattern": r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$",
}
METADATA = obj(
    {
        "name": {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", "maxLength": 253},
        "namespace": STRING,
        "labels": STRING_MAP,
        "annotations": STRING_MAP,
    },
    ("name",),
)


def resource(api_version: str, kind: str, spec: dict[str, Any], spec_required: bool = True) -> dict[str, Any]:
    return obj(
        {"apiVersion": {"const": api_version}, "kind": {"const": kind}, "metadata": METADATA, "spec": spec},
        ("apiVersion", "kind", "metadata") + (("spec",) if spec_required else ()),
    )


# --- Strimzi 1.2, kafka.strimzi.io/v1 (043-Crd-kafkatopic.yaml, 044-Crd-kafkauser.yaml) -----------

KAFKA_TOPIC = resource(
    "kafka.strimzi.io/v1",
    "KafkaTopic",
    obj(
        {
            "topicName": STRING,
            "partitions": {"type": "integer", "minimum": 1},
            "replicas": {"type": "integer", "minimum": 1, "maximum": 32767},
            "config": OBJECT,  # x-kubernetes-preserve-unknown-fields: Kafka's own topic configs
        }
    ),
)
ACL_OPERATIONS = ["Read", "Write", "Create", "Delete", "Alter", "Describe", "ClusterAction", "AlterConfigs",
                  "DescribeConfigs", "IdempotentWrite", "All"]
ACL = obj(
    {
        "type": {"enum": ["allow", "deny"]},
        "resource": obj(
            {
                "name": STRING,
                "patternType": {"enum": ["literal", "prefix"]},
                "type": {"enum": ["topic", "group", "cluster", "transactionalId"]},
            },
            ("type",),
        ),
        "host": STRING,
        "operations": {"type": "array", "items": {"enum": ACL_OPERATIONS}},
    },
    ("resource", "operations"),
)
KAFKA_USER = resource(
    "kafka.strimzi.io/v1",
    "KafkaUser",
    obj(
        {
            "authentication": obj(
                {
                    "password": OBJECT,
                    "renewalDays": {"type": "integer", "minimum": 1},
                    "type": {"enum": ["tls", "tls-external", "scram-sha-512"]},
                    "validityDays": {"type": "integer", "minimum": 1},
                },
                ("type",),
            ),
            "authorization": obj({"acls": {"type": "array", "items": ACL}, "type": {"enum": ["simple"]}}, ("acls", "type")),
            "quotas": obj(
                {
                    "producerByteRate": {"type": "integer", "minimum": 0},
                    "consumerByteRate": {"type": "integer", "minimum": 0},
                    "requestPercentage": {"type": "integer", "minimum": 0},
                    "controllerMutationRate": {"type": "number", "minimum": 0},
                }
            ),
            "template": OBJECT,
        }
    ),
)

# --- KEDA 2.20, keda.sh/v1alpha1 (config/crd/bases/keda.sh_scaledobjects.yaml) -----------------

TRIGGER = obj(
    {
        "authenticationRef": obj(
            {"kind": {"enum": ["TriggerAuthentication", "ClusterTriggerAuthentication"]}, "name": STRING}, ("name",)
        ),
        "metadata": STRING_MAP,
        "metricType": STRING,
        "name": STRING,
        "type": STRING,
        "useCachedMetrics": BOOLEAN,
    },
    ("metadata", "type"),
)
SCALED_OBJECT = resource(
    "keda.sh/v1alpha1",
    "ScaledObject",
    obj(
        {
            "advanced": obj(
                {
                    "horizontalPodAutoscalerConfig": obj({"behavior": OBJECT, "name": STRING}),
                    "restoreToOriginalReplicaCount": BOOLEAN,
                    "scalingModifiers": OBJECT,
                }
            ),
            "cooldownPeriod": INTEGER,
            "fallback": obj(
                {"behavior": OBJECT, "failureThreshold": INTEGER, "replicas": INTEGER}, ("failureThreshold", "replicas")
            ),
            "idleReplicaCount": INTEGER,
            "initialCooldownPeriod": INTEGER,
            "maxReplicaCount": INTEGER,
            "minReplicaCount": INTEGER,
            "pollingInterval": INTEGER,
            "scaleTargetRef": obj(
                {"apiVersion": STRING, "envSourceContainerName": STRING, "kind": STRING, "name": STRING}, ("name",)
            ),
            "triggers": {"type": "array", "items": TRIGGER},
        },
        ("scaleTargetRef", "triggers"),
    ),
)
# The metadata keys each KEDA scaler reads (pkg/scalers/cpu_memory_scaler.go, prometheus_scaler.go):
# an unknown key would be ignored by KEDA, so it is refused here.
TRIGGER_METADATA = {
    "cpu": ({"value"}, {"containerName"}),
    "prometheus": (
        {"serverAddress", "query", "threshold"},
        {"activationThreshold", "queryParameters", "namespace", "customHeaders", "ignoreNullValues", "unsafeSsl", "timeout"},
    ),
}
TRIGGER_METRIC_TYPES = {"cpu": {"Utilization", "AverageValue"}, "prometheus": {"AverageValue", "Value"}}

# --- Traefik v3, traefik.io/v1alpha1 (traefik.io_middlewares.yaml) -----------------------------

MIDDLEWARE_KINDS = ["addPrefix", "basicAuth", "buffering", "chain", "circuitBreaker", "compress", "contentType",
                    "digestAuth", "encodedCharacters", "errors", "forwardAuth", "grpcWeb", "headers", "inFlightReq",
                    "ipWhiteList", "passTLSClientCert", "plugin", "rateLimit", "redirectRegex", "redirectScheme",
                    "replacePath", "replacePathRegex", "retry", "stripPrefixRegex"]
MIDDLEWARE = resource(
    "traefik.io/v1alpha1",
    "Middleware",
    {
        **obj(
            {
                **{kind: OBJECT for kind in MIDDLEWARE_KINDS},
                "stripPrefix": obj({"forceSlash": BOOLEAN, "prefixes": STRINGS}),
                "ipAllowList": obj({"ipStrategy": OBJECT, "rejectStatusCode": INTEGER, "sourceRange": STRINGS}),
            }
        ),
        "minProperties": 1,
    },
)

# --- Prometheus Operator, monitoring.coreos.com/v1 (example/prometheus-operator-crd/) -----------

RELABELING = obj(
    {
        "action": {"enum": ["replace", "Replace", "keep", "Keep", "drop", "Drop", "hashmod", "HashMod", "labelmap",
                            "LabelMap", "labeldrop", "LabelDrop", "labelkeep", "LabelKeep", "lowercase", "Lowercase",
                            "uppercase", "Uppercase", "keepequal", "KeepEqual", "dropequal", "DropEqual"]},
        "modulus": INTEGER,
        "regex": STRING,
        "replacement": STRING,
        "separator": STRING,
        "sourceLabels": STRINGS,
        "targetLabel": STRING,
    }
)
POD_METRICS_ENDPOINT = obj(
    {
        **{name: OBJECT for name in ("authorization", "basicAuth", "bearerTokenSecret", "oauth2", "params", "tlsConfig",
                                     "proxyConnectHeader")},
        **{name: BOOLEAN for name in ("enableHttp2", "filterRunning", "followRedirects", "honorLabels", "honorTimestamps",
                                      "proxyFromEnvironment", "trackTimestampsStaleness")},
        "interval": DURATION,
        "scrapeTimeout": DURATION,
        "metricRelabelings": {"type": "array", "items": RELABELING},
        "relabelings": {"type": "array", "items": RELABELING},
        "noProxy": STRING,
        "proxyUrl": STRING,
        "path": STRING,
        "port": STRING,
        "portNumber": INTEGER,
        "scheme": {"enum": ["http", "https", "HTTP", "HTTPS"]},
        "targetPort": {"type": ["integer", "string"]},
    }
)
LABEL_SELECTOR = obj({"matchExpressions": {"type": "array", "items": OBJECT}, "matchLabels": STRING_MAP})
POD_MONITOR = resource(
    "monitoring.coreos.com/v1",
    "PodMonitor",
    obj(
        {
            **{name: INTEGER for name in ("keepDroppedTargets", "labelLimit", "labelNameLengthLimit", "labelValueLengthLimit",
                                          "nativeHistogramBucketLimit", "sampleLimit", "targetLimit")},
            **{
                name: BOOLEAN
                for name in ("convertClassicHistogramsToNHCB", "scrapeClassicHistograms", "scrapeNativeHistograms")
            },
            "attachMetadata": obj({"node": BOOLEAN}),
            "bodySizeLimit": STRING,
            "fallbackScrapeProtocol": STRING,
            "jobLabel": STRING,
            "namespaceSelector": obj({"any": BOOLEAN, "matchNames": STRINGS}),
            "nativeHistogramMinBucketFactor": {"type": ["integer", "string", "number"]},
            "podMetricsEndpoints": {"type": "array", "items": POD_METRICS_ENDPOINT},
            "podTargetLabels": STRINGS,
            "scrapeClass": STRING,
            "scrapeProtocols": STRINGS,
            "selector": LABEL_SELECTOR,
            "selectorMechanism": {"enum": ["RelabelConfig", "RoleSelector"]},
        },
        ("selector",),
    ),
)
RULE = obj(
    {
        "alert": STRING,
        "annotations": STRING_MAP,
        "expr": {"type": ["string", "integer"]},
        "for": DURATION,
        "keep_firing_for": DURATION,
        "labels": STRING_MAP,
        "record": STRING,
    },
    ("expr",),
)
PROMETHEUS_RULE = resource(
    "monitoring.coreos.com/v1",
    "PrometheusRule",
    obj(
        {
            "groups": {
                "type": "array",
                "items": obj(
                    {
                        "interval": DURATION,
                        "labels": STRING_MAP,
                        "limit": INTEGER,
                        "name": STRING,
                        "partial_response_strategy": STRING,
                        "query_offset": DURATION,
                        "rules": {"type": "array", "items": RULE},
                    },
                    ("name",),
                ),
            }
        }
    ),
    spec_required=False,
)

SCHEMAS = {
    ("kafka.strimzi.io/v1", "KafkaTopic"): KAFKA_TOPIC,
    ("kafka.strimzi.io/v1", "KafkaUser"): KAFKA_USER,
    ("keda.sh/v1alpha1", "ScaledObject"): SCALED_OBJECT,
    ("traefik.io/v1alpha1", "Middleware"): MIDDLEWARE,
    ("monitoring.coreos.com/v1", "PodMonitor"): POD_MONITOR,
    ("monitoring.coreos.com/v1", "PrometheusRule"): PROMETHEUS_RULE,
}


@pytest.mark.parametrize("kind", [kind for _, kind in SCHEMAS])
def test_the_schema_is_a_valid_json_schema(kind: str) -> None:
    (schema,) = [s for (_, k), s in SCHEMAS.items() if k == kind]
    jsonschema.Draft7Validator.check_schema(schema)
