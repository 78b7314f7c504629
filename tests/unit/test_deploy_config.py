"""Configuration, secrets, pod hardening and the kustomization of deploy/k8s, checked offline.

Database URLs come from the Secret only, each service's own; the Secrets are examples
outside the base; the Kafka and auth ConfigMaps set only settings the code knows; every pod
runs unprivileged on a read-only root filesystem; the kustomization lists every manifest
and sets the image once, and kustomize renders it.
"""

import re
import shutil
import subprocess
import tomllib
from typing import Any

import pytest
import yaml

from services.kit.auth import AuthSettings
from services.kit.settings import KafkaSecurity, KafkaSettings
from services.system.cli import SERVICES
from tests.unit.test_deploy_manifests import (
    ALL, BASE, BASE_FILES, COMPONENT, DATABASE_SECRET, EXAMPLES, IMAGE, K8S, KAFKA_CONFIGMAP, KUSTOMIZATION, NAME, WEB_IMAGE,
    POD_OWNERS, POD_TEMPLATES, REPO, YAML_LOADER, _deployment, _env, _find, _migration_job, _only_container,
    _pod_templates,
)


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
    fields = (*KafkaSettings.model_fields, *KafkaSecurity.model_fields)
    known = {f"YISHI_KAFKA_{field.upper()}" for field in fields if field != "security"}
    assert set(data) <= known, f"unknown settings: {sorted(set(data) - known)}"
    assert data["YISHI_KAFKA_BOOTSTRAP_SERVERS"]
    assert data["YISHI_KAFKA_REPLICATION_FACTOR"] == "3"
    assert int(data["YISHI_KAFKA_PARTITIONS"]) >= max(
        d["spec"]["maxReplicaCount"] for _, d in BASE if d["kind"] == "ScaledObject"
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


def test_intake_and_publication_and_no_other_service_read_the_receipt_secret() -> None:
    readers = set()
    for service in ("intake", "council", "meeting", "publication"):
        deployment = _find("Deployment", f"yishi-{service}", BASE)
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        env = {v["name"]: v for v in container.get("env", [])}
        if "YISHI_RECEIPT_SECRET" in env:
            readers.add(service)
            ref = env["YISHI_RECEIPT_SECRET"]["valueFrom"]["secretKeyRef"]
            assert ref == {"name": "yishi-application-secrets", "key": "receipt-secret"}
    assert readers == {"intake", "publication"}


def test_referenced_configmaps_and_secrets_exist() -> None:
    names = {(d["kind"], d["metadata"]["name"]) for _, d in ALL}
    for owner, template in _pod_templates():
        for container in template["spec"]["containers"]:
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    assert ("ConfigMap", source["configMapRef"]["name"]) in names, owner
            for var in container.get("env", []):
                ref = var.get("valueFrom", {}).get("secretKeyRef")
                if ref and ("KafkaUser", ref["name"]) in names:
                    assert ref["key"] == "password", f"{owner}: Strimzi's user Secret holds 'password'"
                elif ref:
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
    images = {i["name"]: i for i in KUSTOMIZATION["images"]}
    assert set(images) == {IMAGE, WEB_IMAGE}, "the services' image and the web's"
    for image in images.values():
        assert image["newName"].count("/") >= 1, "a registry path"
        assert image["newTag"] == _project_version(), "the deployed tag follows the project version"
    image = images[IMAGE]
    for owner, template in _pod_templates(BASE):
        for container in template["spec"]["containers"]:
            expected = WEB_IMAGE if owner.startswith("web.yaml:") else IMAGE
            assert container["image"] == expected, f"{owner}: set the image in kustomization.yaml only"
    full = f"{image['newName']}:{image['newTag']}"
    for owner, template in _pod_templates([(p, d) for p, d in ALL if p.parent == EXAMPLES]):
        for container in template["spec"]["containers"]:
            assert container["image"] == full, f"{owner}: examples are applied without kustomize"


def test_rebuild_example_is_a_suspended_rebuild_job() -> None:
    examples = [d for p, d in ALL if p.parent == EXAMPLES and d["kind"] == "Job"]
    jobs = [job for job in examples if job["metadata"]["labels"][COMPONENT] == "rebuild"]
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
    images = {i["name"]: f"{i['newName']}:{i['newTag']}" for i in KUSTOMIZATION["images"]}
    for doc in rendered:
        if doc["kind"] in POD_OWNERS:
            web = doc["metadata"]["name"] == "yishi-web"
            for container in doc["spec"]["template"]["spec"]["containers"]:
                assert container["image"] == images[WEB_IMAGE if web else IMAGE]
