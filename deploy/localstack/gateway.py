"""The dev stack's one origin: Debian's nginx as an unprivileged local process.

It serves the built web (services/web/dist: /console/ and /resident/), proxies
/api/<service>/ to each service with the prefix stripped, and /auth/ to Keycloak (which
serves under /auth itself). So the browser talks to one host and no CORS is needed. The
config is written from deploy/nginx/gateway.conf.template at every start into the
gateway's own state dir, next to its pid, logs and temp files.
"""

from __future__ import annotations

import os
import re
import shutil
import string
import subprocess
from pathlib import Path
from typing import Mapping, Optional

from . import _proc
from ._proc import HOST, LocalStackError

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx" / "gateway.conf.template"
DIST = ROOT / "services" / "web" / "dist"


class _Placeholders(string.Template):
    # Only ${UPPER_CASE} is ours; nginx's own $uri, $host... are left alone.
    pattern = r"\$\{(?P<braced>[A-Z_]+)\}(?P<named>)(?P<escaped>)(?P<invalid>)"


def find_nginx() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if found is None:
        raise LocalStackError("nginx is needed for the gateway: `apt-get install nginx-light`")
    return found


class LocalGateway:
    def __init__(
        self,
        state_dir: str | os.PathLike,
        port: int,
        upstreams: Mapping[str, int],
        keycloak_port: int,
        dist_dir: str | os.PathLike = DIST,
    ) -> None:
        self.state_dir = Path(state_dir).resolve()
        self.port = int(port)
        self.upstreams = dict(upstreams)
        self.keycloak_port = int(keycloak_port)
        self.dist_dir = Path(dist_dir).resolve()
        self.conf_file = self.state_dir / "nginx.conf"
        self.pid_file = self.state_dir / "run" / "nginx.pid"
        self.log_file = self.state_dir / "logs" / "error.log"
        self._proc: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> Optional[int]:
        return _proc.read_pid(self.pid_file)

    def render(self) -> str:
        for name in self.upstreams:
            if not re.fullmatch(r"[a-z]+", name):
                raise LocalStackError(f"not a service name for a gateway path: {name!r}")
        apis = "\n".join(
            f"        location /api/{name}/ {{\n"
            f"            proxy_pass http://{HOST}:{port}/;\n"
            f"            proxy_set_header Host $http_host;\n"
            f"            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
            f"            proxy_set_header X-Forwarded-Prefix /api/{name};\n"
            f"        }}"
            for name, port in self.upstreams.items()
        )
        # As root, nginx's workers must drop to an unprivileged user (it refuses `user` otherwise).
        user = "user nobody nogroup;" if _proc.is_root() else ""
        return _Placeholders(TEMPLATE.read_text(encoding="utf-8")).substitute(
            USER_DIRECTIVE=user, HOST=HOST, PORT=str(self.port), KEYCLOAK_PORT=str(self.keycloak_port),
            RUN_DIR=str(self.pid_file.parent), LOG_DIR=str(self.log_file.parent),
            TEMP_DIR=str(self.state_dir / "temp"), DIST_DIR=str(self.dist_dir), API_LOCATIONS=apis,
        )

    def _prepare(self) -> None:
        if not (self.dist_dir / "console" / "index.html").exists():
            raise LocalStackError(
                f"the web is not built ({self.dist_dir} has no console/index.html): "
                "run `npm ci && npm run build` in services/web (deploy/dev does)"
            )
        for sub in ("run", "logs", "temp"):
            (self.state_dir / sub).mkdir(parents=True, exist_ok=True)
        if _proc.is_root():
            _proc.chown_tree(self.state_dir / "temp", "nobody")
        self.conf_file.write_text(self.render(), encoding="utf-8")
        _proc.run([find_nginx(), "-t", "-q", "-p", str(self.state_dir), "-c", str(self.conf_file),
                   "-e", str(self.log_file)], "checking the gateway's nginx config", timeout=30)

    def is_running(self) -> bool:
        if self._proc is not None:
            self._proc.poll()
        return _proc.pid_alive(self.pid, comm=("nginx",))

    def is_ready(self) -> bool:
        return _proc.port_answers(self.port)

    def start(self, timeout: float = 20.0) -> "LocalGateway":
        if self.is_running():
            return self
        _proc.ensure_port_free(self.port, "the gateway", "YISHI_GATEWAY_PORT")
        self._prepare()
        with open(self.state_dir / "logs" / "nginx.out", "ab") as out:
            self._proc = subprocess.Popen(
                [find_nginx(), "-p", str(self.state_dir), "-c", str(self.conf_file), "-e", str(self.log_file)],
                cwd=self.state_dir, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _proc.wait_until(self.is_ready, timeout, f"the gateway on {self.url}",
                             diagnose=lambda: _proc.tail(self.log_file),
                             abort=lambda: None if self._proc.poll() is None else "nginx exited")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 15.0) -> None:
        pid = self.pid or (self._proc.pid if self._proc else None)
        if pid and _proc.pid_alive(pid, comm=("nginx",)):
            _proc.terminate(pid, timeout, reap=self._reap)
        self._reap()
        self.pid_file.unlink(missing_ok=True)

    def _reap(self) -> None:
        if self._proc is not None and self._proc.poll() is not None:
            self._proc = None
