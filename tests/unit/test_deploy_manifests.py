"""The Kubernetes manifests under deploy/k8s, checked offline: loading, schemas, services.

Every manifest of a core kind is validated against the Kubernetes API schemas bundled with
``kubernetes-validate`` (strict: unknown fields fail; the custom resources against their
CRDs in test_deploy_crds.py), then checked for what the schemas cannot see: each service
has its Deployment, Service, PodDisruptionBudget, migration Job and autoscaler; probes hit
the health endpoints on the container port; shutdown fits the grace period. Configuration,
secrets, hardening and the kustomization: test_deploy_config.py; the image:
test_deploy_container.py. No network, no Docker, no cluster. The loading helpers here are
shared by the other test_deploy_* modules.
"""

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes_validate import utils as kubernetes_validate

from services.system.cli import SERVICES

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"
EXAMPLES = K8S / "examples"
DOCKERFILE = DEPLOY / "container" / "Dockerfile"
README = DEPLOY / "README.md"

KUBERNETES_VERSION = "1.30.0"
NAMESPACE = "yishi"
IMAGE = "yishi"  # the kustomize image name every service manifest uses
WEB_IMAGE = "yishi-web"  # and the web's (web.yaml)
DATABASE_SECRET = "yishi-database-urls"
KAFKA_CONFIGMAP = "yishi-kafka"
CONTAINER_PORT = 8080
COMPONENT = "app.kubernetes.io/component"
NAME = "app.kubernetes.io/name"
CLUSTER_SCOPED = {"Namespace"}
POD_OWNERS = {"Deployment", "Job"}
# API groups of the custom resources in the base (Strimzi, KEDA, Traefik, Prometheus Operator).
CUSTOM_API_GROUPS = {"kafka.strimzi.io", "keda.sh", "traefik.io", "monitoring.coreos.com"}


def _health_check_timeout() -> float:
    """services.kit.health.CHECK_TIMEOUT_SECONDS, read without importing FastAPI."""
    tree = ast.parse((REPO / "services" / "kit" / "health.py").read_text(encoding="utf-8"))
    for node in tree.body:
        names = [getattr(target, "id", None) for target in getattr(node, "targets", [])]
        if isinstance(node, ast.Assign) and "CHECK_TIMEOUT_SECONDS" in names:
            return float(ast.literal_eval(node.value))
    raise AssertionError("services/kit/health.py defines no CHECK_TIMEOUT_SECONDS")


CHECK_TIMEOUT_SECONDS = _health_check_timeout()
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --- loading ----------------------------------------------------------------------------


def _documents(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [doc for doc in yaml.load_all(f, Loader=YAML_LOADER) if doc is not None]


BASE_FILES = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
BASE = [(path, doc) for path in BASE_FILES for doc in _documents(path)]
ALL = BASE + [(path, doc) for path in EXAMPLE_FILES for doc in _documents(path)]
CORE = [(path, doc) for path, doc in ALL if doc["apiVersion"].split("/")[0] not in CUSTOM_API_GROUPS]
KUSTOMIZATION = _documents(K8S / "kustomization.yaml")[0]


def _id(item: tuple[Path, dict[str, Any]]) -> str:
    path, doc = item
    return f"{path.relative_to(K8S)}:{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


def _find(kind: str, name: str, objects: list[tuple[Path, dict[str, Any]]] = BASE) -> dict[str, Any]:
    found = [doc for _, doc in objects if doc["kind"] == kind and doc["metadata"]["name"] == name]
    assert len(found) == 1, f"expected exactly one {kind}/{name}, found {len(found)}"
    return found[0]


def _pod_templates(objects: list[tuple[Path, dict[str, Any]]] = ALL) -> Iterator[tuple[str, dict[str, Any]]]:
    for item in objects:
        doc = item[1]
        if doc["kind"] in POD_OWNERS:
            yield _id(item), doc["spec"]["template"]


POD_TEMPLATES = list(_pod_templates())


def _only_container(pod_template: dict[str, Any]) -> dict[str, Any]:
    containers = pod_template["spec"]["containers"]
    assert len(containers) == 1, "one container per pod"
    return containers[0]


def _env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in container.get("env", [])}


def _port_number(container: dict[str, Any], port: int | str) -> int:
    if isinstance(port, int):
        return port
    named = [p["containerPort"] for p in container.get("ports", []) if p.get("name") == port]
    assert named, f"no container port named {port!r}"
    return named[0]


def _selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def _deployment(service: str) -> dict[str, Any]:
    return _find("Deployment", f"yishi-{service}")


def _migration_job(service: str) -> dict[str, Any]:
    return _find("Job", f"yishi-{service}-migrate")


def _scaled_object(service: str) -> dict[str, Any]:
    return _find("ScaledObject", f"yishi-{service}")


# --- schema validation ------------------------------------------------------------------


def test_there_are_manifests_to_check() -> None:
    assert BASE_FILES and EXAMPLE_FILES
    assert len(BASE) >= 4 * len(SERVICES)


@pytest.mark.parametrize("item", CORE, ids=_id)
def test_manifest_is_valid_for_the_kubernetes_api(item: tuple[Path, dict[str, Any]]) -> None:
    _, doc = item
    problem = None
    try:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        where = "/".join(str(p) for p in exc.path)
        problem = f"{_id(item)} is not valid Kubernetes {KUBERNETES_VERSION} at {where}: {exc.message}"
    except kubernetes_validate.SchemaNotFoundError as exc:
        problem = f"{_id(item)}: {exc.message}"
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.mark.parametrize("item", ALL, ids=_id)
def test_namespaced_objects_live_in_the_yishi_namespace(item: tuple[Path, dict[str, Any]]) -> None:
    _, doc = item
    if doc["kind"] in CLUSTER_SCOPED:
        assert "namespace" not in doc["metadata"]
    else:
        assert doc["metadata"].get("namespace") == NAMESPACE
    assert doc["metadata"]["labels"].get("app.kubernetes.io/part-of") == "yishi"
    assert COMPONENT in doc["metadata"]["labels"], "the README's apply order selects by component"


