"""Identity: tokens verified with PyJWT; roles and the community scope enforced."""

import time

import jwt
import pytest

from services.kit.auth import Actor, AuthSettings, Role, TokenVerifier, mint_token
from services.kit.errors import status_of
from services.kit.refusal import Refusal

KEY = "unit-test-key-0123456789abcdef0123456789"


def verifier() -> TokenVerifier:
    return TokenVerifier(AuthSettings(jwt_key=KEY))


def test_a_valid_token_names_the_actor_roles_and_scope() -> None:
    actor = verifier().verify(mint_token(KEY, sub="chair-1", roles=["council_chair"], scope="330102001001"))
    assert actor == Actor("chair-1", frozenset({Role.council_chair}), "330102001001")
    assert actor.covers("330102001001") and not actor.covers("330102001002")


def test_a_county_office_scope_covers_its_communities() -> None:
    office = Actor("cppcc", frozenset({Role.cppcc_office}), "330102")
    assert office.covers("330102001001") and not office.covers("330103001001")
    with pytest.raises(Refusal) as refused:
        office.ensure_community("330103001001")
    assert status_of(refused.value) == 403


@pytest.mark.parametrize(
    "token",
    [
        mint_token("another-key-0123456789abcdef0123456789", sub="x", roles=["staff"], scope="330102001001"),
        mint_token(KEY, sub="x", roles=["staff"], scope="330102001001", audience="someone-else"),
        jwt.encode({"sub": "x", "roles": ["emperor"], "division": "3", "exp": time.time() + 60, "iss": "yishi", "aud": "yishi"}, KEY),
        jwt.encode({"sub": "x", "roles": ["staff"], "iss": "yishi", "aud": "yishi"}, KEY),  # no expiry
    ],
)
def test_forged_foreign_or_incomplete_tokens_are_refused(token: str) -> None:
    with pytest.raises(jwt.PyJWTError):
        verifier().verify(token)


def test_an_expired_token_is_refused() -> None:
    token = mint_token(KEY, sub="x", roles=["staff"], scope="3", ttl_seconds=-120)
    with pytest.raises(jwt.ExpiredSignatureError):
        verifier().verify(token)


def test_without_a_configured_key_nothing_is_accepted() -> None:
    with pytest.raises(Refusal) as refused:
        TokenVerifier(AuthSettings(jwt_key="", jwks_url="")).verify("a.b.c")
    assert status_of(refused.value) == 503


def test_tokens_from_an_identity_provider_are_verified_with_its_jwks() -> None:
    """A real JWKS endpoint on loopback; RS256 tokens signed with the provider's key."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    provider_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(provider_key.public_key()))
    jwks = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 — the stdlib's name
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(jwks)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = AuthSettings(jwks_url=f"http://127.0.0.1:{server.server_port}/certs", issuer="https://sso.test", audience="yishi")
        claims = {"sub": "grid-07", "roles": ["staff"], "division": "330102001001", "iss": "https://sso.test",
                  "aud": "yishi", "exp": int(time.time()) + 300}
        signed = jwt.encode(claims, provider_key, algorithm="RS256", headers={"kid": "k1"})
        actor = TokenVerifier(settings).verify(signed)
        assert actor == Actor("grid-07", frozenset({Role.staff}), "330102001001")

        impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        with pytest.raises(jwt.PyJWTError):
            TokenVerifier(settings).verify(jwt.encode(claims, impostor, algorithm="RS256", headers={"kid": "k1"}))
        with pytest.raises(jwt.PyJWTError):  # a shared-key token is not accepted where a JWKS is configured
            TokenVerifier(settings).verify(mint_token(KEY, sub="x", roles=["staff"], scope="3", issuer="https://sso.test"))
    finally:
        server.shutdown()


def test_with_both_configured_a_shared_key_token_and_a_provider_token_are_each_checked_by_their_own_key() -> None:
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from cryptography.hazmat.primitives.asymmetric import rsa

    provider_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider_key.public_key()))
            body = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = AuthSettings(jwt_key=KEY, jwks_url=f"http://127.0.0.1:{server.server_port}/certs", issuer="https://sso.test")
        both = TokenVerifier(settings)
        script = mint_token(KEY, sub="script", roles=["staff"], scope="330102001051", issuer="https://sso.test")
        assert both.verify(script).id == "script"
        claims = {"sub": "chair", "roles": ["council_chair"], "division": "330102001051", "iss": "https://sso.test",
                  "aud": "yishi", "exp": int(time.time()) + 300}
        assert both.verify(jwt.encode(claims, provider_key, algorithm="RS256", headers={"kid": "k1"})).id == "chair"
        with pytest.raises(jwt.PyJWTError):  # an HS256 token signed with anything but the shared key
            both.verify(mint_token("another-key-0123456789abcdef0123456789", sub="x", roles=["staff"], scope="3",
                                   issuer="https://sso.test"))
    finally:
        server.shutdown()
