"""The stack as a browser meets it: Keycloak, the four services (verifying Keycloak's tokens
by JWKS), the gateway serving the built web, and Debian's Chromium driven by Playwright.

Chromium comes from apt (Playwright's own browser download cannot work here); the web is
built with npm when services/web/dist is missing. Screenshots go to .yishi/screenshots/.
"""

import asyncio
import os
import shutil
import subprocess
import tempfile
import uuid
from datetime import date, timedelta
from pathlib import Path

import httpx
import jwt
import pytest

from deploy.localstack import free_port
from deploy.localstack.gateway import DIST, LocalGateway
from deploy.localstack.keycloak import LocalKeycloak
from deploy.localstack.services import auth_env
from services.kit.settings import KafkaSettings
from tests.e2e.walkthrough import CATEGORIES
from tests.support.processes import TEST_JWT_KEY, ServiceProcess, service_env, yishi
from tests.support.registry import seed_registry

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / ".yishi" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
SERVICES = ("intake", "council", "meeting", "publication")
QBM, LDL = "330102001051", "330102001052"

sync_api = pytest.importorskip("playwright.sync_api")
for needed, what in ((CHROMIUM, "Debian's chromium"), (shutil.which("nginx") or "/usr/sbin/nginx", "nginx-light")):
    if not os.access(needed, os.X_OK):
        pytest.skip(f"{what} is not installed", allow_module_level=True)


def _built_web() -> Path:
    if not (DIST / "console" / "index.html").exists():
        web = ROOT / "services" / "web"
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=web, check=True, capture_output=True)
        subprocess.run(["npm", "run", "build"], cwd=web, check=True, capture_output=True)
    return DIST


class Stack:
    def __init__(self, gateway: LocalGateway, keycloak: LocalKeycloak, *, clock_file: Path | None = None,
                 topic_prefix: str = "", bootstrap_servers: str = "") -> None:
        self.gateway = gateway
        self.keycloak = keycloak
        self.url = gateway.url
        self.clock_file = clock_file
        self.topic_prefix = topic_prefix
        """The services' Kafka topic prefix, for a test that feeds an upstream step as its event."""
        self.bootstrap_servers = bootstrap_servers

    def move_clock(self, days: float) -> None:
        """The services' clocks move forward (a disclosure period passes); tokens are unaffected."""
        assert self.clock_file is not None
        self.clock_file.write_text(str(float(self.clock_file.read_text() or 0) + days * 86400))

    def minted(self, sub: str, *roles: str, scope: str) -> dict[str, str]:
        """A shared-key token for an actor with no Keycloak account (a council's fixed members);
        accepted only by a module that sets SHARED_KEY = True."""
        from services.kit.auth import mint_token

        return {"Authorization": "Bearer " + mint_token(TEST_JWT_KEY, sub=sub, roles=list(roles), scope=scope,
                                                        issuer=self.keycloak.issuer)}

    def bearer(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keycloak.password_token(user)}"}

    def api(self, method: str, service: str, path: str, user: str | None = None, **kw) -> httpx.Response:
        headers = self.bearer(user) if user else {}
        return httpx.request(method, f"{self.url}/api/{service}{path}", headers=headers, timeout=15, **kw)

    def form_council(self, community: str, prefix: str) -> str:
        """The party committee forms the council with the Keycloak chair as its chair (1+7+X)."""
        party = f"{prefix}-party"
        chair_sub = jwt.decode(self.keycloak.password_token(f"{prefix}-chair"), options={"verify_signature": False})["sub"]
        council = self.api("POST", "council", "/councils", party, json={"community_id": community})
        assert council.status_code == 201, council.text
        council_id = council.json()["council_id"]
        ok = self.api("PUT", "council", f"/councils/{council_id}/chair", party, json={"member_id": chair_sub, "name": "李主席"})
        assert ok.is_success, ok.text
        today = date.today()
        for n, category in enumerate(CATEGORIES[:8]):
            member = f"{prefix}-m{n + 1}"
            added = self.api("POST", "council", f"/councils/{council_id}/members", party, json={
                "member_id": member, "name": f"成员{n + 1}", "category": category,
                "term_start": str(today - timedelta(days=30)), "term_end": str(today + timedelta(days=1000))})
            assert added.is_success, added.text
            confirmed = self.api("POST", "council", f"/councils/{council_id}/members/{member}/confirmation", party)
            assert confirmed.is_success, confirmed.text
        return council_id


