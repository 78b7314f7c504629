"""``yishi``: the operator's command line.

    yishi migrate SERVICE|all        run the service's migrations (a separate step)
    yishi serve SERVICE [--port N] [--no-access-log]   run one service (uvicorn; SIGTERM drains and commits)
    yishi rebuild SERVICE            replay the service's projection from offset 0 aside, then swap it in
    yishi topics                     create every Kafka topic with the configured partitions
    yishi deadletters list SERVICE [--reason R] [--limit N]
                                     the service's dead letters: position, time, reason, origin, value
    yishi deadletters redrive SERVICE (--reason R | --offset P:O ...) [--dry-run]
                                     replay letters into the service's consumer after a fix
    yishi contracts export [--check] write (or verify) the JSON Schemas and AsyncAPI document in contracts/yishi_contracts/
    yishi token --sub ID --role R --scope CODE   mint a development token
"""

import argparse
import asyncio
import sys

from services.kit import logs
from services.kit.collector import tune_collector
from services.kit.deadletter import REASONS
from services.kit.runtime import ServiceRuntime
from services.kit.settings import KafkaSecurity, KafkaSettings, ServiceSettings, load_settings

from .catalog import DEFAULT_PORTS, SERVICES, app_module


def _services(name: str) -> tuple[str, ...]:
    if name == "all":
        return SERVICES
    if name not in SERVICES:
        raise SystemExit(f"unknown service {name!r}; choose one of {', '.join(SERVICES)} or all")
    return (name,)


def cmd_migrate(args: argparse.Namespace) -> int:
    from . import migrate

    for service in _services(args.service):
        settings = load_settings(service)
        migrate.upgrade(service, settings.database_url)
        print(f"{service}: migrated to head")
    return 0


SERVER_STACK: dict[str, object] = {"loop": "uvloop", "http": "httptools", "ws": "none", "lifespan": "on"}
"""How every service is served: uvloop and the httptools parser (uvicorn[standard]), never the
pure-Python h11 parser. The benchmark serves its minimal endpoint with the same options."""


def run_server(app_factory: str, *, host: str, port: int, grace_seconds: float, access_log: bool = True) -> None:
    """Serve ``module:factory`` with uvicorn (``access_log``: a line per request, with its trace)."""
    import uvicorn

    uvicorn.run(
        app_factory,
        factory=True,
        host=host,
        port=port,
        timeout_graceful_shutdown=int(grace_seconds),
        log_config=None,  # uvicorn's loggers go through the handler logs.configure installed
        access_log=access_log,
        **SERVER_STACK,  # type: ignore[arg-type]
    )


def cmd_serve(args: argparse.Namespace) -> int:
    from services.kit import tracing

    (service,) = _services(args.service)
    settings = load_settings(service)
    tracing.configure(service)  # before the app is built: it instruments what it builds
    app_module(service)
    tune_collector()  # with the service's modules imported: they stay out of the collector's walks
    run_server(
        f"services.{service}.app:create_app",
        host=args.host or settings.http_host,
        port=args.port or (settings.http_port if "http_port" in settings.model_fields_set else DEFAULT_PORTS[service]),
        grace_seconds=settings.shutdown_grace_seconds,
        access_log=args.access_log,
    )
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    from services.kit.rebuild import rebuild

    from .progress import ProgressLine

    for service in _services(args.service):
        settings = load_settings(service)
        runtime = app_module(service).build_runtime(settings)
        tune_collector()
        report = asyncio.run(
            rebuild(
                service=service,
                projection=runtime.projection,
                database_url=settings.database_url,
                bootstrap_servers=settings.kafka.bootstrap_servers,
                topic_prefix=settings.kafka.topic_prefix,
                security=settings.kafka.security,
                max_record_bytes=settings.kafka.max_record_bytes,
                progress=ProgressLine(service),
            )
        )
        print(f"{service}: {report.records_read} records read, {report.events_applied} applied, "
              f"{report.records_skipped} unreadable skipped")
    return 0


def cmd_topics(_: argparse.Namespace) -> int:
    from yishi_contracts import STREAMS, dead_letter_topic

    from services.kit.topics import ensure_topics

    kafka = KafkaSettings()
    names = [kafka.topic(s.topic) for s in STREAMS] + [kafka.topic(dead_letter_topic(s)) for s in SERVICES]
    created = asyncio.run(
        ensure_topics(kafka.bootstrap_servers, names, partitions=kafka.partitions, replication_factor=kafka.replication_factor,
                      security=kafka.security)
    )
    print(f"created: {', '.join(created) or 'none (all existed)'}")
    return 0


def cmd_deadletters(args: argparse.Namespace) -> int:
    (service,) = _services(args.service)
    if args.action == "redrive" and bool(args.reason) == bool(args.offset):
        raise SystemExit("redrive needs either --reason R or --offset P:O (one or more), not both")
    runtime = app_module(service).build_runtime(load_settings(service))
    if args.action == "list":
        return asyncio.run(_list_letters(runtime, args.reason, args.limit))
    return asyncio.run(_redrive_letters(runtime, args.reason, args.offset or [], args.dry_run))


