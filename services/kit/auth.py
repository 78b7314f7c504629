"""Who is acting: a verified bearer token (JWT) naming the actor, their roles and their scope.

The scope is a prefix of the 12-digit division code, carried in the ``division`` claim (not
OAuth's ``scope``, which lists granted scopes): a community's staff and council hold their
community's full code; a street office 9 digits; a county CPPCC office 6. An actor
may act on a community whose code starts with their scope. Tokens are verified with a
shared key (HS256, ``YISHI_AUTH_JWT_KEY``) or a JWKS endpoint (``YISHI_AUTH_JWKS_URL``),
with PyJWT. Residents' submissions and the public board need no token.
"""

import re
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

import jwt
from fastapi import Depends, Request
from pydantic import Field, StringConstraints, TypeAdapter, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from yishi_contracts.base import OneLine

from .refusal import NOT_YOURS, Refusal, RefusalKind


class Role(StrEnum):
    staff = "staff"  # 网格员/社区工作人员
    council_member = "council_member"  # 协商议事会成员
    council_chair = "council_chair"  # 协商议事会主席
    party_committee = "party_committee"  # 社区党委 (confirms fixed members)
    party_government = "party_government"  # 党委政府 (assigns topics)
    cppcc_office = "cppcc_office"  # 县政协
    city_office = "city_office"  # 市级: registers districts (scope: the city's 4 digits)
    district_office = "district_office"  # 区县: its streets and communities (6 digits)
    street_office = "street_office"  # 街道: its communities' names and settings (9 digits)


# A division-code prefix: province (2), city (4), county (6), street (9) or community (12), ASCII digits.
SCOPE = re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12}")
_ACTOR_ID: TypeAdapter[str] = TypeAdapter(Annotated[str, StringConstraints(min_length=1, max_length=120), OneLine])


def checked_scope(scope: str) -> str:
    """The scope as given, if it is a division-code prefix (empty: no community at all)."""
    if scope and not SCOPE.fullmatch(scope):
        raise jwt.InvalidTokenError(f"the division {scope!r} is not a 2, 4, 6, 9 or 12 digit division-code prefix")
    return scope


def checked_actor_id(sub: str) -> str:
    try:
        if _ACTOR_ID.validate_python(sub) == sub:
            return sub
    except ValidationError:
        pass
    raise jwt.InvalidTokenError("the subject is not a usable id (1-120 visible characters on one line)")


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YISHI_AUTH_", extra="ignore")

    jwt_key: str = ""
    jwks_url: str = ""
    issuer: str = "yishi"
    audience: str = "yishi"
    leeway_seconds: int = Field(default=30, ge=0)
    division_claim: str = "division"
    """The claim holding the actor's division-code prefix (a Keycloak user-attribute mapper)."""


@dataclass(frozen=True)
class Actor:
    id: str
    roles: frozenset[Role]
    scope: str

    def covers(self, community_id: str) -> bool:
        return bool(self.scope) and community_id.startswith(self.scope)

    def ensure_community(self, community_id: str) -> None:
        if not self.covers(community_id):
            raise Refusal(
                "outside_your_community",
                f"您只能办理本社区（{self.scope}）的事项",
                f"you may act only within {self.scope}, not {community_id}",
                kind=NOT_YOURS,
            )

    def has(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))


class TokenVerifier:
    def __init__(self, settings: AuthSettings | None = None) -> None:
        self.settings = settings or AuthSettings()
        self._jwks = jwt.PyJWKClient(self.settings.jwks_url) if self.settings.jwks_url else None

    def verify(self, token: str) -> Actor:
        s = self.settings
        # The identity provider's tokens are checked by its JWKS; a shared-key token only where
        # that key is configured too (the dev stack, for scripts). Each key only for its own
        # algorithm, so a token can never pass off the public key as an HMAC secret.
        shared = s.jwt_key and jwt.get_unverified_header(token).get("alg") == "HS256"
        if shared or (s.jwt_key and self._jwks is None):
            key, algorithms = s.jwt_key, ["HS256"]
        elif self._jwks is not None:
            key, algorithms = self._jwks.get_signing_key_from_jwt(token).key, ["RS256", "ES256"]
        else:
            raise Refusal("auth_not_configured", "身份认证未配置", "authentication is not configured",
                          kind=RefusalKind.unavailable)
        claims = jwt.decode(
            token,
            key,
            algorithms=algorithms,
            audience=s.audience,
            issuer=s.issuer,
            leeway=s.leeway_seconds,
            options={"require": ["exp", "sub", "iss", "aud"]},
        )
        try:
            roles = frozenset(Role(r) for r in claims.get("roles", []))
        except ValueError as exc:
            raise jwt.InvalidTokenError(f"unknown role: {exc}") from exc
        scope = checked_scope(str(claims.get(s.division_claim, "")))
        return Actor(id=checked_actor_id(str(claims["sub"])), roles=roles, scope=scope)


def mint_token(key: str, *, sub: str, roles: list[str], scope: str, ttl_seconds: int = 8 * 3600,
               issuer: str = "yishi", audience: str = "yishi") -> str:
    """A development/test token signed with the shared key."""
    for role in roles:
        Role(role)
    now = int(time.time())
    claims = {"sub": sub, "roles": roles, "division": scope, "iat": now, "exp": now + ttl_seconds, "iss": issuer, "aud": audience}
    return jwt.encode(claims, key, algorithm="HS256")


def _verifier(request: Request) -> TokenVerifier:
    verifier = getattr(request.app.state, "token_verifier", None)
    if verifier is None:
        verifier = request.app.state.token_verifier = TokenVerifier()
    return verifier


def authenticated(request: Request) -> Actor:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Refusal(
            "login_required", "此操作需要工作人员登录", "this needs a staff login (Authorization: Bearer <token>)",
            kind=RefusalKind.unauthenticated,
        )
    try:
        return _verifier(request).verify(token.strip())
    except jwt.ExpiredSignatureError as exc:
        raise Refusal("token_expired", "登录已过期，请重新登录", "the token has expired",
                      kind=RefusalKind.unauthenticated) from exc
    except jwt.PyJWTError as exc:
        raise Refusal("invalid_token", "登录凭证无效", f"the token is not valid: {exc}",
                      kind=RefusalKind.unauthenticated) from exc


def role_not_allowed(roles: tuple[Role, ...]) -> Refusal:
    return Refusal(
        "role_not_allowed", f"您的角色不能执行此操作（需要：{'、'.join(roles)}）",
        f"your role may not do this (needs one of: {', '.join(roles)})", kind=NOT_YOURS,
    )


def require(*roles: Role):
    """A FastAPI dependency: an authenticated actor holding one of ``roles``."""

    def dependency(actor: Annotated[Actor, Depends(authenticated)]) -> Actor:
        if roles and not actor.has(*roles):
            raise role_not_allowed(roles)
        return actor

    return dependency
