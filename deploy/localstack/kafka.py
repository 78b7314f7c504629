"""A single-node Apache Kafka (KRaft, combined broker+controller) run as a local JVM process,
plaintext or SASL_SSL; also one node of a LocalKafkaCluster (cluster.py).

The broker's jars come from Maven Central (see kafka-pom.xml next to this file) and are cached
under ~/.cache/yishi/kafka/<version>/libs; nothing needs to be installed besides Java 17+ and Maven.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import ssl
import subprocess
import time
from pathlib import Path
from typing import Mapping, Optional

from . import _kafka_config, _kafka_jars, _proc, tls
from ._kafka_wire import kafka_metadata
from ._kafka_jars import default_cache_dir
from ._proc import HOST, LocalStackError

STARTED_LINE = "Kafka Server started"
SECURITY = ("plaintext", "sasl_ssl")
CLIENT_USER = "yishi"
BROKER_USER = "broker"


class LocalKafka:
    """One KRaft node (broker+controller) on 127.0.0.1, state under state_dir.

    security="sasl_ssl": its only client listener is SASL_SSL (a CA and broker certificate
    made at first start under state_dir/tls; SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN for user
    ``yishi`` with a password generated once, see ``kit_env()``). voters, node_id and
    cluster_id make it one node of a static quorum (LocalKafkaCluster).
    """

    def __init__(
        self,
        state_dir: str | os.PathLike,
        port: int = 9092,
        controller_port: int = 9093,
        version: str = "4.1.1",
        cache_dir: str | os.PathLike | None = None,
        heap: str = "384m",
        extra_config: Optional[Mapping[str, object]] = None,
        security: str = "plaintext",
        node_id: int = 1,
        voters: Optional[Mapping[int, int]] = None,
        cluster_id: Optional[str] = None,
        replication: int = 1,
    ) -> None:
        if security not in SECURITY:
            raise ValueError(f"security={security!r}: use one of {', '.join(SECURITY)}")
        self.state_dir = Path(state_dir).resolve()
        self.port = int(port)
        self.controller_port = int(controller_port)
        self.version = version
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir(version)
        self.heap = heap
        self.extra_config = dict(extra_config or {})
        self.security = security
        self.node_id = node_id
        self.voters = dict(voters) if voters else None
        self.cluster_id = cluster_id
        self.replication = replication
        self.data_dir = self.state_dir / "data"
        self.log_file = self.state_dir / "kafka.log"
        self.out_file = self.state_dir / "kafka.out"
        self.pid_file = self.state_dir / "kafka.pid"
        self.config_file = self.state_dir / "server.properties"
        self.log4j_file = self.state_dir / "log4j2.properties"
        self._proc: Optional[subprocess.Popen] = None
        self._log_offset = 0
        self.last_start_seconds: Optional[float] = None

    # ------------------------------------------------------------------ public

    @property
    def bootstrap_servers(self) -> str:
        return f"{HOST}:{self.port}"

    @property
    def libs_dir(self) -> Path:
        return self.cache_dir / "libs"

    @property
    def pid(self) -> Optional[int]:
        return _proc.read_pid(self.pid_file)

    def fetch(self) -> Path:
        """Resolve the broker's jars from Maven Central into <cache>/libs (once); return that dir."""
        return _kafka_jars.fetch(self.version, self.cache_dir)

    def is_running(self) -> bool:
        if self._proc is not None:
            self._proc.poll()  # reap our own child so a dead broker is not a zombie
        return _proc.pid_alive(self.pid, comm=("java",))

    def metadata(self) -> Optional[dict]:
        """The broker's answer to a Metadata request (authenticated when SASL_SSL), or None."""
        if self.security == "sasl_ssl":
            return kafka_metadata(HOST, self.port, ssl_context=self.client_ssl_context(),
                                  plain=(self.sasl_username, self.sasl_password))
        return kafka_metadata(HOST, self.port)

    def is_ready(self) -> bool:
        meta = self.metadata()
        return bool(meta and meta["brokers"])

    # --------------------------------------------------------- security (sasl_ssl)

    @property
    def sasl_username(self) -> str:
        return CLIENT_USER

    @property
    def sasl_password(self) -> str:
        return self._secret(CLIENT_USER)

    @property
    def ca_file(self) -> Path:
        return tls.tls_files(self.state_dir / "tls").ca_cert

    def client_ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))

    def kit_env(self, mechanism: str = "SCRAM-SHA-512") -> dict[str, str]:
        """The YISHI_KAFKA_* variables a service needs to connect to this broker."""
        env = {"YISHI_KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers}
        if self.security == "sasl_ssl":
            env.update({
                "YISHI_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
                "YISHI_KAFKA_SSL_CAFILE": str(self.ca_file),
                "YISHI_KAFKA_SASL_MECHANISM": mechanism,
                "YISHI_KAFKA_SASL_USERNAME": self.sasl_username,
                "YISHI_KAFKA_SASL_PASSWORD": self.sasl_password,
            })
        return env

    def _secret(self, user: str) -> str:
        """A SASL password made once per state dir (the SCRAM credentials are formatted in)."""
        path = self.state_dir / "sasl" / f"{user}.password"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.parent.chmod(0o700)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(secrets.token_hex(16))
            tmp.chmod(0o600)
            os.replace(tmp, path)
        return path.read_text().strip()

    def start(self, timeout: float = 120.0) -> "LocalKafka":
        """Start the broker (no-op when already running) and wait until it serves metadata."""
        if self.is_running():
            self.wait_ready(timeout)
            return self
        t0 = time.monotonic()
        self.launch()
        try:
            self.wait_ready(timeout)
        except BaseException:
            self.kill()  # leave no half-started broker behind
            raise
        self.last_start_seconds = time.monotonic() - t0
        return self

    def launch(self) -> None:
        """Start the JVM without waiting (a quorum node waits for its peers); see wait_ready()."""
        _proc.ensure_port_free(self.port, "the Kafka broker", "YISHI_KAFKA_PORT")
        _proc.ensure_port_free(self.controller_port, "the Kafka controller", "YISHI_KAFKA_CONTROLLER_PORT")
        self.fetch()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._write_config()
        self._format_once()
        self._log_offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        cmd = self._java() + [f"-Dlog4j2.configurationFile={self.log4j_file}", "kafka.Kafka", str(self.config_file)]
        with open(self.out_file, "ab") as out:
            self._proc = subprocess.Popen(
                cmd, cwd=self.state_dir, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _proc.write_pid(self.pid_file, self._proc.pid)

    def stop(self, timeout: float = 30.0) -> None:
        """Clean shutdown (SIGTERM), SIGKILL after timeout. Harmless when not running."""
        pid = self.pid
        if pid and self.is_running():
            _proc.terminate(pid, timeout, reap=self._reap)
        self._reap()
        self.pid_file.unlink(missing_ok=True)

    def kill(self) -> None:
        """SIGKILL the broker, as a crash would (fault tests)."""
        pid = self.pid
        if pid and self.is_running():
            _proc.signal_group(pid, 9)
            _proc.wait_gone(pid, 10.0, reap=self._reap)
        self._reap()
        self.pid_file.unlink(missing_ok=True)

    def __enter__(self) -> "LocalKafka":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------------ internals

    def _reap(self) -> None:
        if self._proc is not None and self._proc.poll() is not None:
            self._proc = None

    def _java(self) -> list[str]:
        java_home = os.environ.get("JAVA_HOME")
        java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
        if not java or not os.path.exists(java):
            raise LocalStackError("Java 17+ is needed to run Kafka: `apt-get install openjdk-17-jre-headless`")
        return [
            java, f"-Xmx{self.heap}", f"-Xms{self.heap}", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
            "-Djava.awt.headless=true", "-cp", str(self.libs_dir / "*"),
        ]

    def _write_config(self) -> None:
        cfg = _kafka_config.node_config(
            node_id=self.node_id, port=self.port, controller_port=self.controller_port, data_dir=self.data_dir,
            voters=self.voters, replication=self.replication, security=self.security,
        )
        if self.security == "sasl_ssl":
            files = tls.issue(self.state_dir / "tls")
            cfg.update(_kafka_config.sasl_ssl_config(
                broker_pem=files.broker_pem, ca_cert=files.ca_cert, broker_user=BROKER_USER,
                broker_password=self._secret(BROKER_USER), users={self.sasl_username: self.sasl_password},
            ))
        cfg.update(self.extra_config)
        self.config_file.write_text(_kafka_config.properties(cfg))
        self.config_file.chmod(0o600)  # it may hold SASL passwords
        self.log4j_file.write_text(_kafka_config.log4j2_properties(self.log_file))

    def _format_once(self) -> None:
        if (self.data_dir / "meta.properties").exists():
            return
        shutil.rmtree(self.data_dir, ignore_errors=True)
        scram = (_kafka_config.scram_format_args({BROKER_USER: self._secret(BROKER_USER),
                                                  self.sasl_username: self.sasl_password})
                 if self.security == "sasl_ssl" else [])
        _proc.run(
            self._java() + ["kafka.tools.StorageTool", "format", "-t", self.cluster_id or _kafka_jars.kafka_uuid(),
                            "-c", str(self.config_file), *([] if self.voters else ["--standalone"]), *scram],
            f"formatting Kafka storage in {self.data_dir}", timeout=120,
        )

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Wait until this run has logged its start and the broker answers a Metadata request."""
        def died() -> Optional[str]:
            return None if self.is_running() else "the Kafka process exited"

        def started() -> bool:
            return _log_says_started(self.log_file, self._log_offset) and self.is_ready()

        _proc.wait_until(
            started, timeout, f"Kafka start on {self.bootstrap_servers}",
            diagnose=lambda: _proc.tail(self.log_file) + "\n" + _proc.tail(self.out_file, 15),
            abort=died, interval=0.2,
        )


def _log_says_started(log_file: Path, offset: int = 0) -> bool:
    """True when the log, from offset on (this run's part), has the broker's 'started' line."""
    with contextlib.suppress(OSError):
        with open(log_file, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(offset if offset <= size else 0)  # a smaller file was rotated: read it all
            return STARTED_LINE.encode() in f.read()
    return False
