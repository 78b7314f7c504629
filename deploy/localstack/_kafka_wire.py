"""Just enough of the Kafka wire protocol to ask a broker for its metadata (readiness check)."""

from __future__ import annotations

import socket
import struct
from typing import Optional


def kafka_metadata(host: str, port: int, timeout: float = 2.0) -> Optional[dict]:
    """Send a Kafka Metadata (v4) request; return {'brokers', 'controller_id', 'cluster_id'} or None."""
    header = struct.pack(">hhi", 3, 4, 7) + _kstr("yishi-localstack")
    body = struct.pack(">ib", 0, 0)  # no topics, allow_auto_topic_creation=false
    req = header + body
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(struct.pack(">i", len(req)) + req)
            size = struct.unpack(">i", _recv_exact(s, 4))[0]
            buf = _recv_exact(s, size)
        corr, _throttle, n = struct.unpack_from(">iii", buf, 0)
        if corr != 7:
            return None
        pos, brokers = 12, []
        for _ in range(n):
            node_id, = struct.unpack_from(">i", buf, pos)
            bhost, pos = _read_kstr(buf, pos + 4)
            bport, = struct.unpack_from(">i", buf, pos)
            _rack, pos = _read_kstr(buf, pos + 4)
            brokers.append((node_id, bhost, bport))
        cluster_id, pos = _read_kstr(buf, pos)
        controller_id, = struct.unpack_from(">i", buf, pos)
        return {"brokers": brokers, "controller_id": controller_id, "cluster_id": cluster_id}
    except (OSError, struct.error, ValueError, UnicodeDecodeError):
        return None


def _kstr(s: str) -> bytes:
    raw = s.encode()
    return struct.pack(">h", len(raw)) + raw


def _read_kstr(buf: bytes, pos: int) -> tuple[Optional[str], int]:
    n, = struct.unpack_from(">h", buf, pos)
    if n < 0:
        return None, pos + 2
    return buf[pos + 2:pos + 2 + n].decode(), pos + 2 + n


def _recv_exact(s: socket.socket, n: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < n:
        chunk = s.recv(n - len(chunks))
        if not chunk:
            raise OSError("connection closed")
        chunks += chunk
    return bytes(chunks)
