"""The dev stack's identity provider: a real Keycloak from Maven Central's distribution, its
realm imported at start, and its tokens verified by the kit over JWKS (roles and division)."""

import jwt
import pytest

from deploy.localstack import free_port
from deploy.localstack.keycloak import LocalKeycloak
from services.kit.auth import AuthSettings, Role, TokenVerifier


@pytest.fixture(scope="module")
def keycloak(tmp_path_factory):
    kc = LocalKeycloak(tmp_path_factory.mktemp("keycloak"), port=free_port(), management_port=free_port())
    kc.start()
    yield kc
    kc.stop()


def verifier(kc: LocalKeycloak) -> TokenVerifier:
    return TokenVerifier(AuthSettings(jwks_url=kc.jwks_url, issuer=kc.issuer, audience="yishi"))


def test_each_demo_user_signs_in_with_their_roles_and_community(keycloak) -> None:
    v = verifier(keycloak)
    chair = v.verify(keycloak.password_token("qbm-chair"))
    assert chair.roles == {Role.council_chair, Role.council_member} and chair.scope == "330102001051"
    assert chair.id and chair.id != "qbm-chair"  # the stable subject id, not the (changeable) user name
    other = v.verify(keycloak.password_token("ldl-staff"))
    assert other.roles == {Role.staff} and other.scope == "330102001052"
    assert not other.covers("330102001051")
    street = v.verify(keycloak.password_token("qb-street"))
    assert street.scope == "330102001" and street.covers("330102001051") and street.covers("330102001052")


def test_a_token_of_another_issuer_or_a_wrong_password_gets_nothing(keycloak) -> None:
    token = keycloak.password_token("qbm-staff")
    elsewhere = TokenVerifier(AuthSettings(jwks_url=keycloak.jwks_url, issuer="http://elsewhere/realms/yishi"))
    with pytest.raises(jwt.InvalidIssuerError):
        elsewhere.verify(token)
    with pytest.raises(OSError):  # urllib's HTTPError: 401 from the token endpoint
        keycloak.password_token("qbm-staff", "wrong-password")
