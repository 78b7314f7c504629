"""A single-node Apache Kafka (KRaft, combined broker+controller) run as a local JVM process.

The broker's jars come from Maven Central (see kafka-pom.xml next to this file) and are cached
under ~/.cache/yishi/kafka/<version>/libs; nothing needs to be installed besides Java 17+ and Maven.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from typing import Mapping, Optional

from . import _proc
from ._kafka_wire import kafka_metadata
from ._proc import HOST, LocalStackError

POM = Path(__file__).with_name("kafka-pom.xml")
LOG4J2_VERSION = "2.24.3"
STARTED_LINE = "Kafka Server started"


def default_cache_dir(version: str) -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "yishi" / "kafka" / version


def _kafka_uuid() -> str:
    """A cluster id the way Kafka's Uuid.randomUuid() makes them (base64url, never starting with '-')."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not text.startswith("-"):
            return text


class LocalKafka:
    """One KRaft node (broker+controller) on 127.0.0.1, state under state_dir."""

    def __init__(
        self,
        state_dir: str | os.PathLike,
        port: int = 9092,
        controller_port: int = 9093,
        version: str = "4.1.1",
        cache_dir: str | os.PathLike | None = None,
        heap: str = "384m",
        extra_config: Optional[Mapping[str, object]] = None,
    ) -> None:
        self.state_dir = Path(state_dir).resolve()
        self.port = int(port)
        self.controller_port = int(controller_port)
        self.version = version
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir(version)
        self.heap = heap
        self.extra_config = dict(extra_config or {})
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
        marker = self.cache_dir / ".complete"
        if marker.exists():
            return self.libs_dir
        mvn = shutil.which("mvn")
        if mvn is None:
            raise LocalStackError("Maven (`mvn`) is needed to fetch Kafka's jars: `apt-get install maven`")
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with open(self.cache_dir.parent / f".{self.version}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be fetching the same version
            if marker.exists():
                return self.libs_dir
            tmp = self.cache_dir / "libs.partial"
            shutil.rmtree(tmp, ignore_errors=True)
            _proc.run(
                [mvn, "-B", "-q", "-f", str(POM), "dependency:copy-dependencies",
                 "-DincludeScope=runtime", f"-DoutputDirectory={tmp}",
                 f"-Dkafka.version={self.version}", f"-Dlog4j2.version={LOG4J2_VERSION}",
                 "-Dstyle.color=never"],
                f"fetching Kafka {self.version} jars with Maven", timeout=1800,
            )
            if not any(tmp.glob(f"kafka_2.13-{self.version}.jar")):
                raise LocalStackError(f"Maven finished but {tmp} holds no kafka_2.13-{self.version}.jar")
            shutil.rmtree(self.libs_dir, ignore_errors=True)
            os.replace(tmp, self.libs_dir)
            marker.write_text(self.version + "\n")
        return self.libs_dir

    def is_running(self) -> bool:
        if self._proc is not None:
            self._proc.poll()  # reap our own child so a dead broker is not a zombie
        return _proc.pid_alive(self.pid, comm=("java",))

    def is_ready(self) -> bool:
        meta = kafka_metadata(HOST, self.port)
        return bool(meta and meta["brokers"])

    def start(self, timeout: float = 120.0) -> "LocalKafka":
        """Start the broker (no-op when already running) and wait until it serves metadata."""
        if self.is_running():
            self._wait_ready(timeout)
            return self
        _proc.ensure_port_free(self.port, "the Kafka broker", "YISHI_KAFKA_PORT")
        _proc.ensure_port_free(self.controller_port, "the Kafka controller", "YISHI_KAFKA_CONTROLLER_PORT")
        self.fetch()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._write_config()
        self._format_once()
        t0 = time.monotonic()
        self._log_offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        cmd = self._java() + [f"-Dlog4j2.configurationFile={self.log4j_file}", "kafka.Kafka", str(self.config_file)]
        with open(self.out_file, "ab") as out:
            self._proc = subprocess.Popen(
                cmd, cwd=self.state_dir, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _proc.write_pid(self.pid_file, self._proc.pid)
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.kill()  # leave no half-started broker behind
            raise
        self.last_start_seconds = time.monotonic() - t0
        return self

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
        cfg: dict[str, object] = {
            "process.roles": "broker,controller",
            "node.id": 1,
            "controller.quorum.bootstrap.servers": f"{HOST}:{self.controller_port}",
            "listeners": f"PLAINTEXT://{HOST}:{self.port},CONTROLLER://{HOST}:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://{HOST}:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self.data_dir),
            "num.partitions": 1,
            "default.replication.factor": 1,
            "min.insync.replicas": 1,
            "offsets.topic.replication.factor": 1,
            "offsets.topic.num.partitions": 1,
            "transaction.state.log.replication.factor": 1,
            "transaction.state.log.min.isr": 1,
            "transaction.state.log.num.partitions": 1,
            "share.coordinator.state.topic.replication.factor": 1,
            "share.coordinator.state.topic.min.isr": 1,
            "share.coordinator.state.topic.num.partitions": 1,
            "group.initial.rebalance.delay.ms": 0,
            "auto.create.topics.enable": "false",
            "num.network.threads": 2,
            "num.io.threads": 2,
            "num.recovery.threads.per.data.dir": 1,
            "log.retention.hours": -1,
            # After a crash (kill()) a restarted node waits for its old registration to expire
            # before it can register again: 4 s instead of the default 9 s.
            "broker.session.timeout.ms": 4000,
            "broker.heartbeat.interval.ms": 1000,
        }
        cfg.update(self.extra_config)
        self.config_file.write_text("".join(f"{k}={v}\n" for k, v in cfg.items()))
        self.log4j_file.write_text(
            "status = warn\n"
            "appender.file.type = RollingFile\n"
            "appender.file.name = FILE\n"
            f"appender.file.fileName = {self.log_file}\n"
            f"appender.file.filePattern = {self.log_file}.%i\n"
            "appender.file.layout.type = PatternLayout\n"
            "appender.file.layout.pattern = [%d] %p %m (%c)%n\n"
            "appender.file.policies.type = Policies\n"
            "appender.file.policies.size.type = SizeBasedTriggeringPolicy\n"
            "appender.file.policies.size.size = 20MB\n"
            "appender.file.strategy.type = DefaultRolloverStrategy\n"
            "appender.file.strategy.max = 2\n"
            "rootLogger.level = INFO\n"
            "rootLogger.appenderRef.file.ref = FILE\n"
            "logger.statechange.name = state.change.logger\n"
            "logger.statechange.level = WARN\n"
            "logger.request.name = kafka.request.logger\n"
            "logger.request.level = WARN\n"
        )

    def _format_once(self) -> None:
        if (self.data_dir / "meta.properties").exists():
            return
        shutil.rmtree(self.data_dir, ignore_errors=True)
        _proc.run(
            self._java() + ["kafka.tools.StorageTool", "format", "-t", _kafka_uuid(),
                            "-c", str(self.config_file), "--standalone"],
            f"formatting Kafka storage in {self.data_dir}", timeout=120,
        )

    def _wait_ready(self, timeout: float) -> None:
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
