"""Autoscaling, Ingress, network policies and scraping in deploy/k8s, checked for what they do.

The schemas (test_deploy_manifests.py, test_deploy_crds.py) say the objects are well formed;
this says they fit together: each ScaledObject scales its Deployment within the partition
count; a request to /<service>/<route> reaches that service at /<route> for every route its
app serves, and /metrics is refused; each pod may reach exactly DNS, the Kafka brokers, its
own database (and the servers the identity provider), and only the ingress controller and
Prometheus may reach it; the PodMonitor scrapes the server pods with the labels the alert
rules select on; the PrometheusRule is the rule file.
"""

import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from deploy.monitoring.__main__ import PROMETHEUS_RULE, render
from services.kit.settings import KafkaSettings, ServiceSettings
from services.system.cli import SERVICES, app_module
from tests.unit.test_deploy_manifests import (
    ALL, BASE, CONTAINER_PORT, DATABASE_SECRET, EXAMPLES, KAFKA_CONFIGMAP, NAME, _deployment, _find, _migration_job,
    _only_container,
)

SCALED = {d["spec"]["scaleTargetRef"]["name"]: d for _, d in BASE if d["kind"] == "ScaledObject"}
POLICIES = [d for _, d in BASE if d["kind"] == "NetworkPolicy"]
PARTITIONS = int(_find("ConfigMap", KAFKA_CONFIGMAP)["data"]["YISHI_KAFKA_PARTITIONS"])


# --- autoscaling ------------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_each_deployment_scales_on_cpu_and_consumer_lag(service: str) -> None:
    scaled = SCALED[f"yishi-{service}"]["spec"]
    assert scaled["scaleTargetRef"]["kind"] == "Deployment"
    assert scaled["advanced"]["horizontalPodAutoscalerConfig"]["name"] == f"yishi-{service}"
    assert 2 <= scaled["minReplicaCount"] < scaled["maxReplicaCount"] <= PARTITIONS, "a consumer beyond it idles"
    behavior = scaled["advanced"]["horizontalPodAutoscalerConfig"]["behavior"]
    assert behavior["scaleDown"]["stabilizationWindowSeconds"] > behavior["scaleUp"]["stabilizationWindowSeconds"]
    triggers = {t["type"]: t for t in scaled["triggers"]}
    assert set(triggers) == {"cpu", "prometheus"}
    assert triggers["cpu"]["metricType"] == "Utilization"
    container = _only_container(_deployment(service)["spec"]["template"])
    assert "cpu" in container["resources"]["requests"], "utilisation is relative to the CPU request"
    lag = triggers["prometheus"]
    assert lag["metricType"] == "Value", "lag does not divide among replicas: scale by lag / threshold"
    query = lag["metadata"]["query"]
    assert "yishi_consumer_lag_seconds" in query and f'service="{service}"' in query
    assert 'namespace="yishi"' in query
    assert float(lag["metadata"]["threshold"]) > 0


# --- Ingress ----------------------------------------------------------------------------


def _ingress_routes() -> list[tuple[int, str, str, str, list[str]]]:
    """(priority, path type, path, service, middlewares) of every Ingress path, Traefik's way."""
    middlewares = {
        f"{d['metadata']['namespace']}-{d['metadata']['name']}@kubernetescrd": d for _, d in BASE if d["kind"] == "Middleware"
    }
    routes = []
    for ingress in [d for _, d in BASE if d["kind"] == "Ingress"]:
        annotations = ingress["metadata"].get("annotations", {})
        names = [m.strip() for m in annotations.get("traefik.ingress.kubernetes.io/router.middlewares", "").split(",") if m]
        assert all(m in middlewares for m in names), f"{ingress['metadata']['name']}: unknown middleware in {names}"
        hosts = {h for tls in ingress["spec"]["tls"] for h in tls["hosts"]}
        for rule in ingress["spec"]["rules"]:
            assert rule["host"] in hosts, "every host is served over TLS"
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                priority = int(annotations.get("traefik.ingress.kubernetes.io/router.priority", len(path["path"])))
                routes.append((priority, path["pathType"], path["path"], backend["name"], [middlewares[m] for m in names]))
                svc = _find("Service", backend["name"])
                assert backend["port"]["name"] in {p["name"] for p in svc["spec"]["ports"]}
    return routes


ROUTES = _ingress_routes()


