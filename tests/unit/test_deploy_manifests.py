"""The container image and Kubernetes manifests under deploy/, checked offline.

Every manifest is validated against the Kubernetes API schemas bundled with
``kubernetes-validate`` (strict: unknown fields fail), then checked for what the schemas
cannot see: each service has its Deployment, Service, PodDisruptionBudget and migration
Job; probes hit the health endpoints on the container port; database URLs come from the
Secret only; the kustomization lists every manifest; the Dockerfile runs ``yishi`` as a
non-root user and copies only paths that exist. No network, no Docker, no cluster.
"""

import ast
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.kit.auth import AuthSettings
from kubernetes_validate import utils as kubernetes_validate

from services.system.cli import SERVICES
from services.kit.settings import KafkaSettings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"
EXAMPLES = K8S / "examples"
DOCKERFILE = DEPLOY / "container" / "Dockerfile"
README = DEPLOY / "README.md"

KUBERNETES_VERSION = "1.30.0"
NAMESPACE = "yishi"
IMAGE = "yishi"  # the kustomize image name every base manifest uses
DATABASE_SECRET = "yishi-database-urls"
KAFKA_CONFIGMAP = "yishi-kafka"
CONTAINER_PORT = 8080
COMPONENT = "app.kubernetes.io/component"
NAME = "app.kubernetes.io/name"
CLUSTER_SCOPED = {"Namespace"}
POD_OWNERS = {"Deployment", "Job"}


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


# --- schema validation ------------------------------------------------------------------


def test_there_are_manifests_to_check() -> None:
    assert BASE_FILES and EXAMPLE_FILES
    assert len(BASE) >= 4 * len(SERVICES)


@pytest.mark.parametrize("item", ALL, ids=_id)
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
    assert deployment["spec"]["replicas"] == 2


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
    assert pdb["spec"]["minAvailable"] == 1 < deployment["spec"]["replicas"]

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
    container = _only_container(_find("Job", "yishi-topics")["spec"]["template"])
    assert container["args"] == ["topics"]
    assert {"configMapRef": {"name": KAFKA_CONFIGMAP}} in container["envFrom"]


# --- configuration and secrets ----------------------------------------------------------


@pytest.mark.parametrize("owner, template", POD_TEMPLATES, ids=[owner for owner, _ in POD_TEMPLATES])
def test_database_urls_come_from_the_secret_never_a_literal(owner: str, template: dict[str, Any]) -> None:
    service = template["metadata"]["labels"][NAME]
    for container in template["spec"]["containers"]:
        for source in container.get("envFrom", []):
            assert "secretRef" not in source, f"{owner}: envFrom a Secret would hand over every service's URL"
        for name, var in _env(container).items():
            if not name.endswith("_DATABASE_URL"):
                continue
            assert name == f"YISHI_{service.upper()}_DATABASE_URL", f"{owner}: {name} is another service's database"
            assert "value" not in var, f"{owner}: {name} is a literal"
            assert var["valueFrom"]["secretKeyRef"] == {"name": DATABASE_SECRET, "key": f"{service}-database-url"}


@pytest.mark.parametrize("service", SERVICES)
def test_service_and_migration_get_their_database_url(service: str) -> None:
    for owner in (_deployment(service), _migration_job(service)):
        env = _env(_only_container(owner["spec"]["template"]))
        assert f"YISHI_{service.upper()}_DATABASE_URL" in env


@pytest.mark.parametrize("service", SERVICES)
def test_services_read_the_shared_kafka_settings(service: str) -> None:
    container = _only_container(_deployment(service)["spec"]["template"])
    assert {"configMapRef": {"name": KAFKA_CONFIGMAP}} in container["envFrom"]