async def _list_letters(runtime: ServiceRuntime, reason: str | None, limit: int) -> int:
    from services.kit import redrive
    from services.kit.db import connect

    kafka = runtime.settings.kafka
    found = await redrive.dead_letters(kafka.bootstrap_servers, runtime.dead_letter_topic, security=kafka.security)
    letters = redrive.choose(found, reason=reason)
    shown = letters[-limit:]
    conn = await connect(runtime.settings.database_url)
    try:
        applied = await redrive.applied_since(conn, shown)
    finally:
        await conn.close()
    show = redrive.printable
    last = f", the last {len(shown)}" if len(shown) < len(letters) else ""
    print(f"{len(letters)} dead letter(s) in {runtime.dead_letter_topic}{last}")
    for letter in shown:
        topic, partition, offset = letter.origin
        state = "applied since" if letter.event_id in applied else "dead"
        print(f"{letter.position:>9}  {letter.time:%Y-%m-%dT%H:%M:%SZ}  {letter.reason:<19} "
              f"{show(topic.encode(), 80)}/{partition}@{offset}  redrives={letter.redrives}  {state}")
        print(f"{'':11}{show(letter.detail.encode(), 160)}")
        cut = f" (cut from {letter.truncated} bytes)" if letter.truncated is not None else ""
        cut = " (the record could not be read; see its origin)" if letter.unread else cut
        print(f"{'':11}value: {show(letter.value)}{cut}")
    return 0


async def _redrive_letters(runtime: ServiceRuntime, reason: str | None, positions: list[str], dry_run: bool) -> int:
    from services.kit import redrive

    kafka = runtime.settings.kafka
    found = await redrive.dead_letters(kafka.bootstrap_servers, runtime.dead_letter_topic, security=kafka.security)
    try:
        chosen = redrive.choose(found, reason=reason, positions=positions)
    except ValueError as exc:
        raise SystemExit(str(exc)) from exc
    if not chosen:
        print("no dead letter matches")
        return 0
    async with redrive.consumer_of(runtime) as consumer:
        results = await redrive.redrive(consumer, chosen, dry_run=dry_run)
    tally: dict[str, int] = {}
    for result in results:
        tally[result.outcome] = tally.get(result.outcome, 0) + 1
        topic, partition, offset = result.letter.origin
        detail = f"  {redrive.printable(result.detail.encode(), 160)}" if result.detail else ""
        print(f"{result.letter.position:>9}  {topic}/{partition}@{offset}  {result.outcome}{detail}")
    print(("dry run: " if dry_run else "") + ", ".join(f"{n} {outcome}" for outcome, n in tally.items()))
    return 1 if tally.get("still failing") or tally.get("not redrivable") else 0


def documentation_runtimes() -> list[ServiceRuntime]:
    """Every service's runtime, built without connecting, for generated documents.

    Settings from defaults only (``model_construct`` reads no environment), so a prefix or a
    partition count in the operator's shell never leaks into the committed documents."""
    kafka = KafkaSettings.model_construct(bootstrap_servers="kafka:9092", security=KafkaSecurity.model_construct())
    return [
        app_module(s).build_runtime(
            ServiceSettings.model_construct(service=s, database_url="postgresql://documentation-only", kafka=kafka)
        )
        for s in SERVICES
    ]


def cmd_contracts(args: argparse.Namespace) -> int:
    from .contracts_export import check, export

    if args.check:
        drift = check()
        for line in drift:
            print(line, file=sys.stderr)
        return 1 if drift else 0
    for path in export():
        print(f"wrote {path}")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    from services.kit.auth import AuthSettings, mint_token

    settings = AuthSettings()
    if not settings.jwt_key:
        raise SystemExit("set YISHI_AUTH_JWT_KEY (the services' shared key) to mint a token")
    print(mint_token(settings.jwt_key, sub=args.sub, roles=args.role, scope=args.scope,
                     ttl_seconds=args.hours * 3600, issuer=settings.issuer, audience=settings.audience))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="yishi", description="Yishi (议事) operations")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("migrate", help="run migrations")
    p.add_argument("service")
    p.set_defaults(func=cmd_migrate)
    p = sub.add_parser("serve", help="run one service")
    p.add_argument("service")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=True,
                   help="a log line per HTTP request (on by default; the request counts are metrics either way)")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("rebuild", help="rebuild a projection from Kafka offset 0 while the service serves")
    p.add_argument("service")
    p.set_defaults(func=cmd_rebuild)
    p = sub.add_parser("topics", help="create the Kafka topics")
    p.set_defaults(func=cmd_topics)
    p = sub.add_parser("deadletters", help="list a service's dead letters, or redrive them after a fix")
    p.add_argument("action", choices=["list", "redrive"])
    p.add_argument("service")
    p.add_argument("--reason", choices=sorted(REASONS), metavar="REASON",
                   help=f"only the letters of this reason: {', '.join(REASONS)}")
    p.add_argument("--offset", action="append", metavar="P:O", help="redrive the letter at this partition:offset "
                   "of the dead-letter topic (as listed); repeat for more")
    p.add_argument("--limit", type=int, default=50, help="list: the most recent N (default 50)")
    p.add_argument("--dry-run", action="store_true", help="redrive: only say whether each letter reads now")
    p.set_defaults(func=cmd_deadletters)
    p = sub.add_parser("contracts", help="export the event JSON Schemas and the AsyncAPI document")
    p.add_argument("action", choices=["export"])
    p.add_argument("--check", action="store_true", help="fail if the committed files drift from the code")
    p.set_defaults(func=cmd_contracts)
    p = sub.add_parser("token", help="mint a development token (needs YISHI_AUTH_JWT_KEY)")
    p.add_argument("--sub", required=True, help="the actor's id, e.g. grid-07")
    p.add_argument("--role", action="append", required=True, help="staff, council_member, council_chair, ...")
    p.add_argument("--scope", required=True, help="division-code prefix: 12 digits for one community")
    p.add_argument("--hours", type=int, default=8)
    p.set_defaults(func=cmd_token)
    args = parser.parse_args(argv)
    service = getattr(args, "service", None)
    logs.configure(service if service in SERVICES else "yishi")  # JSON lines; YISHI_LOG_FORMAT=console for people
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