@pytest.fixture(scope="module")  # torn down after the browser tests: its services and Keycloak leave the rest of the suite the cores
def stack(infra, tmp_path_factory, request):
    dist = _built_web()
    # As root, nginx's workers run as nobody: its state dir must be reachable (pytest's is 0700).
    gateway_dir = Path(tempfile.mkdtemp(prefix="yishi-gateway-"))
    gateway_dir.chmod(0o755)
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    kc = LocalKeycloak(tmp_path_factory.mktemp("keycloak"), port=free_port(), management_port=free_port(),
                       console_origin=public, relative_path="/auth", public_url=f"{public}/auth")
    work = Path(tmp_path_factory.mktemp("web-system"))
    prefix = f"web{uuid.uuid4().hex[:6]}."
    databases = {s: infra.create_database(f"web_{s}_{uuid.uuid4().hex[:6]}") for s in SERVICES}
    clock_file = work / "clock-offset-seconds"
    clock_file.write_text("0")
    env = service_env(infra, prefix, databases, YISHI_PUBLICATION_TICK_SECONDS="0.5",
                      YISHI_CLOCK_OFFSET_FILE=str(clock_file), **auth_env(kc))
    # Keycloak's tokens only, checked by JWKS — unless the module drives steps as people without
    # a Keycloak account (a council's fixed members), with tokens of the shared key.
    if not getattr(request.module, "SHARED_KEY", False):
        env.pop("YISHI_AUTH_JWT_KEY")
    for service in SERVICES:
        yishi("migrate", service, env=env)
    running: dict[str, ServiceProcess] = {}
    gateway = None
    try:
        kc.start()
        for service in SERVICES:
            running[service] = ServiceProcess(service, env, work).start()
        gateway = LocalGateway(gateway_dir, port, {s: p.port for s, p in running.items()}, kc.port, dist).start()
        kafka = KafkaSettings(bootstrap_servers=infra.bootstrap_servers, topic_prefix=prefix)
        asyncio.run(seed_registry(kafka, [QBM, LDL], databases=[databases["intake"]]))
        yield Stack(gateway, kc, clock_file=clock_file, topic_prefix=prefix, bootstrap_servers=infra.bootstrap_servers)
    finally:
        if gateway is not None:
            gateway.stop()
        for process in running.values():
            process.terminate()
        kc.stop()
        shutil.rmtree(gateway_dir, ignore_errors=True)


@pytest.fixture(scope="module")  # Playwright's sync API owns an event loop: closed before the async tests run
def browser():
    with sync_api.sync_playwright() as playwright:
        playwright.selectors.set_test_id_attribute("data-test")  # the web's own attribute
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


@pytest.fixture
def pages(browser, request):
    """pages(kind): a new page at 390 (PHONE) or 1280 px (DESKTOP); a failing test leaves a
    screenshot of each and prints what each page logged and which API calls failed."""
    opened = []

    def open_page(kind: dict):
        page = browser.new_context(**kind).new_page()
        page.set_default_timeout(20_000)
        log: list[str] = []
        page.on("console", lambda m: log.append(f"console {m.type}: {m.text}"))
        page.on("pageerror", lambda e: log.append(f"page error: {e}"))
        page.on("response", lambda r: log.append(f"{r.status} {r.request.method} {r.url}") if r.status >= 400 else None)
        opened.append((page, log))
        return page

    yield open_page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for n, (page, log) in enumerate(opened):
        if failed:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"FAILED-{request.node.name}-{n}.png"), full_page=True)
            print(f"--- page {n} at {page.url}:\n" + "\n".join(log) + "\n" + page.inner_text("body")[:1500])
        page.context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


@pytest.fixture
def shoot():
    """shoot(page, name): a full-page screenshot at the page's width, for a reviewer to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{name}-{page.viewport_size['width']}.png"), full_page=True)

    return take


PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