def test_kafka_configmap_sets_only_known_kafka_settings() -> None:
    data = _find("ConfigMap", KAFKA_CONFIGMAP)["data"]
    known = {f"YISHI_KAFKA_{field.upper()}" for field in KafkaSettings.model_fields}
    assert set(data) <= known, f"unknown settings: {sorted(set(data) - known)}"
    assert data["YISHI_KAFKA_BOOTSTRAP_SERVERS"]
    assert data["YISHI_KAFKA_REPLICATION_FACTOR"] == "3"
    assert int(data["YISHI_KAFKA_PARTITIONS"]) >= 2 * max(
        d["spec"]["replicas"] for _, d in BASE if d["kind"] == "Deployment"
    ), "consumer parallelism is bounded by the partition count"


def test_the_secret_is_only_an_example_outside_the_base() -> None:
    assert not [doc for _, doc in BASE if doc["kind"] == "Secret"], "apply -k would overwrite real credentials"
    example = [(p, d) for p, d in ALL if d["kind"] == "Secret" and d["metadata"]["name"] == DATABASE_SECRET]
    assert len(example) == 1
    path, secret = example[0]
    assert path.parent == EXAMPLES and ".example." in path.name
    assert secret["metadata"]["name"] == DATABASE_SECRET
    urls = secret["stringData"]
    assert set(urls) == {f"{s}-database-url" for s in SERVICES}
    pattern = re.compile(r"^postgresql://(?P<user>[^:@/]+):(?P<password>[^@/]+)@[^/]+:5432/(?P<db>[^/?]+)$")
    for service in SERVICES:
        url = pattern.match(urls[f"{service}-database-url"])
        assert url, f"{service}: not a postgresql://user:password@host:5432/database URL"
        assert url["db"] == f"yishi_{service}", "each service has its own database"
        assert url["password"] == "CHANGE_ME", "the committed Secret carries example passwords only"


def test_every_example_secret_is_outside_the_base_with_example_values_only() -> None:
    secrets = [(p, d) for p, d in ALL if d["kind"] == "Secret"]
    assert {d["metadata"]["name"] for _, d in secrets} == {DATABASE_SECRET, "yishi-application-secrets"}
    for path, secret in secrets:
        assert path.parent == EXAMPLES and ".example." in path.name
        assert all("CHANGE_ME" in value for value in secret["stringData"].values())


@pytest.mark.parametrize("service", SERVICES)
def test_services_verify_tokens_with_the_auth_settings(service: str) -> None:
    deployment = _find("Deployment", f"yishi-{service}", BASE)
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert {"configMapRef": {"name": "yishi-auth"}} in container.get("envFrom", [])
    auth = _find("ConfigMap", "yishi-auth", BASE)
    assert set(auth["data"]) <= {f"YISHI_AUTH_{f.upper()}" for f in AuthSettings.model_fields}
    assert "YISHI_AUTH_JWT_KEY" not in auth["data"], "a shared HS256 key is for development only"


def test_publication_keys_residents_with_a_secret_salt() -> None:
    deployment = _find("Deployment", "yishi-publication", BASE)
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    env = {v["name"]: v for v in container["env"]}
    ref = env["YISHI_PUBLICATION_RESIDENT_SALT"]["valueFrom"]["secretKeyRef"]
    assert ref == {"name": "yishi-application-secrets", "key": "resident-salt"}


def test_referenced_configmaps_and_secrets_exist() -> None:
    names = {(d["kind"], d["metadata"]["name"]) for _, d in ALL}
    for owner, template in _pod_templates():
        for container in template["spec"]["containers"]:
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    assert ("ConfigMap", source["configMapRef"]["name"]) in names, owner
            for var in container.get("env", []):
                ref = var.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    secret = _find("Secret", ref["name"], ALL)
                    assert ref["key"] in secret["stringData"], f"{owner}: no key {ref['key']!r}"


# --- pod hardening ----------------------------------------------------------------------


