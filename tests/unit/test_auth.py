"""Identity: tokens verified with PyJWT; roles and the community scope enforced."""

import time

import jwt
import pytest

from services.kit.auth import Actor, AuthSettings, Role, TokenVerifier, mint_token
from services.kit.errors import Refusal

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
    assert refused.value.status == 403


@pytest.mark.parametrize(
    "token",
    [
        mint_token("another-key-0123456789abcdef0123456789", sub="x", roles=["staff"], scope="330102001001"),
        mint_token(KEY, sub="x", roles=["staff"], scope="330102001001", audience="someone-else"),
        jwt.encode({"sub": "x", "roles": ["emperor"], "scope": "3", "exp": time.time() + 60, "iss": "yishi", "aud": "yishi"}, KEY),
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
    assert refused.value.status == 503