def test_the_namespace_is_in_the_base() -> None:
    _find("Namespace", NAMESPACE)


# --- per service ------------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_deployment_service_pdb_and_migration_job(service: str) -> None:
    deployment = _deployment(service)
    _find("Service", f"yishi-{service}")
    _find("PodDisruptionBudget", f"yishi-{service}")
    _migration_job(service)
    assert "replicas" not in deployment["spec"], "the autoscaler owns the count; an apply must not reset it"
    assert _scaled_object(service)["spec"]["minReplicaCount"] == 2


@pytest.mark.parametrize("service", SERVICES)
def test_deployment_serves_the_service_on_the_container_port(service: str) -> None:
    container = _only_container(_deployment(service)["spec"]["template"])
    assert container["image"] == IMAGE
    assert "command" not in container, "the image's ENTRYPOINT is yishi"
    args = container["args"]
    assert args[:2] == ["serve", service]
    options = dict(zip(args[2::2], args[3::2], strict=True))
    assert options.get("--host") == "0.0.0.0"
    assert int(options["--port"]) == CONTAINER_PORT
    assert [(p["name"], p["containerPort"]) for p in container["ports"]] == [("http", CONTAINER_PORT)]


@pytest.mark.parametrize("service", SERVICES)
def test_probes_hit_the_health_endpoints_on_the_container_port(service: str) -> None:
    container = _only_container(_deployment(service)["spec"]["template"])
    expected = {"livenessProbe": "/health/live", "readinessProbe": "/health/ready", "startupProbe": "/health/live"}
    for probe, path in expected.items():
        http = container[probe]["httpGet"]
        assert http["path"] == path, f"{probe} must GET {path}"
        assert _port_number(container, http["port"]) == CONTAINER_PORT, f"{probe} must hit the container port"
    # /health/ready runs a database and a Kafka check, each bounded by CHECK_TIMEOUT_SECONDS.
    assert container["readinessProbe"]["timeoutSeconds"] > 2 * CHECK_TIMEOUT_SECONDS


@pytest.mark.parametrize("service", SERVICES)
def test_shutdown_fits_in_the_termination_grace_period(service: str) -> None:
    pod = _deployment(service)["spec"]["template"]["spec"]
    container = _only_container(_deployment(service)["spec"]["template"])
    pre_stop = container["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    sleep = float(pre_stop[1])
    assert 1 <= sleep <= 10
    drain = float(_env(container)[f"YISHI_{service.upper()}_SHUTDOWN_GRACE_SECONDS"]["value"])
    assert pod["terminationGracePeriodSeconds"] == 30
    assert sleep + drain < pod["terminationGracePeriodSeconds"], "SIGKILL would cut the drain short"


@pytest.mark.parametrize("service", SERVICES)
def test_pods_are_scraped_by_prometheus(service: str) -> None:
    template = _deployment(service)["spec"]["template"]
    annotations = template["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert int(annotations["prometheus.io/port"]) == CONTAINER_PORT
    assert annotations["prometheus.io/path"] == "/metrics"


@pytest.mark.parametrize("service", SERVICES)
def test_service_and_pdb_select_the_deployment_pods_only(service: str) -> None:
    deployment = _deployment(service)
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    container = _only_container(deployment["spec"]["template"])
    assert _selects(deployment["spec"]["selector"]["matchLabels"], pod_labels)

    svc = _find("Service", f"yishi-{service}")
    assert _selects(svc["spec"]["selector"], pod_labels)
    (port,) = svc["spec"]["ports"]
    assert port["port"] == 80
    assert _port_number(container, port["targetPort"]) == CONTAINER_PORT

    pdb = _find("PodDisruptionBudget", f"yishi-{service}")
    assert _selects(pdb["spec"]["selector"]["matchLabels"], pod_labels)
    assert pdb["spec"]["minAvailable"] == 1 < _scaled_object(service)["spec"]["minReplicaCount"]

    migration_labels = _migration_job(service)["spec"]["template"]["metadata"]["labels"]
    assert not _selects(svc["spec"]["selector"], migration_labels)
    assert not _selects(pdb["spec"]["selector"]["matchLabels"], migration_labels)
    for other in SERVICES:
        if other != service:
            other_labels = _deployment(other)["spec"]["template"]["metadata"]["labels"]
            assert not _selects(svc["spec"]["selector"], other_labels)


@pytest.mark.parametrize("service", SERVICES)
def test_migration_job_runs_migrate_for_its_service(service: str) -> None:
    job = _migration_job(service)
    assert job["metadata"]["labels"][COMPONENT] == "migration"
    spec = job["spec"]
    assert spec["backoffLimit"] == 3
    assert spec["ttlSecondsAfterFinished"] > 0
    assert spec["template"]["spec"]["restartPolicy"] in {"Never", "OnFailure"}
    container = _only_container(spec["template"])
    assert container["image"] == IMAGE
    assert "command" not in container, "the image's ENTRYPOINT is yishi"
    assert container["args"] == ["migrate", service]


def test_topics_job_runs_topics_with_the_kafka_settings() -> None:
    job = _find("Job", "yishi-topics", ALL)
    assert job not in [d for _, d in BASE], "on Strimzi the KafkaTopic resources are the topics"
    container = _only_container(job["spec"]["template"])
    assert container["args"] == ["topics"]
    assert {"configMapRef": {"name": KAFKA_CONFIGMAP}} in container["envFrom"]