def _request(path: str) -> tuple[str, str] | None:
    """Where Traefik sends a request: (Service, forwarded path), or None when it refuses it."""
    def matches(kind: str, prefix: str) -> bool:
        return path == prefix if kind == "Exact" else path == prefix or path.startswith(prefix.rstrip("/") + "/")

    candidates = sorted((r for r in ROUTES if matches(r[1], r[2])), key=lambda r: -r[0])
    if not candidates:
        return None
    _, _, _, service, middlewares = candidates[0]
    for middleware in middlewares:
        spec = middleware["spec"]
        if "ipAllowList" in spec:
            return None  # no public client address is on it (checked below)
        for prefix in spec.get("stripPrefix", {}).get("prefixes", []):
            if path.startswith(prefix):
                path = path[len(prefix):] or "/"
                break
    return service, path


def _routes_of(service: str) -> list[str]:
    settings = ServiceSettings(service=service, database_url="postgresql://documentation-only",
                               kafka=KafkaSettings(bootstrap_servers="kafka:9092"))
    paths = app_module(service).create_app(settings).openapi()["paths"]
    return sorted(re.sub(r"\{[^}]+\}", "x1", p) for p in paths)


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_of_a_service_is_reachable_under_its_prefix(service: str) -> None:
    routes = _routes_of(service)
    assert "/health/ready" in routes and len(routes) > 3
    for route in routes:
        assert _request(f"/{service}{route}") == (f"yishi-{service}", route), route


@pytest.mark.parametrize("service", SERVICES)
def test_metrics_are_not_public(service: str) -> None:
    for path in ("/metrics", "/metrics/", "/metrics/anything"):
        assert _request(f"/{service}{path}") is None, path
    refusing = [m for _, _, _, _, ms in ROUTES for m in ms if "ipAllowList" in m["spec"]]
    assert refusing and all(m["spec"]["ipAllowList"]["sourceRange"] == ["127.0.0.1/32"] for m in refusing)


def test_the_ingress_prefixes_are_the_stripped_ones() -> None:
    stripped = {f"/{s}" for s in SERVICES} | {f"/api/{s}" for s in SERVICES}
    prefixes = {path for _, kind, path, _, ms in ROUTES if kind == "Prefix" and not any("ipAllowList" in m["spec"] for m in ms)}
    assert prefixes == stripped | {"/", "/auth"}, "the APIs, the web's pages and the identity provider's sign-in"
    (strip,) = [m for _, d in BASE if d["kind"] == "Middleware" for m in [d] if "stripPrefix" in m["spec"]]
    assert set(strip["spec"]["stripPrefix"]["prefixes"]) == stripped


@pytest.mark.parametrize("service", SERVICES)
def test_the_web_reaches_every_route_of_a_service_under_api_as_on_the_dev_gateway(service: str) -> None:
    for route in _routes_of(service):
        assert _request(f"/api/{service}{route}") == (f"yishi-{service}", route), route
    for path in ("/metrics", "/metrics/anything"):
        assert _request(f"/api/{service}{path}") is None, path


def test_the_pages_go_to_the_web_and_the_sign_in_to_the_identity_provider_path_kept() -> None:
    for path in ("/", "/console/", "/console/communities/330102001051/tasks", "/resident/board", "/assets/console.js"):
        assert _request(path) == ("yishi-web", path), path
    assert _request("/auth/realms/yishi/protocol/openid-connect/auth") == (
        "yishi-identity-provider", "/auth/realms/yishi/protocol/openid-connect/auth")


def test_only_the_ingress_controller_reaches_the_web_and_it_reaches_no_service() -> None:
    labels = _find("Deployment", "yishi-web")["spec"]["template"]["metadata"]["labels"]
    assert {peer[0] for peer, _, _ in _allowed(labels, "ingress")} == {"traefik"}
    # Its own policy lets nothing out; only the identity provider's block, which every server gets.
    assert {peer[0] for peer, _, _ in _allowed(labels, "egress")} == {"ipBlock"}


# --- network policies -------------------------------------------------------------------


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    assert set(selector) <= {"matchLabels"}, "only matchLabels selectors here"
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def _peer(peer: dict[str, Any]) -> tuple[Any, ...]:
    if "ipBlock" in peer:
        assert peer["ipBlock"]["cidr"] not in {"0.0.0.0/0", "::/0"}, "not the whole internet"
        return ("ipBlock", peer["ipBlock"]["cidr"])
    namespace = peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
    return (namespace, tuple(sorted(peer["podSelector"]["matchLabels"].items())))


