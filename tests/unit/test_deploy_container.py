"""The container image's Dockerfile under deploy/container, and the .dockerignore deploy/README.md suggests.

The Dockerfile is a multi-stage build on python:3.11-slim that installs contracts and the
project (non-editable, no extras) and runs ``yishi`` as the non-root user the pods run as;
it copies only paths that exist, and the suggested .dockerignore drops none of them.
"""

import fnmatch
import json
import os
import re
import shlex
from pathlib import Path

from tests.unit.test_deploy_manifests import CONTAINER_PORT, DOCKERFILE, README, REPO, _pod_templates


# --- Dockerfile -------------------------------------------------------------------------


WEB_DOCKERFILE = REPO / "deploy" / "container" / "web.Dockerfile"


def _instructions(dockerfile: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in dockerfile.read_text(encoding="utf-8").splitlines():
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
    """The services' pods run as their image's user, the web's (nginx) as its own image's."""
    users = {image: [rest for k, rest in _instructions(path) if k == "USER"][-1].split(":")[0]
             for image, path in (("yishi", DOCKERFILE), ("yishi-web", WEB_DOCKERFILE))}
    assert all(user.isdigit() for user in users.values()), "a numeric USER lets runAsNonRoot verify it"
    for owner, template in _pod_templates():
        image = "yishi-web" if owner.endswith("Deployment/yishi-web") else "yishi"
        assert template["spec"]["securityContext"]["runAsUser"] == int(users[image]), owner


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
