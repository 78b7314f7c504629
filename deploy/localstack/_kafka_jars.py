"""Kafka's jars from Maven Central (kafka-pom.xml next to this file), cached per version."""

from __future__ import annotations

import base64
import fcntl
import os
import shutil
import uuid
from pathlib import Path

from . import _proc
from ._proc import LocalStackError

POM = Path(__file__).with_name("kafka-pom.xml")
LOG4J2_VERSION = "2.24.3"


def default_cache_dir(version: str) -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "yishi" / "kafka" / version


def fetch(version: str, cache_dir: Path) -> Path:
    """Resolve the broker's jars into <cache_dir>/libs (once); return that dir."""
    libs_dir = cache_dir / "libs"
    marker = cache_dir / ".complete"
    if marker.exists():
        return libs_dir
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalStackError("Maven (`mvn`) is needed to fetch Kafka's jars: `apt-get install maven`")
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir.parent / f".{version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be fetching the same version
        if marker.exists():
            return libs_dir
        tmp = cache_dir / "libs.partial"
        shutil.rmtree(tmp, ignore_errors=True)
        _proc.run(
            [mvn, "-B", "-q", "-f", str(POM), "dependency:copy-dependencies",
             "-DincludeScope=runtime", f"-DoutputDirectory={tmp}",
             f"-Dkafka.version={version}", f"-Dlog4j2.version={LOG4J2_VERSION}",
             "-Dstyle.color=never"],
            f"fetching Kafka {version} jars with Maven", timeout=1800,
        )
        if not any(tmp.glob(f"kafka_2.13-{version}.jar")):
            raise LocalStackError(f"Maven finished but {tmp} holds no kafka_2.13-{version}.jar")
        shutil.rmtree(libs_dir, ignore_errors=True)
        os.replace(tmp, libs_dir)
        marker.write_text(version + "\n")
    return libs_dir


def kafka_uuid() -> str:
    """A cluster id the way Kafka's Uuid.randomUuid() makes them (base64url, never starting with '-')."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not text.startswith("-"):
            return text
