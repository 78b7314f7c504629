"""The four Yishi services as detached local processes (``yishi serve``), for the dev stack.

Each has a pid file under ``<home>/run`` and a log under ``<home>/logs``; ``start`` is a
no-op when the service already runs, ``stop`` sends SIGTERM (the service drains its
consumer and commits) and waits.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from services.system.catalog import DEFAULT_PORTS

from ._proc import LocalStackError, ensure_port_free, pid_alive, read_pid, tail, terminate, wait_until, write_pid

REPO = Path(__file__).resolve().parents[2]


class LocalService:
    def __init__(self, service: str, home: Path, env: dict[str, str]) -> None:
        self.service = service
        self.env = env
        var = f"YISHI_{service.upper()}_HTTP_PORT"
        self.port_var = var
        self.port = int(env.get(var) or DEFAULT_PORTS[service])
        self.pid_file = home / "run" / f"{service}.pid"
        self.log_file = home / "logs" / f"{service}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return read_pid(self.pid_file)

    def is_running(self) -> bool:
        return pid_alive(self.pid)

    def is_ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/health/ready", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def start(self, timeout: float = 60.0) -> LocalService:
        if self.is_running():
            return self
        ensure_port_free(self.port, f"the {self.service} service", self.port_var)
        self.pid_file.parent.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "services.system.cli", "serve", self.service, "--port", str(self.port)],
                cwd=REPO,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        write_pid(self.pid_file, process.pid)
        wait_until(
            self.is_ready,
            timeout,
            f"{self.service} becoming ready on {self.url}",
            diagnose=lambda: tail(self.log_file),
            abort=lambda: None if process.poll() is None else f"exited with status {process.returncode}",
        )
        return self

    def stop(self, timeout: float = 30.0) -> None:
        pid = self.pid
        if pid is not None:
            terminate(pid, timeout)
        self.pid_file.unlink(missing_ok=True)


def auth_env(keycloak) -> dict[str, str]:
    """The services verify Keycloak's tokens by its JWKS (fetched directly, not through the
    gateway); the issuer is the URL the browser signs in at, the gateway's /auth."""
    return {
        "YISHI_AUTH_JWKS_URL": keycloak.jwks_url,
        "YISHI_AUTH_ISSUER": keycloak.issuer,
        "YISHI_AUTH_AUDIENCE": "yishi",
    }


def migrate_all(env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "services.system.cli", "migrate", "all"],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise LocalStackError(f"migrations failed:\n{result.stdout}\n{result.stderr}")
