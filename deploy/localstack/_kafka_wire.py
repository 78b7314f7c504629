"""Just enough of the Kafka wire protocol to ask a broker for its metadata (readiness check),
also over TLS with SASL/PLAIN (SaslHandshake v1 + SaslAuthenticate v0, then Metadata v4)."""

from __future__ import annotations

import socket
import ssl
import struct
from typing import Optional

CLIENT_ID = "yishi-localstack"


def kafka_metadata(
    host: str,
    port: int,
    timeout: float = 2.0,
    ssl_context: Optional[ssl.SSLContext] = None,
    plain: Optional[tuple[str, str]] = None,
) -> Optional[dict]:
    """Send a Kafka Metadata (v4) request; return {'brokers', 'controller_id', 'cluster_id'} or None.

    With ssl_context the connection is TLS; with plain=(user, password) it authenticates first."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            raw.settimeout(timeout)
            with ssl_context.wrap_socket(raw, server_hostname=host) if ssl_context else raw as s:
                if plain is not None and not _sasl_plain(s, *plain):
                    return None
                buf = _call(s, 3, 4, 7, struct.pack(">ib", 0, 0))  # no topics, allow_auto_topic_creation=false
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


def _call(s: socket.socket, api_key: int, version: int, corr: int, body: bytes) -> bytes:
    req = struct.pack(">hhi", api_key, version, corr) + _kstr(CLIENT_ID) + body
    s.sendall(struct.pack(">i", len(req)) + req)
    size = struct.unpack(">i", _recv_exact(s, 4))[0]
    return _recv_exact(s, size)


def _sasl_plain(s: socket.socket, user: str, password: str) -> bool:
    """True when the broker accepted user/password over SASL/PLAIN on this connection."""
    buf = _call(s, 17, 1, 5, _kstr("PLAIN"))  # SaslHandshake: correlation id, error code, mechanisms
    if struct.unpack_from(">ih", buf, 0) != (5, 0):
        return False
    token = b"\0" + user.encode() + b"\0" + password.encode()
    buf = _call(s, 36, 0, 6, struct.pack(">i", len(token)) + token)  # SaslAuthenticate
    return struct.unpack_from(">ih", buf, 0) == (6, 0)


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