@pytest.mark.parametrize("owner, template", POD_TEMPLATES, ids=[owner for owner, _ in POD_TEMPLATES])
def test_pods_run_as_non_root_on_a_read_only_root_filesystem(owner: str, template: dict[str, Any]) -> None:
    pod = template["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["automountServiceAccountToken"] is False
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    for container in pod["containers"]:
        ctx = container["securityContext"]
        assert ctx["readOnlyRootFilesystem"] is True
        assert ctx["allowPrivilegeEscalation"] is False
        assert ctx["capabilities"]["drop"] == ["ALL"]
        tmp = [m for m in container.get("volumeMounts", []) if m["mountPath"] == "/tmp"]
        assert tmp, f"{owner}: /tmp must be writable"
        assert "emptyDir" in volumes[tmp[0]["name"]]
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"])
        assert "memory" in resources["limits"]


# --- kustomization and image ------------------------------------------------------------


def test_kustomization_lists_every_manifest_once() -> None:
    resources = KUSTOMIZATION["resources"]
    assert len(resources) == len(set(resources)), "a resource is listed twice"
    assert set(resources) == {p.name for p in BASE_FILES}, (
        f"missing: {sorted({p.name for p in BASE_FILES} - set(resources))}, "
        f"not a file: {sorted(set(resources) - {p.name for p in BASE_FILES})}"
    )


def _project_version() -> str:
    with (REPO / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["project"]["version"]


def test_the_image_is_set_once_with_an_explicit_tag() -> None:
    (image,) = KUSTOMIZATION["images"]
    assert image["name"] == IMAGE
    assert image["newName"].count("/") >= 1, "a registry path"
    assert image["newTag"] == _project_version(), "the deployed tag follows the project version"
    for owner, template in _pod_templates(BASE):
        for container in template["spec"]["containers"]:
            assert container["image"] == IMAGE, f"{owner}: set the image in kustomization.yaml only"
    full = f"{image['newName']}:{image['newTag']}"
    for owner, template in _pod_templates([(p, d) for p, d in ALL if p.parent == EXAMPLES]):
        for container in template["spec"]["containers"]:
            assert container["image"] == full, f"{owner}: examples are applied without kustomize"


def test_rebuild_example_is_a_suspended_rebuild_job() -> None:
    jobs = [d for p, d in ALL if p.parent == EXAMPLES and d["kind"] == "Job"]
    assert jobs
    for job in jobs:
        service = job["spec"]["template"]["metadata"]["labels"][NAME]
        assert service in SERVICES
        assert job["spec"]["suspend"] is True
        assert _only_container(job["spec"]["template"])["args"] == ["rebuild", service]


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (with kustomize) is not installed")
def test_kustomize_renders_the_base_with_the_image() -> None:
    out = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    rendered = [d for d in yaml.load_all(out, Loader=YAML_LOADER) if d]
    assert len(rendered) == len(BASE)
    (image,) = KUSTOMIZATION["images"]
    for doc in rendered:
        if doc["kind"] in POD_OWNERS:
            for container in doc["spec"]["template"]["spec"]["containers"]:
                assert container["image"] == f"{image['newName']}:{image['newTag']}"


# --- Dockerfile -------------------------------------------------------------------------


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    assert not pending, "the Dockerfile ends in a line continuation"
    result = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        result.append((keyword.upper(), rest.strip()))
    return result


def _args() -> dict[str, str]:
    return {
        name: value
        for keyword, rest in _instructions()
        if keyword == "ARG" and "=" in rest
        for name, _, value in [rest.partition("=")]
    }


def _copies() -> list[tuple[list[str], str]]:
    """(sources, destination) of every COPY from the build context (not --from a stage)."""
    copies = []
    for keyword, rest in _instructions():
        if keyword not in {"COPY", "ADD"}:
            continue
        words = shlex.split(rest)
        flags = [w for w in words if w.startswith("--")]
        paths = [w for w in words if not w.startswith("--")]
        if any(f.startswith("--from=") for f in flags):
            continue
        copies.append((paths[:-1], paths[-1]))
    return copies


def test_dockerfile_is_multi_stage_on_python_311_slim() -> None:
    args = _args()
    bases = [rest.split()[0] for keyword, rest in _instructions() if keyword == "FROM"]
    assert len(bases) >= 2, "multi-stage"
    resolved = [re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], b) for b in bases]
    assert all(b == "python:3.11-slim" for b in resolved), resolved
    assert any(k == "COPY" and "--from=" in r for k, r in _instructions()), "the runtime copies the build's venv"


