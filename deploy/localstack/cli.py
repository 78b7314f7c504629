"""`python -m deploy.localstack up|down|status|env`: the whole developer stack.

`up` starts Kafka and PostgreSQL, creates and migrates the four databases, starts Keycloak,
the four services (verifying Keycloak's tokens over JWKS) and the gateway, the one origin of
the console, the residents' pages, the APIs and the sign-in (`--infra-only` stops after the
infrastructure); `down` stops it all. `token USER` prints a demo user's access token.
`cluster-drill` starts a three-broker cluster in a temporary directory, SIGKILLs a broker
while events flow, prints the figures and removes the cluster (exit 0 when no acknowledged
event was lost and the consumers read them all, 2 otherwise).

Environment:
  YISHI_HOME                   state directory (default <repo>/.yishi)
  YISHI_KAFKA_PORT             Kafka broker port (default 9092)
  YISHI_KAFKA_CONTROLLER_PORT  Kafka KRaft controller port (default 9093)
  YISHI_KAFKA_VERSION          Kafka version fetched from Maven Central (default 4.1.1)
  YISHI_PG_PORT                PostgreSQL port (default 55432)
  YISHI_PG_BIN                 directory with initdb/pg_ctl/postgres/psql (default: discovered)
  YISHI_<SERVICE>_HTTP_PORT    a service's port (intake 8001, council 8002, meeting 8003, publication 8004)
  YISHI_GATEWAY_PORT           the one URL to open (default 8080)
  YISHI_KEYCLOAK_PORT          Keycloak, behind the gateway at /auth (default 8180; management 9180:
                               YISHI_KEYCLOAK_MANAGEMENT_PORT)
"""

from __future__ import annotations

import argparse
import os
import secrets
import shlex
import sys
import time
from pathlib import Path

from ._proc import HOST, LocalStackError
from .gateway import LocalGateway
from .kafka import LocalKafka
from .keycloak import LocalKeycloak
from .postgres import LocalPostgres
from .services import LocalService, auth_env, migrate_all

REPO = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "council", "meeting", "publication")
DEMO_USERS = (
    ("qbm-chair, qbm-member, qbm-staff, qbm-party", "清波门社区 330102001051: 主席, 委员, 网格员, 党委"),
    ("ldl-chair, ldl-member, ldl-staff, ldl-party", "劳动路社区 330102001052: the same roles"),
    ("qb-street", "清波街道 330102001"),
    ("sc-cppcc", "上城区政协 330102"),
)


def _port(var: str, default: int) -> int:
    raw = os.environ.get(var, str(default))
    try:
        return int(raw)
    except ValueError:
        raise LocalStackError(f"{var}={raw!r} is not a port number") from None


def home() -> Path:
    return Path(os.environ.get("YISHI_HOME") or REPO / ".yishi")


def stack() -> tuple[LocalKafka, LocalPostgres]:
    kafka = LocalKafka(
        home() / "kafka",
        port=_port("YISHI_KAFKA_PORT", 9092),
        controller_port=_port("YISHI_KAFKA_CONTROLLER_PORT", 9093),
        version=os.environ.get("YISHI_KAFKA_VERSION", "4.1.1"),
    )
    pg = LocalPostgres(home() / "postgres", port=_port("YISHI_PG_PORT", 55432))
    return kafka, pg


def gateway_port() -> int:
    return _port("YISHI_GATEWAY_PORT", 8080)


def keycloak() -> LocalKeycloak:
    public = f"http://{HOST}:{gateway_port()}"
    return LocalKeycloak(
        home() / "keycloak", port=_port("YISHI_KEYCLOAK_PORT", 8180),
        management_port=_port("YISHI_KEYCLOAK_MANAGEMENT_PORT", 9180),
        console_origin=public, relative_path="/auth", public_url=f"{public}/auth",
    )


def gateway(kc: LocalKeycloak, running: list[LocalService]) -> LocalGateway:
    return LocalGateway(home() / "gateway", gateway_port(), {s.service: s.port for s in running}, kc.port)


def _secret(name: str) -> str:
    """A dev-stack secret: generated once, kept with its state (never used in production)."""
    path = home() / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def service_env(kafka: LocalKafka, pg: LocalPostgres) -> dict[str, str]:
    env = {
        "YISHI_KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "YISHI_AUTH_JWT_KEY": _secret("jwt.key"),
        "YISHI_PUBLICATION_RESIDENT_SALT": _secret("resident-salt.key"),
        "YISHI_RECEIPT_SECRET": _secret("receipt-secret.key"),
        **auth_env(keycloak()),
    }
    for service in SERVICES:
        env[f"YISHI_{service.upper()}_DATABASE_URL"] = pg.url_for(f"yishi_{service}")
    return env


def env_lines(kafka: LocalKafka, pg: LocalPostgres) -> list[str]:
    return [f"export {name}={shlex.quote(value)}" for name, value in service_env(kafka, pg).items()]


def services(kafka: LocalKafka, pg: LocalPostgres) -> list[LocalService]:
    env = {**service_env(kafka, pg), **{k: v for k, v in os.environ.items() if k.startswith("YISHI_")}}
    return [LocalService(service, home(), env) for service in SERVICES]