def _allowed(labels: dict[str, str], direction: str) -> set[tuple[Any, ...]]:
    """(peer, protocol, port) that the policies selecting these pod labels allow."""
    policies = [p for p in POLICIES if _selects(p["spec"]["podSelector"], labels)]
    assert any(p["spec"]["podSelector"] == {} and direction.capitalize() in p["spec"]["policyTypes"] for p in policies)
    allowed = set()
    for policy in policies:
        for rule in policy["spec"].get(direction, []):
            for peer in rule["to" if direction == "egress" else "from"]:
                for port in rule["ports"]:
                    allowed.add((_peer(peer), port["protocol"], port["port"]))
    return allowed


def _kafka_peer() -> tuple[Any, ...]:
    url = urlsplit("//" + _find("ConfigMap", KAFKA_CONFIGMAP)["data"]["YISHI_KAFKA_BOOTSTRAP_SERVERS"])
    service, namespace, *_ = url.hostname.split(".")
    cluster = service.removesuffix("-kafka-bootstrap")
    brokers = (("strimzi.io/broker-role", "true"), ("strimzi.io/cluster", cluster))
    return ((namespace, brokers), "TCP", url.port)


def _database_peer(service: str) -> tuple[Any, ...]:
    secret = _find("Secret", DATABASE_SECRET, ALL)
    url = urlsplit(secret["stringData"][f"{service}-database-url"])
    host, namespace, *_ = url.hostname.split(".")
    assert host == f"yishi-{service}-rw", "the read-write Service of the service's CloudNativePG cluster"
    return ((namespace, (("cnpg.io/cluster", f"yishi-{service}"),)), "TCP", url.port)


DNS = {(("kube-system", (("k8s-app", "kube-dns"),)), protocol, 53) for protocol in ("UDP", "TCP")}


def _pods(service: str) -> dict[str, dict[str, str]]:
    rebuild = [d for p, d in ALL if p.parent == EXAMPLES and d["kind"] == "Job" and d["metadata"]["labels"][NAME] == service]
    pods = {"server": _deployment(service), "migration": _migration_job(service)} | {"rebuild": d for d in rebuild}
    return {role: owner["spec"]["template"]["metadata"]["labels"] for role, owner in pods.items()}


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_reaches_dns_kafka_and_its_own_database_only(service: str) -> None:
    for role, labels in _pods(service).items():
        expected = DNS | {_kafka_peer(), _database_peer(service)}
        allowed = _allowed(labels, "egress")
        identity_provider = {a for a in allowed if a[0][0] == "ipBlock"}
        if role == "server":
            assert [(protocol, port) for _, protocol, port in identity_provider] == [("TCP", 443)], "the JWKS, over HTTPS"
        assert allowed - identity_provider == expected, f"{role}: {sorted(allowed ^ expected, key=str)}"
    other = {_database_peer(s) for s in SERVICES if s != service}
    assert not _allowed(_pods(service)["server"], "egress") & other


@pytest.mark.parametrize("service", SERVICES)
def test_only_the_ingress_controller_and_prometheus_reach_a_service(service: str) -> None:
    allowed = _allowed(_pods(service)["server"], "ingress")
    assert {peer[0] for peer, _, _ in allowed} == {"traefik", "monitoring"}
    assert {(protocol, port) for _, protocol, port in allowed} == {("TCP", CONTAINER_PORT)}


# --- scraping and rules -----------------------------------------------------------------


def test_the_pod_monitor_scrapes_the_server_pods_with_the_labels_the_rules_use() -> None:
    (monitor,) = [d for _, d in BASE if d["kind"] == "PodMonitor"]
    spec = monitor["spec"]
    (endpoint,) = spec["podMetricsEndpoints"]
    for service in SERVICES:
        template = _deployment(service)["spec"]["template"]
        assert _selects(spec["selector"], template["metadata"]["labels"])
        assert not _selects(spec["selector"], _migration_job(service)["spec"]["template"]["metadata"]["labels"])
        assert endpoint["port"] in {p["name"] for p in _only_container(template)["ports"]}
        assert endpoint["path"] == template["metadata"]["annotations"]["prometheus.io/path"]
        assert template["metadata"]["labels"][spec["jobLabel"]] == "yishi", 'the rules select job="yishi"'
    assert endpoint["honorLabels"] is True, "else the metrics' own service label becomes exported_service"
    (relabel,) = endpoint["relabelings"]
    assert relabel == {"sourceLabels": ["__meta_kubernetes_pod_label_app_kubernetes_io_name"], "targetLabel": "service"}


def test_the_prometheus_rule_is_the_rule_file() -> None:
    assert PROMETHEUS_RULE.read_text(encoding="utf-8") == render(), "regenerate it: python -m deploy.monitoring"