def test_dockerfile_installs_contracts_and_the_project_non_editable_without_dev_extras() -> None:
    runs = " ".join(rest for keyword, rest in _instructions() if keyword == "RUN")
    installs = re.findall(r"pip install ([^&;]+)", runs)
    targets = [w for command in installs for w in shlex.split(command) if not w.startswith("-")]
    assert "./contracts" in targets and "." in targets
    assert not re.search(r"(^|\s)(-e|--editable)(\s|$)", " ".join(installs))
    assert not any("[" in t for t in targets), "no extras (the dev extra is for tests only)"


def test_dockerfile_runs_yishi_as_a_non_root_user() -> None:
    instructions = _instructions()
    last_from = max(i for i, (k, _) in enumerate(instructions) if k == "FROM")
    users = [rest for k, rest in instructions[last_from:] if k == "USER"]
    assert users, "the runtime stage must set USER"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    entrypoints = [rest for k, rest in instructions if k == "ENTRYPOINT"]
    assert json.loads(entrypoints[-1]) == ["yishi"], "exec-form ENTRYPOINT [\"yishi\"]"
    cmds = [rest for k, rest in instructions if k == "CMD"]
    assert cmds and isinstance(json.loads(cmds[-1]), list), "exec-form default CMD"
    exposed = [rest for k, rest in instructions if k == "EXPOSE"]
    assert exposed and int(exposed[-1].split("/")[0]) == CONTAINER_PORT


def test_dockerfile_uid_matches_the_pods() -> None:
    user = [rest for k, rest in _instructions() if k == "USER"][-1].split(":")[0]
    assert user.isdigit(), "a numeric USER lets runAsNonRoot verify it"
    for owner, template in _pod_templates():
        assert template["spec"]["securityContext"]["runAsUser"] == int(user), owner


def test_dockerfile_copy_sources_exist_in_the_repository() -> None:
    copies = _copies()
    assert copies
    for sources, _ in copies:
        for source in sources:
            assert not Path(source).is_absolute() and ".." not in Path(source).parts, source
            assert (REPO / source).exists(), f"COPY {source}: no such path in the repository"


# --- the .dockerignore suggested in deploy/README.md ------------------------------------


def _suggested_dockerignore() -> list[str]:
    text = README.read_text(encoding="utf-8")
    at = text.index("`.dockerignore`")
    block = re.search(r"```[^\n]*\n(.*?)```", text[at:], re.S)
    assert block, "deploy/README.md must suggest a .dockerignore"
    return [line.strip() for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def _ignored(path: str, patterns: list[str]) -> bool:
    """Docker's matching, enough for these patterns: '**' spans directories, the rest per part."""

    def match(pattern: list[str], parts: list[str]) -> bool:
        if not pattern:
            return True  # a match of a directory excludes everything below it
        if pattern[0] == "**":
            return any(match(pattern[1:], parts[i:]) for i in range(len(parts) + 1))
        return bool(parts) and fnmatch.fnmatchcase(parts[0], pattern[0]) and match(pattern[1:], parts[1:])

    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        parts = pattern.lstrip("!").strip("/").split("/")
        if match(parts, path.split("/")):
            ignored = not negate
    return ignored


def test_suggested_dockerignore_keeps_everything_the_build_copies() -> None:
    patterns = _suggested_dockerignore()
    assert {".git", ".venv"} <= set(patterns)
    assert _ignored(".venv/bin/python", patterns) and _ignored("services/kit/__pycache__/cli.pyc", patterns)
    for sources, _ in _copies():
        for source in sources:
            root = REPO / source
            files = [root] if root.is_file() else [Path(d) / f for d, _, fs in os.walk(root) for f in fs]
            for file in files:
                rel = file.relative_to(REPO).as_posix()
                if "__pycache__" in rel or rel.endswith(".pyc") or ".egg-info" in rel:
                    continue
                assert not _ignored(rel, patterns), f"the suggested .dockerignore drops {rel}, which COPY needs"
