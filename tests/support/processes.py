"""Yishi services as separate OS processes (``yishi serve``), for end-to-end tests."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from deploy.localstack import free_port

ROOT = Path(__file__).resolve().parents[2]
TEST_JWT_KEY = "yishi-tests-shared-hs256-key-0123456789abcdef"


def token(sub: str, *roles: str, scope: str) -> dict[str, str]:
    """An Authorization header for an actor, signed with the key the test services use."""
    from services.kit.auth import mint_token

    return {"Authorization": f"Bearer {mint_token(TEST_JWT_KEY, sub=sub, roles=list(roles), scope=scope)}"}


def service_env(infra, prefix: str, databases: dict[str, str], **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "YISHI_KAFKA_BOOTSTRAP_SERVERS": infra.bootstrap_servers,
        "YISHI_KAFKA_TOPIC_PREFIX": prefix,
        "YISHI_KAFKA_SESSION_TIMEOUT_MS": "6000",
        "YISHI_KAFKA_HEARTBEAT_INTERVAL_MS": "500",
        "YISHI_AUTH_JWT_KEY": TEST_JWT_KEY,
        "YISHI_PUBLICATION_RESIDENT_SALT": "e2e-resident-salt",
        "YISHI_RECEIPT_SECRET": "e2e-receipt-secret-shared-by-intake-and-publication",
        **extra,
    }
    for service, url in databases.items():
        env[f"YISHI_{service.upper()}_DATABASE_URL"] = url
        env[f"YISHI_{service.upper()}_RELAY_POLL_SECONDS"] = "0.5"
        env[f"YISHI_{service.upper()}_SHUTDOWN_GRACE_SECONDS"] = "5"
    return env


def yishi(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "services.system.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )


class ServiceProcess:
    def __init__(self, service: str, env: dict[str, str], log_dir: Path) -> None:
        self.service = service
        self.port = free_port()
        self.env = env
        self.log_path = log_dir / f"{service}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "ServiceProcess":
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "services.system.cli", "serve", self.service, "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.service} exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/health/ready", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.process.kill()  # never leave a half-started service behind
        self.process.wait()
        raise RuntimeError(f"{self.service} not ready after {timeout}s:\n{self.log_tail()}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self, timeout: float = 30) -> int:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