def up(infra_only: bool = False) -> int:
    kafka, pg = stack()
    t0 = time.monotonic()
    was_running = pg.is_running()
    pg.start()
    for service in SERVICES:
        pg.create_database(f"yishi_{service}")
    print(f"postgres  {'already running' if was_running else f'started in {time.monotonic() - t0:.1f}s'}"
          f"  {pg.admin_url}  (pid {pg.pid}, data {pg.data_dir}, log {pg.log_file})")
    t0 = time.monotonic()
    was_running = kafka.is_running()
    if not was_running and not (kafka.cache_dir / ".complete").exists():
        print(f"kafka     fetching Kafka {kafka.version} jars with Maven into {kafka.libs_dir} "
              f"(first time only, ~30 s)...", flush=True)
    kafka.start()
    print(f"kafka     {'already running' if was_running else f'started in {time.monotonic() - t0:.1f}s'}"
          f"  {kafka.bootstrap_servers}  (pid {kafka.pid}, data {kafka.data_dir}, log {kafka.log_file})")
    print("databases " + ", ".join(f"yishi_{s}" for s in SERVICES))
    if infra_only:
        print("env       eval \"$(python -m deploy.localstack env)\"")
        return 0
    migrate_all(service_env(kafka, pg))
    print("migrated  " + ", ".join(SERVICES))
    kc = keycloak()
    t0, was_running = time.monotonic(), kc.is_running()
    kc.start()
    print(f"keycloak  {'already running' if was_running else f'started in {time.monotonic() - t0:.1f}s'}"
          f"  issuer {kc.issuer}  (log {kc.out_file})")
    running = services(kafka, pg)
    for service in running:
        was_running = service.is_running()
        service.start()
        print(f"{service.service:11} {'already running' if was_running else 'started'}  {service.url}"
              f"  (docs {service.url}/docs, health {service.url}/health/ready, log {service.log_file})")
    gw = gateway(kc, running)
    gw.start()
    print(f"gateway   {gw.url}  (nginx, config {gw.conf_file}, log {gw.log_file})")
    print(f"env       eval \"$(python -m deploy.localstack env)\"")
    print(f"\nOpen {gw.url}/  — the console; residents' pages at {gw.url}/resident/?c=330102001051")
    print("Demo users (password yishi-demo):")
    for users, who in DEMO_USERS:
        print(f"  {users:44} {who}")
    return 0


def down() -> int:
    kafka, pg = stack()
    kc = keycloak()
    gw = gateway(kc, services(kafka, pg))
    if gw.is_running():
        gw.stop()
        print("gateway   stopped")
    for service in reversed(services(kafka, pg)):
        if service.is_running():
            service.stop()
            print(f"{service.service:11} stopped")
    if kc.is_running():
        kc.stop()
        print("keycloak  stopped")
    for name, server in (("kafka", kafka), ("postgres", pg)):
        if server.is_running():
            server.stop()
            print(f"{name:9} stopped")
        else:
            print(f"{name:9} not running")
    return 0


def status() -> int:
    kafka, pg = stack()
    ok = True
    for name, server, where, ready in (
        ("kafka", kafka, kafka.bootstrap_servers, kafka.is_ready),
        ("postgres", pg, f"{HOST}:{pg.port}", lambda: True),
    ):
        running = server.is_running()
        ok = ok and running
        state = f"running (pid {server.pid})" if running else "stopped"
        if running and not ready():
            state += ", not ready yet"
        print(f"{name:9} {state:28} {where}  state {server.state_dir}")
    for service in services(kafka, pg):
        running = service.is_running()
        state = f"running (pid {service.pid})" if running else "stopped"
        if running and not service.is_ready():
            state += ", not ready"
        print(f"{service.service:11} {state:26} {service.url}")
    kc = keycloak()
    gw = gateway(kc, services(kafka, pg))
    for name, part, where in (("keycloak", kc, kc.issuer), ("gateway", gw, gw.url)):
        state = f"running (pid {part.pid})" if part.is_running() else "stopped"
        print(f"{name:11} {state:26} {where}")
    return 0 if ok else 3


def cluster_drill(events: int) -> int:
    import asyncio
    import logging
    import shutil
    import tempfile

    from .cluster import LocalKafkaCluster
    from .drill import run_drill

    # The clients' connection errors while a broker is down are the point of the drill, not news.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    root = Path(tempfile.mkdtemp(prefix="yishi-cluster-drill-"))
    cluster = LocalKafkaCluster(root, version=os.environ.get("YISHI_KAFKA_VERSION", "4.1.1"))
    try:
        t0 = time.monotonic()
        print(f"cluster   starting 3 nodes under {root} ...", flush=True)
        cluster.start()
        print(f"cluster   started in {time.monotonic() - t0:.1f}s  {cluster.bootstrap_servers}", flush=True)
        report = asyncio.run(run_drill(cluster, events=events))
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
    print("\n".join(report.lines()))
    return 0 if report.lost == 0 and report.consumed == report.acknowledged == events else 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.localstack",
        description="Run the Yishi developer stack's Kafka and PostgreSQL as local processes.",
        epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--infra-only", action="store_true", help="up: only Kafka and PostgreSQL, no services")
    parser.add_argument("--events", type=int, default=2000, help="cluster-drill: events to produce (default 2000)")
    parser.add_argument("command", choices=("up", "down", "status", "env", "token", "cluster-drill"),
                        help="up: start (idempotent); down: stop; status: exit 0 if all run, else 3; "
                             "env: print export lines; cluster-drill: kill a broker of a 3-node cluster")
    parser.add_argument("user", nargs="?", help="token: a demo user, e.g. qbm-chair")
    args = parser.parse_args(argv)
    try:
        if args.command == "cluster-drill":
            return cluster_drill(args.events)
        if args.command == "env":
            print("\n".join(env_lines(*stack())))
            return 0
        if args.command == "token":
            if not args.user:
                parser.error("token needs a demo user, e.g. `token qbm-chair`")
            print(keycloak().password_token(args.user))
            return 0
        if args.command == "up":
            return up(infra_only=args.infra_only)
        return {"down": down, "status": status}[args.command]()
    except LocalStackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
