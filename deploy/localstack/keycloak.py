"""Keycloak, the dev stack's OpenID Connect provider, run as a local JVM process.

The distribution is Maven Central's ``org.keycloak:keycloak-quarkus-dist`` zip, unpacked once
into ~/.cache/yishi/keycloak/<version>/dist. Each LocalKeycloak gets a home of its own under
its state dir (``conf`` and ``data`` private, the distribution's jars shared by links), so two
can run at once. It starts in development mode with an in-memory database and imports the
``yishi`` realm (deploy/keycloak/yishi-realm.json: a user for each role of two communities
of one street, password ``yishi-demo``) at every start.

Behind the dev stack's gateway it serves under ``relative_path`` (``/auth``) and is told its
``public_url`` (the gateway's ``/auth``): the issuer of every token is then the URL the
browser signs in at, however a token was fetched; the back channel (JWKS) may still go direct.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path
from typing import Optional

from . import _proc
from ._proc import HOST, LocalStackError

REALM_FILE = Path(__file__).resolve().parents[1] / "keycloak" / "yishi-realm.json"
REALM = "yishi"
ARTIFACT = "org.keycloak:keycloak-quarkus-dist:{version}:zip"


def default_cache_dir(version: str) -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "yishi" / "keycloak" / version


class LocalKeycloak:
    def __init__(
        self,
        state_dir: str | os.PathLike,
        port: int = 8180,
        management_port: int = 9180,
        console_origin: str = "http://127.0.0.1:8080",
        version: str = "26.4.7",
        heap: str = "512m",
        relative_path: str = "",
        public_url: Optional[str] = None,
    ) -> None:
        self.state_dir = Path(state_dir).resolve()
        self.port = int(port)
        self.management_port = int(management_port)
        self.console_origin = console_origin.rstrip("/")
        self.version = version
        self.heap = heap
        self.relative_path = "/" + relative_path.strip("/") if relative_path.strip("/") else ""
        self.public_url = public_url.rstrip("/") if public_url else None
        self.cache_dir = default_cache_dir(version)
        self.home = self.state_dir / "home"
        self.out_file = self.state_dir / "keycloak.out"
        self.pid_file = self.state_dir / "keycloak.pid"
        self._proc: Optional[subprocess.Popen] = None
        self.last_start_seconds: Optional[float] = None

    @property
    def url(self) -> str:
        """Where Keycloak itself answers (the back channel)."""
        return f"http://{HOST}:{self.port}{self.relative_path}"

    @property
    def issuer(self) -> str:
        return f"{self.public_url or self.url}/realms/{REALM}"

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/realms/{REALM}/protocol/openid-connect/certs"

    @property
    def pid(self) -> Optional[int]:
        return _proc.read_pid(self.pid_file)

    @property
    def dist(self) -> Path:
        return self.cache_dir / "dist"

    def fetch(self) -> Path:
        """Resolve the distribution zip with Maven (cached in ~/.m2) and unpack it once."""
        marker = self.cache_dir / ".complete"
        if marker.exists():
            return self.dist
        mvn = shutil.which("mvn")
        if mvn is None:
            raise LocalStackError("Maven (`mvn`) is needed to fetch Keycloak: `apt-get install maven`")
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with open(self.cache_dir.parent / f".{self.version}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if marker.exists():
                return self.dist
            download = self.cache_dir / "download"
            _proc.run(
                [mvn, "-B", "-q", "dependency:copy", f"-Dartifact={ARTIFACT.format(version=self.version)}",
                 f"-DoutputDirectory={download}", "-Dmdep.stripVersion=true", "-Dstyle.color=never"],
                f"fetching Keycloak {self.version} with Maven", timeout=1800,
            )
            partial = self.cache_dir / "dist.partial"
            shutil.rmtree(partial, ignore_errors=True)
            with zipfile.ZipFile(download / "keycloak-quarkus-dist.zip") as archive:
                archive.extractall(partial)
            (top,) = partial.iterdir()
            for script in (top / "bin").glob("*.sh"):
                script.chmod(0o755)
            shutil.rmtree(self.dist, ignore_errors=True)
            os.replace(top, self.dist)
            shutil.rmtree(partial, ignore_errors=True)
            shutil.rmtree(download, ignore_errors=True)
            marker.write_text(self.version + "\n")
        return self.dist

    def _prepare_home(self) -> None:
        """A home of its own: bin and conf copied, jars, providers and themes linked, data private."""
        shutil.rmtree(self.home, ignore_errors=True)
        self.home.mkdir(parents=True)
        for name in ("bin", "conf"):
            shutil.copytree(self.dist / name, self.home / name)
        for name in ("providers", "themes", "version.txt"):
            (self.home / name).symlink_to(self.dist / name)
        # lib/ holds the augmented Quarkus build: copied once per home keeps homes independent.
        # A build already augmented for these options (the relative path is one) is reused.
        lib = self._augmented_lib if self._augmented_lib.exists() else self.dist / "lib"
        shutil.copytree(lib, self.home / "lib", symlinks=True)
        imports = self.home / "data" / "import"
        imports.mkdir(parents=True)
        realm = REALM_FILE.read_text(encoding="utf-8").replace("${YISHI_CONSOLE_ORIGIN}", self.console_origin)
        json.loads(realm)  # fail here, not inside Keycloak, on a broken realm file
        (imports / "yishi-realm.json").write_text(realm, encoding="utf-8")

    @property
    def _augmented_lib(self) -> Path:
        return self.cache_dir / f"lib-augmented{self.relative_path.replace('/', '-')}"

    def _keep_augmented_lib(self) -> None:
        """After a first start, keep its augmented lib/: the next home skips the ~1-2 min re-augmentation."""
        if self._augmented_lib.exists():
            return
        partial = self.cache_dir / f".{self._augmented_lib.name}.{os.getpid()}"
        shutil.copytree(self.home / "lib", partial, symlinks=True)
        try:
            os.rename(partial, self._augmented_lib)
        except OSError:  # another start kept it first
            shutil.rmtree(partial, ignore_errors=True)

    def is_running(self) -> bool:
        if self._proc is not None:
            self._proc.poll()
        return _proc.pid_alive(self.pid, comm=("kc.sh", "java"))

    def is_ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/realms/{REALM}/.well-known/openid-configuration", timeout=2) as answer:
                return answer.status == 200
        except OSError:
            return False

    def start(self, timeout: float = 420.0) -> "LocalKeycloak":
        if self.is_running():
            _proc.wait_until(self.is_ready, timeout, f"Keycloak on {self.url}", interval=0.5)
            return self
        _proc.ensure_port_free(self.port, "Keycloak", "YISHI_KEYCLOAK_PORT")
        _proc.ensure_port_free(self.management_port, "Keycloak's management port", "YISHI_KEYCLOAK_MANAGEMENT_PORT")
        self.fetch()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._prepare_home()
        t0 = time.monotonic()
        env = {**os.environ, "JAVA_OPTS_KC_HEAP": f"-Xms128m -Xmx{self.heap}",
               "KC_BOOTSTRAP_ADMIN_USERNAME": "admin", "KC_BOOTSTRAP_ADMIN_PASSWORD": "yishi-admin"}
        cmd = [str(self.home / "bin" / "kc.sh"), "start-dev", "--import-realm", "--db=dev-mem",
               f"--http-host={HOST}", f"--http-port={self.port}", f"--http-management-port={self.management_port}",
               "--cache=local", "--log-console-color=false"]
        if self.relative_path:
            cmd.append(f"--http-relative-path={self.relative_path}")
        if self.public_url:
            # The frontend URL is fixed (the issuer); back-channel calls may use the direct URL.
            cmd += [f"--hostname={self.public_url}", "--hostname-backchannel-dynamic=true"]
        else:
            cmd.append("--hostname-strict=false")
        with open(self.out_file, "ab") as out:
            self._proc = subprocess.Popen(cmd, cwd=self.home, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                          stderr=subprocess.STDOUT, start_new_session=True)
        _proc.write_pid(self.pid_file, self._proc.pid)
        try:
            _proc.wait_until(self.is_ready, timeout, f"Keycloak on {self.url}",
                             diagnose=lambda: _proc.tail(self.out_file, 30),
                             abort=lambda: None if self.is_running() else "the Keycloak process exited",
                             interval=0.5)
        except BaseException:
            self.kill()
            raise
        self.last_start_seconds = time.monotonic() - t0
        self._keep_augmented_lib()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        pid = self.pid
        if pid and self.is_running():
            _proc.terminate(pid, timeout, reap=self._reap)
        self._reap()
        self.pid_file.unlink(missing_ok=True)

    def kill(self) -> None:
        pid = self.pid
        if pid and self.is_running():
            _proc.signal_group(pid, 9)
            _proc.wait_gone(pid, 10.0, reap=self._reap)
        self._reap()
        self.pid_file.unlink(missing_ok=True)

    def _reap(self) -> None:
        if self._proc is not None and self._proc.poll() is not None:
            self._proc = None

    def password_token(self, username: str, password: str = "yishi-demo") -> str:
        """A user's access token by the direct grant of the development-only ``yishi-cli`` client."""
        data = urllib.parse.urlencode({"grant_type": "password", "client_id": "yishi-cli", "username": username,
                                       "password": password, "scope": "openid"}).encode()
        request = urllib.request.Request(f"{self.url}/realms/{REALM}/protocol/openid-connect/token", data=data)
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())["access_token"]
